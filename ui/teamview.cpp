// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/teamview.h"

#include "core/jobs/feedback.h"
#include "core/storage/packstore.h"
#include "ui/packsdialog.h"
#include "ui/viewhelpers.h"

#include <QFileDialog>
#include <QFileInfo>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QInputDialog>
#include <QLabel>
#include <QLocale>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>

namespace hyper {

namespace {
enum PackColumn { PUuid, PAnnotator, PStatus, PInstances, PLabelled, PCreated, PMerged, PFile, PackColumns };

QString when(const QDateTime &t) { return t.isValid() ? t.toLocalTime().toString(QStringLiteral("yyyy-MM-dd hh:mm")) : QString(); }

QString statusText(const PackRecord &p)
{
    if (p.status == QLatin1String("reissued"))
        return TeamView::tr("reissued to %1").arg(p.reissuedTo);
    if (p.status == QLatin1String("returned"))
        return TeamView::tr("returned");
    return TeamView::tr("out");
}
} // namespace

TeamView::TeamView(QWidget *parent)
    : ProjectView(parent)
{
    m_summary = new QLabel;
    m_summary->setWordWrap(true);
    m_team = view::makeTable(QStringLiteral("teamTable"), {tr("Annotator"), tr("Kind"), tr("Packs"), tr("Assigned"),
                                                          tr("Returned"), tr("Out"), tr("Labelled"), tr("Last merge")});
    m_packs = view::makeTable(QStringLiteral("teamPacks"), {tr("Pack"), tr("Annotator"), tr("Status"), tr("Instances"),
                                                           tr("Labelled"), tr("Handed out"), tr("Merged"), tr("File")});
    m_packs->setSelectionMode(QAbstractItemView::SingleSelection);
    m_export = new QPushButton(tr("&Export Packs…"));
    m_merge = new QPushButton(tr("&Merge Packs…"));
    m_reissue = new QPushButton(tr("&Reissue…"));
    m_reissue->setObjectName(QStringLiteral("reissueButton"));
    m_reissue->setToolTip(tr("Give the unlabelled instances of a pack that has not come back to another annotator"));
    m_message = new QLabel;
    m_message->setObjectName(QStringLiteral("teamMessage"));
    m_message->setWordWrap(true);
    connect(m_export, &QPushButton::clicked, this, [this] { openPacksDialog(PacksDialog::ExportPage); });
    connect(m_merge, &QPushButton::clicked, this, [this] { openPacksDialog(PacksDialog::MergePage); });
    connect(m_reissue, &QPushButton::clicked, this, [this] {
        bool ok = false;
        const QString to = QInputDialog::getText(this, tr("Reissue Pack"), tr("Give its unlabelled instances to:"),
                                                 QLineEdit::Normal, QString(), &ok);
        if (!ok || to.trimmed().isEmpty())
            return;
        const QString folder = QFileDialog::getExistingDirectory(this, tr("Folder for the New Pack"));
        if (!folder.isEmpty())
            reissueSelected(to, folder);
    });
    connect(m_packs, &QTableWidget::itemSelectionChanged, this, &TeamView::updateButtons);
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_export);
    buttons->addWidget(m_merge);
    buttons->addStretch(1);
    buttons->addWidget(m_reissue);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_summary);
    layout->addLayout(buttons);
    layout->addWidget(view::boxed(tr("Annotators"), m_team), 1);
    layout->addWidget(view::boxed(tr("Packs"), m_packs), 1);
    layout->addWidget(m_message);
    setProject(nullptr);
}

QString TeamView::title() const { return tr("Team"); }

void TeamView::setProject(ProjectStore *store)
{
    m_store = store;
    reload();
}

void TeamView::reload()
{
    const QString keep = m_packs->selectedItems().isEmpty()
        ? QString() : m_packs->item(m_packs->selectedItems().first()->row(), PUuid)->data(Qt::UserRole).toString();
    m_team->setRowCount(0);
    m_packs->setRowCount(0);
    m_export->setEnabled(m_store != nullptr);
    m_merge->setEnabled(m_store != nullptr);
    if (!m_store) {
        m_summary->setText(tr("No project open."));
        updateButtons();
        return;
    }
    std::vector<TeamMember> team;
    std::vector<PackRecord> list;
    try {
        team = packs::team(*m_store);
        list = packs::list(*m_store);
    } catch (const std::exception &e) {
        view::setMessage(m_message, QString::fromUtf8(e.what()), true);
        return;
    }
    const QLocale locale;
    m_team->setRowCount(int(team.size()));
    for (int r = 0; r < int(team.size()); ++r) {
        const TeamMember &m = team[std::size_t(r)];
        const QString cells[] = {m.annotator, m.kind, locale.toString(m.packs), locale.toString(m.assigned),
                                 locale.toString(m.returned), locale.toString(m.out), locale.toString(m.labelled),
                                 when(m.lastMerge)};
        for (int c = 0; c < 8; ++c)
            m_team->setItem(r, c, view::tableCell(cells[c]));
    }
    m_packs->setRowCount(int(list.size()));
    int keepRow = -1;
    for (int r = 0; r < int(list.size()); ++r) {
        const PackRecord &p = list[std::size_t(r)];
        const QString cells[PackColumns] = {p.uuid.left(8), p.annotator, statusText(p), locale.toString(p.instances),
                                            locale.toString(p.labelled), when(p.created), when(p.mergedAt),
                                            QFileInfo(p.file).fileName()};
        for (int c = 0; c < PackColumns; ++c)
            m_packs->setItem(r, c, view::tableCell(cells[c], c == PUuid ? QVariant(p.uuid) : QVariant()));
        m_packs->item(r, PStatus)->setData(Qt::UserRole, p.status);
        m_packs->item(r, PFile)->setToolTip(p.file);
        if (p.uuid == keep)
            keepRow = r;
    }
    m_team->resizeColumnsToContents();
    m_packs->resizeColumnsToContents();
    if (keepRow >= 0)
        m_packs->selectRow(keepRow);
    m_summary->setText(list.empty()
        ? tr("No packs yet. A team whose members label on their own machines gets one pack file each: "
             "Export Packs… hands out the instances routed to humans; Merge Packs… brings the labels back.")
        : tr("%1 packs handed out to %2 annotators.").arg(list.size()).arg(team.size()));
    updateButtons();
}

void TeamView::updateButtons()
{
    const auto selected = m_packs->selectedItems();
    m_reissue->setEnabled(m_store && !selected.isEmpty()
                          && m_packs->item(selected.first()->row(), PStatus)->data(Qt::UserRole).toString()
                                 == QLatin1String("out"));
}

bool TeamView::reissueSelected(const QString &to, const QString &folder)
{
    const auto selected = m_packs->selectedItems();
    if (!m_store || selected.isEmpty())
        return false;
    const QString uuid = m_packs->item(selected.first()->row(), PUuid)->data(Qt::UserRole).toString();
    try {
        Feedback quiet;
        const PackFileInfo f = packs::reissue(*m_store, uuid, to, QString(), folder, quiet);
        view::setMessage(m_message, tr("Wrote %1 for %2: %3 instances.").arg(f.path, f.annotator).arg(f.instances), false);
    } catch (const std::exception &e) {
        view::setMessage(m_message, QString::fromUtf8(e.what()), true);
        return false;
    }
    reload();
    Q_EMIT projectDataChanged();
    return true;
}

void TeamView::openPacksDialog(int page)
{
    if (!m_store)
        return;
    PacksDialog dialog(*m_store, this);
    dialog.showPage(PacksDialog::Page(page));
    connect(&dialog, &PacksDialog::projectChanged, this, [this] {
        reload();
        Q_EMIT projectDataChanged();
    });
    dialog.exec();
}

} // namespace hyper
