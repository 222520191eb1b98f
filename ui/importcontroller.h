// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/io/importer.h"

#include <QObject>
#include <QThread>
#include <memory>
#include <vector>

namespace hyper {

class Feedback;
class JobWorker;

/**
 * Runs imports and search-index updates off the GUI thread (Qt's Worker/Controller
 * pattern): it owns a QThread and a JobWorker moved into it; jobs run one after the
 * other in that thread. cancel() sets the running job's atomic flag directly, since a
 * queued signal would not be delivered while the worker computes. Progress arrives
 * throttled (Feedback, at most every 100 ms) and queued onto the GUI thread.
 *
 * Ownership: owns the thread and the worker; destroying it cancels the running job and
 * waits for it to stop. Thread affinity: the GUI thread (its signals arrive there).
 */
class ImportController : public QObject
{
    Q_OBJECT

public:
    enum class Job { None, Import, Indexing };
    Q_ENUM(Job)

    explicit ImportController(QObject *parent = nullptr);
    ~ImportController() override;

    /** Queues an import into the project at projectPath. */
    void startImport(const QString &projectPath, const ImportParams &params);
    /** Queues a search-index update of the project at projectPath. */
    void startIndexing(const QString &projectPath);
    /** Cancels the running job (and any queued one). Safe when idle. */
    void cancel();

    bool isBusy() const { return !m_queue.empty(); }
    Job currentJob() const { return m_current; }

Q_SIGNALS:
    void started(hyper::ImportController::Job job);
    void progress(double fraction, const QString &message);
    void importFinished(const hyper::ImportResult &result);
    void importFailed(const QString &message);
    void importCanceled();
    void indexingFinished(bool complete);
    void indexingFailed(const QString &message);
    /** Emitted when the last queued job ended. */
    void idle();

private:
    std::shared_ptr<Feedback> newFeedback();
    void jobEnded();

    QThread m_thread;
    JobWorker *m_worker = nullptr;
    // Every queued job keeps its own feedback; cancel() flags all of them.
    std::vector<std::weak_ptr<Feedback>> m_feedbacks;
    Job m_current = Job::None;
    std::vector<Job> m_queue; // the running job first, then the queued ones
};

} // namespace hyper
