// SPDX-License-Identifier: GPL-3.0-or-later
// The LM menu of the main window (docs/GUI.md "LM menu"): Endpoints…, Judge…, Judge with a
// reward model…, Tag….
#include "ui/mainwindow.h"

#include "ui/instancetablemodel.h"
#include "ui/lmendpointsdialog.h"
#include "ui/lmjobdialog.h"
#include "ui/rmjudgedialog.h"

#include <QItemSelectionModel>
#include <QMenu>
#include <QMenuBar>
#include <QStatusBar>
#include <QTableView>

#include <algorithm>

namespace hyper {

std::vector<qint64> MainWindow::selectedInstanceIds() const
{
    std::vector<qint64> ids;
    if (!m_view->selectionModel())
        return ids;
    for (const QModelIndex &index : m_view->selectionModel()->selectedRows())
        if (const qint64 id = m_model->instanceId(index.row()); id > 0)
            ids.push_back(id);
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    return ids;
}

LmJobDialog *MainWindow::createLmJobDialog(bool judge)
{
    if (!m_store)
        return nullptr;
    auto *dialog = new LmJobDialog(judge ? LmJobDialog::Kind::Judge : LmJobDialog::Kind::Tag, *m_store,
                                   selectedInstanceIds(), this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    // Each result is committed as it arrives; at the end the table and the tabs reload.
    connect(dialog, &LmJobDialog::jobEnded, this, [this] {
        if (!m_store)
            return;
        reload();
        setProjectOnViews();
    });
    return dialog;
}

void MainWindow::createLmMenu()
{
    QMenu *lm = menuBar()->addMenu(tr("&LM"));
    QAction *endpoints = lm->addAction(tr("&Endpoints…"), this, [this] {
        if (!m_store)
            return;
        LmEndpointsDialog dialog(*m_store, this);
        dialog.exec();
    });
    lm->addSeparator();
    QAction *judge = lm->addAction(tr("&Judge…"), this, [this] {
        if (LmJobDialog *d = createLmJobDialog(true))
            d->open();
    });
    QAction *rmJudge = lm->addAction(tr("Judge with a &reward model…"), this, [this] {
        if (!m_store)
            return;
        auto *dialog = new RmJudgeDialog(*m_store, selectedInstanceIds(), this);
        dialog->setAttribute(Qt::WA_DeleteOnClose);
        connect(dialog, &RmJudgeDialog::jobEnded, this, [this] {
            if (!m_store)
                return;
            reload();
            setProjectOnViews();
        });
        dialog->open();
    });
    rmJudge->setObjectName(QStringLiteral("rmJudgeAction"));
    QAction *tag = lm->addAction(tr("&Tag…"), this, [this] {
        if (LmJobDialog *d = createLmJobDialog(false))
            d->open();
    });
    connect(lm, &QMenu::aboutToShow, this, [this, endpoints, judge, rmJudge, tag] {
        for (QAction *a : {endpoints, judge, rmJudge, tag})
            a->setEnabled(m_store != nullptr);
    });
}

} // namespace hyper
