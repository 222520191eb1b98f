// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/agreementview.h"

#include "core/labels/agreementreport.h"
#include "core/storage/agreementqueries.h"
#include "core/storage/projectstore.h"
#include "ui/featuresview.h"
#include "ui/taskcontroller.h"
#include "ui/viewhelpers.h"

#include <QComboBox>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QSplitter>
#include <QTableWidget>
#include <QVBoxLayout>
#include "ui/plot.h"

#include <algorithm>
#include <cmath>

namespace hyper {

namespace {

void setRow(QTableWidget *t, int row, const QStringList &cells)
{
    for (int c = 0; c < cells.size(); ++c)
        t->setItem(row, c, new QTableWidgetItem(cells[c]));
}

} // namespace

AgreementView::AgreementView(QWidget *parent)
    : ReportView(QStringLiteral("hyper-agreement"), parent)
{
    m_pairs = view::makeTable(QStringLiteral("pairsTable"), {tr("Annotator A"), tr("Annotator B"), tr("Shared"),
                                                       tr("Agreement"), tr("Cohen's κ"), tr("κ 5-point (quadratic)")});
    m_pairs->setToolTip(tr("Agreement and kappa on the folded classes (A better, tie, B better)"));
    m_judges = view::makeTable(QStringLiteral("judgesTable"), {tr("Judge"), tr("Labels"), tr("Decided"), tr("Agreement"),
                                                         tr("κ (A/tie/B)"), tr("Order consistency"),
                                                         tr("Inconsistent → first shown")});
    m_judges->setToolTip(tr("Each judge against the human majority; a judge tie counts as a miss"));
    connect(m_judges, &QTableWidget::itemSelectionChanged, this, [this] {
        const QList<QTableWidgetItem *> items = m_judges->selectedItems();
        if (!items.isEmpty())
            showJudge(items.first()->row());
    });
    m_positions = view::makeTable(QStringLiteral("positionsTable"),
                            {tr("Annotator"), tr("Labels with shown order"), tr("Picked left"), tr("p (vs 50%)")});
    m_tags = new QCustomPlot;
    m_tags->setObjectName(QStringLiteral("tagAgreementPlot"));
    m_tags->xAxis->setLabel(tr("agreement with the human majority"));
    m_tags->xAxis->setRange(0, 1);
    m_tags->setMinimumWidth(380);

    auto *left = new QSplitter(Qt::Vertical);
    left->addWidget(view::boxed(tr("Annotator pairs"), m_pairs));
    left->addWidget(view::boxed(tr("Judges vs the human majority"), m_judges));
    left->addWidget(view::boxed(tr("Annotator position bias"), m_positions));
    auto *split = new QSplitter(Qt::Horizontal);
    split->addWidget(left);
    split->addWidget(view::boxed(tr("Selected judge: agreement per tag (lowest first)"), m_tags));
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);
    setBody(split);
}

AgreementView::~AgreementView() = default;

QString AgreementView::title() const
{
    return tr("Agreement");
}

void AgreementView::showEvent(QShowEvent *event)
{
    ReportView::showEvent(event);
    m_tags->replot(QCustomPlot::rpQueuedReplot);
}

void AgreementView::clearReport()
{
    m_report.reset();
}

void AgreementView::startReport(const QString &projectPath, const std::optional<Split> &split)
{
    startFor(
        tasks(), projectPath, tr("Agreement"),
        [split](ProjectStore &store, Feedback &) -> std::any {
            return labels::computeAgreement(loadLabelTable(store, split));
        },
        [this](std::any &any) {
            m_report = std::make_unique<labels::AgreementReport>(std::any_cast<labels::AgreementReport>(any));
            showReport();
        });
}

void AgreementView::showReport()
{
    m_pairs->setRowCount(0);
    m_judges->setRowCount(0);
    m_positions->setRowCount(0);
    showJudge(-1);
    if (!m_report) {
        view::setMessage(summary(), store() ? QString() : tr("No project open."), false);
        return;
    }
    const labels::AgreementReport &r = *m_report;
    view::setMessage(summary(), QString(), false);
    summary()->setText(tr("%1 instances, %2 with human labels, %3 annotators. Krippendorff's α: ordinal %4, "
                          "A/tie/B %5 (%6 units).")
                           .arg(r.instances)
                           .arg(r.humanLabelled)
                           .arg(r.annotators.size())
                           .arg(view::number(r.alpha.ordinal.alpha), view::number(r.alpha.nominal3.alpha))
                           .arg(r.alpha.ordinal.units));
    m_pairs->setRowCount(int(r.pairs.size()));
    for (int i = 0; i < int(r.pairs.size()); ++i) {
        const labels::PairReport &p = r.pairs[std::size_t(i)];
        setRow(m_pairs, i, {r.annotatorNames.value(p.a), r.annotatorNames.value(p.b), QString::number(p.folded.n),
                            view::number(p.folded.percent), view::number(p.folded.kappa),
                            view::number(p.fiveQuadratic)});
    }
    m_judges->setRowCount(int(r.judges.size()));
    for (int j = 0; j < int(r.judges.size()); ++j) {
        const labels::JudgeReport &jr = r.judges[std::size_t(j)];
        const auto &pos = jr.position;
        setRow(m_judges, j, {jr.judge, QString::number(jr.labels), QString::number(jr.n), view::number(jr.agreement),
                             view::number(jr.three.kappa), pos ? view::number(pos->consistency) : QStringLiteral("–"),
                             pos ? QStringLiteral("%1 (p %2)")
                                       .arg(view::number(pos->firstShare), view::number(pos->pValue, 3))
                                 : QStringLiteral("–")});
    }
    m_positions->setRowCount(int(r.annotatorPosition.size()));
    for (int i = 0; i < int(r.annotatorPosition.size()); ++i) {
        const labels::AnnotatorPosition &a = r.annotatorPosition[std::size_t(i)];
        setRow(m_positions, i, {a.annotator, QString::number(a.n), view::number(a.leftShare), view::number(a.pValue)});
    }
    for (QTableWidget *t : {m_pairs, m_judges, m_positions})
        t->resizeColumnsToContents();
    if (!r.judges.empty())
        m_judges->selectRow(0);
}

void AgreementView::showJudge(int j)
{
    m_tags->clearPlottables();
    m_tags->clearItems();
    if (!m_report || j < 0 || j >= int(m_report->judges.size())) {
        showEmptyPlot(m_tags, !m_report ? (!store() ? tr("No project open")
                                           : tasks()->isRunning() ? tr("Computing…")
                                                                  : tr("No report: press Refresh"))
                              : m_report->judges.empty() ? tr("No LM judge labels on these instances")
                                                         : tr("Select a judge"));
        return;
    }
    showPlotAxes(m_tags);
    const labels::JudgeReport &jr = m_report->judges[std::size_t(j)];
    std::vector<const labels::TagAgreement *> tags;
    for (const labels::TagAgreement &t : jr.perTag)
        if (t.n >= 10 && !std::isnan(t.agreement)) // too few decided instances say nothing
            tags.push_back(&t);
    std::stable_sort(tags.begin(), tags.end(),
                     [](const auto *a, const auto *b) { return a->agreement < b->agreement; });
    if (tags.size() > 25)
        tags.resize(25);
    QSharedPointer<QCPAxisTickerText> ticker(new QCPAxisTickerText);
    QVector<double> pos, value;
    for (std::size_t i = 0; i < tags.size(); ++i) {
        const double y = double(tags.size() - i);
        ticker->addTick(y, QStringLiteral("%1 (%2)").arg(featureDisplayName(tags[i]->tag)).arg(tags[i]->n));
        pos << y;
        value << tags[i]->agreement;
    }
    auto *bars = new QCPBars(m_tags->yAxis, m_tags->xAxis);
    bars->setData(pos, value);
    bars->setBrush(QColor(148, 103, 189));
    bars->setPen(Qt::NoPen);
    bars->setWidth(0.7);
    m_tags->yAxis->setTicker(ticker);
    m_tags->yAxis->setTickLabelFont(QFont(font().family(), 8));
    m_tags->yAxis->setRange(0.3, double(std::max<std::size_t>(tags.size(), 1)) + 0.7);
    m_tags->xAxis->setRange(0, 1);
    if (!std::isnan(jr.agreement)) { // the judge's overall agreement
        auto *line = new QCPItemStraightLine(m_tags);
        line->point1->setCoords(jr.agreement, 0);
        line->point2->setCoords(jr.agreement, 1);
        line->setPen(QPen(QColor(255, 127, 14), 1.5, Qt::DashLine));
    }
    replotIfSized(m_tags);
}

} // namespace hyper
