// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// The PPM's training data, fitted PPMs and routing plans (schema v4). SQL lives in
// core/storage/ppmstore.cpp; callers get plain values. Same thread rules as ProjectStore:
// use these only from the thread that owns the store. Every function throws StoreError.
#include "core/domain/types.h"

#include <QByteArray>
#include <QString>
#include <QStringList>
#include <QtGlobal>
#include <optional>
#include <vector>

namespace hyper {

class ProjectStore;

/** One set of (count vector, score) rows: collected by `hyper ppm collect` or imported
 *  from a CSV. */
struct PpmDataset {
    qint64 id = 0;
    QString kind; // "collect" | "import"
    QString metric; // "rm" | "agreement:SOURCE" | an import's file name
    quint64 seed = 0;
    QString config; // JSON: what the rows depend on besides metric and seed, with count_mode
    QStringList features; // the order of every row's counts
    QString matrixHash; // the feature matrix a collection sampled from ("" for imports)
    qint64 instances = 0; // N of that matrix
    QString createdAt;
    qint64 rows = 0; // filled by the readers
};

struct PpmRow {
    int index = 0; // candidate index (collect) or CSV row (import), 0-based
    qint64 budget = 0, size = 0; // asked and reached |S|
    std::vector<qint64> counts; // one per dataset feature
    QByteArray human; // bitset over the matrix's instances (empty for imports)
    double score = 0;
    std::optional<qint64> rmRunId; // the proxy RM run that measured it
    double seconds = 0; // time to measure it
};

/** The collection with exactly these inputs, if one exists (the resume key). */
std::optional<qint64> findCollectDataset(ProjectStore &store, const QString &metric, quint64 seed,
    const QString &config, const QString &matrixHash);
/** Inserts the dataset (its id and rows are ignored) and returns the new id. */
qint64 createDataset(ProjectStore &store, const PpmDataset &dataset);
/** Deletes a dataset with its rows (no error when it does not exist). */
void deletePpmDataset(ProjectStore &store, qint64 datasetId);
/** All datasets ordered by id, with their row counts. */
std::vector<PpmDataset> listPpmDatasets(ProjectStore &store);
std::optional<PpmDataset> ppmDataset(ProjectStore &store, qint64 id);
/** The rows of a dataset ordered by index. */
std::vector<PpmRow> ppmRows(ProjectStore &store, qint64 datasetId);
/** The stored indices of a dataset, ascending. */
std::vector<int> ppmRowIndices(ProjectStore &store, qint64 datasetId);
/** Inserts one row and commits it before returning (a crash keeps it). Throws StoreError
 *  when the index is already stored or the count width is not the dataset's. */
void insertPpmRow(ProjectStore &store, qint64 datasetId, const PpmRow &row);
/** An imported dataset (kind "import", metric = the file name) with all its rows, in one
 *  transaction: all or nothing. Returns its id. */
qint64 importPpmDataset(ProjectStore &store, const QString &metric, const QStringList &features,
                        const std::vector<PpmRow> &rows, const QString &countMode = QStringLiteral("default"));

/** How a dataset's counts were taken: its config's count_mode, "default" when it has none
 *  (collections and imports made before issue 20). */
QString datasetCountMode(const PpmDataset &dataset);

/** A fitted PPM (core/routing/ppmfit.h). */
struct PpmModelRecord {
    qint64 id = 0;
    QString model; // "linear" | "quadratic"
    double ridge = 0;
    int folds = 0;
    std::vector<qint64> datasets;
    QStringList features; // input order
    QString countMode = QStringLiteral("default"); // "default" | "reference": how its inputs are counted
    qint64 n = 0; // training rows
    qint64 terms = 0; // regression columns + intercept
    double intercept = 0;
    std::vector<double> coef; // Ppm::expand() order; empty in listPpmModels()
    std::optional<double> spearman, rmse; // of the k-fold CV
    QString cv; // JSON: actual, predicted, learning_curve
    QString createdAt;
};

/** Inserts a model and returns its id. */
qint64 insertPpmModel(ProjectStore &store, const PpmModelRecord &model);
std::optional<PpmModelRecord> ppmModel(ProjectStore &store, qint64 id);
/** The latest fitted model (highest id). */
std::optional<PpmModelRecord> currentPpmModel(ProjectStore &store);
/** All models ordered by id, without coefficients and CV details. */
std::vector<PpmModelRecord> listPpmModels(ProjectStore &store);

/** A routing plan: which train instances a strategy routes to humans. */
struct RoutePlanRecord {
    qint64 id = 0;
    std::optional<qint64> modelId;
    QString strategy; // "topk" | "simulated" | ...
    qint64 budget = 0; // asked
    qint64 human = 0; // instances routed to humans
    std::optional<double> predicted;
    QString params; // JSON
    QString createdAt, appliedAt; // appliedAt empty until applyRoutePlan()
};

/** Inserts the plan with its human-routed instance ids in one transaction (ids must be
 *  instances of the project; repeats count once); human is set to their number. */
qint64 insertRoutePlan(ProjectStore &store, const RoutePlanRecord &plan, const std::vector<qint64> &humanIds);
/** The ids of the split's instances, ascending. */
std::vector<qint64> splitInstanceIds(ProjectStore &store, Split split);
/** The human-routed instance ids of a plan, ascending (empty for an unknown plan). */
std::vector<qint64> planInstanceIds(ProjectStore &store, qint64 planId);
std::vector<RoutePlanRecord> listRoutePlans(ProjectStore &store);
std::optional<RoutePlanRecord> routePlan(ProjectStore &store, qint64 id);
/** In one transaction: route = 'human' for the plan's instances, 'lm' for every other
 *  train instance (eval instances keep theirs), applied_at = now. Throws StoreError for an
 *  unknown plan. */
void applyRoutePlan(ProjectStore &store, qint64 planId);

} // namespace hyper
