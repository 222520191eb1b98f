// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// The reads behind reward-model mixes and the rm_runs table (schema v3). SQL lives in
// core/storage/mixqueries.cpp; callers get plain values.
#include "core/domain/types.h"

#include <QString>
#include <optional>
#include <string>
#include <vector>

namespace hyper {

class ProjectStore;

/** One instance of a split with its texts and the raw votes (scale integers -2..2). */
struct MixInstance {
    qint64 id = 0;
    std::string prompt, responseA, responseB;  // UTF-8
    std::string category;
    std::vector<int> humanVotes;  // every human label except gold ones
    std::vector<int> goldVotes;   // labels by an annotator named or kinded "gold"
    std::vector<int> lmVotes;     // usable LM verdicts (overall not null)
};

/** All instances of the split, ordered by id, with their votes; without withTexts the
 *  texts are left empty (not read). */
std::vector<MixInstance> loadMixInstances(ProjectStore &store, Split split, bool withTexts = true);
/** How many human labels are gold (by an annotator named or kinded "gold"), over all
 *  splits: the "agreement with gold" metric needs some. */
qint64 countGoldLabels(ProjectStore &store);

struct RmRunRecord {
    qint64 id = 0;
    QString mix;
    QString model;
    QString config;   // JSON
    QString metrics;  // JSON, empty until finished
    QString device;
    std::optional<double> seconds;
    QString status;   // running | done | failed | canceled
    QString error;
    QString startedAt, finishedAt;
    QString modelPath; // the saved model (absolute path), '' when none was saved
};

/** Inserts a run as 'running' (committed at once, so a crash leaves it visibly
 *  unfinished) and returns its id. */
qint64 insertRmRun(ProjectStore &store, const QString &mix, const QString &model,
                   const QString &configJson);

/** Marks the run done/failed/canceled with its metrics, device and wall time. */
/** The run imported from a cluster job (rm_runs.config holds "job": UUID), if any. */
std::optional<qint64> rmRunOfJob(ProjectStore &store, const QString &jobUuid);
void finishRmRun(ProjectStore &store, qint64 id, const QString &status,
                 const QString &metricsJson, const QString &device, double seconds,
                 const QString &error = {});

/** Records where the run's model was saved (schema v7). */
void setRmRunModel(ProjectStore &store, qint64 id, const QString &path);

std::vector<RmRunRecord> listRmRuns(ProjectStore &store);
std::optional<RmRunRecord> rmRun(ProjectStore &store, qint64 id);

} // namespace hyper
