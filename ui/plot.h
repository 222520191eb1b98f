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
} // namespace hyper
