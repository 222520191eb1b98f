// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/trainingcontroller.h"

#include "core/mlbridge/mlload.h"
#include "core/jobs/feedback.h"
#include "core/storage/projectstore.h"

#include <QElapsedTimer>

namespace hyper {

namespace {

// At most one progress report per kThrottleMs reaches the GUI thread (the job contract).
constexpr qint64 kThrottleMs = 100;

} // namespace

void TrainingWorker::run(const QString &projectPath, const RmRunParams &params,
                         std::shared_ptr<Feedback> feedback)
{
    try {
        if (feedback->isCanceled())
            throw Canceled{};
        // The first training of the session maps LibTorch (about half a second here).
        if (!mlModuleLoaded()) {
            Q_EMIT stage(tr("loading LibTorch…"));
            Feedback quiet;
            loadMlModule(quiet);
            Q_EMIT stage(tr("preparing the mix…"));
        }
        ProjectStore store(projectPath, ProjectStore::Mode::OpenExisting, /*checkIntegrity=*/false);
        QElapsedTimer sinceEmit;
        sinceEmit.start();
        TrainingProgress pending;
        const auto onProgress = [&](const RmProgress &p) {
            pending.epoch = p.epoch;
            pending.epochs = p.epochs;
            pending.step = p.step;
            pending.steps = p.steps;
            pending.seconds = p.seconds;
            const double total = double(p.epochs) * double(p.steps);
            pending.fraction = total > 0 ? (double(p.epoch - 1) * p.steps + p.step) / total : 0.0;
            if (p.epochEnd) {
                pending.epochEnd = true;
                pending.epochLoss = p.loss;
                pending.evalAccuracy = p.evalAccuracy;
            } else {
                const double x = double(p.epoch - 1) + double(p.step) / double(qMax(1, p.steps));
                pending.losses.append(QPointF(x, p.loss));
            }
            // Epoch ends always go out: they carry the eval point of the curve.
            if (p.epochEnd || sinceEmit.elapsed() >= kThrottleMs) {
                Q_EMIT progress(pending);
                pending = TrainingProgress{};
                sinceEmit.restart();
            }
        };
        const RmRunResult result = runRewardModel(store, params, *feedback, onProgress);
        if (!pending.losses.isEmpty())
            Q_EMIT progress(pending);
        if (result.kept)
            Q_EMIT modelKept(result.kept);
        Q_EMIT finished(result.runId, result.scores.overall);
    } catch (const Canceled &) {
        Q_EMIT canceled();
    } catch (const std::exception &e) {
        // MixError, ml::TrainError and StoreError carry messages fit for a user.
        Q_EMIT failed(QString::fromUtf8(e.what()));
    } catch (...) {
        Q_EMIT failed(tr("Unknown error while training"));
    }
}

TrainingController::TrainingController(QObject *parent)
    : QObject(parent)
{
    qRegisterMetaType<hyper::TrainingProgress>();
    qRegisterMetaType<std::shared_ptr<const hyper::KeptModel>>();
    m_thread.setObjectName(QStringLiteral("hyper-training"));
    m_worker = new TrainingWorker;
    m_worker->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_worker, &QObject::deleteLater);

    // The worker emits from its thread: these connections are queued.
    connect(m_worker, &TrainingWorker::stage, this, &TrainingController::stage);
    connect(m_worker, &TrainingWorker::progress, this, &TrainingController::progress);
    connect(m_worker, &TrainingWorker::modelKept, this, &TrainingController::modelKept);
    connect(m_worker, &TrainingWorker::finished, this, [this](qint64 runId, double overall) {
        jobEnded();
        Q_EMIT finished(runId, overall);
        Q_EMIT ended();
    });
    connect(m_worker, &TrainingWorker::failed, this, [this](const QString &message) {
        jobEnded();
        Q_EMIT failed(message);
        Q_EMIT ended();
    });
    connect(m_worker, &TrainingWorker::canceled, this, [this] {
        jobEnded();
        Q_EMIT canceled();
        Q_EMIT ended();
    });
    m_thread.start();
}

TrainingController::~TrainingController()
{
    cancel();
    m_thread.quit();
    m_thread.wait();
}

bool TrainingController::start(const QString &projectPath, const RmRunParams &params)
{
    if (m_busy)
        return false;
    m_busy = true;
    m_feedback = std::make_shared<Feedback>();
    TrainingWorker *worker = m_worker;
    std::shared_ptr<Feedback> feedback = m_feedback;
    QMetaObject::invokeMethod(
        worker, [worker, projectPath, params, feedback] { worker->run(projectPath, params, feedback); },
        Qt::QueuedConnection);
    Q_EMIT started();
    return true;
}

void TrainingController::cancel()
{
    if (m_feedback)
        m_feedback->cancel();
}

void TrainingController::jobEnded()
{
    m_busy = false;
    m_feedback.reset();
}

} // namespace hyper
