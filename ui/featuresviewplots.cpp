// SPDX-License-Identifier: GPL-3.0-or-later
// The plots of FeaturesView: a histogram of a lexical score with its bin edges, or the
// counts of a tag column's values.
#include "ui/featuresview.h"

#include "core/features/featureset.h"
#include "core/storage/featurestore.h"
#include "core/storage/projectstore.h"

#include <QLabel>
#include <QLocale>
#include <QSortFilterProxyModel>
#include <QStandardItemModel>
#include "ui/plot.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>

namespace hyper {

namespace {

using features::FeatureDef;
using features::TagKind;

constexpr int kHistogramBins = 40;
const QColor kSelected(0x2b, 0x6c, 0xb0);
const QColor kOther(0xb8, 0xc2, 0xcc);
const QColor kEdge(0xc0, 0x39, 0x2b);

const FeatureDef *defOf(const QString &name)
{
    for (const FeatureDef &d : features::featureTable())
        if (d.name == name)
            return &d;
    return nullptr;
}

void resetAxes(QCustomPlot *plot)
{
    plot->xAxis->setTicker(QSharedPointer<QCPAxisTicker>(new QCPAxisTicker));
    plot->xAxis->setTickLabelRotation(0);
    plot->yAxis->setLabel(FeaturesView::tr("instances"));
}

/** Bars in two colours: those for which selected(i) holds stand out. */
void addBars(QCustomPlot *plot, const QVector<double> &keys, const QVector<double> &values, double width,
    const std::function<bool(int)> &selected)
{
    auto *on = new QCPBars(plot->xAxis, plot->yAxis);
    auto *off = new QCPBars(plot->xAxis, plot->yAxis);
    for (auto [bars, color] : { std::pair { on, kSelected }, std::pair { off, kOther } }) {
        bars->setWidth(width);
        bars->setPen(QPen(color.darker(115)));
        bars->setBrush(color);
    }
    on->setName(FeaturesView::tr("this feature"));
    off->setName(FeaturesView::tr("other bins"));
    double top = 0;
    for (int i = 0; i < keys.size(); ++i) {
        (selected(i) ? on : off)->addData(keys[i], values[i]);
        top = std::max(top, values[i]);
    }
    plot->yAxis->setRange(0, std::max(1.0, top * 1.12));
}

void addEdge(QCustomPlot *plot, double x, const QString &label)
{
    auto *line = new QCPItemStraightLine(plot);
    line->point1->setCoords(x, 0);
    line->point2->setCoords(x, 1);
    line->setPen(QPen(kEdge, 1.5, Qt::DashLine));
    auto *text = new QCPItemText(plot);
    text->position->setTypeX(QCPItemPosition::ptPlotCoords);
    text->position->setTypeY(QCPItemPosition::ptAxisRectRatio);
    text->position->setCoords(x, 0.01);
    text->setPositionAlignment(Qt::AlignTop | Qt::AlignLeft);
    text->setPadding(QMargins(4, 0, 0, 0));
    text->setColor(kEdge);
    text->setText(label);
}

/** The raw value where the percentile rank crosses edge: halfway between the largest
 *  value ranked <= edge and the smallest ranked above it. */
double rawEdge(const std::vector<double> &values, const std::vector<double> &ranks, double edge)
{
    double below = -std::numeric_limits<double>::infinity(), above = std::numeric_limits<double>::infinity();
    for (size_t i = 0; i < values.size(); ++i) {
        if (ranks[i] <= edge)
            below = std::max(below, values[i]);
        else
            above = std::min(above, values[i]);
    }
    if (!std::isfinite(below))
        return above;
    if (!std::isfinite(above))
        return below;
    return (below + above) / 2;
}

} // namespace

void FeaturesView::plotLexical(const QString &name)
{
    const FeatureDef *d = defOf(name);
    if (!d || !m_store)
        return;
    const QString score = features::scoreName(d->score);
    std::vector<double> values;
    try {
        values = FeatureStore(*m_store).scoreValues(score);
    } catch (const std::exception &e) {
        m_plotNote->setText(QString::fromUtf8(e.what()));
        return;
    }
    resetAxes(m_plot);
    const QLocale locale;
    if (values.empty()) {
        m_plotNote->setText(tr("No raw %1 values are stored.").arg(score));
        return;
    }
    const bool length = features::isLengthScore(d->score);
    double lo = 0, hi = 1, selLo = d->minVal, selHi = d->maxVal;
    QString note;
    if (length) {
        // Length scores are binned on their percentile rank, which is uniform by
        // construction; the raw token counts say more, with the rank edges mapped onto them.
        const std::vector<double> ranks = features::percentileRanks(values);
        const double e1 = rawEdge(values, ranks, 0.33), e2 = rawEdge(values, ranks, 0.67);
        std::vector<double> sorted = values;
        std::sort(sorted.begin(), sorted.end());
        lo = sorted.front();
        const double p99 = sorted[size_t(double(sorted.size() - 1) * 0.99)];
        hi = sorted.back() > 3 * std::max(1.0, p99) ? p99 : sorted.back();
        hi = std::max(hi, lo + 1);
        const double edges[] = { -std::numeric_limits<double>::infinity(), e1, e2,
            std::numeric_limits<double>::infinity() };
        const int bin = d->minVal < 0.1 ? 0 : d->minVal < 0.5 ? 1 : 2;
        selLo = edges[bin];
        selHi = edges[bin + 1];
        addEdge(m_plot, e1, tr("rank 0.33 ≈ %1").arg(e1, 0, 'f', 1));
        addEdge(m_plot, e2, tr("rank 0.67 ≈ %1").arg(e2, 0, 'f', 1));
        m_plot->xAxis->setLabel(tr("%1: raw token count (binned on its percentile rank; dashed: rank edges)").arg(score));
        note = tr("Binned on the percentile rank (about a third each); dashed: where the rank crosses 0.33 and 0.67.");
        const auto beyond = std::count_if(values.begin(), values.end(), [hi](double v) { return v > hi; });
        if (beyond > 0)
            note += QLatin1Char(' ') + tr("Axis cut at the 99th percentile: %1 longer instances are in the last bar.")
                                           .arg(locale.toString(qint64(beyond)));
    } else {
        addEdge(m_plot, 0.33, tr("0.33"));
        addEdge(m_plot, 0.67, tr("0.67"));
        m_plot->xAxis->setLabel(tr("%1: raw score (dashed: bin edges 0.33 and 0.67)").arg(score));
        const auto outside = std::count_if(values.begin(), values.end(), [](double v) { return v < 0 || v > 1; });
        if (outside > 0)
            note = tr("%1 values outside [0, 1] are in no bin and not drawn.").arg(locale.toString(qint64(outside)));
    }
    // Token counts are integers: whole-token bars centred on the counts they hold, so
    // that a short range shows no empty gaps between bars.
    const double width = length ? std::max(1.0, std::ceil((hi - lo + 1) / kHistogramBins)) : (hi - lo) / kHistogramBins;
    const double start = length ? lo - 0.5 : lo;
    const int bins = length ? int(std::ceil((hi - start) / width)) : kHistogramBins;
    QVector<double> keys(bins), counts(bins, 0.0);
    for (int i = 0; i < bins; ++i)
        keys[i] = start + (i + 0.5) * width;
    for (double v : values) {
        if (!length && (v < lo || v > hi))
            continue;
        const int i = std::clamp(int((v - start) / width), 0, bins - 1);
        counts[i] += 1;
    }
    addBars(m_plot, keys, counts, width * 0.92,
        [&](int i) { return keys[i] >= selLo && keys[i] <= selHi; });
    m_plot->xAxis->setRange(start - width, start + (bins + 1) * width);
    const qint64 carrying = m_model->match(m_model->index(0, FeatureColumn), kNameRole, name, 1, Qt::MatchExactly)
                                .value(0).siblingAtColumn(CountColumn).data(kSortRole).toLongLong();
    m_plotNote->setText(tr("%1 values of %2; %3 instances in this bin (highlighted bars).")
                            .arg(locale.toString(qint64(values.size())), score, locale.toString(carrying))
        + (note.isEmpty() ? QString() : QLatin1Char(' ') + note));
}

void FeaturesView::plotMetadata(const QString &name)
{
    const FeatureDef *d = defOf(name);
    if (!d)
        return;
    resetAxes(m_plot);
    // The counts of every value of this tag column, as the feature list shows them.
    QVector<QString> labels;
    QVector<double> values;
    int selected = -1;
    for (int r = 0; r < m_model->rowCount(); ++r) {
        const QString other = m_model->index(r, FeatureColumn).data(kNameRole).toString();
        const FeatureDef *o = defOf(other);
        if (!o || o->kind != d->kind || o->column != d->column)
            continue;
        const double count = m_model->index(r, CountColumn).data(kSortRole).toDouble();
        if (count <= 0 && other != name && d->tagKind == TagKind::ClosedSet)
            continue; // 46 subjects: show the ones that occur
        if (other == name)
            selected = int(labels.size());
        labels << (d->tagKind == TagKind::OpenSet ? tr("present") : o->value);
        values << count;
    }
    if (d->tagKind == TagKind::OpenSet) {
        labels << tr("absent");
        values << std::max(0.0, double(m_trainInstances) - values.value(0));
    }
    QVector<double> keys(labels.size());
    for (int i = 0; i < keys.size(); ++i)
        keys[i] = i + 1;
    QSharedPointer<QCPAxisTickerText> ticker(new QCPAxisTickerText);
    ticker->addTicks(keys, labels);
    m_plot->xAxis->setTicker(ticker);
    m_plot->xAxis->setTickLabelRotation(labels.size() > 5 ? 50 : 0);
    m_plot->xAxis->setLabel(tr("%1 (tag values; %2 train instances)").arg(d->column, QLocale().toString(m_trainInstances)));
    addBars(m_plot, keys, values, 0.7, [selected](int i) { return i == selected; });
    m_plot->xAxis->setRange(0.3, labels.size() + 0.7);
    m_plotNote->setText(d->tagKind == TagKind::ClosedSet
            ? tr("An instance can carry several values of a closed-set tag; values that never occur are left out.")
            : QString());
}

} // namespace hyper
