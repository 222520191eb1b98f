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
/** Replots unless the plot has never been laid out (a tab not shown yet has no size, and
 *  drawing into an empty buffer only warns); its first resize replots it anyway. */
inline void replotIfSized(QCustomPlot *plot, QCustomPlot::RefreshPriority priority = QCustomPlot::rpRefreshHint)
{
    if (plot->width() > 0 && plot->height() > 0)
        plot->replot(priority);
}
} // namespace hyper
