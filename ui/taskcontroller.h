// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QObject>
#include <QString>
#include <QThread>
#include <any>
#include <functional>
#include <memory>

namespace hyper {

class Feedback;
class ProjectStore;

/**
 * Runs one project job at a time off the GUI thread (the background job contract of
 * ARCHITECTURE.md): owns a QThread and a worker object living in it. Each job opens its
 * own ProjectStore on the project path inside that thread, does its work with a Feedback
 * (progress, throttled to 100 ms; cancel flag set directly from the GUI thread, since a
 * queued signal would not arrive while the worker computes), and ends in exactly one of
 * finished / failed / canceled, delivered on the GUI thread.
 *
 * The job's result travels as std::any to the `done` callback, which runs on the GUI
 * thread before finished() is emitted (views keep their result types to themselves).
 *
 * Ownership: owns the thread and the worker; destroying it cancels the running job and
 * waits for it. Thread affinity: the GUI thread.
 */
class TaskController : public QObject
{
    Q_OBJECT

public:
    using Work = std::function<std::any(ProjectStore &store, Feedback &feedback)>;
    using Done = std::function<void(std::any &result)>;

    explicit TaskController(const QString &threadName, QObject *parent = nullptr);
    ~TaskController() override;

    /** Starts work on the project at projectPath; false (and nothing runs) while a job
     *  runs. `what` names the job in failure messages. */
    bool start(const QString &projectPath, const QString &what, Work work, Done done);
    /** Cancels the running job; safe when idle. */
    void cancel();
    bool isRunning() const { return m_running; }
    /** The name of the running job ("" when idle). */
    QString current() const { return m_running ? m_what : QString(); }
    /** The name of the latest job, running or ended (for its failed/canceled message). */
    QString latest() const { return m_what; }
    /** The project path of the latest job: its outcome may arrive after another project
     *  was opened. */
    QString latestPath() const { return m_path; }

Q_SIGNALS:
    /** A job was started (`what` as passed to start()). */
    void started(const QString &what);
    void progress(double fraction, const QString &message);
    void finished();
    void failed(const QString &message);
    void canceled();
    /** After each finished, failed or canceled. */
    void ended();

private:
    QThread m_thread;
    QObject *m_worker = nullptr; // lives in m_thread; deleted there when it finishes
    std::shared_ptr<Feedback> m_feedback;
    bool m_running = false;
    QString m_what;
    QString m_path;
};

} // namespace hyper
