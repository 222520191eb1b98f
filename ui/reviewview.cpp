// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/reviewview.h"

#include "core/domain/preference.h"
#include "core/storage/annotationstore.h"
#include "core/storage/projectstore.h"
#include "ui/instancedetailview.h"
#include "ui/labelformat.h"
#include "ui/settings.h"
#include "ui/taskcontroller.h"
#include "ui/viewhelpers.h"

#include <QCheckBox>
#include <QComboBox>
#include <QScrollBar>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QSplitter>
#include <QTableWidget>
#include <QTimer>
#include <QVBoxLayout>

namespace hyper {

namespace {
constexpr int kRetryMs = 250; // between tries of a write that found the project busy
}

namespace {

enum Column { ColInstance, ColLabels, ColFlags, ColSpread, ColSplit, ColFinal, ColCount };

// The Instance cell's data: the id (IdRole) and what the row is (KindRole, for the
// "Show" filter); every cell's sort key (SortRole).
constexpr int IdRole = Qt::UserRole;
constexpr int KindRole = Qt::UserRole + 1;
constexpr int SortRole = Qt::UserRole + 2;
constexpr int kNoFinal = -99; // the sort key of a row without a final label

enum RowKind { KindFlagged = 1, KindDisagreeing = 2, KindAdjudicated = 4 };

/** A cell that sorts by a number (SortRole), not by its text ("10" after "9"). */
class SortCell : public QTableWidgetItem
{
public:
    SortCell(const QString &text, double key)
        : QTableWidgetItem(text)
    {
        setData(SortRole, key);
    }
    bool operator<(const QTableWidgetItem &other) const override
    {
        return data(SortRole).toDouble() < other.data(SortRole).toDouble();
    }
};

constexpr Preference kChoices[] = {Preference::AClearly, Preference::ASlightly, Preference::Tie,
                                   Preference::BSlightly, Preference::BClearly};

} // namespace

ReviewView::ReviewView(QWidget *parent)
    : ProjectView(parent)
    , m_tasks(new TaskController(QStringLiteral("hyper-review"), this))
{
    m_lead = new QLineEdit(settings::reviewLead.value());
    m_lead->setObjectName(QStringLiteral("leadEdit"));
    m_lead->setPlaceholderText(tr("your name"));
    m_lead->setMaximumWidth(180);
    // Context and capture are the line edit, not the view: editingFinished also fires from
    // its focus-out while the view is being destroyed (issue 21, UBSan).
    connect(m_lead, &QLineEdit::editingFinished, m_lead,
            [lead = m_lead] { settings::reviewLead.setValue(lead->text().trimmed()); });
    m_spread = new QSpinBox;
    m_spread->setObjectName(QStringLiteral("spreadSpin"));
    m_spread->setRange(1, 4);
    m_spread->setValue(3);
    m_spread->setToolTip(tr("Disagreement: labels at least this many points apart on the 5-point scale "
                            "(A and B both chosen always counts)"));
    m_showDone = new QCheckBox(tr("Show adjudicated"));
    m_showDone->setObjectName(QStringLiteral("showDoneCheck"));
    m_routedOnly = new QCheckBox(tr("Routed to humans only"));
    m_routedOnly->setObjectName(QStringLiteral("routedOnlyCheck"));
    m_routedOnly->setChecked(true);
    m_routedOnly->setToolTip(tr("Only instances whose final label reaches the mix (route = human)"));
    connect(m_routedOnly, &QCheckBox::toggled, this, &ReviewView::refresh);
    m_refresh = new QPushButton(tr("Refresh"));
    m_refresh->setObjectName(QStringLiteral("refreshButton"));
    m_summary = new QLabel;
    m_summary->setObjectName(QStringLiteral("summaryLabel"));
    connect(m_refresh, &QPushButton::clicked, this, &ReviewView::refresh);
    connect(m_spread, &QSpinBox::valueChanged, this, &ReviewView::refresh);
    connect(m_showDone, &QCheckBox::toggled, this, &ReviewView::refresh);

    m_show = new QComboBox;
    m_show->setObjectName(QStringLiteral("showCombo"));
    m_show->addItem(tr("All"), 0);
    m_show->addItem(tr("Open"), -KindAdjudicated); // not adjudicated
    m_show->addItem(tr("Flagged"), int(KindFlagged));
    m_show->addItem(tr("Disagreeing"), int(KindDisagreeing));
    m_show->addItem(tr("Adjudicated"), int(KindAdjudicated));
    m_show->setToolTip(tr("Which of the loaded instances the list shows"));
    connect(m_show, &QComboBox::currentIndexChanged, this, [this] {
        // Adjudicated instances are loaded only with "Show adjudicated".
        if (m_show->currentData().toInt() == KindAdjudicated && !m_showDone->isChecked())
            m_showDone->setChecked(true); // refreshes; the filter applies once loaded
        else
            applyShowFilter(std::max(m_table->currentRow(), 0)); // stays on the selected row when shown
    });

    auto *bar = new QHBoxLayout;
    bar->addWidget(new QLabel(tr("Lead:")));
    bar->addWidget(m_lead);
    bar->addSpacing(12);
    bar->addWidget(new QLabel(tr("Min spread:")));
    bar->addWidget(m_spread);
    bar->addWidget(m_routedOnly);
    bar->addWidget(m_showDone);
    bar->addWidget(new QLabel(tr("Show:")));
    bar->addWidget(m_show);
    bar->addWidget(m_refresh);
    bar->addSpacing(12);
    bar->addWidget(m_summary, 1);

    m_table = view::makeTable(QStringLiteral("reviewTable"),
                              {tr("Instance"), tr("Labels"), tr("Flags"), tr("Spread"), tr("A / tie / B"), tr("Final")});
    m_table->setSortingEnabled(true); // by a click on a header; fill() keeps the order chosen
    m_table->horizontalHeader()->setSortIndicatorShown(true);
    m_table->horizontalHeader()->setSortIndicator(-1, Qt::AscendingOrder); // the queue's own order until a click
    connect(m_table, &QTableWidget::itemSelectionChanged, this, &ReviewView::showSelected);

    m_detail = new InstanceDetailView;
    m_detail->setObjectName(QStringLiteral("reviewDetail"));
    m_flags = new QLabel;
    m_flags->setObjectName(QStringLiteral("flagsLabel"));
    m_flags->setWordWrap(true);
    m_flags->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_final = new QLabel;
    m_final->setObjectName(QStringLiteral("finalLabel"));
    m_note = new QLineEdit;
    m_note->setObjectName(QStringLiteral("noteEdit"));
    m_note->setPlaceholderText(tr("note (optional): why this label"));

    auto *choices = new QHBoxLayout;
    for (int i = 0; i < 5; ++i) {
        auto *b = new QPushButton(QStringLiteral("&%1  %2").arg(i + 1).arg(labelformat::shortText(kChoices[i])));
        b->setObjectName(QStringLiteral("final%1").arg(i + 1));
        b->setToolTip(labelformat::longText(kChoices[i]) + tr(" (Alt+%1)").arg(i + 1));
        const int value = toInt(kChoices[i]);
        connect(b, &QPushButton::clicked, this, [this, value] { adjudicateSelected(value); });
        choices->addWidget(b);
        m_choices.push_back(b);
    }
    m_clear = new QPushButton(tr("Clear final label"));
    m_clear->setObjectName(QStringLiteral("clearButton"));
    connect(m_clear, &QPushButton::clicked, this, &ReviewView::clearSelected);
    choices->addSpacing(12);
    choices->addWidget(m_clear);

    auto *decide = new QGroupBox(tr("Final label"));
    auto *dl = new QVBoxLayout(decide);
    dl->addWidget(m_flags);
    dl->addWidget(m_final);
    dl->addLayout(choices);
    dl->addWidget(m_note);

    auto *right = new QWidget;
    auto *rl = new QVBoxLayout(right);
    rl->setContentsMargins(0, 0, 0, 0);
    rl->addWidget(m_detail, 1);
    rl->addWidget(decide);

    auto *split = new QSplitter(Qt::Horizontal);
    split->addWidget(m_table);
    split->addWidget(right);
    split->setStretchFactor(0, 1);
    split->setStretchFactor(1, 3);
    split->setSizes({330, 950});

    m_message = new QLabel;
    m_message->setObjectName(QStringLiteral("messageLabel"));
    m_message->setWordWrap(true);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(bar);
    layout->addWidget(split, 1);
    layout->addWidget(m_message);

    connect(m_tasks, &TaskController::failed, this, [this](const QString &m) { message(m, true); });
    connect(m_tasks, &TaskController::ended, this, [this] {
        m_refresh->setEnabled(m_store != nullptr);
        if (m_stale && m_store && isVisible()) // the project changed while the list loaded
            refresh();
    });
    setProject(nullptr);
}

ReviewView::~ReviewView() = default;

QString ReviewView::title() const { return tr("Review"); }

void ReviewView::setProject(ProjectStore *store)
{
    m_tasks->cancel();
    if (store && store == m_store) {
        // The same project with changed data: reload the queue, keep the selected item.
        m_stale = true;
        if (isVisible())
            refresh();
        return;
    }
    m_store = store;
    m_detail->setStore(store);
    m_table->setRowCount(0);
    m_detail->clear();
    m_summary->clear();
    m_flags->clear();
    m_final->clear();
    m_message->clear();
    m_refresh->setEnabled(store != nullptr);
    for (QPushButton *b : m_choices)
        b->setEnabled(false);
    m_clear->setEnabled(false);
    m_stale = true;
    if (store && isVisible())
        refresh();
}

void ReviewView::showEvent(QShowEvent *event)
{
    ProjectView::showEvent(event);
    if (m_stale && m_store)
        refresh();
}

void ReviewView::refresh()
{
    if (!m_store)
        return;
    m_stale = false;
    const int spread = m_spread->value();
    const bool all = m_showDone->isChecked();
    const bool routed = m_routedOnly->isChecked();
    const QString path = m_store->path();
    const bool started = m_tasks->start(
        path, tr("Review queue"),
        [spread, all, routed](ProjectStore &store, Feedback &) -> std::any {
            return AnnotationStore(store).reviewQueue(spread, all, routed);
        },
        [this, path](std::any &any) {
            // A list of another project's instances must never be shown here: a final
            // label would go to this project's instance of the same id.
            if (!m_store || m_store->path() != path)
                return;
            fill(std::any_cast<std::vector<ReviewItem>>(std::move(any)));
        });
    if (!started)
        m_stale = true; // a load still runs (another project's): this one follows it
    if (started) {
        m_refresh->setEnabled(false);
        m_summary->setText(tr("Loading…"));
    }
}

void ReviewView::fill(std::vector<ReviewItem> items)
{
    const qint64 keep = selectedInstance();
    const int keepAt = m_table->currentRow(); // where the kept item was, if it left the list
    QSignalBlocker block(m_table);
    m_table->setSortingEnabled(false); // while the rows are set
    m_table->setRowCount(int(items.size()));
    for (int r = 0; r < int(items.size()); ++r) {
        const ReviewItem &it = items[std::size_t(r)];
        auto *id = new SortCell(QString::number(it.instanceId), double(it.instanceId));
        id->setData(IdRole, it.instanceId);
        const bool disagreeing = it.foldedDisagree || it.spread >= double(m_spread->value());
        id->setData(KindRole, (it.flags ? KindFlagged : 0) | (disagreeing ? KindDisagreeing : 0)
                                          | (it.adjudicated ? KindAdjudicated : 0));
        m_table->setItem(r, ColInstance, id);
        m_table->setItem(r, ColLabels, new SortCell(QString::number(it.labels), it.labels));
        m_table->setItem(r, ColFlags, new SortCell(it.flags ? QString::number(it.flags) : QString(), it.flags));
        m_table->setItem(r, ColSpread, new SortCell(QString::number(it.spread, 'f', 0), it.spread));
        m_table->setItem(r, ColSplit, new SortCell(QStringLiteral("%1 / %2 / %3").arg(it.votesA).arg(it.votesTie).arg(it.votesB),
                                                   double(std::min(it.votesA, it.votesB))));
        m_table->setItem(r, ColFinal, new SortCell(it.adjudicated ? labelformat::shortText(*it.adjudicated) : QString(),
                                                   it.adjudicated ? toInt(*it.adjudicated) : kNoFinal));
    }
    m_table->setSortingEnabled(true); // sorts by the header's column, if one was clicked
    if (items.empty())
        message(m_routedOnly->isChecked() ? tr("Nothing to review among the instances routed to humans.")
                                          : tr("Nothing to review: no flags and no disagreeing labels."),
                false);
    m_table->resizeColumnsToContents();
    // The list is as wide as its columns and a scroll bar: the Final column is never cut.
    int width = 2 * m_table->frameWidth() + m_table->verticalScrollBar()->sizeHint().width();
    for (int c = 0; c < ColCount; ++c)
        width += m_table->columnWidth(c);
    m_table->setMinimumWidth(width);
    int keepRow = -1;
    for (int r = 0; r < m_table->rowCount(); ++r)
        if (m_table->item(r, ColInstance)->data(IdRole).toLongLong() == keep)
            keepRow = r;
    block.unblock();
    applyShowFilter(keepRow >= 0 ? keepRow : std::max(keepAt, 0)); // the next one, when it left
}

int ReviewView::setSelectedFinal(std::optional<Preference> final)
{
    QTableWidgetItem *idCell = m_table->item(m_table->selectedItems().first()->row(), ColInstance);
    QTableWidgetItem *finalCell = m_table->item(idCell->row(), ColFinal);
    // Its kind and sort key first: setting the text may move the row (a sorted list).
    const int kind = idCell->data(KindRole).toInt();
    idCell->setData(KindRole, final ? kind | KindAdjudicated : kind & ~KindAdjudicated);
    finalCell->setData(SortRole, final ? toInt(*final) : kNoFinal);
    finalCell->setText(final ? labelformat::shortText(*final) : QString());
    const int row = idCell->row();
    m_table->setRowHidden(row, !passesShowFilter(row));
    updateSummary();
    return row;
}

void ReviewView::updateSummary()
{
    int open = 0, shown = 0;
    for (int r = 0; r < m_table->rowCount(); ++r) {
        open += m_table->item(r, ColFinal)->text().isEmpty();
        shown += !m_table->isRowHidden(r);
    }
    m_summary->setText(tr("%1 to review, %2 loaded · %3 shown").arg(open).arg(m_table->rowCount()).arg(shown));
}

bool ReviewView::passesShowFilter(int row) const
{
    const int want = m_show->currentData().toInt();
    const int kind = m_table->item(row, ColInstance)->data(KindRole).toInt();
    return want == 0 || (want > 0 ? (kind & want) != 0 : (kind & -want) == 0);
}

void ReviewView::applyShowFilter(int anchorRow)
{
    int shown = 0, firstShown = -1, pick = -1;
    for (int r = 0; r < m_table->rowCount(); ++r) {
        const bool show = passesShowFilter(r);
        m_table->setRowHidden(r, !show);
        if (!show)
            continue;
        ++shown;
        if (firstShown < 0)
            firstShown = r;
        if (pick < 0 && r >= anchorRow)
            pick = r; // the anchor row, or the first shown one after it
    }
    if (pick < 0)
        pick = firstShown;
    updateSummary();
    if (pick >= 0) {
        m_table->selectRow(pick);
        m_table->scrollToItem(m_table->item(pick, ColInstance));
    } else {
        m_table->clearSelection();
        showSelected();
    }
}

int ReviewView::rows() const { return m_table->rowCount(); }

qint64 ReviewView::selectedInstance() const
{
    const QList<QTableWidgetItem *> sel = m_table->selectedItems();
    if (sel.isEmpty())
        return 0;
    const QTableWidgetItem *id = m_table->item(sel.first()->row(), ColInstance);
    return id ? id->data(IdRole).toLongLong() : 0;
}

void ReviewView::showSelected()
{
    const qint64 id = selectedInstance();
    for (QPushButton *b : m_choices)
        b->setEnabled(id > 0);
    m_clear->setEnabled(false);
    if (id <= 0 || !m_store) {
        m_detail->clear();
        m_flags->clear();
        m_final->setText(m_store ? tr("Nothing to review.") : QString());
        return;
    }
    m_detail->showInstance(id);
    AnnotationStore a(*m_store);
    QStringList flagLines;
    for (const LabelFlag &f : a.flags(id))
        flagLines << tr("⚑ %1 (%2): %3")
                         .arg(f.annotator.isEmpty() ? tr("someone") : f.annotator, view::localTime(f.createdAt.toString(Qt::ISODate)),
                              f.note.isEmpty() ? tr("no note") : f.note.toHtmlEscaped());
    m_flags->setText(flagLines.isEmpty() ? tr("Not flagged; the human labels disagree.") : flagLines.join(QStringLiteral("<br>")));
    const std::optional<Adjudication> adj = a.adjudication(id);
    if (adj) {
        m_final->setText(tr("Final label: <b>%1</b> by %2%3")
                             .arg(labelformat::longText(adj->overall), adj->lead.toHtmlEscaped(),
                                  adj->note.isEmpty() ? QString() : QStringLiteral(" — ") + adj->note.toHtmlEscaped()));
        m_note->setText(adj->note);
    } else {
        m_final->setText(tr("No final label yet: choose one (Alt+1 … Alt+5)."));
        m_note->clear();
    }
    m_clear->setEnabled(bool(adj));
}

void ReviewView::adjudicateSelected(int value)
{
    const qint64 id = selectedInstance();
    if (!m_store || id <= 0)
        return;
    const QString lead = m_lead->text().trimmed();
    if (lead.isEmpty()) {
        message(tr("Enter your name as the lead first."), true);
        m_lead->setFocus();
        return;
    }
    settings::reviewLead.setValue(lead);
    const Preference p = preferenceFromInt(value).value_or(Preference::Tie);
    try {
        AnnotationStore(*m_store).adjudicate(id, p, lead, m_note->text().trimmed());
    } catch (const StoreBusy &) {
        // Another program writes: say so and try again while the same item is selected.
        message(tr("Another program is writing this project; retrying the final label…"), true);
        QTimer::singleShot(kRetryMs, this, [this, id, value] {
            if (selectedInstance() == id)
                adjudicateSelected(value);
        });
        return;
    } catch (const StoreError &e) {
        message(tr("Could not save the final label: %1").arg(QString::fromUtf8(e.what())), true);
        return;
    }
    message(tr("Saved the final label of instance %1: %2.").arg(id).arg(labelformat::longText(p)), false);
    Q_EMIT projectDataChanged();
    const int row = setSelectedFinal(p); // "Open" lets it go
    // The next open item below that the list shows, else the first one.
    int next = -1;
    for (int k = 1; k <= m_table->rowCount() && next < 0; ++k) {
        const int r = (row + k) % m_table->rowCount();
        if (!m_table->isRowHidden(r) && m_table->item(r, ColFinal)->text().isEmpty())
            next = r;
    }
    if (next >= 0)
        m_table->selectRow(next);
    else
        showSelected();
}

void ReviewView::clearSelected()
{
    const qint64 id = selectedInstance();
    if (!m_store || id <= 0)
        return;
    try {
        AnnotationStore(*m_store).clearAdjudication(id);
    } catch (const StoreError &e) {
        message(tr("Could not clear the final label: %1").arg(QString::fromUtf8(e.what())), true);
        return;
    }
    setSelectedFinal(std::nullopt); // "Adjudicated" lets it go
    message(tr("Final label of instance %1 removed.").arg(id), false);
    Q_EMIT projectDataChanged();
    showSelected();
}

void ReviewView::message(const QString &text, bool error)
{
    view::setMessage(m_message, text, error);
    Q_EMIT statusMessage(text);
}

} // namespace hyper
