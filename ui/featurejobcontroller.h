// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/features/featurejob.h"

#include <QObject>

namespace hyper {

class TaskController;

/**
 * The feature job (computeFeatures) on a TaskController (the background job contract of
 * ARCHITECTURE.md: its own thread, its own ProjectStore, cancel through Feedback, one of
 * finished / failed / canceled on the GUI thread). This class only gives the job its
 * typed result: finished() carries the FeatureResult. A canceled job leaves the stored
 * features as they were.
 *
 * Ownership: owns its TaskController. Thread affinity: the GUI thread.
 */
class FeatureJobController : public QObject
{
    Q_OBJECT

public:
    explicit FeatureJobController(QObject *parent = nullptr);

    /** Starts computing the features of the project at projectPath. Ignored (returns
     *  false) while a job runs. */
    bool start(const QString &projectPath, const FeatureParams &params);
    /** Cancels the running job; safe when idle. */
    void cancel();
    bool isRunning() const;
    TaskController *tasks() const { return m_tasks; }

Q_SIGNALS:
    void progress(double fraction, const QString &message);
    void finished(const hyper::FeatureResult &result);
    void failed(const QString &message);
    void canceled();

private:
    TaskController *m_tasks;
};

} // namespace hyper
