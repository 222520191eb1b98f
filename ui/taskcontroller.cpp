// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/taskcontroller.h"

#include "core/jobs/feedback.h"
#include "core/storage/projectstore.h"

#include <QPointer>

namespace hyper {

TaskController::TaskController(const QString &threadName, QObject *parent)
    : QObject(parent)
{
    m_thread.setObjectName(threadName);
    m_worker = new QObject;
    m_worker->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
    m_thread.start();
}

TaskController::~TaskController()
{
    cancel();
    m_thread.quit();
    m_thread.wait();
}

bool TaskController::start(const QString &projectPath, const QString &what, Work work, Done done)
{
    if (m_running)
        return false;
    m_running = true;
    m_what = what;
    m_path = projectPath;
    QPointer<TaskController> self(this);
    auto feedback = std::make_shared<Feedback>([self](double fraction, const QString &message) {
        if (self)
            QMetaObject::invokeMethod(self.data(), [self, fraction, message] {
                if (self && self->m_running)
                    Q_EMIT self->progress(fraction, message);
            }, Qt::QueuedConnection);
    });
    m_feedback = feedback;
    QMetaObject::invokeMethod(m_worker, [self, projectPath, what, work = std::move(work),
                                         done = std::move(done), feedback]() mutable {
        enum class End { Done, Failed, Canceled } end = End::Done;
        auto result = std::make_shared<std::any>();
        QString error;
        try {
            if (feedback->isCanceled())
                throw Canceled {};
            // The window verified the whole file once when it opened the project
            // (MainWindow::verifyIntegrityInBackground); repeating PRAGMA integrity_check
            // for every job cost 1-2 s per job at 100k instances.
            ProjectStore store(projectPath, ProjectStore::Mode::OpenExisting, /*checkIntegrity=*/false);
            *result = work(store, *feedback);
        } catch (const Canceled &) {
            end = End::Canceled;
        } catch (const std::exception &e) {
            end = End::Failed;
            error = QString::fromUtf8(e.what());
        } catch (...) {
            end = End::Failed;
            error = tr("Unknown error in %1").arg(what);
        }
        if (!self)
            return;
        QMetaObject::invokeMethod(self.data(), [self, end, result, error, done = std::move(done)] {
            if (!self)
                return;
            self->m_running = false;
            self->m_feedback.reset();
            switch (end) {
            case End::Done:
                if (done)
                    done(*result);
                Q_EMIT self->finished();
                break;
            case End::Failed: Q_EMIT self->failed(error); break;
            case End::Canceled: Q_EMIT self->canceled(); break;
            }
            Q_EMIT self->ended();
        }, Qt::QueuedConnection);
    }, Qt::QueuedConnection);
    Q_EMIT started(what);
    return true;
}

void TaskController::cancel()
{
    if (m_feedback)
        m_feedback->cancel();
}

} // namespace hyper
