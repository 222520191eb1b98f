// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/importcontroller.h"

#include "core/jobs/feedback.h"
#include "ui/jobworker.h"

namespace hyper {

ImportController::ImportController(QObject *parent)
    : QObject(parent)
{
    qRegisterMetaType<hyper::ImportResult>();
    m_thread.setObjectName(QStringLiteral("hyper-jobs"));
    m_worker = new JobWorker;
    m_worker->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_worker, &QObject::deleteLater);

    // The worker emits from its own thread: these connections are queued.
    connect(m_worker, &JobWorker::progress, this, &ImportController::progress);
    connect(m_worker, &JobWorker::importFinished, this, [this](const ImportResult &r) {
        jobEnded();
        Q_EMIT importFinished(r);
    });
    connect(m_worker, &JobWorker::importFailed, this, [this](const QString &m) {
        jobEnded();
        Q_EMIT importFailed(m);
    });
    connect(m_worker, &JobWorker::importCanceled, this, [this] {
        jobEnded();
        Q_EMIT importCanceled();
    });
    connect(m_worker, &JobWorker::indexingFinished, this, [this](bool complete) {
        jobEnded();
        Q_EMIT indexingFinished(complete);
    });
    connect(m_worker, &JobWorker::indexingFailed, this, [this](const QString &m) {
        jobEnded();
        Q_EMIT indexingFailed(m);
    });
    m_thread.start();
}

ImportController::~ImportController()
{
    cancel();
    m_thread.quit();
    m_thread.wait();
}

std::shared_ptr<Feedback> ImportController::newFeedback()
{
    // The callback runs on the worker (or parser) thread; emitting the worker's signal
    // from there queues it to the GUI thread. The worker outlives every job: it is
    // deleted only when the thread finishes, after the last queued job.
    JobWorker *worker = m_worker;
    auto feedback = std::make_shared<Feedback>(
        [worker](double fraction, const QString &message) { Q_EMIT worker->progress(fraction, message); });
    std::erase_if(m_feedbacks, [](const std::weak_ptr<Feedback> &f) { return f.expired(); });
    m_feedbacks.push_back(feedback);
    return feedback;
}

void ImportController::startImport(const QString &projectPath, const ImportParams &params)
{
    auto feedback = newFeedback();
    m_queue.push_back(Job::Import);
    if (m_current == Job::None) {
        m_current = Job::Import;
        Q_EMIT started(m_current);
    }
    JobWorker *worker = m_worker;
    QMetaObject::invokeMethod(
        worker, [worker, projectPath, params, feedback] { worker->runImport(projectPath, params, feedback); },
        Qt::QueuedConnection);
}

void ImportController::startIndexing(const QString &projectPath)
{
    auto feedback = newFeedback();
    m_queue.push_back(Job::Indexing);
    if (m_current == Job::None) {
        m_current = Job::Indexing;
        Q_EMIT started(m_current);
    }
    JobWorker *worker = m_worker;
    QMetaObject::invokeMethod(
        worker, [worker, projectPath, feedback] { worker->runIndexing(projectPath, feedback); },
        Qt::QueuedConnection);
}

void ImportController::cancel()
{
    for (const auto &weak : m_feedbacks) {
        if (auto f = weak.lock())
            f->cancel();
    }
}

void ImportController::jobEnded()
{
    if (!m_queue.empty())
        m_queue.erase(m_queue.begin());
    if (m_queue.empty()) {
        m_current = Job::None;
        Q_EMIT idle();
    } else {
        m_current = m_queue.front();
        Q_EMIT started(m_current);
    }
}

} // namespace hyper
