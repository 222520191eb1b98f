// SPDX-License-Identifier: GPL-3.0-or-later
// The PPM tab's three plots: out-of-fold predicted vs actual, the learning curve, and the
// feature-importance bars.
#include "core/routing/planner.h"
#include "ui/featuresview.h"
#include "ui/ppmview.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSplitter>
#include "ui/plot.h"

#include <algorithm>

namespace hyper {

namespace {

void styleTitle(QCustomPlot *plot, const QString &title)
{
    plot->plotLayout()->insertRow(0);
    auto *t = new QCPTextElement(plot, title, QFont(plot->font().family(), 10, QFont::Bold));
    plot->plotLayout()->addElement(0, 0, t);
}

/** The title styleTitle put in row 0. */
void setTitle(QCustomPlot *plot, const QString &title)
{
    if (auto *t = qobject_cast<QCPTextElement *>(plot->plotLayout()->element(0, 0)))
        t->setText(title);
}

std::vector<double> numbers(const QJsonValue &v)
{
    std::vector<double> out;
    for (const QJsonValue &x : v.toArray())
        out.push_back(x.toDouble());
    return out;
}

} // namespace

void PpmView::showEvent(QShowEvent *event)
{
    ProjectView::showEvent(event);
    for (QCustomPlot *plot : {m_scatter, m_curve, m_importance})
        plot->replot(QCustomPlot::rpQueuedReplot);
}

QWidget *PpmView::createPlots()
{
    m_scatter = new QCustomPlot;
    m_scatter->setObjectName(QStringLiteral("scatterPlot"));
    styleTitle(m_scatter, tr("Out-of-fold prediction vs measured score"));
    m_scatter->xAxis->setLabel(tr("measured"));
    m_scatter->yAxis->setLabel(tr("predicted"));
    m_scatter->addGraph(); // diagonal
    m_scatter->graph(0)->setPen(QPen(Qt::gray, 1, Qt::DashLine));
    m_scatter->addGraph();
    m_scatter->graph(1)->setLineStyle(QCPGraph::lsNone);
    m_scatter->graph(1)->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, QColor(31, 119, 180), 5));

    m_curve = new QCustomPlot;
    m_curve->setObjectName(QStringLiteral("learningCurvePlot"));
    styleTitle(m_curve, tr("Learning curve (k-fold CV)"));
    m_curve->xAxis->setLabel(tr("training candidates"));
    m_curve->yAxis->setLabel(tr("Spearman ρ"));
    m_curve->yAxis2->setLabel(tr("RMSE"));
    m_curve->yAxis2->setVisible(true);
    m_curve->addGraph(m_curve->xAxis, m_curve->yAxis);
    m_curve->graph(0)->setName(tr("Spearman ρ"));
    m_curve->graph(0)->setPen(QPen(QColor(31, 119, 180), 2));
    m_curve->graph(0)->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, 6));
    m_curve->addGraph(m_curve->xAxis, m_curve->yAxis2);
    m_curve->graph(1)->setName(tr("RMSE"));
    m_curve->graph(1)->setPen(QPen(QColor(214, 39, 40), 2, Qt::DashLine));
    m_curve->graph(1)->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssSquare, 6));
    m_curve->legend->setVisible(true);
    m_curve->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignBottom | Qt::AlignRight);

    m_importance = new QCustomPlot;
    m_importance->setObjectName(QStringLiteral("importancePlot"));
    styleTitle(m_importance, tr("Feature importance: gain of 100 carriers to humans vs all-LM"));
    m_importance->xAxis->setLabel(tr("predicted gain"));
    m_importance->setMinimumWidth(420);

    auto *left = new QSplitter(Qt::Vertical);
    left->addWidget(m_scatter);
    left->addWidget(m_curve);
    auto *split = new QSplitter(Qt::Horizontal);
    split->addWidget(left);
    split->addWidget(m_importance);
    split->setStretchFactor(0, 2);
    split->setStretchFactor(1, 3);
    return split;
}

void PpmView::plotFit(const QString &cvJson)
{
    const QJsonObject cv = QJsonDocument::fromJson(cvJson.toUtf8()).object();
    // A fit by the reference's protocol (hyper ppm fit --protocol reference) stores its test
    // rows' predictions and the curve of its one split, not k-fold results.
    const bool holdout = cv.value(QStringLiteral("protocol")).toString() == QLatin1String("reference");
    setTitle(m_scatter, holdout ? tr("Test-split prediction vs measured score") : tr("Out-of-fold prediction vs measured score"));
    setTitle(m_curve, holdout ? tr("Training curve (one 80/20 split)") : tr("Learning curve (k-fold CV)"));
    const std::vector<double> actual = numbers(cv.value(QStringLiteral("actual")));
    const std::vector<double> predicted = numbers(cv.value(QStringLiteral("predicted")));
    QVector<double> ax, py;
    for (std::size_t i = 0; i < actual.size() && i < predicted.size(); ++i) {
        ax << actual[i];
        py << predicted[i];
    }
    m_scatter->graph(1)->setData(ax, py, true);
    if (!ax.isEmpty()) {
        const auto [aMin, aMax] = std::minmax_element(ax.begin(), ax.end());
        const auto [pMin, pMax] = std::minmax_element(py.begin(), py.end());
        const double lo = std::min(*aMin, *pMin), hi = std::max(*aMax, *pMax);
        const double pad = std::max(1e-3, (hi - lo) * 0.05);
        m_scatter->graph(0)->setData(QVector<double>{lo - pad, hi + pad}, QVector<double>{lo - pad, hi + pad});
        m_scatter->xAxis->setRange(lo - pad, hi + pad);
        m_scatter->yAxis->setRange(lo - pad, hi + pad);
        showPlotAxes(m_scatter);
        replotIfSized(m_scatter);
    } else {
        m_scatter->graph(0)->data()->clear();
        showEmptyPlot(m_scatter, tr("Fit a PPM to see its\nout-of-fold predictions"));
    }

    QVector<double> size, rho, err;
    for (const QJsonValue &v : cv.value(QStringLiteral("learning_curve")).toArray()) {
        const QJsonObject p = v.toObject();
        size << p.value(QStringLiteral("train_size")).toDouble();
        rho << p.value(QStringLiteral("spearman")).toDouble();
        err << p.value(QStringLiteral("rmse")).toDouble();
    }
    m_curve->graph(0)->setData(size, rho, true);
    m_curve->graph(1)->setData(size, err, true);
    if (!size.isEmpty()) {
        m_curve->xAxis->setRange(0, size.back() * 1.05);
        const auto [rMin, rMax] = std::minmax_element(rho.begin(), rho.end());
        m_curve->yAxis->setRange(std::min(0.0, *rMin - 0.05), std::max(1.0, *rMax + 0.05));
        const auto [eMin, eMax] = std::minmax_element(err.begin(), err.end());
        m_curve->yAxis2->setRange(0, *eMax * 1.1 + 1e-9);
        Q_UNUSED(eMin);
        showPlotAxes(m_curve, /*rightAxis=*/true, /*legend=*/true);
        replotIfSized(m_curve);
    } else {
        showEmptyPlot(m_curve, tr("Fit a PPM to see\nits learning curve"));
    }
}

void PpmView::plotImportance(const ImportanceReport &report)
{
    m_importance->clearPlottables();
    // Top and bottom features: 12 of each (all when there are fewer than 24).
    // Features no train instance carries have no gain to show: left out, so that the
    // "lowest" half is the features that lose most, not a row of zeros.
    std::vector<const routing::FeatureImportance *> all;  // sorted by gain, descending
    for (const routing::FeatureImportance &f : report.importance)
        if (f.carriers > 0)
            all.push_back(&f);
    if (all.empty()) {
        showEmptyPlot(m_importance, report.importance.empty() ? tr("Fit a PPM to see which features gain most\n"
                                                                   "from human labels")
                                                              : tr("No feature is carried by a train instance"));
        return;
    }
    showPlotAxes(m_importance);
    std::vector<const routing::FeatureImportance *> shown;
    const std::size_t k = 12;
    for (std::size_t i = 0; i < all.size(); ++i)
        if (all.size() <= 2 * k || i < k || i >= all.size() - k)
            shown.push_back(all[i]);
    QSharedPointer<QCPAxisTickerText> ticker(new QCPAxisTickerText);
    QVector<double> pos, gain, negPos, negGain;
    double lo = 0, hi = 0;
    // Bottom of the axis = the weakest feature, top = the strongest.
    for (std::size_t i = 0; i < shown.size(); ++i) {
        const double y = double(shown.size() - i);
        const auto *f = shown[i];
        QString label = featureDisplayName(f->feature);
        if (f->sampled < f->carriers || f->carriers < 100)
            label += QStringLiteral(" (%1)").arg(f->carriers);
        ticker->addTick(y, label);
        (f->gain >= 0 ? pos : negPos) << y;
        (f->gain >= 0 ? gain : negGain) << f->gain;
        lo = std::min(lo, f->gain);
        hi = std::max(hi, f->gain);
    }
    auto *up = new QCPBars(m_importance->yAxis, m_importance->xAxis);
    up->setData(pos, gain);
    up->setBrush(QColor(44, 160, 44));
    up->setPen(Qt::NoPen);
    up->setWidth(0.7);
    auto *down = new QCPBars(m_importance->yAxis, m_importance->xAxis);
    down->setData(negPos, negGain);
    down->setBrush(QColor(214, 39, 40));
    down->setPen(Qt::NoPen);
    down->setWidth(0.7);
    m_importance->yAxis->setTicker(ticker);
    m_importance->yAxis->setRange(0.3, double(shown.size()) + 0.7);
    m_importance->yAxis->setTickLabelFont(QFont(m_importance->font().family(), 8));
    const double pad = std::max(1e-6, (hi - lo) * 0.08);
    m_importance->xAxis->setRange(lo - pad, hi + pad);
    replotIfSized(m_importance);
}

} // namespace hyper
