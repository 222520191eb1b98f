// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Fitting a PPM on stored datasets and predicting with a stored one (`hyper ppm fit`,
// `hyper ppm predict`; docs/ROUTING.md "Fitting"). Torch-free (the solve is hyper_ml's).
#include "core/routing/ppm.h"
#include "core/storage/ppmstore.h"

#include <QString>
#include <cstdint>
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

/** How a fit is scored: k-fold cross-validation on all rows (the workbench's), or the
 *  reference's one 80/20 split (referenceHoldout: rows with a missing value dropped, the
 *  model fitted and stored on the 80 %, MSE and RMSE on the 20 %). */
enum class PpmProtocol { KFold, Reference };

struct PpmFitParams {
    PpmModel model = PpmModel::Linear;
    PpmProtocol protocol = PpmProtocol::KFold;
    std::uint32_t splitSeed = 42; ///< Reference: train_test_split's random_state
    double ridge = 0;
    int folds = 10;
    /** Empty: the newest dataset with rows and every dataset with the same feature list and
     *  count mode. */
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
    /** Reference protocol: the split's figures (cv and curve are then empty). */
    std::optional<PpmHoldout> holdout;
    int dropped = 0; ///< Reference: rows dropped for a missing value
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
 * out-of-fold predictions and the curve in its cv JSON. PpmProtocol::Reference instead
 * keeps the rows in dataset order, drops those with a missing value, and stores the model
 * fitted on the split's training rows with the test rows' predictions (folds 0, n the
 * training rows, rmse the test RMSE). Throws PpmFitError, StoreError.
 */
PpmFitResult fitPpm(ProjectStore &store, const PpmFitParams &params);

/** A stored model as a fitted Ppm. Throws PpmFitError when the record is inconsistent. */
Ppm toPpm(const PpmModelRecord &record);

/** Predictions of a stored model for n rows of its record.features inputs (row-major). */
std::vector<double> predictPpm(const PpmModelRecord &record, const std::vector<double> &rows, int n);

} // namespace hyper::routing
