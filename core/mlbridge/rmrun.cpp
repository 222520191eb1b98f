// SPDX-License-Identifier: GPL-3.0-or-later
// The core side of a reward-model run: hyper_ml does the tensors; this file reads the
// mix, bridges progress/cancel to Feedback, and records the run.
#include "core/mlbridge/rmrun.h"

#include "core/jobs/feedback.h"
#include "core/ml/mlmodule.h"
#include "core/ml/runtime.h"
#include "core/mlbridge/mlload.h"
#include "core/ml/trainer.h"
#include "core/sample/samplegenerator.h"
#include "core/storage/mixqueries.h"
#include "core/storage/projectstore.h"

#include "core/ml/job.h"
#include "core/storage/projectstore.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>
#include <QUuid>
#include <QElapsedTimer>
#include <QTemporaryDir>

#include <algorithm>
#include <thread>

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
    p.bundle.info = {{"mix", spec.text.toStdString()},
                     {"project_uuid", store.meta("project_uuid").toStdString()},
                     {"project", QFileInfo(store.path()).fileName().toStdString()},
                     {"tool_version", HYPER_VERSION}};
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
    loadMlModule(feedback);
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
    const bool keep = params.keepWeights || !params.modelOut.isEmpty();
    try {
        trained = ml::trainBundle(prepared.bundle, callbacks, keep);
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
    if (keep) {
        auto kept = std::make_shared<KeptModel>();
        kept->runId = result.runId;
        kept->header.config = prepared.bundle.config;
        kept->header.info = prepared.bundle.info;
        kept->trained = std::move(trained);
        if (!params.modelOut.isEmpty()) {
            saveKeptModel(store, *kept, params.modelOut);
            result.modelPath = QFileInfo(params.modelOut).absoluteFilePath();
        }
        if (params.keepWeights)
            result.kept = std::move(kept);
    }
    return result;
}

void saveKeptModel(ProjectStore &store, const KeptModel &kept, const QString &path)
{
    ml::Bundle header = kept.header;
    // Provenance counts are the run's; the header carries no pairs.
    ml::saveTrainedModel(path.toStdString(), header, kept.trained, {{"run", std::to_string(kept.runId)}});
    setRmRunModel(store, kept.runId, QFileInfo(path).absoluteFilePath());
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

QString writeRewardModelJob(ProjectStore &store, const RmRunParams &params, const QString &dirName,
                            const QString &trainCommand, const QStringList &sbatchOptions)
{
    const QDir dir(QFileInfo(dirName).absoluteFilePath());
    if (QFileInfo::exists(dir.filePath(QStringLiteral("manifest.json"))))
        throw StoreError(dir.filePath(QStringLiteral("manifest.json")).toStdString() + " exists: use an empty folder");
    for (const char *sub : {"tasks", "logs", "results"})
        if (!QDir().mkpath(dir.filePath(QLatin1String(sub))))
            throw StoreError("cannot create " + dir.filePath(QLatin1String(sub)).toStdString());
    const Prepared prepared = prepare(store, params);
    // The mix's pairs are the shared data; the one task takes each as it is (A = chosen).
    ml::saveBundle(prepared.bundle, dir.filePath(QStringLiteral("data.bundle")).toStdString());
    ml::TaskSpec spec;
    spec.seed = params.config.seed;
    spec.size = spec.budget = qint64(prepared.bundle.train.size());
    for (std::size_t i = 0; i < prepared.bundle.train.size(); ++i)
        spec.choices.push_back({std::int64_t(i), true, prepared.bundle.train.margin[i]});
    ml::writeTaskSpec(spec, dir.filePath(QStringLiteral("tasks/0.txt")).toStdString());
    const QString uuid = QUuid::createUuid().toString(QUuid::WithoutBraces);
    const QJsonObject manifest{{QStringLiteral("format"), QStringLiteral("hyper-slurm-rm@1")},
                               {QStringLiteral("job"), uuid},
                               {QStringLiteral("project_uuid"), store.meta("project_uuid")},
                               {QStringLiteral("project"), QFileInfo(store.path()).absoluteFilePath()},
                               {QStringLiteral("mix"), MixSpec::parse(params.mix).text},
                               {QStringLiteral("model"), QString::fromStdString(params.config.model)},
                               {QStringLiteral("config"), QString::fromStdString(ml::configJson(params.config))},
                               {QStringLiteral("tasks"), QJsonArray{QJsonObject{{QStringLiteral("index"), 0}}}}};
    QSaveFile m(dir.filePath(QStringLiteral("manifest.json")));
    if (!m.open(QIODevice::WriteOnly) || m.write(QJsonDocument(manifest).toJson()) < 0 || !m.commit())
        throw StoreError("cannot write " + m.fileName().toStdString());
    QStringList s{QStringLiteral("#!/bin/bash"), QStringLiteral("# HyPER Workbench: the reward model of mix %1 (docs/CLUSTER.md).")
                                                     .arg(MixSpec::parse(params.mix).text),
                  QStringLiteral("#SBATCH --job-name=hyper-train-rm"),
                  QStringLiteral("#SBATCH --output=%1/task-0.out").arg(dir.filePath(QStringLiteral("logs"))),
                  QStringLiteral("#SBATCH --error=%1/task-0.err").arg(dir.filePath(QStringLiteral("logs")))};
    for (const QString &o : sbatchOptions)
        s << QStringLiteral("#SBATCH %1").arg(o);
    s << QString()
      << QStringLiteral("exec \"%1\" --job \"%2\" --task 0 --device auto --model-out \"%2/results/model.safetensors\"")
             .arg(trainCommand, dir.absolutePath())
      << QString();
    const QString script = dir.filePath(QStringLiteral("train-rm.sbatch"));
    QSaveFile f(script);
    if (!f.open(QIODevice::WriteOnly) || f.write(s.join(QLatin1Char('\n')).toUtf8()) < 0 || !f.commit())
        throw StoreError("cannot write " + script.toStdString());
    return QStringLiteral("sbatch %1").arg(script);
}

RmJobImport importRewardModelJob(ProjectStore &store, const QString &dirName)
{
    const QDir dir(dirName);
    QFile mf(dir.filePath(QStringLiteral("manifest.json")));
    if (!mf.open(QIODevice::ReadOnly))
        throw StoreError(dirName.toStdString() + " is not a job folder of 'hyper train-rm --slurm-dir' (no manifest.json)");
    const QJsonObject manifest = QJsonDocument::fromJson(mf.readAll()).object();
    if (manifest.value(QStringLiteral("format")).toString() != QLatin1String("hyper-slurm-rm@1"))
        throw StoreError(mf.fileName().toStdString() + ": not a reward-model job manifest");
    if (manifest.value(QStringLiteral("project_uuid")).toString() != store.meta("project_uuid"))
        throw StoreError(dirName.toStdString() + " belongs to another project ("
                         + manifest.value(QStringLiteral("project")).toString().toStdString() + ")");
    const QString uuid = manifest.value(QStringLiteral("job")).toString();
    RmJobImport r;
    QFile result(dir.filePath(QStringLiteral("results/0.json")));
    if (!result.open(QIODevice::ReadOnly)) {
        QFile error(dir.filePath(QStringLiteral("results/0.error")));
        throw StoreError(dirName.toStdString() + ": the task is not done"
                         + (error.open(QIODevice::ReadOnly) ? " (failed: " + error.readAll().trimmed().toStdString() + ")"
                                                            : std::string(" yet")));
    }
    const QByteArray metrics = result.readAll().trimmed();
    const QJsonObject m = QJsonDocument::fromJson(metrics).object();
    r.overall = m.value(QStringLiteral("score")).toDouble();
    if (const std::optional<qint64> id = rmRunOfJob(store, uuid)) {
        r.runId = *id;
        r.already = true;
        return r;
    }
    QJsonObject config = QJsonDocument::fromJson(manifest.value(QStringLiteral("config")).toString().toUtf8()).object();
    config.insert(QStringLiteral("job"), uuid);
    r.runId = insertRmRun(store, manifest.value(QStringLiteral("mix")).toString(), manifest.value(QStringLiteral("model")).toString(),
                          QString::fromUtf8(QJsonDocument(config).toJson(QJsonDocument::Compact)));
    finishRmRun(store, r.runId, QStringLiteral("done"), QString::fromUtf8(metrics), m.value(QStringLiteral("device")).toString(),
                m.value(QStringLiteral("seconds")).toDouble());
    // The task saves its model before its result: a done task has one.
    const QString model = dir.absoluteFilePath(QStringLiteral("results/model.safetensors"));
    if (QFileInfo::exists(model))
        setRmRunModel(store, r.runId, model);
    return r;
}

RmBenchFigures benchBagRm(int instances, int threads, int rounds)
{
    QTemporaryDir dir;
    if (!dir.isValid())
        throw StoreError("bench rm: cannot create a temporary directory");
    ProjectStore store(dir.filePath(QStringLiteral("bench.hyper")), ProjectStore::Mode::CreateNew);
    SampleParams sample;
    sample.trainSize = instances;
    sample.evalSize = 1000;
    Feedback quiet;
    writeSample(store, sample, quiet);
    RmRunParams params;
    params.config = ml::TrainConfig::defaults("bag");
    params.config.threads = threads;
    const auto median = [](std::vector<double> v) {
        std::sort(v.begin(), v.end());
        return v.empty() ? 0.0 : v[v.size() / 2];
    };
    RmBenchFigures f;
    f.rounds = std::max(1, rounds);
    std::vector<double> kernel, baseline;
    for (int round = 0; round < f.rounds; ++round) {
        for (const bool base : {true, false}) {
            // Read when the model is built (core/ml/models.h, bagBaselineRequested).
            if (base)
                qputenv("HYPER_BAG_BASELINE", "1");
            else
                qunsetenv("HYPER_BAG_BASELINE");
            const RmRunResult r = runRewardModel(store, params, quiet);
            (base ? baseline : kernel).push_back(r.seconds);
            (base ? f.baselineOverall : f.overall) = r.scores.overall;
            f.trainPairs = r.trainPairs;
            f.evalPairs = r.evalPairs;
            f.prepareSeconds = r.prepareSeconds;
        }
    }
    qunsetenv("HYPER_BAG_BASELINE");
    f.epochs = params.config.epochs;
    f.threads = ml::runtimeInfo().intraOpThreads;
    f.kernelThreads = threads > 0 ? threads : int(std::max(1u, std::thread::hardware_concurrency()));
    f.trainSeconds = median(kernel);
    f.baselineSeconds = median(baseline);
    f.pairsPerSecond = f.trainSeconds > 0 ? double(f.trainPairs) * f.epochs / f.trainSeconds : 0.0;
    return f;
}

QStringList trainingDevices()
{
    QStringList devices = {QStringLiteral("auto"), QStringLiteral("cpu")};
    // Without loading LibTorch for it: a guess from the driver until the module is loaded
    // (a "cuda" run then fails with a clear error when this LibTorch has no CUDA).
    if (ml::mlModuleLoaded() ? ml::runtimeInfo().cudaAvailable : ml::gpuDriverPresent())
        devices << QStringLiteral("cuda");
    return devices;
}

} // namespace hyper
