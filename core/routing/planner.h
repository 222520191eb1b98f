// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// The project-level routing workflow shared by the CLI (hyper route, hyper simulate,
// hyper ppm importance) and the GUI (PPM and Routing views): load a stored PPM with the
// project's feature matrix in the model's input order, route under a budget and store the
// plan, and the analyses the views plot (fitting is core/routing/ppmfit.h). Torch-free; SQL stays in
// core/storage/ppmstore.
#include "core/routing/candidates.h"
#include "core/routing/ppm.h"
#include "core/routing/ppmfit.h"
#include "core/routing/route.h"
#include "core/storage/ppmstore.h"

#include <QString>
#include <QStringList>
#include <optional>
#include <stdexcept>
#include <vector>

namespace hyper {

class Feedback;
class ProjectStore;

/** A routing or PPM request that cannot be met (no model, no features, a budget out of
 *  range, too few rows): what() is a message fit for a user; the CLI exits 2. */
struct RoutingError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

/** Readies a matrix of the project's train split for the reference's rules (issue 20):
 *  each metadata feature's carriers recomputed by strict tag matching
 *  (features::hasMetadataFeatureStrict on the stored tags), and the instances whose human
 *  or LM label is a tie (FeatureMatrix::ReferenceMix). Throws StoreError. */
void prepareReferenceMatrix(ProjectStore &store, routing::FeatureMatrix &matrix);

/** A stored PPM, ready to predict, and the project's feature matrix with its columns in
 *  the model's input order. */
struct LoadedPpm {
    PpmModelRecord record;
    Ppm ppm;
    routing::FeatureMatrix matrix;
};

/** The model (the newest when modelId is empty) and the matrix. Throws RoutingError when
 *  there is no model, or the project lacks features the model uses. */
LoadedPpm loadPpm(ProjectStore &store, std::optional<qint64> modelId = std::nullopt);

struct RouteParams {
    double budget = 0.5;               // (0, 1]: a fraction of the train split; > 1: a count
    QString strategy = QStringLiteral("simulated"); // simulated | topk | all-positive | epsilon | random (no PPM)
    int candidates = 500;              // simulated
    quint64 seed = 1;
    /** epsilon strategy; unset: 0, or for a reference-mode PPM the reference's
     *  optimal_grad epsilon (1e-4 linear, 1e-5 quadratic). */
    std::optional<double> epsilon;
    int threads = 0;
    /** Reference-mode PPMs only: count each mix on a random.sample of this many of its
     *  instances (the reference's n_samples = 7000), seeded with seed; 0: all. */
    std::int64_t subsample = 0;
    bool apply = true;                 // mark the instances' routes (the project's current plan)
    std::optional<qint64> modelId;
};

struct RoutePlanResult {
    qint64 planId = 0;
    qint64 modelId = 0;
    QString strategy;
    qint64 budget = 0, human = 0, instances = 0;
    qint64 counted = 0;                // routed instances the prediction counts (reference mode: ties out, subsample)
    double predicted = 0;
    double allLm = 0, allHuman = 0;    // PPM of the 100%-LM and 100%-human mixes
    qint64 candidates = 0;
    double seconds = 0;
    bool applied = false;
};

/** Routes under the budget with the model and stores the plan (and applies it when
 *  params.apply). Throws RoutingError for a bad budget/strategy or no model. */
RoutePlanResult routeProject(ProjectStore &store, const RouteParams &params, Feedback &feedback);

struct SimulateResult {
    qint64 candidates = 0, budget = 0;
    double seconds = 0, best = 0;
};
/** Samples and scores n candidates at the budget without storing anything. */
SimulateResult simulateProject(ProjectStore &store, double budget, int candidates, quint64 seed,
                               int threads, Feedback &feedback, std::int64_t subsample = 0);

/** The Routing view's curve: the simulated best and random mean per budget, and the
 *  all-LM / all-human predictions. */
struct BudgetOverview {
    qint64 instances = 0;
    double allLm = 0, allHuman = 0;
    std::vector<routing::BudgetPoint> points;
};
BudgetOverview budgetOverview(ProjectStore &store, int steps, int candidatesPerBudget, quint64 seed,
                              Feedback &feedback, std::optional<qint64> modelId = std::nullopt);

/** Per binary feature of a plan: carriers among the train instances and how many the plan
 *  routes to humans (tags matched strictly for a plan of a reference-mode PPM). */
struct TagShare {
    QString feature;
    qint64 carriers = 0, routed = 0;
};
std::vector<TagShare> planTagShares(ProjectStore &store, qint64 planId);

/** Feature importance of the model (routing::featureImportance on the project's matrix),
 *  and for a linear model its coefficients (empty otherwise). */
struct ImportanceReport {
    qint64 modelId = 0;
    QString model;
    int perTrial = 0, trials = 0; ///< as used
    std::vector<routing::FeatureImportance> importance;
    std::vector<std::pair<QString, double>> coefficients;
};
/** trials 0: the model's default, 50, or 3 for a reference-mode PPM (the reference's). */
ImportanceReport importanceReport(ProjectStore &store, int perTrial, int trials, quint64 seed,
                                  std::optional<qint64> modelId = std::nullopt);

} // namespace hyper
