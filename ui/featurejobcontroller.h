// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/features/featurejob.h"

#include <QObject>
#include <QThread>
#include <memory>

namespace hyper {

class Feedback;

/**
 * Runs the feature job (computeFeatures) off the GUI thread: it owns a QThread and a
 * worker object living in it; each run opens its own ProjectStore on the project path
 * inside that thread. cancel() sets the job's atomic flag directly (a queued signal
 * would not arrive while the worker computes); the job then leaves the stored features
 * as they were. Progress arrives throttled (Feedback, at most every 100 ms).
 *
 * Ownership: owns the thread and the worker; destroying it cancels the running job and
 * waits for it. Thread affinity: the GUI thread (its signals arrive there).
 */
class FeatureJobController : public QObject
{
    Q_OBJECT

public:
    explicit FeatureJobController(QObject *parent = nullptr);
    ~FeatureJobController() override;

    /** Starts computing the features of the project at projectPath. Ignored (returns
     *  false) while a job runs. */
    bool start(const QString &projectPath, const FeatureParams &params);
    /** Cancels the running job; safe when idle. */
    void cancel();
    bool isRunning() const { return m_running; }

Q_SIGNALS:
    void progress(double fraction, const QString &message);
    void finished(const hyper::FeatureResult &result);
    void failed(const QString &message);
    void canceled();

private:
    QThread m_thread;
    QObject *m_worker = nullptr; // lives in m_thread; deleted there when it finishes
    std::shared_ptr<Feedback> m_feedback;
    bool m_running = false;
};

} // namespace hyper
