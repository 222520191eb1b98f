// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/instancedetailview.h"

#include "core/storage/projectstore.h"
#include "ui/labelformat.h"
#include "ui/markdownview.h"

#include <QHeaderView>
#include <QLabel>
#include <QSplitter>
#include <QTableWidget>
#include <QVBoxLayout>

namespace hyper {

namespace {

QTableWidget *makeLabelTable(QWidget *parent, const QStringList &headers)
{
    auto *table = new QTableWidget(0, int(headers.size()), parent);
    table->setHorizontalHeaderLabels(headers);
    table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table->setSelectionBehavior(QAbstractItemView::SelectRows);
    table->setAlternatingRowColors(true);
    table->setWordWrap(false);
    table->verticalHeader()->hide();
    table->verticalHeader()->setDefaultSectionSize(table->fontMetrics().height() + 8);
    table->horizontalHeader()->setStretchLastSection(true);
    table->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    table->setTextElideMode(Qt::ElideRight);
    table->horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
    return table;
}

QTableWidgetItem *item(const QString &text, const QString &tooltip = {})
{
    auto *it = new QTableWidgetItem(text);
    it->setToolTip(tooltip.isEmpty() ? text : tooltip);
    return it;
}

/** Sizes columns to their contents (capped) and hides optional columns that are empty
 *  in every row, e.g. aspects that the data set does not have. */
void fitColumns(QTableWidget *table, int fixedColumns, int maxWidth)
{
    const int last = table->columnCount() - 1;
    for (int c = 0; c <= last; ++c) {
        bool empty = true;
        for (int r = 0; empty && r < table->rowCount(); ++r)
            empty = !table->item(r, c) || table->item(r, c)->text().isEmpty();
        // The leading columns (name, overall) always show; the last holds free text.
        table->setColumnHidden(c, empty && c >= fixedColumns && c < last);
    }
    // The last column is left to stretch (its full text is in the tool tip).
    for (int c = 0; c < last; ++c) {
        table->resizeColumnToContents(c);
        table->setColumnWidth(c, std::min(table->columnWidth(c), maxWidth));
    }
}

QWidget *titled(QLabel *header, QWidget *body, QWidget *parent)
{
    auto *box = new QWidget(parent);
    auto *layout = new QVBoxLayout(box);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(2);
    layout->addWidget(header);
    layout->addWidget(body, 1);
    return box;
}

QLabel *headerLabel(QWidget *parent)
{
    auto *label = new QLabel(parent);
    label->setTextFormat(Qt::RichText);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    label->setContentsMargins(2, 2, 2, 0);
    return label;
}

QString responseHeader(const QString &side, const QString &model, const QString &text)
{
    const QString modelText = model.isEmpty() ? QObject::tr("unknown model") : model.toHtmlEscaped();
    return QObject::tr("<b>Response %1</b> &nbsp;·&nbsp; %2 &nbsp;·&nbsp; <span style='color:#666'>%3</span>")
        .arg(side, modelText, labelformat::lengthText(text.size()));
}

} // namespace

InstanceDetailView::InstanceDetailView(QWidget *parent)
    : QWidget(parent)
{
    m_title = headerLabel(this);
    m_promptHeader = headerLabel(this);
    m_prompt = new MarkdownView(this);
    m_prompt->setObjectName(QStringLiteral("promptView"));
    m_headerA = headerLabel(this);
    m_headerB = headerLabel(this);
    m_responseA = new MarkdownView(this);
    m_responseB = new MarkdownView(this);

    auto *responses = new QSplitter(Qt::Horizontal, this);
    responses->addWidget(titled(m_headerA, m_responseA, responses));
    responses->addWidget(titled(m_headerB, m_responseB, responses));
    responses->setChildrenCollapsible(false);

    m_human = makeLabelTable(this,
        { tr("Annotator"), tr("Kind"), tr("Overall"), tr("Helpful"), tr("Truthful"), tr("Harmless"),
            tr("Conf."), tr("Time"), tr("Rationale") });
    m_lm = makeLabelTable(this,
        { tr("Judge"), tr("Overall"), tr("Original order"), tr("Swapped order"),
            tr("Rationale / raw output") });
    m_humanHeader = headerLabel(this);
    m_lmHeader = headerLabel(this);
    auto *labels = new QSplitter(Qt::Horizontal, this);
    labels->addWidget(titled(m_humanHeader, m_human, labels));
    labels->addWidget(titled(m_lmHeader, m_lm, labels));
    labels->setChildrenCollapsible(false);
    labels->setStretchFactor(0, 1);
    labels->setStretchFactor(1, 1);

    m_vertical = new QSplitter(Qt::Vertical, this);
    m_vertical->addWidget(titled(m_promptHeader, m_prompt, m_vertical));
    m_vertical->addWidget(responses);
    m_vertical->addWidget(labels);
    m_vertical->setStretchFactor(0, 2);
    m_vertical->setStretchFactor(1, 5);
    m_vertical->setStretchFactor(2, 3);
    m_vertical->setSizes({ 110, 300, 160 });
    m_vertical->setChildrenCollapsible(false);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 0, 4, 4);
    layout->setSpacing(2);
    layout->addWidget(m_title);
    layout->addWidget(m_vertical, 1);

    clear();
}

void InstanceDetailView::setStore(const ProjectStore *store)
{
    m_store = store;
    clear();
}

void InstanceDetailView::clear()
{
    m_instanceId = 0;
    m_title->setText(tr("<i>Select an instance to see its prompt, responses and labels.</i>"));
    m_promptHeader->setText(tr("<b>Prompt</b>"));
    m_prompt->setMarkdownText({});
    m_headerA->setText(tr("<b>Response A</b>"));
    m_headerB->setText(tr("<b>Response B</b>"));
    m_responseA->setMarkdownText({});
    m_responseB->setMarkdownText({});
    fillHumanLabels({});
    fillLmLabels({});
    m_humanHeader->setText(tr("<b>Human labels</b>"));
    m_lmHeader->setText(tr("<b>LM judges</b>"));
}

void InstanceDetailView::showInstance(qint64 instanceId)
{
    if (!m_store || instanceId <= 0) {
        clear();
        return;
    }
    std::optional<Instance> inst;
    std::vector<HumanLabel> human;
    std::vector<LmLabel> lm;
    try {
        inst = m_store->instance(instanceId);
        if (inst) {
            human = m_store->humanLabels(instanceId);
            lm = m_store->lmLabels(instanceId);
        }
    } catch (const std::exception &e) {
        clear();
        m_title->setText(tr("<span style='color:#b03a2e'>Could not load instance %1: %2</span>")
                             .arg(instanceId)
                             .arg(QString::fromUtf8(e.what()).toHtmlEscaped()));
        return;
    }
    if (!inst) {
        clear();
        return;
    }
    m_instanceId = instanceId;

    QStringList facts;
    facts << tr("<b>%1</b>")
                 .arg((inst->externalId.isEmpty() ? QString::number(inst->id) : inst->externalId)
                          .toHtmlEscaped());
    facts << splitName(inst->split);
    if (!inst->source.isEmpty())
        facts << inst->source.toHtmlEscaped();
    if (!inst->category.isEmpty())
        facts << inst->category.toHtmlEscaped();
    if (!inst->route.isEmpty())
        facts << tr("routed to %1").arg(inst->route.toHtmlEscaped());
    m_title->setText(facts.join(QStringLiteral(" &nbsp;·&nbsp; ")));

    if (inst->conversation.isEmpty()) {
        m_promptHeader->setText(tr("<b>Prompt</b> &nbsp;·&nbsp; <span style='color:#666'>%1</span>")
                                    .arg(labelformat::lengthText(inst->prompt.size())));
        m_prompt->setMarkdownText(inst->prompt);
    } else {
        const int turns = int(inst->conversation.size());
        m_promptHeader->setText(tr("<b>Prompt</b> &nbsp;·&nbsp; <span style='color:#666'>a conversation of %1"
                                   " &nbsp;·&nbsp; %2</span>")
                                    .arg(turns == 1 ? tr("1 turn") : tr("%1 turns").arg(turns),
                                         labelformat::lengthText(inst->prompt.size())));
        m_prompt->setConversation(inst->conversation, inst->prompt);
    }
    m_headerA->setText(responseHeader(QStringLiteral("A"), inst->modelA, inst->responseA));
    m_headerB->setText(responseHeader(QStringLiteral("B"), inst->modelB, inst->responseB));
    m_responseA->setMarkdownText(inst->responseA);
    m_responseB->setMarkdownText(inst->responseB);
    fillHumanLabels(human);
    fillLmLabels(lm);
    m_humanHeader->setText(tr("<b>Human labels</b> &nbsp;·&nbsp; %1").arg(human.size()));
    m_lmHeader->setText(tr("<b>LM judges</b> &nbsp;·&nbsp; %1").arg(lm.size()));
    fitLabelRows();
}

void InstanceDetailView::fitLabelRows()
{
    // Every label row in view (up to kShownLabelRows): the labels pane grows, taken from
    // the responses above it, as long as they keep a few lines.
    constexpr int kShownLabelRows = 8;
    const int rows = std::min(kShownLabelRows, std::max(m_human->rowCount(), m_lm->rowCount()));
    const int want = m_humanHeader->sizeHint().height() + m_human->horizontalHeader()->sizeHint().height()
        + rows * m_human->verticalHeader()->defaultSectionSize() + 2 * m_human->frameWidth() + 6;
    QList<int> sizes = m_vertical->sizes();
    if (sizes.size() != 3 || sizes[2] >= want || sizes[1] == 0)
        return;
    const int minResponses = 6 * fontMetrics().lineSpacing();
    const int take = std::min(want - sizes[2], std::max(0, sizes[1] - minResponses));
    if (take <= 0)
        return;
    sizes[1] -= take;
    sizes[2] += take;
    m_vertical->setSizes(sizes);
}

void InstanceDetailView::fillHumanLabels(const std::vector<HumanLabel> &labels)
{
    m_human->setRowCount(int(labels.size()));
    for (int row = 0; row < int(labels.size()); ++row) {
        const HumanLabel &l = labels[size_t(row)];
        auto aspect = [&](const char *name) {
            const auto it = l.aspects.constFind(QString::fromLatin1(name));
            return it == l.aspects.constEnd() ? QString() : labelformat::shortText(*it);
        };
        QString rationale = l.rationale;
        for (auto it = l.reasons.constBegin(); it != l.reasons.constEnd(); ++it) {
            if (!it.value().isEmpty())
                rationale += (rationale.isEmpty() ? QString() : QStringLiteral("; ")) + it.key()
                    + QStringLiteral(": ") + it.value().join(QStringLiteral(", "));
        }
        m_human->setItem(row, 0, item(l.annotator));
        m_human->setItem(row, 1, item(l.annotatorKind));
        m_human->setItem(row, 2, item(labelformat::shortText(l.overall), labelformat::longText(l.overall)));
        m_human->setItem(row, 3, item(aspect("helpfulness")));
        m_human->setItem(row, 4, item(aspect("truthfulness")));
        m_human->setItem(row, 5, item(aspect("harmlessness")));
        m_human->setItem(row, 6, item(l.confidence ? QString::number(*l.confidence, 'g', 3) : QString()));
        m_human->setItem(row, 7, item(labelformat::durationText(l.timeSpentSeconds)));
        m_human->setItem(row, 8, item(rationale.simplified(), rationale));
    }
    fitColumns(m_human, /*fixedColumns=*/3, /*maxWidth=*/160);
}

void InstanceDetailView::fillLmLabels(const std::vector<LmLabel> &labels)
{
    m_lm->setRowCount(int(labels.size()));
    for (int row = 0; row < int(labels.size()); ++row) {
        const LmLabel &l = labels[size_t(row)];
        QString overall = labelformat::shortText(l.overall);
        if (!l.overall)
            overall = tr("unusable");
        // The judge's own words are shown when they say more than the verdict: not when
        // they are the verdict itself ("B-is-clearly-better" from an imported file).
        QString text = l.rationale;
        const bool rawIsVerdict = l.raw.isEmpty() || l.raw == l.rationale
            || (l.overall && l.raw.compare(preferenceName(*l.overall), Qt::CaseInsensitive) == 0);
        if (!rawIsVerdict)
            text = text.isEmpty()
                ? tr("judge's reply: %1").arg(l.raw)
                : text + QStringLiteral("  [") + tr("judge's reply: %1").arg(l.raw) + QStringLiteral("]");
        m_lm->setItem(row, 0, item(l.judge));
        m_lm->setItem(row, 1, item(overall, labelformat::longText(l.overall)));
        m_lm->setItem(row, 2,
            item(labelformat::shortText(l.verdictOriginalOrder),
                labelformat::longText(l.verdictOriginalOrder)));
        m_lm->setItem(row, 3,
            item(
                labelformat::shortText(l.verdictSwappedOrder), labelformat::longText(l.verdictSwappedOrder)));
        m_lm->setItem(row, 4, item(text.simplified(), text));
    }
    fitColumns(m_lm, /*fixedColumns=*/2, /*maxWidth=*/200);
}

QString InstanceDetailView::promptText() const
{
    return m_prompt->sourceText();
}

QString InstanceDetailView::responseAText() const
{
    return m_responseA->sourceText();
}

QString InstanceDetailView::responseBText() const
{
    return m_responseB->sourceText();
}

int InstanceDetailView::humanLabelRows() const
{
    return m_human->rowCount();
}

int InstanceDetailView::lmLabelRows() const
{
    return m_lm->rowCount();
}

} // namespace hyper
