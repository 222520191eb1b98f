// SPDX-License-Identifier: GPL-3.0-or-later
// Annotator packs in the main window (docs/TEAM.md): File > Annotator Packs…, and pack
// mode: a pack opens straight into its annotator's Label session, with the tabs that
// belong to the lead's project hidden and a line saying why.
#include "ui/mainwindow.h"

#include "core/storage/packstore.h"
#include "ui/instancetablemodel.h"
#include "ui/labelview.h"
#include "ui/packsdialog.h"
#include "ui/projectview.h"

#include <QAction>
#include <QFileInfo>
#include <QLabel>
#include <QMenu>
#include <QStatusBar>
#include <QToolBar>
#include <QTabWidget>

namespace hyper {

void MainWindow::createPackActions(QMenu *file)
{
    m_packsAction = file->addAction(tr("Annotator &Packs…"), this, &MainWindow::packsDialog);
    m_packsAction->setToolTip(tr("Hand out pack files to annotators on their own machines, and merge them back"));
    m_packsAction->setEnabled(false);
}

void MainWindow::packsDialog()
{
    if (!m_store || m_isPack)
        return;
    PacksDialog dialog(*m_store, this);
    connect(&dialog, &PacksDialog::projectChanged, this, [this] {
        m_model->refresh();
        for (ProjectView *view : m_views)
            view->setProject(m_store.get());
    });
    dialog.exec();
}

void MainWindow::applyPackMode()
{
    std::optional<PackMeta> pack;
    if (m_store) {
        try {
            pack = packs::meta(*m_store);
        } catch (const std::exception &) {
        }
    }
    m_isPack = pack.has_value();
    // In a pack only the Dataset and Label tabs make sense: everything else reads or
    // writes what belongs to the lead's project (features, runs, PPM, plans, agreement).
    LabelView *label = nullptr;
    for (ProjectView *view : m_views) {
        if (auto *l = qobject_cast<LabelView *>(view))
            label = l;
        m_tabs->setTabVisible(m_tabs->indexOf(view), !m_isPack || view == label);
    }
    m_packsAction->setEnabled(m_store && !m_isPack);
    if (m_isPack) {
        m_importAction->setEnabled(false);
        m_exportAction->setEnabled(false);
    }
    m_packBar->setVisible(m_isPack);
    if (!m_isPack || !label)
        return;
    m_packBanner->setText(
        tr("<b>Annotator pack</b> for <b>%1</b> (%2) from %3: %4 instances. Label them here and send this file back "
           "to your lead; the lead's other tabs are hidden.")
            .arg(pack->annotator.toHtmlEscaped(), pack->kind.toHtmlEscaped(), pack->projectName.toHtmlEscaped())
            .arg(pack->instances.size()));
    m_packBanner->setToolTip(tr("A pack holds only your instances, blind: no other labels, routes or features. The "
                                "Features, Training, PPM, Routing, Agreement, Calibration, Review and Team tabs belong "
                                "to the lead's project and are hidden. Your labels are saved in this file as you go."));
    m_tabs->setCurrentWidget(label);
    label->startSession(pack->annotator, pack->kind);
    statusBar()->showMessage(tr("Labelling as %1 in an annotator pack of %2.").arg(pack->annotator, pack->projectName));
}

} // namespace hyper
