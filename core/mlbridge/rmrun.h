// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Torch-free: one reward-model run on a project (read the mix, tokenize, train, evaluate,
// record in rm_runs). The CLI calls it on its main thread; a GUI controller calls it on
// its worker thread with a Feedback whose cancel() it sets from the GUI thread.
#include "core/ml/bundle.h"
#include "core/ml/sections.h"
#include "core/ml/trainer.h"
#include "core/mlbridge/mix.h"

#include <QString>
#include <QStringList>
#include <functional>
#include <memory>
#include <vector>

namespace hyper {

class Feedback;
class ProjectStore;

struct RmRunParams {
    QString mix = QStringLiteral("human");  // MixSpec::parse syntax
    ml::TrainConfig config;                 // config.seed also seeds random:F
    /** Save the trained model here (a safetensors file) and record it with the run. */
    QString modelOut;
    /** Keep the trained weights in the result (RmRunResult::kept) to save them later. */
    bool keepWeights = false;
};

/** A finished run's model, kept in memory until saved (the GUI's "Save model..."). */
struct KeptModel {
    qint64 runId = 0;
    ml::Bundle header;          // config and info only (no pairs)
    ml::TrainResult trained;    // scores and weights
};

/** A progress report, on the calling (worker) thread: after each step, and at each epoch
 *  end with the epoch's mean loss and eval Overall (the points of a training curve). */
struct RmProgress {
    int epoch = 0, epochs = 0, step = 0, steps = 0;
    double loss = 0;
    double evalAccuracy = -1;   // -1 when not evaluated
    double seconds = 0;
    bool epochEnd = false;
};

struct RmRunResult {
    qint64 runId = 0;
    ml::SectionScores scores;
    qint64 trainPairs = 0, evalPairs = 0;
    double prepareSeconds = 0;  // reading the mix and tokenizing
    double seconds = 0;         // training + evaluation
    QString device;             // "cpu" | "cuda"
    std::vector<RmProgress> epochs;
    MixStats mix;
    QString metricsJson;        // as stored in rm_runs.metrics
    QString modelPath;          // where the model was saved (params.modelOut), else ''
    std::shared_ptr<const KeptModel> kept;  // when params.keepWeights or modelOut
};

/**
 * Trains and evaluates one reward model on the project's mix. The run is recorded in
 * rm_runs as 'running' first and updated at the end ('done', 'failed' with the error, or
 * 'canceled'). Throws MixError (bad or unavailable mix), ml::TrainError (empty mix or
 * eval set, bad config, divergence: recorded as failed when a run row exists),
 * StoreError, or Canceled after marking the run canceled.
 */
RmRunResult runRewardModel(ProjectStore &store, const RmRunParams &params, Feedback &feedback,
                           const std::function<void(const RmProgress &)> &onProgress = {});

/** Writes a kept model to `path` (with the run id and project name as provenance) and
 *  records the absolute path with the run. Throws ml::ModelFileError, StoreError. */
void saveKeptModel(ProjectStore &store, const KeptModel &kept, const QString &path);

struct RmBundleInfo {
    qint64 trainPairs = 0, evalPairs = 0;
    MixStats mix;
};

/** Writes the run's training bundle (for hyper-train on another machine) without training. */
RmBundleInfo writeRewardModelBundle(ProjectStore &store, const RmRunParams &params,
                                    const QString &path);

/** The final reward model as a one-task cluster job (docs/CLUSTER.md): DIR/data.bundle
 *  (the mix's pairs), DIR/tasks/0.txt, DIR/manifest.json (format hyper-slurm-rm@1, a job
 *  UUID, the project's UUID, the mix and config) and DIR/train-rm.sbatch running
 *  `TRAIN --job DIR --task 0`. Returns the sbatch command. Throws MixError, TrainError. */
QString writeRewardModelJob(ProjectStore &store, const RmRunParams &params, const QString &dir,
                            const QString &trainCommand, const QStringList &sbatchOptions);
/** Records the finished task of such a job as a done run (once: a second import returns
 *  the same run). Throws StoreError when the task is not done or the folder is another
 *  project's. */
struct RmJobImport {
    qint64 runId = 0;
    bool already = false;
    double overall = 0;
};
RmJobImport importRewardModelJob(ProjectStore &store, const QString &dir);

/** The devices a run may name: "auto", "cpu", and "cuda". Until the ML module is loaded
 *  "cuda" is offered when an NVIDIA driver is present (a guess that does not load
 *  LibTorch); afterwards when the loaded LibTorch has a CUDA device. For the GUI. */
QStringList trainingDevices();

/** `hyper bench rm`: the default bag RM on a fresh synthetic sample of `instances` train
 *  instances (human mix) and 1,000 eval instances, in a temporary project, with its CPU
 *  kernels and with LibTorch's EmbeddingBag and the tensor AdamW (HYPER_BAG_BASELINE, the
 *  code before issue 17), alternating `rounds` times; the medians. */
struct RmBenchFigures {
    qint64 trainPairs = 0, evalPairs = 0;
    int epochs = 0, threads = 0, kernelThreads = 0, rounds = 0;
    double prepareSeconds = 0;  // reading + tokenizing
    double trainSeconds = 0;    // training + evaluation
    double pairsPerSecond = 0;  // trainPairs x epochs / trainSeconds
    double overall = 0;
    double baselineSeconds = 0; // the same with HYPER_BAG_BASELINE=1
    double baselineOverall = 0;
};
RmBenchFigures benchBagRm(int instances = 7000, int threads = 0, int rounds = 3);

} // namespace hyper
