#pragma once

// The one place that includes QCustomPlot. qcustomplot.h uses the `signals` and
// `foreach` keywords that the project's QT_NO_KEYWORDS (and QT_NO_FOREACH) remove; they
// are mapped for this include only.
#define signals Q_SIGNALS
#define foreach(decl, container) for (decl : container)
#include <qcustomplot.h>
#undef foreach
#undef signals
