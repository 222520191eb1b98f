// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/featurejobcontroller.h"

#include "core/jobs/feedback.h"
#include "core/storage/projectstore.h"

#include <QPointer>

namespace hyper {

FeatureJobController::FeatureJobController(QObject *parent)
    : QObject(parent)
{
    m_thread.setObjectName(QStringLiteral("hyper-features"));
    m_worker = new QObject;
    m_worker->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
    m_thread.start();
}

FeatureJobController::~FeatureJobController()
{
    cancel();
    m_thread.quit();
    m_thread.wait();
}

bool FeatureJobController::start(const QString &projectPath, const FeatureParams &params)
{
    if (m_running)
        return false;
    m_running = true;
    // The callback runs on the worker thread (throttled by Feedback); the invocation
    // queues it onto this object's thread, and is dropped if this object is gone.
    QPointer<FeatureJobController> self(this);
    auto feedback = std::make_shared<Feedback>([self](double fraction, const QString &message) {
        if (self)
            QMetaObject::invokeMethod(self.data(), [self, fraction, message] {
                if (self && self->m_running)
                    Q_EMIT self->progress(fraction, message);
            }, Qt::QueuedConnection);
    });
    m_feedback = feedback;
    QMetaObject::invokeMethod(m_worker, [self, projectPath, params, feedback] {
        // Ends in exactly one of the three outcomes, delivered on the GUI thread.
        enum class End { Done, Failed, Canceled } end = End::Done;
        FeatureResult result;
        QString error;
        try {
            if (feedback->isCanceled())
                throw Canceled {};
            ProjectStore store(projectPath, ProjectStore::Mode::OpenExisting);
            result = computeFeatures(store, params, *feedback);
        } catch (const Canceled &) {
            end = End::Canceled;
        } catch (const std::exception &e) {
            end = End::Failed;
            error = QString::fromUtf8(e.what());
        } catch (...) {
            end = End::Failed;
            error = tr("Unknown error while computing features");
        }
        if (!self)
            return;
        QMetaObject::invokeMethod(self.data(), [self, end, result, error] {
            if (!self)
                return;
            self->m_running = false;
            self->m_feedback.reset();
            switch (end) {
            case End::Done: Q_EMIT self->finished(result); break;
            case End::Failed: Q_EMIT self->failed(error); break;
            case End::Canceled: Q_EMIT self->canceled(); break;
            }
        }, Qt::QueuedConnection);
    }, Qt::QueuedConnection);
    return true;
}

void FeatureJobController::cancel()
{
    if (m_feedback)
        m_feedback->cancel();
}

} // namespace hyper
