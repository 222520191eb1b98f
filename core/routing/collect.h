// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Collecting the PPM's training data (METHOD.md §4, docs/ROUTING.md "Collecting"):
// sample K candidate mixes with Algorithm 1, measure each (a proxy reward model trained
// on the mix, or a cheap label-agreement score), store (counts, score) row by row.
// Torch-free: the proxy RMs go through hyper_ml's plain C++ API, as rmrun.cpp does.
#include "core/ml/bundle.h"
#include "core/routing/candidates.h"
#include "core/storage/ppmstore.h"

#include <QString>
#include <QStringList>
#include <functional>
#include <stdexcept>

namespace hyper {
class Feedback;
class ProjectStore;
} // namespace hyper

namespace hyper::routing {

/** A collection that cannot start (no feature table, unknown metric, no labels to
 *  measure with); what() is a message fit for a user. Nothing was stored. */
struct CollectError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

struct CollectParams {
    int candidates = 100;
    quint64 seed = 1;
    /** "rm" (a proxy RM's eval Overall) | "agreement:gold|human|lm". */
    QString metric = QStringLiteral("rm");
    /** The proxy RM (metric "rm"). threads and seed are set per candidate (1, and a seed
     *  derived from (seed, index)). */
    ml::TrainConfig rm = ml::TrainConfig::defaults("bag");
    /** Proxy RMs trained at once, each on one thread; 0: one per core. The transformer
     *  (whose dropout draws from LibTorch's global generator) and CUDA runs use 1, so
     *  that a score never depends on the worker count. */
    int workers = 0;
    /** How each candidate's counts are taken (--count-mode): Default, or as the
     *  reference's get_instances counts a mix (ReferenceCompat; needs the stored scores).
     *  Part of the resume key, and stored with the dataset; a PPM fitted on it carries it. */
    CountMode countMode = CountMode::Default;
};

struct CollectResult {
    qint64 datasetId = 0;
    int requested = 0; ///< K
    int measured = 0; ///< rows measured and stored by this call
    int reused = 0; ///< rows of the first K that were already stored (resume)
    int failed = 0; ///< candidates not stored (empty mix, training error)
    double seconds = 0;
    QStringList errors; ///< "candidate I: message", one per failure
};

/**
 * Collects rows 0..K-1 of the dataset keyed by (metric, seed, config, feature matrix),
 * creating it when new. Candidate i depends only on (seed, i) and the feature matrix, never
 * on K, the worker count or earlier runs: a larger K extends a dataset, a rerun after an
 * interruption measures only the missing rows. Each row is committed as soon as it is
 * measured (a kill loses the rows in flight). The store is used from the calling thread
 * only; worker threads train the proxy RMs. onRow is called on the calling thread after
 * each stored row.
 *
 * Throws CollectError (refused before anything is stored), StoreError, or Canceled after
 * the finished rows are stored (feedback.isCanceled(); in-flight runs are recorded as
 * canceled). A dataset created by this call that ends without a row is removed.
 */
CollectResult collectPpmData(ProjectStore &store, const CollectParams &params, Feedback &feedback,
    const std::function<void(int index, const PpmRow &row)> &onRow = {});

/** A collection handed to a Slurm cluster (docs/CLUSTER.md). */
struct SlurmOptions {
    QString dir;
    QString partition, gres, time, mem; // empty: not in the script
    int cpusPerTask = 1;
    int arrayLimit = 0;                 // tasks running at once (0: no limit)
    QString trainCommand;               // absolute path of hyper-train on the nodes
};

struct SlurmJob {
    QString dir, script;
    QString sbatch;          // the command to run
    int tasks = 0;           // candidates written (not stored in the project yet)
    int stored = 0;          // of the first K, rows the project has already
    QStringList errors;      // candidates with an empty mix
    qint64 bytes = 0;        // the folder's size
};

/** Done, failed and missing tasks of a job folder; a failed task's message and the tail
 *  of its log. */
struct SlurmStatus {
    int tasks = 0, done = 0, failed = 0, missing = 0;
    QStringList problems; // "task N: failed: ... | log: ..." / "task N: missing"
};

struct SlurmImport {
    qint64 datasetId = 0;
    int imported = 0, already = 0;
    SlurmStatus status;
};

/** hyper-train's absolute path as this program sees it: beside its own executable (the
 *  installed layout), or in ../train/ (the build tree), else on PATH; "" when none. */
QString findTrainCommand();

/** Writes the job folder of the collection `params` would run here: DIR/data.bundle (the
 *  train instances tokenized once, the eval split, the proxy RM config), DIR/tasks/N.txt
 *  per candidate not yet stored, DIR/manifest.json, DIR/collect.sbatch (an array job
 *  running hyper-train --job DIR), DIR/logs/ and DIR/results/. Trains nothing. Metric rm
 *  only. Throws CollectError. */
SlurmJob writeSlurmJob(ProjectStore &store, const CollectParams &params, const SlurmOptions &options,
                       Feedback &feedback);
/** Counts the tasks of a job folder (no project needed). Throws CollectError. */
SlurmStatus slurmStatus(const QString &dir);
/** Adds the finished tasks of a job folder as rows of its collection (idempotent; partial
 *  is fine). Refuses (CollectError) a folder of another project, feature matrix or config. */
SlurmImport importSlurmResults(ProjectStore &store, const QString &dir, Feedback &feedback);

/** Budget of candidate `index` among n instances: element `index` of a seeded
 *  Fisher-Yates permutation of 1..n (distinct while index < n, as the reference's
 *  budgets), then uniform draws. The first K budgets are the same for every K. */
std::vector<std::int64_t> candidateBudgets(quint64 seed, int k, std::int64_t n);
/** The generator of candidate `index` (Algorithm 1's draws): seeded from (seed, index). */
std::mt19937_64 candidateRng(quint64 seed, int index);
/** The proxy RM seed of candidate `index`. */
std::uint64_t candidateRmSeed(quint64 seed, int index);
/** SHA-256 (hex) of a feature matrix: names, instance ids and bits, and the raw scores
 *  when it holds them (reference mode). */
QString matrixHash(const FeatureMatrix &matrix);
/** The matrix instance ids whose bit is set in S. */
std::vector<qint64> subsetIds(const FeatureMatrix &matrix, const Bits &subset);

} // namespace hyper::routing
