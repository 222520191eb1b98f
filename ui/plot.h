// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// The one place that includes QCustomPlot. qcustomplot.h uses the `signals` and
// `foreach` keywords that the project's QT_NO_KEYWORDS (and QT_NO_FOREACH) remove; they
// are mapped for this include only.
#define signals Q_SIGNALS
#define foreach(decl, container) for (decl : container)
#include <qcustomplot.h>
#undef foreach
#undef signals

namespace hyper {
/** Replots when the plot is visible: a plot in a tab that is not shown has no paint
 *  device yet, and drawing into its buffer only warns. Views replot their plots in their
 *  showEvent. */
inline void replotIfSized(QCustomPlot *plot, QCustomPlot::RefreshPriority priority = QCustomPlot::rpRefreshHint)
{
    if (plot->isVisible())
        plot->replot(priority);
}

/** A plot with nothing to show says why in its middle, and hides its axes (empty axes
 *  with ticks 0..5 mean nothing). showPlotAxes() undoes it; both replot when visible. */
inline void showEmptyPlot(QCustomPlot *plot, const QString &why)
{
    auto *note = plot->findChild<QCPItemText *>(QStringLiteral("emptyNote"));
    if (!note) {
        note = new QCPItemText(plot);
        note->setObjectName(QStringLiteral("emptyNote"));
        note->setClipToAxisRect(false);
        note->position->setType(QCPItemPosition::ptViewportRatio);
        note->position->setCoords(0.5, 0.5);
        note->setPositionAlignment(Qt::AlignCenter);
        note->setTextAlignment(Qt::AlignCenter);
        note->setColor(plot->palette().color(QPalette::PlaceholderText));
    }
    note->setText(why);
    note->setVisible(true);
    for (QCPAxis *axis : plot->axisRect()->axes())
        axis->setVisible(false);
    if (plot->legend)
        plot->legend->setVisible(false);
    replotIfSized(plot);
}

/** The axes back (x and y, and y2 when `rightAxis`), the empty note hidden. */
inline void showPlotAxes(QCustomPlot *plot, bool rightAxis = false, bool legend = false)
{
    if (auto *note = plot->findChild<QCPItemText *>(QStringLiteral("emptyNote")))
        note->setVisible(false);
    plot->xAxis->setVisible(true);
    plot->yAxis->setVisible(true);
    plot->yAxis2->setVisible(rightAxis);
    if (plot->legend)
        plot->legend->setVisible(legend);
}

} // namespace hyper
