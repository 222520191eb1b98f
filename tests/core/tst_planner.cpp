// SPDX-License-Identifier: GPL-3.0-or-later
// The project-level routing workflow (core/routing/planner.h) in-process: routeProject's
// stored plan and its predictions, applying a plan or not, the topk and all-positive
// strategies against the instance gains, refused requests, loadPpm's errors,
// simulateProject, budgetOverview, planTagShares and importanceReport.
#include "core/features/featurejob.h"
#include "core/features/featureset.h"
#include "core/features/lexical.h"
#include "core/jobs/feedback.h"
#include "core/routing/collect.h"
#include "core/routing/planner.h"
#include "core/sample/samplegenerator.h"
#include "core/storage/ppmstore.h"
#include "core/storage/projectstore.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <cstring>
#include <QTemporaryDir>
#include <QtTest>
#include <algorithm>
#include <cmath>
#include <functional>
#include <map>
#include <numeric>
#include <set>

using namespace hyper;
using namespace hyper::routing;

#include "routingtesthelpers.h"

namespace {

constexpr int kTrain = 400;
constexpr int kEval = 100;

/** Every instance's route, by id (both splits). */
std::map<qint64, QString> routesOf(ProjectStore &store)
{
    std::map<qint64, QString> out;
    for (const InstanceSummary &s : store.listInstances(InstanceFilter {}, 0, 100000))
        out[s.id] = s.route;
    return out;
}

qint64 countRoute(ProjectStore &store, std::optional<Split> split, const QString &route)
{
    InstanceFilter f;
    f.split = split;
    f.route = route;
    return store.countInstances(f);
}

/** What the RoutingError thrown by f says; empty when f throws nothing. Any other
 *  exception escapes (and fails the test). */
QString routingError(const std::function<void()> &f)
{
    try {
        f();
    } catch (const RoutingError &e) {
        return QString::fromUtf8(e.what());
    }
    return {};
}

/** A prediction of a stored model and how large its summands are (the two evaluation
 *  paths, PpmScorer and Ppm::predict, sum in different orders). */
struct Prediction {
    double value = 0;
    double scale = 0;
};

/** The stored model's prediction for a count vector in the project matrix's column order,
 *  computed here with Ppm::predict on the counts rearranged to the model's inputs. */
Prediction predictCounts(const PpmModelRecord &record, const FeatureMatrix &matrix,
    const std::vector<std::int64_t> &counts)
{
    std::vector<double> row;
    for (const QString &name : record.features) {
        const qsizetype f = matrix.names().indexOf(name);
        if (f < 0)
            qFatal("the model's feature %s is not in the matrix", qPrintable(name));
        row.push_back(double(counts[std::size_t(f)]));
    }
    const Ppm ppm = toPpm(record);
    Prediction p;
    p.value = ppm.predict(row, 1).front();
    const int p0 = int(row.size());
    const std::vector<double> columns = Ppm::expand(ppm.model(), row, 1, p0);
    p.scale = std::abs(ppm.intercept());
    for (std::size_t c = 0; c < columns.size(); ++c)
        p.scale += std::abs(columns[c] * ppm.coefficients()[c]);
    return p;
}

/** The stored model's prediction for the mix that routes exactly these instance ids to
 *  humans: the plan's bitset over the project matrix, its count vector, Ppm::predict. */
Prediction predictIds(ProjectStore &store, const PpmModelRecord &record, const std::vector<qint64> &ids)
{
    const FeatureMatrix m = FeatureMatrix::fromStore(store, false);
    std::vector<std::int64_t> indices;
    for (qint64 id : ids) {
        const std::int64_t i = m.indexOf(id);
        if (i < 0)
            qFatal("instance %lld is not a train instance", static_cast<long long>(id));
        indices.push_back(i);
    }
    return predictCounts(record, m, countVector(m, m.subset(indices)));
}

bool close(double a, const Prediction &b)
{
    return std::abs(a - b.value) <= 1e-9 * std::max(1.0, b.scale);
}

QByteArray describe(double a, const Prediction &b)
{
    return QStringLiteral("%1 vs %2 (scale %3)").arg(a, 0, 'g', 17).arg(b.value, 0, 'g', 17).arg(b.scale).toUtf8();
}

} // namespace

class TestPlanner : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_base;    // the sample project with features, no PPM data
    QString m_project; // the same with a collection, a linear and (newest) a quadratic PPM
    int m_copies = 0;
    qint64 m_linear = 0, m_quadratic = 0;
    std::int64_t m_n = 0; // train instances
    int m_features = 0;

    QString copyOf(const QString &source)
    {
        const QString p = m_dir.filePath(QStringLiteral("copy%1.hyper").arg(++m_copies));
        if (!QFile::copy(source, p))
            qFatal("cannot copy the project");
        return p;
    }

    static RouteParams params(const QString &strategy, double budget, bool apply = true)
    {
        RouteParams p;
        p.strategy = strategy;
        p.budget = budget;
        p.candidates = 200;
        p.seed = 7;
        p.threads = 2;
        p.apply = apply;
        return p;
    }

    /** 30 candidates measured by agreement with humans, counted the reference's way. */
    static CollectParams referenceCollection(quint64 seed)
    {
        CollectParams c;
        c.candidates = 30;
        c.seed = seed;
        c.metric = QStringLiteral("agreement:human");
        c.countMode = CountMode::ReferenceCompat;
        return c;
    }

    static std::vector<qint64> sorted(std::vector<qint64> v)
    {
        std::sort(v.begin(), v.end());
        return v;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_base = m_dir.filePath(QStringLiteral("base.hyper"));
        Feedback feedback;
        hyper::testing::writeFeaturedSample(m_base, kTrain, kEval);
        {
            ProjectStore store(m_base);
            const FeatureMatrix m = FeatureMatrix::fromStore(store, false);
            m_n = m.instances();
            m_features = m.features();
            QCOMPARE(m_n, std::int64_t(kTrain));
            QVERIFY(m_features > 30);
            // Every instance carries a feature, so a simulated plan reaches its budget.
            QCOMPARE(m.reachable(), m_n);
        }
        m_project = copyOf(m_base);
        ProjectStore store(m_project);
        CollectParams collect;
        collect.candidates = 40;
        collect.seed = 2;
        collect.metric = QStringLiteral("agreement:human");
        const CollectResult c = collectPpmData(store, collect, feedback);
        QCOMPARE(c.measured, 40);
        PpmFitParams fit;
        fit.folds = 4;
        fit.curvePoints = 0;
        fit.model = PpmModel::Linear;
        m_linear = fitPpm(store, fit).record.id;
        fit.model = PpmModel::Quadratic;
        m_quadratic = fitPpm(store, fit).record.id;
        QVERIFY(m_quadratic > m_linear);
        QCOMPARE(currentPpmModel(store)->id, m_quadratic);
        QVERIFY(listRoutePlans(store).empty());
    }

    // Issue 20: a PPM carries the count mode of its data. Collected in reference mode, each
    // row's counts are the reference's (length ranks inside S); the fitted PPM says so;
    // routing with it counts every mix the same way.
    void referenceModeFromCollectionToPlan()
    {
        ProjectStore store(copyOf(m_base));
        Feedback feedback;
        const CollectParams collect = referenceCollection(3);
        const CollectResult c = collectPpmData(store, collect, feedback);
        QCOMPARE(c.measured, 30);
        const PpmDataset d = *ppmDataset(store, c.datasetId);
        QCOMPARE(datasetCountMode(d), QStringLiteral("reference"));
        // The reference's rules: strict tags, and each mix's human ties out of its counts.
        FeatureMatrix m = FeatureMatrix::fromStore(store, true);
        prepareReferenceMatrix(store, m);
        int differ = 0, tiesOut = 0;
        for (const PpmRow &row : ppmRows(store, c.datasetId)) {
            Bits human(m.words(), 0);
            std::memcpy(human.data(), row.human.constData(), std::size_t(row.human.size()));
            const Bits counted = referenceCounted(m, human, nullptr);
            const std::vector<std::int64_t> ref = countVector(m, counted, CountMode::ReferenceCompat);
            QCOMPARE(row.counts, std::vector<qint64>(ref.begin(), ref.end()));
            differ += ref != countVector(m, counted);
            tiesOut += popcount(counted) < popcount(human);
        }
        QVERIFY2(differ > 0, "the reference's counts never differed from the default ones");
        QVERIFY2(tiesOut > 0, "no mix lost a human tie");

        // A default-mode collection beside it: not fitted together.
        CollectParams plain = collect;
        plain.countMode = CountMode::Default;
        const CollectResult c2 = collectPpmData(store, plain, feedback);
        QVERIFY(c2.datasetId != c.datasetId); // another resume key
        QCOMPARE(datasetCountMode(*ppmDataset(store, c2.datasetId)), QStringLiteral("default"));
        PpmFitParams fit;
        fit.folds = 4;
        fit.curvePoints = 0;
        fit.datasets = {c.datasetId, c2.datasetId};
        QVERIFY_THROWS_EXCEPTION(PpmFitError, fitPpm(store, fit));
        fit.datasets = {c.datasetId};
        const PpmModelRecord record = fitPpm(store, fit).record;
        QCOMPARE(record.countMode, QStringLiteral("reference"));
        QCOMPARE(ppmModel(store, record.id)->countMode, QStringLiteral("reference"));

        // Routing with it: the plan's prediction is the PPM of the plan's reference counts.
        const RoutePlanResult r = routeProject(store, params(QStringLiteral("simulated"), 0.25, false), feedback);
        QCOMPARE(r.modelId, record.id);
        const std::vector<qint64> ids = planInstanceIds(store, r.planId);
        std::vector<std::int64_t> indices;
        for (qint64 id : ids)
            indices.push_back(m.indexOf(id));
        const Prediction expected = predictCounts(
            record, m, countVector(m, referenceCounted(m, m.subset(indices), nullptr), CountMode::ReferenceCompat));
        QVERIFY2(close(r.predicted, expected), describe(r.predicted, expected).constData());
        const Prediction asDefault = predictCounts(record, m, countVector(m, m.subset(indices)));
        QVERIFY2(!close(r.predicted, asDefault), "the plan scored the same with default counts");
    }

    // Issue 20: a reference-mode PPM routes by the reference's rules (sample_best_subset.py):
    // per-instance gains from rows recomputed with exclusive bins (whole-data length ranks),
    // floored budgets, optimal_grad without a budget, importance over 3 trials.
    void referenceModeRoutesByTheReferenceRules()
    {
        ProjectStore store(copyOf(m_base));
        Feedback feedback;
        const CollectResult c = collectPpmData(store, referenceCollection(5), feedback);
        PpmFitParams fit;
        fit.folds = 4;
        fit.curvePoints = 0;
        fit.datasets = {c.datasetId};
        const PpmModelRecord record = fitPpm(store, fit).record;
        QCOMPARE(record.countMode, QStringLiteral("reference"));
        const Ppm ppm = toPpm(record);

        // The reference's binary rows, derived here from the rule: lengths ranked over all
        // instances (average ranks / count), then min < v < max; metadata as stored.
        FeatureMatrix m = FeatureMatrix::fromStore(store, true);
        prepareReferenceMatrix(store, m); // strict tags; the ties the mixes drop
        QCOMPARE(m.names(), record.features);
        const std::int64_t n = m.instances();
        std::vector<std::vector<double>> rows(std::size_t(n), std::vector<double>(std::size_t(m.features()), 0.0));
        int differ = 0;
        for (int f = 0; f < m.features(); ++f) {
            const features::FeatureDef *d = features::findFeature(m.names()[f]);
            QVERIFY(d);
            std::vector<char> stored(std::size_t(n), 0);
            for (std::int32_t i : m.members(f))
                stored[std::size_t(i)] = 1;
            for (std::int64_t i = 0; i < n; ++i) {
                double v = 0;
                bool on = stored[std::size_t(i)];
                if (d->kind == features::FeatureKind::Lexical) {
                    const std::vector<double> &raw = *m.scores(features::scoreName(d->score));
                    v = raw[std::size_t(i)];
                    if (features::isLengthScore(d->score)) {
                        double below = 0, equal = 0, count = 0;
                        for (double w : raw)
                            if (!std::isnan(w)) {
                                ++count;
                                below += w < v;
                                equal += w == v;
                            }
                        v = (below + (equal + 1) / 2) / count;
                    }
                    on = v > d->minVal && v < d->maxVal;
                    differ += on != bool(stored[std::size_t(i)]);
                }
                rows[std::size_t(i)][std::size_t(f)] = on ? 1 : 0;
            }
        }
        QVERIFY2(differ > 0, "the exclusive bins changed no instance's row");
        const double zero = ppm.predict(std::vector<double>(std::size_t(m.features()), 0.0), 1).front();
        std::vector<std::pair<double, std::int64_t>> byGain;
        std::vector<double> derived;
        for (std::int64_t i = 0; i < n; ++i) {
            derived.push_back(ppm.predict(rows[std::size_t(i)], 1).front() - zero);
            byGain.emplace_back(-derived.back(), i);
        }
        std::sort(byGain.begin(), byGain.end());

        // The router's per-instance gains are those; the stored rows' are not.
        const LoadedPpm loaded = loadPpm(store, record.id);
        const std::vector<double> gains = instanceGains(loaded.matrix, loaded.ppm);
        const std::vector<double> storedGains = instanceGains(FeatureMatrix::fromStore(store, false), ppm);
        int gainsDiffer = 0;
        for (std::int64_t i = 0; i < n; ++i) {
            QVERIFY2(std::abs(gains[std::size_t(i)] - derived[std::size_t(i)]) <= 1e-9, qPrintable(QString::number(i)));
            gainsDiffer += std::abs(storedGains[std::size_t(i)] - derived[std::size_t(i)]) > 1e-9;
        }
        QVERIFY(gainsDiffer > 0);

        // top-k, budget int(0.2517 * 400) = 100 (rounding would give 101).
        const RoutePlanResult top = routeProject(store, params(QStringLiteral("topk"), 0.2517, false), feedback);
        QCOMPARE(top.budget, qint64(100));
        std::vector<qint64> expected;
        for (std::size_t k = 0; k < 100; ++k)
            expected.push_back(m.ids()[std::size_t(byGain[k].second)]);
        QCOMPARE(sorted(planInstanceIds(store, top.planId)), sorted(expected));

        // optimal_grad: every instance adding more than 1e-4 (linear) to the running sum.
        RouteParams grad = params(QStringLiteral("epsilon"), 0.1, false);
        const RoutePlanResult g = routeProject(store, grad, feedback);
        expected.clear();
        double cumulative = 0;
        for (const auto &[negGain, i] : byGain)
            if (-negGain + cumulative > cumulative + 1e-4) {
                expected.push_back(m.ids()[std::size_t(i)]);
                cumulative += -negGain;
            }
        QVERIFY(expected.size() > 40); // more than the 0.1 budget: no cap
        QCOMPARE(sorted(planInstanceIds(store, g.planId)), sorted(expected));
        const QJsonObject stored = QJsonDocument::fromJson(routePlan(store, g.planId)->params.toUtf8()).object();
        QCOMPARE(stored.value(QStringLiteral("epsilon")).toDouble(), 1e-4);
        QCOMPARE(stored.value(QStringLiteral("count_mode")).toString(), QStringLiteral("reference"));

        // The all-human mix is counted the reference's way too.
        Bits all(m.words(), 0);
        for (std::int64_t i = 0; i < n; ++i)
            setBit(all, i);
        const Prediction human =
            predictCounts(record, m, countVector(m, referenceCounted(m, all, nullptr), CountMode::ReferenceCompat));
        QVERIFY2(close(top.allHuman, human), describe(top.allHuman, human).constData());

        // Importance: the reference's 3 trials unless asked otherwise, over the carriers
        // of the recomputed rows.
        const ImportanceReport importance = importanceReport(store, 100, 0, 1);
        QCOMPARE(importance.trials, 3);
        QCOMPARE(importanceReport(store, 100, 7, 1).trials, 7);
        QCOMPARE(int(importance.importance.size()), m.features());
        for (const FeatureImportance &fi : importance.importance) {
            const qsizetype f = m.names().indexOf(fi.feature);
            QVERIFY(f >= 0);
            int carriers = 0;
            for (const std::vector<double> &row : rows)
                carriers += row[std::size_t(f)] != 0;
            QCOMPARE(fi.carriers, carriers);
        }
    }

    void simulatedRouteStoresAndAppliesThePlan()
    {
        ProjectStore store(copyOf(m_project));
        const std::map<qint64, QString> before = routesOf(store);
        Feedback feedback;
        const RoutePlanResult r = routeProject(store, params(QStringLiteral("simulated"), 0.25), feedback);
        const qint64 size = std::llround(0.25 * double(m_n));
        QCOMPARE(r.budget, size);
        QCOMPARE(r.human, size);
        QCOMPARE(r.instances, qint64(m_n));
        QCOMPARE(r.modelId, m_quadratic); // the newest
        QCOMPARE(r.strategy, QStringLiteral("simulated"));
        QCOMPARE(r.candidates, qint64(200));
        QVERIFY(r.applied);
        QVERIFY(r.seconds > 0);

        // The stored plan.
        const std::vector<qint64> ids = planInstanceIds(store, r.planId);
        QCOMPARE(qint64(ids.size()), size);
        QCOMPARE(qint64(std::set<qint64>(ids.begin(), ids.end()).size()), size);
        const auto plan = routePlan(store, r.planId);
        QVERIFY(plan);
        QCOMPARE(plan->human, size);
        QCOMPARE(plan->budget, size);
        QVERIFY(plan->modelId == m_quadratic);
        QCOMPARE(plan->strategy, QStringLiteral("simulated"));
        QVERIFY(plan->predicted);
        QCOMPARE(*plan->predicted, r.predicted);
        QVERIFY(!plan->appliedAt.isEmpty());
        QCOMPARE(listRoutePlans(store).size(), std::size_t(1));

        // predicted = PPM(c(plan)), computed independently of the router.
        const PpmModelRecord record = *ppmModel(store, m_quadratic);
        const Prediction expected = predictIds(store, record, ids);
        QVERIFY2(close(r.predicted, expected), describe(r.predicted, expected).constData());
        // allLm = PPM(0), allHuman = PPM(c(every train instance)).
        const FeatureMatrix m = FeatureMatrix::fromStore(store, false);
        const Prediction lm = predictCounts(record, m, std::vector<std::int64_t>(std::size_t(m.features()), 0));
        QVERIFY2(close(r.allLm, lm), describe(r.allLm, lm).constData());
        QVERIFY2(std::abs(r.allLm - record.intercept) <= 1e-12, describe(r.allLm, lm).constData());
        std::vector<std::int64_t> all;
        for (int f = 0; f < m.features(); ++f)
            all.push_back(std::int64_t(m.members(f).size()));
        const Prediction human = predictCounts(record, m, all);
        QVERIFY2(close(r.allHuman, human), describe(r.allHuman, human).constData());

        // Applied: the plan's instances go to humans, the rest of train to the LM, eval
        // keeps its routes.
        QCOMPARE(countRoute(store, Split::Train, QStringLiteral("human")), size);
        QCOMPARE(countRoute(store, Split::Train, QStringLiteral("lm")), qint64(m_n) - size);
        QCOMPARE(countRoute(store, Split::Eval, QStringLiteral("human")), qint64(0));
        QCOMPARE(countRoute(store, Split::Eval, QStringLiteral("lm")), qint64(0));
        const std::set<qint64> planned(ids.begin(), ids.end());
        const std::map<qint64, QString> after = routesOf(store);
        QCOMPARE(after.size(), before.size());
        int evalSeen = 0;
        for (const auto &[id, route] : after) {
            if (m.indexOf(id) < 0) { // eval
                ++evalSeen;
                QCOMPARE(route, before.at(id));
            } else {
                QCOMPARE(route, planned.count(id) ? QStringLiteral("human") : QStringLiteral("lm"));
            }
        }
        QCOMPARE(evalSeen, kEval);

        // The same request again: the same plan (deterministic for a seed), a new record.
        const RoutePlanResult again
            = routeProject(store, params(QStringLiteral("simulated"), 0.25, false), feedback);
        QVERIFY(again.planId != r.planId);
        QCOMPARE(planInstanceIds(store, again.planId), ids);
        QCOMPARE(again.predicted, r.predicted);
    }

    void noApplyLeavesRoutesAlone()
    {
        ProjectStore store(copyOf(m_project));
        Feedback feedback;
        // Routes set by a first plan, then a second plan that is not applied.
        const RoutePlanResult first = routeProject(store, params(QStringLiteral("topk"), 0.1), feedback);
        QVERIFY(first.applied);
        const std::map<qint64, QString> before = routesOf(store);
        QCOMPARE(countRoute(store, Split::Train, QStringLiteral("human")), first.human);

        const RoutePlanResult second
            = routeProject(store, params(QStringLiteral("simulated"), 0.5, false), feedback);
        QVERIFY(!second.applied);
        QCOMPARE(second.human, std::llround(0.5 * double(m_n)));
        QCOMPARE(qint64(planInstanceIds(store, second.planId).size()), second.human);
        QVERIFY(routePlan(store, second.planId)->appliedAt.isEmpty());
        QCOMPARE(listRoutePlans(store).size(), std::size_t(2));
        QVERIFY(routesOf(store) == before);

        // And on a project never routed: everything stays unrouted.
        ProjectStore fresh(copyOf(m_project));
        const std::map<qint64, QString> unrouted = routesOf(fresh);
        routeProject(fresh, params(QStringLiteral("topk"), 0.5, false), feedback);
        QVERIFY(routesOf(fresh) == unrouted);
        QCOMPARE(countRoute(fresh, std::nullopt, QStringLiteral("unrouted")), qint64(kTrain + kEval));
    }

    void topkTakesTheHighestGains()
    {
        ProjectStore store(copyOf(m_project));
        Feedback feedback;
        for (const qint64 model : { m_linear, m_quadratic }) {
            RouteParams p = params(QStringLiteral("topk"), 0.2, false);
            p.modelId = model;
            const RoutePlanResult r = routeProject(store, p, feedback);
            const qint64 k = std::llround(0.2 * double(m_n));
            QCOMPARE(r.modelId, model);
            QCOMPARE(r.human, k);
            QCOMPARE(r.candidates, qint64(0));

            const LoadedPpm loaded = loadPpm(store, model);
            QCOMPARE(loaded.record.id, model);
            const std::vector<double> gains = instanceGains(loaded.matrix, loaded.ppm);
            QCOMPARE(std::int64_t(gains.size()), m_n);
            // A real model: the gains differ, so the order means something.
            QVERIFY(*std::max_element(gains.begin(), gains.end()) > *std::min_element(gains.begin(), gains.end()));
            std::vector<std::size_t> order(gains.size());
            std::iota(order.begin(), order.end(), std::size_t(0));
            std::stable_sort(order.begin(), order.end(),
                [&](std::size_t a, std::size_t b) { return gains[a] > gains[b]; });
            std::vector<qint64> expected;
            for (std::size_t j = 0; j < std::size_t(k); ++j)
                expected.push_back(loaded.matrix.ids()[order[j]]);
            const std::vector<qint64> ids = planInstanceIds(store, r.planId);
            QCOMPARE(ids, sorted(expected));
            // No instance left out has a higher gain than one taken.
            const std::set<qint64> taken(ids.begin(), ids.end());
            double lowestTaken = INFINITY, highestLeft = -INFINITY;
            for (std::size_t i = 0; i < gains.size(); ++i) {
                if (taken.count(loaded.matrix.ids()[i]))
                    lowestTaken = std::min(lowestTaken, gains[i]);
                else
                    highestLeft = std::max(highestLeft, gains[i]);
            }
            QVERIFY(lowestTaken >= highestLeft);

            const Prediction expectedScore = predictIds(store, loaded.record, ids);
            QVERIFY2(close(r.predicted, expectedScore), describe(r.predicted, expectedScore).constData());
        }
    }

    void allPositiveTakesEveryPositiveGain()
    {
        ProjectStore store(copyOf(m_project));
        Feedback feedback;
        RouteParams p = params(QStringLiteral("all-positive"), 0.01, false); // the budget is ignored
        p.modelId = m_linear;
        const RoutePlanResult r = routeProject(store, p, feedback);
        QCOMPARE(r.budget, qint64(m_n));
        const LoadedPpm loaded = loadPpm(store, m_linear);
        const std::vector<double> gains = instanceGains(loaded.matrix, loaded.ppm);
        std::vector<qint64> expected;
        for (std::size_t i = 0; i < gains.size(); ++i)
            if (gains[i] > 0)
                expected.push_back(loaded.matrix.ids()[i]);
        QVERIFY(!expected.empty());
        QCOMPARE(planInstanceIds(store, r.planId), sorted(expected));
        QCOMPARE(r.human, qint64(expected.size()));
        QCOMPARE(routePlan(store, r.planId)->budget, qint64(m_n));
    }

    void badRequestsThrowAndStoreNothing()
    {
        ProjectStore store(copyOf(m_project));
        const std::map<qint64, QString> before = routesOf(store);
        Feedback feedback;
        QVERIFY(routingError([&] { routeProject(store, params(QStringLiteral("greedy"), 0.5), feedback); })
                .contains(QStringLiteral("greedy")));
        for (const double budget : { 0.0, -0.2, 1.5, double(m_n + 1), std::nan("") }) {
            for (const char *strategy : { "simulated", "topk", "epsilon" }) {
                const QString message = routingError(
                    [&] { routeProject(store, params(QString::fromLatin1(strategy), budget), feedback); });
                QVERIFY2(!message.isEmpty(), qPrintable(QStringLiteral("%1 at %2").arg(QLatin1String(strategy)).arg(budget)));
            }
        }
        RouteParams none = params(QStringLiteral("simulated"), 0.5);
        none.candidates = 0;
        QVERIFY(!routingError([&] { routeProject(store, none, feedback); }).isEmpty());
        RouteParams missing = params(QStringLiteral("simulated"), 0.5);
        missing.modelId = 999;
        QVERIFY(routingError([&] { routeProject(store, missing, feedback); }).contains(QStringLiteral("999")));
        QVERIFY(!routingError([&] { simulateProject(store, 0.0, 10, 1, 1, feedback); }).isEmpty());
        QVERIFY(!routingError([&] { simulateProject(store, 1.5, 10, 1, 1, feedback); }).isEmpty());
        QVERIFY(!routingError([&] { simulateProject(store, 0.5, 0, 1, 1, feedback); }).isEmpty());
        QVERIFY(!routingError([&] { planTagShares(store, 999); }).isEmpty());
        QVERIFY(listRoutePlans(store).empty());
        QVERIFY(routesOf(store) == before);

        // Valid edge budgets: 1 (everything) and an exact count.
        RouteParams everything = params(QStringLiteral("topk"), 1.0, false);
        QCOMPARE(routeProject(store, everything, feedback).human, qint64(m_n));
        RouteParams count = params(QStringLiteral("topk"), 37, false);
        QCOMPARE(routeProject(store, count, feedback).human, qint64(37));
    }

    void noModelNamesTheFitCommand()
    {
        ProjectStore store(copyOf(m_base));
        const std::map<qint64, QString> before = routesOf(store);
        Feedback feedback;
        const QString load = routingError([&] { loadPpm(store); });
        QVERIFY2(load.contains(QStringLiteral("hyper ppm fit")), qPrintable(load));
        const QString route
            = routingError([&] { routeProject(store, params(QStringLiteral("simulated"), 0.3), feedback); });
        QVERIFY2(route.contains(QStringLiteral("hyper ppm fit")), qPrintable(route));
        QVERIFY(routingError([&] { simulateProject(store, 0.3, 10, 1, 1, feedback); })
                .contains(QStringLiteral("hyper ppm fit")));
        QVERIFY(routingError([&] { budgetOverview(store, 4, 10, 1, feedback); })
                .contains(QStringLiteral("hyper ppm fit")));
        QVERIFY(routingError([&] { importanceReport(store, 10, 2, 1); }).contains(QStringLiteral("hyper ppm fit")));
        QVERIFY(listRoutePlans(store).empty());
        QVERIFY(routesOf(store) == before);
    }

    void randomNeedsNoModel()
    {
        ProjectStore store(copyOf(m_base)); // no PPM at all
        Feedback feedback;
        const RoutePlanResult r = routeProject(store, params(QStringLiteral("random"), 0.3), feedback);
        const qint64 want = qint64(std::llround(0.3 * double(m_n)));
        QCOMPARE(r.human, want);
        QCOMPARE(r.modelId, qint64(0));
        QVERIFY(r.applied);
        const std::vector<qint64> ids = planInstanceIds(store, r.planId);
        QCOMPARE(qint64(ids.size()), want);
        qint64 human = 0;
        for (const auto &[id, route] : routesOf(store))
            human += route == QLatin1String("human");
        QCOMPARE(human, want);
        // Seeded: the same seed gives the same plan, another seed another one.
        const RoutePlanResult again = routeProject(store, params(QStringLiteral("random"), 0.3), feedback);
        QVERIFY(planInstanceIds(store, again.planId) == ids);
        RouteParams other = params(QStringLiteral("random"), 0.3);
        other.seed = 8;
        QVERIFY(planInstanceIds(store, routeProject(store, other, feedback).planId) != ids);
        QVERIFY(!listRoutePlans(store).front().predicted || !listRoutePlans(store).back().predicted);
    }

    void modelWithAnUnknownFeatureIsRefused()
    {
        ProjectStore store(copyOf(m_project));
        const QStringList names = FeatureMatrix::fromStore(store, false).names();
        PpmModelRecord record;
        record.model = QStringLiteral("linear");
        record.folds = 2;
        record.features = { names[0], QStringLiteral("made_up_feature"), names[1] };
        record.n = 10;
        record.terms = 4;
        record.intercept = 0.5;
        record.coef = { 0.01, 0.02, 0.03 };
        const qint64 id = insertPpmModel(store, record);
        QVERIFY(routing::toPpm(*ppmModel(store, id)).isFitted()); // a consistent record otherwise

        QString message = routingError([&] { loadPpm(store, id); });
        QVERIFY2(message.contains(QStringLiteral("made_up_feature")), qPrintable(message));
        message = routingError([&] { loadPpm(store); }); // it is the newest
        QVERIFY2(message.contains(QStringLiteral("made_up_feature")), qPrintable(message));
        Feedback feedback;
        message = routingError([&] { routeProject(store, params(QStringLiteral("topk"), 0.3), feedback); });
        QVERIFY2(message.contains(QStringLiteral("made_up_feature")), qPrintable(message));
        QVERIFY(listRoutePlans(store).empty());
        // The older models still load.
        QCOMPARE(loadPpm(store, m_quadratic).record.id, m_quadratic);
    }

    void simulateStoresNothingAndMatchesRoute()
    {
        ProjectStore store(copyOf(m_project));
        const std::map<qint64, QString> before = routesOf(store);
        Feedback feedback;
        const SimulateResult s = simulateProject(store, 0.3, 300, 5, 2, feedback);
        QCOMPARE(s.budget, std::llround(0.3 * double(m_n)));
        QCOMPARE(s.candidates, qint64(300));
        QVERIFY(s.seconds > 0);
        QVERIFY(std::isfinite(s.best));
        QVERIFY(listRoutePlans(store).empty());
        QVERIFY(routesOf(store) == before);

        RouteParams p = params(QStringLiteral("simulated"), 0.3, false);
        p.candidates = 300;
        p.seed = 5;
        p.threads = 1; // deterministic whatever the thread count
        const RoutePlanResult r = routeProject(store, p, feedback);
        QCOMPARE(r.predicted, s.best);
        QCOMPARE(r.budget, s.budget);
        // More candidates with the same seed include the first 300: never worse.
        QVERIFY(simulateProject(store, 0.3, 600, 5, 2, feedback).best >= s.best);
    }

    void budgetOverviewCurve()
    {
        ProjectStore store(copyOf(m_project));
        Feedback feedback;
        const int steps = 4;
        const BudgetOverview o = budgetOverview(store, steps, 100, 3, feedback);
        QCOMPARE(o.instances, qint64(m_n));
        QCOMPARE(o.points.size(), std::size_t(steps + 1));
        QCOMPARE(o.points.front().budget, std::int64_t(0));
        QCOMPARE(o.points.front().simulatedBest, o.allLm);
        QCOMPARE(o.points.front().randomMean, o.allLm);
        for (std::size_t k = 1; k < o.points.size(); ++k) {
            QVERIFY(o.points[k].budget > o.points[k - 1].budget);
            QCOMPARE(o.points[k].budget, std::int64_t(std::llround(double(k) / steps * double(m_n))));
            QVERIFY(std::isfinite(o.points[k].simulatedBest));
            QVERIFY(std::isfinite(o.points[k].randomMean));
        }
        QCOMPARE(o.points.back().budget, std::int64_t(m_n));

        const PpmModelRecord record = *ppmModel(store, m_quadratic);
        QVERIFY(std::abs(o.allLm - record.intercept) <= 1e-12);
        const RoutePlanResult r = routeProject(store, params(QStringLiteral("topk"), 0.5, false), feedback);
        QCOMPARE(o.allLm, r.allLm);
        QCOMPARE(o.allHuman, r.allHuman);
        // Each point's simulated best is simulated routing at that budget.
        QCOMPARE(simulateProject(store, double(o.points[2].budget), 100, 3, 2, feedback).best,
            o.points[2].simulatedBest);

        // Another model, and more steps than instances can tell apart: distinct budgets only.
        const BudgetOverview linear = budgetOverview(store, 2, 20, 3, feedback, m_linear);
        QCOMPARE(linear.points.size(), std::size_t(3));
        QVERIFY(std::abs(linear.allLm - ppmModel(store, m_linear)->intercept) <= 1e-12);
        const BudgetOverview fine = budgetOverview(store, 2 * kTrain, 2, 3, feedback);
        QCOMPARE(fine.points.size(), std::size_t(kTrain + 1));
        for (std::size_t k = 1; k < fine.points.size(); ++k)
            QVERIFY(fine.points[k].budget > fine.points[k - 1].budget);
    }

    void planTagSharesCountThePlan()
    {
        ProjectStore store(copyOf(m_project));
        Feedback feedback;
        const RoutePlanResult r = routeProject(store, params(QStringLiteral("simulated"), 0.3, false), feedback);
        const std::vector<qint64> ids = planInstanceIds(store, r.planId);
        const std::set<qint64> planned(ids.begin(), ids.end());
        const FeatureMatrix m = FeatureMatrix::fromStore(store, false);
        const std::vector<TagShare> shares = planTagShares(store, r.planId);
        QCOMPARE(int(shares.size()), m.features());
        qint64 total = 0;
        for (int f = 0; f < m.features(); ++f) {
            const TagShare &s = shares[std::size_t(f)];
            QCOMPARE(s.feature, m.names()[f]);
            QCOMPARE(s.carriers, qint64(m.members(f).size()));
            qint64 routed = 0;
            for (std::int32_t i : m.members(f))
                routed += planned.count(m.ids()[std::size_t(i)]) ? 1 : 0;
            QCOMPARE(s.routed, routed);
            QVERIFY(s.routed <= s.carriers);
            total += s.routed;
        }
        QVERIFY(total >= qint64(ids.size())); // every instance carries a feature
        // A plan of every train instance routes every carrier.
        const RoutePlanResult everything
            = routeProject(store, params(QStringLiteral("topk"), 1.0, false), feedback);
        for (const TagShare &s : planTagShares(store, everything.planId))
            QCOMPARE(s.routed, s.carriers);
    }

    void importanceReports()
    {
        ProjectStore store(copyOf(m_project));
        const auto sortedByGain = [](const std::vector<FeatureImportance> &v) {
            for (std::size_t i = 1; i < v.size(); ++i)
                if (v[i].gain > v[i - 1].gain)
                    return false;
            return true;
        };
        const ImportanceReport linear = importanceReport(store, 20, 5, 1, m_linear);
        QCOMPARE(linear.modelId, m_linear);
        QCOMPARE(linear.model, QStringLiteral("linear"));
        QCOMPARE(int(linear.importance.size()), m_features);
        QVERIFY(sortedByGain(linear.importance));
        QCOMPARE(int(linear.coefficients.size()), m_features);
        for (std::size_t i = 1; i < linear.coefficients.size(); ++i)
            QVERIFY(linear.coefficients[i].second <= linear.coefficients[i - 1].second);
        // The coefficients are the stored model's, by feature name.
        const PpmModelRecord record = *ppmModel(store, m_linear);
        for (const auto &[name, value] : linear.coefficients) {
            const qsizetype f = record.features.indexOf(name);
            QVERIFY2(f >= 0, qPrintable(name));
            QCOMPARE(value, record.coef[std::size_t(f)]);
        }
        const FeatureMatrix m = FeatureMatrix::fromStore(store, false);
        std::set<QString> seen;
        for (const FeatureImportance &f : linear.importance) {
            const qsizetype col = m.names().indexOf(f.feature);
            QVERIFY2(col >= 0, qPrintable(f.feature));
            QCOMPARE(f.carriers, int(m.members(int(col)).size()));
            QCOMPARE(f.sampled, std::min(20, f.carriers));
            QVERIFY(f.stddev >= 0);
            seen.insert(f.feature);
        }
        QCOMPARE(int(seen.size()), m_features);

        const ImportanceReport quadratic = importanceReport(store, 20, 5, 1); // the newest
        QCOMPARE(quadratic.modelId, m_quadratic);
        QCOMPARE(quadratic.model, QStringLiteral("quadratic"));
        QVERIFY(quadratic.coefficients.empty());
        QCOMPARE(int(quadratic.importance.size()), m_features);
        QVERIFY(sortedByGain(quadratic.importance));
        // Deterministic for a seed.
        const ImportanceReport again = importanceReport(store, 20, 5, 1, m_quadratic);
        for (std::size_t i = 0; i < again.importance.size(); ++i) {
            QCOMPARE(again.importance[i].feature, quadratic.importance[i].feature);
            QCOMPARE(again.importance[i].gain, quadratic.importance[i].gain);
        }
    }
};

QTEST_GUILESS_MAIN(TestPlanner)
#include "tst_planner.moc"
