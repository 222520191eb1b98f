// The core side of a reward-model run: hyper_ml does the tensors; this file reads the
// mix, bridges progress/cancel to Feedback, and records the run.
#include "core/mlbridge/rmrun.h"

#include "core/jobs/feedback.h"
#include "core/ml/runtime.h"
#include "core/ml/trainer.h"
#include "core/sample/samplegenerator.h"
#include "core/storage/mixqueries.h"
#include "core/storage/projectstore.h"

#include <QElapsedTimer>
#include <QTemporaryDir>

namespace hyper {

namespace {

struct Prepared {
    ml::Bundle bundle;
    MixStats mix;
    double seconds = 0;
};

Prepared prepare(ProjectStore &store, const RmRunParams &params)
{
    QElapsedTimer timer;
    timer.start();
    MixSpec spec = MixSpec::parse(params.mix);
    resolveMix(store, spec);
    params.config.validate();
    Prepared p;
    const std::vector<ml::PairText> train =
        mixTrainPairs(loadMixInstances(store, Split::Train), spec, params.config.seed, &p.mix);
    if (train.empty())
        throw ml::TrainError("mix '" + spec.text.toStdString() + "' is empty: no train instance "
                             "has a usable (non-tie) label from the sources it selects");
    const std::vector<ml::PairText> eval = mixEvalPairs(loadMixInstances(store, Split::Eval));
    if (eval.empty())
        throw ml::TrainError("the eval split has no labelled (non-tie) instance to evaluate on");
    p.bundle = ml::makeBundle(train, eval, params.config);
    p.seconds = double(timer.nsecsElapsed()) / 1e9;
    return p;
}

RmProgress toProgress(const ml::EpochStats &s)
{
    RmProgress p;
    p.epoch = s.epoch;
    p.epochs = s.epochs;
    p.step = s.step;
    p.steps = s.steps;
    p.loss = s.loss;
    p.evalAccuracy = s.evalAccuracy;
    p.seconds = s.seconds;
    p.epochEnd = s.epochEnd;
    return p;
}

} // namespace

RmRunResult runRewardModel(ProjectStore &store, const RmRunParams &params, Feedback &feedback,
                           const std::function<void(const RmProgress &)> &onProgress)
{
    // Everything that can be refused is refused before a run row exists.
    Prepared prepared = prepare(store, params);
    RmRunResult result;
    result.mix = prepared.mix;
    result.prepareSeconds = prepared.seconds;
    result.trainPairs = qint64(prepared.bundle.train.size());
    result.evalPairs = qint64(prepared.bundle.eval.size());
    result.runId = insertRmRun(store, MixSpec::parse(params.mix).text, QString::fromStdString(params.config.model),
                               QString::fromStdString(ml::configJson(params.config)));

    ml::TrainCallbacks callbacks;
    callbacks.canceled = [&feedback] { return feedback.isCanceled(); };
    callbacks.onProgress = [&](const ml::EpochStats &s) {
        const double done = double((s.epoch - 1) * s.steps + s.step) / double(s.epochs * s.steps);
        QString message = QStringLiteral("epoch %1/%2, loss %3").arg(s.epoch).arg(s.epochs).arg(s.loss, 0, 'f', 4);
        if (s.evalAccuracy >= 0)
            message += QStringLiteral(", eval %1").arg(s.evalAccuracy, 0, 'f', 3);
        feedback.setProgress(done, message);
        if (onProgress)
            onProgress(toProgress(s));
    };
    ml::TrainResult trained;
    try {
        trained = ml::trainBundle(prepared.bundle, callbacks);
    } catch (const std::exception &e) {
        finishRmRun(store, result.runId, QStringLiteral("failed"), {}, {}, 0.0, QString::fromUtf8(e.what()));
        throw;
    }
    result.device = QString::fromStdString(trained.device);
    result.seconds = trained.seconds;
    result.scores = trained.scores;
    for (const ml::EpochStats &s : trained.epochs)
        result.epochs.push_back(toProgress(s));
    result.metricsJson = QString::fromStdString(ml::metricsJson(trained));
    if (trained.status == ml::TrainResult::Status::Canceled) {
        finishRmRun(store, result.runId, QStringLiteral("canceled"), result.metricsJson, result.device,
                    result.seconds);
        throw Canceled{};
    }
    finishRmRun(store, result.runId, QStringLiteral("done"), result.metricsJson, result.device, result.seconds);
    return result;
}

RmBundleInfo writeRewardModelBundle(ProjectStore &store, const RmRunParams &params, const QString &path)
{
    const Prepared prepared = prepare(store, params);
    ml::saveBundle(prepared.bundle, path.toStdString());
    RmBundleInfo info;
    info.trainPairs = qint64(prepared.bundle.train.size());
    info.evalPairs = qint64(prepared.bundle.eval.size());
    info.mix = prepared.mix;
    return info;
}

RmBenchFigures benchBagRm(int pairs, int threads)
{
    QTemporaryDir dir;
    if (!dir.isValid())
        throw StoreError("bench rm: cannot create a temporary directory");
    ProjectStore store(dir.filePath(QStringLiteral("bench.hyper")), ProjectStore::Mode::CreateNew);
    SampleParams sample;
    sample.trainSize = pairs;
    sample.evalSize = 1000;
    Feedback quiet;
    writeSample(store, sample, quiet);
    RmRunParams params;
    params.config = ml::TrainConfig::defaults("bag");
    params.config.threads = threads;
    const RmRunResult r = runRewardModel(store, params, quiet);
    RmBenchFigures f;
    f.trainPairs = r.trainPairs;
    f.evalPairs = r.evalPairs;
    f.epochs = params.config.epochs;
    f.threads = ml::runtimeInfo().intraOpThreads;
    f.prepareSeconds = r.prepareSeconds;
    f.trainSeconds = r.seconds;
    f.pairsPerSecond = r.seconds > 0 ? double(r.trainPairs) * f.epochs / r.seconds : 0.0;
    f.overall = r.scores.overall;
    return f;
}

QStringList trainingDevices()
{
    QStringList devices = {QStringLiteral("auto"), QStringLiteral("cpu")};
    if (ml::runtimeInfo().cudaAvailable)
        devices << QStringLiteral("cuda");
    return devices;
}

} // namespace hyper
