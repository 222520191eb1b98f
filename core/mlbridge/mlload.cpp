// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/mlbridge/mlload.h"

#include "core/jobs/feedback.h"
#include "core/ml/mlmodule.h"
#include "core/ml/runtime.h"

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

QString mlModuleStatus()
{
    if (!ml::mlModuleLoaded())
        return QStringLiteral("not loaded (loaded on first use)");
    return QStringLiteral("%1 (LibTorch %2)")
        .arg(QString::fromStdString(ml::mlModulePath()), QString::fromStdString(ml::runtimeInfo().torchVersion));
}

} // namespace hyper
