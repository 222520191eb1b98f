// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/featurejobcontroller.h"

#include "ui/taskcontroller.h"

namespace hyper {

FeatureJobController::FeatureJobController(QObject *parent)
    : QObject(parent)
    , m_tasks(new TaskController(QStringLiteral("hyper-features"), this))
{
    connect(m_tasks, &TaskController::progress, this, &FeatureJobController::progress);
    connect(m_tasks, &TaskController::failed, this, &FeatureJobController::failed);
    connect(m_tasks, &TaskController::canceled, this, &FeatureJobController::canceled);
}

bool FeatureJobController::start(const QString &projectPath, const FeatureParams &params)
{
    return m_tasks->start(
        projectPath, tr("Features"),
        [params](ProjectStore &store, Feedback &feedback) -> std::any { return computeFeatures(store, params, feedback); },
        [this](std::any &result) { Q_EMIT finished(std::any_cast<FeatureResult>(result)); });
}

void FeatureJobController::cancel()
{
    m_tasks->cancel();
}

bool FeatureJobController::isRunning() const
{
    return m_tasks->isRunning();
}

} // namespace hyper
