// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Fitting a PPM on stored datasets and predicting with a stored one (`hyper ppm fit`,
// `hyper ppm predict`; docs/ROUTING.md "Fitting"). Torch-free (the solve is hyper_ml's).
#include "core/routing/ppm.h"
#include "core/storage/ppmstore.h"

#include <QString>
#include <optional>
#include <stdexcept>
#include <vector>

namespace hyper {
class ProjectStore;
}

namespace hyper::routing {

/** A fit that cannot be done with this input (no data, too few rows for the folds,
 *  datasets with different features); what() is a message fit for a user. */
struct PpmFitError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

struct PpmFitParams {
    PpmModel model = PpmModel::Linear;
    double ridge = 0;
    int folds = 10;
    /** Empty: the newest dataset with rows and every dataset with the same feature list. */
    std::vector<qint64> datasets;
    quint64 seed = 1; ///< shuffles the rows before the k-fold split
    int curvePoints = 5; ///< learning-curve sizes (0: none), as sklearn's linspace(0.1, 1, 5)
    /** Choose the ridge by k-fold CV over ridgeGrid() (lowest out-of-fold RMSE; ties to the
     *  larger alpha) instead of `ridge`; the path is stored in the cv JSON. */
    bool ridgeAuto = false;
};

struct PpmFitResult {
    PpmModelRecord record; ///< as stored (record.id set)
    PpmCvResult cv;
    std::vector<PpmLearningPoint> curve;
    /** ridgeAuto: (alpha, CV result) for every alpha tried; record.ridge is the chosen one. */
    std::vector<std::pair<double, PpmCvResult>> ridgePath;
    double seconds = 0;
};

/** "linear" | "quadratic". */
QString ppmModelName(PpmModel model);
std::optional<PpmModel> parsePpmModel(const QString &name);

/** The datasets a default fit uses (see PpmFitParams::datasets). */
std::vector<qint64> defaultFitDatasets(ProjectStore &store);

/**
 * Gathers the rows of the datasets, shuffles them with the seed, runs k-fold CV (and the
 * learning curve) and fits on all rows; stores the model (insertPpmModel) with the
 * out-of-fold predictions and the curve in its cv JSON. Throws PpmFitError, StoreError.
 */
PpmFitResult fitPpm(ProjectStore &store, const PpmFitParams &params);

/** A stored model as a fitted Ppm. Throws PpmFitError when the record is inconsistent. */
Ppm toPpm(const PpmModelRecord &record);

/** Predictions of a stored model for n rows of its record.features inputs (row-major). */
std::vector<double> predictPpm(const PpmModelRecord &record, const std::vector<double> &rows, int n);

} // namespace hyper::routing
