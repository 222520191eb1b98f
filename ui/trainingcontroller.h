// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/mlbridge/rmrun.h"

#include <QList>
#include <QMetaType>
#include <QObject>
#include <QPointF>
#include <QThread>
#include <memory>

namespace hyper {

class Feedback;

/** One throttled progress report of a training run, as it reaches the GUI thread. */
struct TrainingProgress {
    int epoch = 0, epochs = 0, step = 0, steps = 0;
    double seconds = 0;          // since training started (excludes preparing the mix)
    double fraction = 0;         // optimizer steps done / all steps
    /** Every step loss since the previous report, x in epochs (epoch - 1 + step/steps),
     *  so a throttled stream still draws the whole curve. */
    QList<QPointF> losses;
    bool epochEnd = false;
    double epochLoss = 0;        // mean loss of the epoch, when epochEnd
    double evalAccuracy = -1;    // eval Overall, when epochEnd and evaluated
};

/**
 * Runs one reward-model training at a time in a worker thread. The worker opens its own
 * ProjectStore on the project path there (a store is bound to the thread that opened
 * it) and calls runRewardModel(), which records the run in the project.
 *
 * Ownership: created by TrainingController, moved to its QThread and deleted there
 * (deleteLater on QThread::finished). Thread affinity: the controller's worker thread;
 * its signals are emitted there and queued to the GUI thread.
 */
class TrainingWorker : public QObject
{
    Q_OBJECT

public:
    using QObject::QObject;

    /** Runs in the worker thread; reports through the signals below. */
    void run(const QString &projectPath, const hyper::RmRunParams &params,
             std::shared_ptr<hyper::Feedback> feedback);

Q_SIGNALS:
    /** What the run is doing before its first step ("loading LibTorch…"). */
    void stage(const QString &text);
    void progress(const hyper::TrainingProgress &progress);
    /** The finished run's weights (params.keepWeights), just before finished(). */
    void modelKept(std::shared_ptr<const hyper::KeptModel> model);
    void finished(qint64 runId, double overall);
    void failed(const QString &message);
    void canceled();
};

/**
 * The GUI's handle on training (Qt's Worker/Controller pattern): owns a QThread member
 * and a TrainingWorker moved into it. cancel() sets the run's atomic Feedback flag
 * directly, since a queued signal would not be delivered while the worker computes; the
 * trainer polls it before every batch. Progress is throttled to at most one report per
 * 100 ms (plus every epoch end).
 *
 * Ownership: owns the thread and the worker; destroying it cancels the run and waits for
 * the worker to return. Thread affinity: the GUI thread (all signals arrive there).
 */
class TrainingController : public QObject
{
    Q_OBJECT

public:
    explicit TrainingController(QObject *parent = nullptr);
    ~TrainingController() override;

    /** Starts a run on the project at projectPath. Returns false when one is running. */
    bool start(const QString &projectPath, const RmRunParams &params);
    /** Asks the running job to stop before its next batch. Safe when idle. */
    void cancel();
    bool isBusy() const { return m_busy; }

Q_SIGNALS:
    void started();
    /** What the run is doing before its first step ("loading LibTorch…"). */
    void stage(const QString &text);
    void progress(const hyper::TrainingProgress &progress);
    /** The finished run's weights, kept to be saved (before finished()). */
    void modelKept(std::shared_ptr<const hyper::KeptModel> model);
    void finished(qint64 runId, double overall);
    /** Refused (empty mix or eval split, bad config) or failed (divergence, store error). */
    void failed(const QString &message);
    void canceled();
    /** After every finished, failed or canceled. */
    void ended();

private:
    void jobEnded();

    QThread m_thread;
    TrainingWorker *m_worker = nullptr;
    std::shared_ptr<Feedback> m_feedback;
    bool m_busy = false;
};

} // namespace hyper

Q_DECLARE_METATYPE(hyper::TrainingProgress)
Q_DECLARE_METATYPE(std::shared_ptr<const hyper::KeptModel>)
