// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/routing/planner.h"

#include "core/domain/preference.h"
#include "core/features/featureset.h"
#include "core/jobs/feedback.h"
#include "core/storage/featurestore.h"
#include "core/storage/mixqueries.h"
#include "core/storage/projectstore.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>
#include <random>
#include <cmath>
#include <unordered_map>
#include <unordered_set>

namespace hyper {

/** Reference mode's tag matching (issue 20): each metadata feature's carriers recomputed
 *  strictly from the instances' stored tags, as the reference's get_instances tests the
 *  raw values (features::hasMetadataFeatureStrict). */
static void strictTags(ProjectStore &store, routing::FeatureMatrix &m)
{
    using namespace hyper::features;
    std::vector<QJsonObject> tags(std::size_t(m.instances()));
    for (const auto &[id, metadata] : FeatureStore(store).loadMetadata()) {
        const std::int64_t i = m.indexOf(id);
        if (i >= 0 && !metadata.isEmpty())
            tags[std::size_t(i)] = tagObject(QJsonDocument::fromJson(metadata).object());
    }
    for (int f = 0; f < m.features(); ++f) {
        const FeatureDef *d = findFeature(m.names()[f]);
        if (!d || d->kind != FeatureKind::Metadata)
            continue;
        std::vector<std::int32_t> members;
        for (std::size_t i = 0; i < tags.size(); ++i)
            if (hasMetadataFeatureStrict(*d, tags[i]))
                members.push_back(std::int32_t(i));
        m.setMembers(f, std::move(members));
    }
    m.recountReachable();
}

/** Which train instances the reference's mixes drop as ties: the folded majority of the
 *  human labels (gold ones excepted, as the mixes' RMs) is a tie, taken when the instance
 *  is routed, and of the LM labels, when it is not. An instance without labels of that kind
 *  is kept. */
static routing::FeatureMatrix::ReferenceMix referenceTies(ProjectStore &store, const routing::FeatureMatrix &m)
{
    routing::FeatureMatrix::ReferenceMix mix;
    mix.humanTie.assign(m.words(), 0);
    mix.lmTie.assign(m.words(), 0);
    const auto isTie = [](const std::vector<int> &votes) {
        const std::optional<int> v = foldedMajority(votes.data(), votes.size());
        return v && *v == 0;
    };
    for (const MixInstance &inst : loadMixInstances(store, Split::Train, false)) {
        const std::int64_t i = m.indexOf(inst.id);
        if (i < 0)
            continue;
        if (isTie(inst.humanVotes))
            routing::setBit(mix.humanTie, i);
        if (isTie(inst.lmVotes))
            routing::setBit(mix.lmTie, i);
    }
    return mix;
}

void prepareReferenceMatrix(ProjectStore &store, routing::FeatureMatrix &m)
{
    strictTags(store, m);
    routing::FeatureMatrix::ReferenceMix mix = referenceTies(store, m);
    // The reference's feat_instance_map, in get_all_features() order.
    for (const QString &name : features::featureNames())
        if (const qsizetype f = m.names().indexOf(name); f >= 0)
            mix.candidateLists.push_back(m.members(int(f)));
    m.setReferenceMix(std::move(mix));
}

namespace {

double secondsSince(const QElapsedTimer &t)
{
    return double(t.nsecsElapsed()) / 1e9;
}

QString compactJson(const QJsonObject &o)
{
    return QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact));
}

/** The project's matrix with its columns reordered to `features`, counting in `mode` (with
 *  the raw scores, which ReferenceCompat counts recompute). */
routing::FeatureMatrix matrixFor(ProjectStore &store, const QStringList &features, routing::CountMode mode)
{
    const bool reference = mode == routing::CountMode::ReferenceCompat;
    routing::FeatureMatrix all = routing::FeatureMatrix::fromStore(store, reference);
    if (reference && all.features() > 0)
        prepareReferenceMatrix(store, all); // strict tags, tie flags, the candidates' lists
    if (all.features() == 0)
        throw RoutingError("the project has no features: run 'hyper features' (or the Features tab) first");
    std::vector<std::vector<int>> rows(std::size_t(all.instances()));
    for (int f = 0; f < features.size(); ++f) {
        const int source = int(all.names().indexOf(features[f]));
        if (source < 0)
            throw RoutingError("the PPM uses the feature '" + features[f].toStdString() +
                               "', which this project's feature table lacks (recompute features, or fit a "
                               "PPM on this project's data)");
        for (std::int32_t i : all.members(source))
            rows[std::size_t(i)].push_back(f);
    }
    routing::FeatureMatrix m(features, all.ids(), rows);
    if (reference) {
        if (!all.hasScores())
            throw RoutingError("the PPM counts the reference's way, which recomputes the lexical features from the "
                               "stored scores, and the project has none: run 'hyper features' again");
        for (const QString &score : all.scoreNames())
            m.setScores(score, *all.scores(score));
        m.setReferenceMix(all.referenceMix());
    }
    m.setCountMode(mode);
    return m;
}

/** Sets the reference mix's subsample and seed; a subsample needs a reference-mode PPM. */
void setSubsample(routing::FeatureMatrix &m, std::int64_t subsample, quint64 seed)
{
    if (subsample < 0)
        throw RoutingError("--subsample must be 0 (none) or a number of instances");
    if (subsample > 0 && m.countMode() != routing::CountMode::ReferenceCompat)
        throw RoutingError("--subsample applies to a PPM that counts the reference's way (count mode "
                           "'reference'); this one counts in default mode");
    routing::FeatureMatrix::ReferenceMix mix = m.referenceMix();
    mix.subsample = subsample;
    mix.seed = seed;
    m.setReferenceMix(std::move(mix));
}

std::int64_t budgetCount(double budget, std::int64_t n, bool floorFraction = false)
{
    try {
        return routing::budgetFromArg(budget, n, floorFraction);
    } catch (const std::invalid_argument &e) {
        throw RoutingError(e.what());
    }
}

/** Stores the plan, applies it when asked, and completes the result. */
RoutePlanResult storePlan(ProjectStore &store, const RoutePlanRecord &record, const std::vector<qint64> &ids,
                          bool apply, const QElapsedTimer &timer, RoutePlanResult result)
{
    result.planId = insertRoutePlan(store, record, ids);
    if (apply) {
        applyRoutePlan(store, result.planId);
        result.applied = true;
    }
    result.seconds = secondsSince(timer);
    return result;
}

} // namespace

LoadedPpm loadPpm(ProjectStore &store, std::optional<qint64> modelId)
{
    std::optional<PpmModelRecord> record = modelId ? ppmModel(store, *modelId) : currentPpmModel(store);
    if (!record)
        throw RoutingError(modelId ? "no PPM " + std::to_string(*modelId)
                                   : std::string("no PPM fitted yet: run 'hyper ppm collect' and 'hyper ppm fit' "
                                                 "(or the PPM tab) first"));
    Ppm ppm;
    try {
        ppm = routing::toPpm(*record);
    } catch (const routing::PpmFitError &e) {
        throw RoutingError(e.what());
    }
    const std::optional<routing::CountMode> mode = routing::parseCountMode(record->countMode);
    if (!mode)
        throw RoutingError("PPM " + std::to_string(record->id) + " has an unknown count mode '"
                           + record->countMode.toStdString() + "'");
    LoadedPpm loaded{*record, std::move(ppm), matrixFor(store, record->features, *mode)};
    return loaded;
}

RoutePlanResult routeProject(ProjectStore &store, const RouteParams &params, Feedback &feedback)
{
    QElapsedTimer timer;
    timer.start();
    if (params.strategy == QLatin1String("random")) {
        // The baseline: a seeded uniform sample of the train split; needs no PPM.
        std::vector<qint64> ids = splitInstanceIds(store, Split::Train);
        if (ids.empty())
            throw RoutingError("the train split is empty");
        const std::int64_t n = std::int64_t(ids.size());
        const std::int64_t budget = budgetCount(params.budget, n);
        std::mt19937_64 rng(params.seed);
        for (std::int64_t i = 0; i < budget; ++i) // partial Fisher-Yates
            std::swap(ids[std::size_t(i)], ids[std::size_t(i + std::int64_t(rng() % std::uint64_t(n - i)))]);
        ids.resize(std::size_t(budget));
        std::sort(ids.begin(), ids.end());
        RoutePlanRecord record;
        record.strategy = params.strategy;
        record.budget = budget;
        record.params = compactJson(QJsonObject{{QStringLiteral("budget_arg"), params.budget},
                                                {QStringLiteral("seed"), qint64(params.seed)},
                                                {QStringLiteral("instances"), qint64(n)}});
        RoutePlanResult result;
        result.strategy = params.strategy;
        result.budget = budget;
        result.human = budget;
        result.instances = n;
        result.predicted = std::nan("");
        return storePlan(store, record, ids, params.apply, timer, result);
    }
    LoadedPpm loaded = loadPpm(store, params.modelId);
    setSubsample(loaded.matrix, params.subsample, params.seed);
    const routing::FeatureMatrix &m = loaded.matrix;
    const std::int64_t n = m.instances();
    if (n == 0)
        throw RoutingError("the train split is empty");
    routing::RoutingResult r;
    std::int64_t budget = 0;
    // A reference-mode PPM routes by the reference's rules: floored budgets, optimal_grad
    // for the epsilon strategy (no budget), exclusive bins in the gains (instanceRows).
    const bool reference = m.countMode() == routing::CountMode::ReferenceCompat;
    const double epsilon = params.epsilon.value_or(
        reference ? (loaded.ppm.model() == PpmModel::Linear ? 1e-4 : 1e-5) : 0.0);
    if (params.strategy == QLatin1String("all-positive")) {
        budget = n;
        r = routing::routeAllPositive(m, loaded.ppm);
    } else if (reference && params.strategy == QLatin1String("epsilon")) {
        budget = n;
        r = routing::routeOptimalGrad(m, loaded.ppm, epsilon);
    } else {
        budget = budgetCount(params.budget, n, reference);
        if (params.strategy == QLatin1String("simulated")) {
            if (params.candidates < 1)
                throw RoutingError("--candidates must be at least 1");
            r = routing::routeSimulated(m, loaded.ppm, budget, params.candidates, params.seed, params.threads, &feedback);
        } else if (params.strategy == QLatin1String("topk")) {
            r = routing::routeTopK(m, loaded.ppm, budget);
        } else if (params.strategy == QLatin1String("epsilon")) {
            r = routing::routeEpsilon(m, loaded.ppm, budget, epsilon);
        } else {
            throw RoutingError("unknown strategy '" + params.strategy.toStdString() +
                               "' (simulated, topk, all-positive, epsilon or random)");
        }
    }
    std::vector<qint64> ids;
    ids.reserve(std::size_t(r.size));
    for (std::int64_t i = 0; i < n; ++i)
        if (routing::testBit(r.human, i))
            ids.push_back(m.ids()[std::size_t(i)]);

    RoutePlanResult result;
    result.modelId = loaded.record.id;
    result.strategy = params.strategy;
    result.budget = budget;
    result.human = qint64(ids.size());
    result.instances = n;
    result.predicted = r.predicted;
    result.counted = r.counted;
    result.allLm = routing::predictAllLm(loaded.ppm);
    result.allHuman = routing::predictAllHuman(m, loaded.ppm);
    result.candidates = r.candidates;

    RoutePlanRecord record;
    record.modelId = loaded.record.id;
    record.strategy = params.strategy;
    record.budget = budget;
    record.human = result.human;
    record.predicted = r.predicted;
    QJsonObject p{{QStringLiteral("budget_arg"), params.budget},
                  {QStringLiteral("seed"), qint64(params.seed)},
                  {QStringLiteral("instances"), qint64(n)},
                  {QStringLiteral("all_lm"), result.allLm},
                  {QStringLiteral("all_human"), result.allHuman}};
    if (params.strategy == QLatin1String("simulated"))
        p.insert(QStringLiteral("candidates"), params.candidates);
    if (params.strategy == QLatin1String("epsilon"))
        p.insert(QStringLiteral("epsilon"), epsilon);
    p.insert(QStringLiteral("count_mode"), loaded.record.countMode);
    if (reference) {
        p.insert(QStringLiteral("counted"), qint64(r.counted));
        p.insert(QStringLiteral("subsample"), qint64(params.subsample));
    }
    record.params = compactJson(p);
    return storePlan(store, record, ids, params.apply, timer, result);
}

SimulateResult simulateProject(ProjectStore &store, double budget, int candidates, quint64 seed, int threads,
                               Feedback &feedback, std::int64_t subsample)
{
    if (candidates < 1)
        throw RoutingError("--candidates must be at least 1");
    LoadedPpm loaded = loadPpm(store);
    setSubsample(loaded.matrix, subsample, seed);
    QElapsedTimer timer;
    timer.start();
    SimulateResult s;
    s.budget = budgetCount(budget, loaded.matrix.instances(),
                           loaded.matrix.countMode() == routing::CountMode::ReferenceCompat);
    const routing::RoutingResult r =
        routing::routeSimulated(loaded.matrix, loaded.ppm, s.budget, candidates, seed, threads, &feedback);
    s.seconds = secondsSince(timer);
    s.candidates = r.candidates;
    s.best = r.predicted;
    return s;
}

BudgetOverview budgetOverview(ProjectStore &store, int steps, int candidatesPerBudget, quint64 seed,
                              Feedback &feedback, std::optional<qint64> modelId)
{
    LoadedPpm loaded = loadPpm(store, modelId);
    BudgetOverview o;
    o.instances = loaded.matrix.instances();
    o.allLm = routing::predictAllLm(loaded.ppm);
    o.allHuman = routing::predictAllHuman(loaded.matrix, loaded.ppm);
    std::vector<std::int64_t> budgets;
    for (int k = 1; k <= steps; ++k) {
        const std::int64_t b = std::llround(double(k) / double(steps) * double(o.instances));
        if (b >= 1 && (budgets.empty() || b > budgets.back()))
            budgets.push_back(b);
    }
    routing::BudgetPoint zero;
    zero.budget = 0;
    zero.simulatedBest = zero.randomMean = o.allLm;
    o.points.push_back(zero);
    for (const routing::BudgetPoint &p :
         routing::budgetCurve(loaded.matrix, loaded.ppm, budgets, candidatesPerBudget, seed, 0, &feedback))
        o.points.push_back(p);
    return o;
}

std::vector<TagShare> planTagShares(ProjectStore &store, qint64 planId)
{
    const std::optional<RoutePlanRecord> plan = routePlan(store, planId);
    if (!plan)
        throw RoutingError("no routing plan " + std::to_string(planId));
    routing::FeatureMatrix m = routing::FeatureMatrix::fromStore(store, false);
    // A plan of a reference-mode PPM: its tags matched as that PPM matches them.
    if (plan->modelId)
        if (const std::optional<PpmModelRecord> model = ppmModel(store, *plan->modelId);
            model && model->countMode == QLatin1String("reference"))
            prepareReferenceMatrix(store, m);
    std::vector<std::int64_t> indices;
    for (qint64 id : planInstanceIds(store, planId))
        if (const std::int64_t i = m.indexOf(id); i >= 0)
            indices.push_back(i);
    const std::vector<std::int64_t> counts = routing::countVector(m, m.subset(indices));
    std::vector<TagShare> out;
    for (int f = 0; f < m.features(); ++f)
        out.push_back({m.names()[f], qint64(m.members(f).size()), qint64(counts[std::size_t(f)])});
    return out;
}

ImportanceReport importanceReport(ProjectStore &store, int perTrial, int trials, quint64 seed,
                                  std::optional<qint64> modelId)
{
    LoadedPpm loaded = loadPpm(store, modelId);
    ImportanceReport r;
    r.modelId = loaded.record.id;
    r.model = loaded.record.model;
    if (trials <= 0)
        trials = loaded.matrix.countMode() == routing::CountMode::ReferenceCompat ? 3 : 50;
    r.perTrial = perTrial;
    r.trials = trials;
    r.importance = routing::featureImportance(loaded.matrix, loaded.ppm, perTrial, trials, seed);
    if (loaded.ppm.model() == PpmModel::Linear)
        r.coefficients = routing::linearCoefficients(loaded.matrix, loaded.ppm);
    return r;
}

} // namespace hyper
