// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/mlbridge/mlload.h"

#include "core/jobs/feedback.h"
#include "core/ml/mlmodule.h"

namespace hyper {

void loadMlModule(Feedback &feedback, double fraction)
{
    if (ml::mlModuleLoaded())
        return;
    feedback.setProgress(fraction, QStringLiteral("Loading LibTorch…"));
    ml::loadMlModule();
}

bool mlModuleLoaded()
{
    return ml::mlModuleLoaded();
}

} // namespace hyper
