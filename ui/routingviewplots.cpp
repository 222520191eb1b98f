// SPDX-License-Identifier: GPL-3.0-or-later
// The Routing tab's plots: predicted score against the budget, and the selected plan's
// human share per tag.
#include "core/routing/planner.h"
#include "ui/featuresview.h"
#include "ui/routingview.h"

#include <QTableWidget>
#include "ui/plot.h"

#include <algorithm>

namespace hyper {

namespace {
enum Graph { GSimulated, GRandom, GRandomHi, GRandomLo, GLm, GHuman, GPlan };
}

void RoutingView::showEvent(QShowEvent *event)
{
    ProjectView::showEvent(event);
    m_curve->replot(QCustomPlot::rpQueuedReplot);
    m_shares->replot(QCustomPlot::rpQueuedReplot);
    if (m_curveStale && m_store && m_hasModel && !isBusy())
        updateCurve();
}

void RoutingView::plotCurve(const BudgetOverview &o)
{
    QVector<double> x, best, mean, hi, lo;
    for (const routing::BudgetPoint &p : o.points) {
        const double pct = o.instances ? 100.0 * double(p.budget) / double(o.instances) : 0.0;
        x << pct;
        best << p.simulatedBest;
        mean << p.randomMean;
        hi << p.randomMean + p.randomStd;
        lo << p.randomMean - p.randomStd;
    }
    m_curve->graph(GSimulated)->setData(x, best, true);
    m_curve->graph(GRandom)->setData(x, mean, true);
    m_curve->graph(GRandomHi)->setData(x, hi, true);
    m_curve->graph(GRandomLo)->setData(x, lo, true);
    m_curve->graph(GLm)->setData(QVector<double>{0, 100}, QVector<double>{o.allLm, o.allLm});
    m_curve->graph(GHuman)->setData(QVector<double>{0, 100}, QVector<double>{o.allHuman, o.allHuman});
    double yMin = std::min(o.allLm, o.allHuman), yMax = std::max(o.allLm, o.allHuman);
    for (int i = 0; i < x.size(); ++i) {
        yMin = std::min({yMin, best[i], lo[i]});
        yMax = std::max({yMax, best[i], hi[i]});
    }
    const double pad = std::max(1e-4, (yMax - yMin) * 0.08);
    m_curve->xAxis->setRange(0, 100);
    m_curve->yAxis->setRange(yMin - pad, yMax + pad);
    showPlotAxes(m_curve, /*rightAxis=*/false, /*legend=*/true);
    markPlanOnCurve();
}

void RoutingView::markPlanOnCurve()
{
    QCPGraph *plan = m_curve->graph(GPlan);
    plan->data()->clear();
    for (int r = 0; r < m_plans->rowCount(); ++r) {
        if (m_plans->item(r, 0)->data(Qt::UserRole).toLongLong() != m_selectedPlan)
            continue;
        const QVariant predicted = m_plans->item(r, 4)->data(Qt::UserRole);
        const qint64 human = m_plans->item(r, 3)->data(Qt::UserRole).toLongLong();
        if (predicted.isValid() && m_instances > 0)
            plan->addData(100.0 * double(human) / double(m_instances), predicted.toDouble());
    }
    replotIfSized(m_curve);
}

void RoutingView::plotShares(const std::vector<TagShare> &shares, qint64 human)
{
    m_shares->clearPlottables();
    m_shares->clearItems();
    // The metadata tags (not the lexical score bins), ordered by share; at most 30.
    std::vector<const TagShare *> shown;
    for (const TagShare &s : shares)
        if (s.carriers > 0)
            shown.push_back(&s);
    if (shown.empty()) {
        showEmptyPlot(m_shares, human > 0 ? tr("No tagged instances: compute the features\n(Features tab)")
                                          : tr("Select a plan to see its\nhuman share per tag"));
        return;
    }
    showPlotAxes(m_shares);
    std::stable_sort(shown.begin(), shown.end(), [](const TagShare *a, const TagShare *b) {
        return double(a->routed) / double(a->carriers) > double(b->routed) / double(b->carriers);
    });
    const std::size_t limit = 30;
    if (shown.size() > limit) // keep the 15 highest and the 15 lowest shares
        shown.erase(shown.begin() + limit / 2, shown.end() - limit / 2);
    QSharedPointer<QCPAxisTickerText> ticker(new QCPAxisTickerText);
    QVector<double> pos, share;
    for (std::size_t i = 0; i < shown.size(); ++i) {
        const double y = double(shown.size() - i);
        ticker->addTick(y, QStringLiteral("%1 (%2/%3)")
                               .arg(featureDisplayName(shown[i]->feature))
                               .arg(shown[i]->routed)
                               .arg(shown[i]->carriers));
        pos << y;
        share << double(shown[i]->routed) / double(shown[i]->carriers);
    }
    auto *bars = new QCPBars(m_shares->yAxis, m_shares->xAxis);
    bars->setData(pos, share);
    bars->setBrush(QColor(31, 119, 180));
    bars->setPen(Qt::NoPen);
    bars->setWidth(0.7);
    m_shares->yAxis->setTicker(ticker);
    m_shares->yAxis->setTickLabelFont(QFont(font().family(), 8));
    m_shares->yAxis->setRange(0.3, double(std::max<std::size_t>(shown.size(), 1)) + 0.7);
    m_shares->xAxis->setRange(0, 1);
    if (m_instances > 0 && !shown.empty()) {
        // The plan's overall human share: a tag above it is favoured for humans.
        auto *line = new QCPItemStraightLine(m_shares);
        const double overall = double(human) / double(m_instances);
        line->point1->setCoords(overall, 0);
        line->point2->setCoords(overall, 1);
        line->setPen(QPen(QColor(255, 127, 14), 1.5, Qt::DashLine));
    }
    replotIfSized(m_shares);
}

} // namespace hyper
