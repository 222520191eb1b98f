// SPDX-License-Identifier: GPL-3.0-or-later
// Routing (core/routing/route.h): the fast PPM scorer, top-k / all-positive / epsilon /
// simulated routing, feature importance, the budget curve, budgetFromArg, hyper bench route.
#include "core/jobs/feedback.h"
#include "core/routing/route.h"
#include "routingtesthelpers.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QtTest>
#include <cmath>
#include <functional>

using namespace hyper;
using namespace hyper::routing;

namespace {

QStringList namesOf(int n)
{
    QStringList out;
    for (int i = 0; i < n; ++i)
        out << QStringLiteral("f%1").arg(i);
    return out;
}

std::vector<std::int64_t> iotaIds(std::int64_t n)
{
    std::vector<std::int64_t> ids(static_cast<std::size_t>(n));
    for (std::int64_t i = 0; i < n; ++i)
        ids[std::size_t(i)] = 100 + i;
    return ids;
}

/** A PPM fitted on rows where the target is exactly target(x): recovers its coefficients
 *  (to rounding) when the rows determine them. */
Ppm fitExact(PpmModel model, const std::vector<std::vector<double>> &rows,
             const std::function<double(const std::vector<double> &)> &target)
{
    const int p = int(rows.front().size());
    std::vector<double> X, y;
    for (const auto &r : rows) {
        X.insert(X.end(), r.begin(), r.end());
        y.push_back(target(r));
    }
    Ppm ppm(model);
    ppm.fit(X, int(rows.size()), p, y);
    return ppm;
}

/** The hand-built matrix of the top-k / epsilon tests: 8 instances, 3 features, and a
 *  linear PPM 1 + 2 c0 - c1 + 0.5 c2, so the gains are
 *  i0 {0}: 2, i1 {1}: -1, i2 {0,2}: 2.5, i3 {}: 0, i4 {2}: 0.5, i5 {0,1}: 1, i6 {1,2}: -0.5, i7 {2}: 0.5. */
FeatureMatrix handMatrix()
{
    const std::vector<std::vector<int>> rows = {{0}, {1}, {0, 2}, {}, {2}, {0, 1}, {1, 2}, {2}};
    return FeatureMatrix(namesOf(3), iotaIds(8), rows);
}

Ppm handLinearPpm()
{
    std::vector<std::vector<double>> rows;
    std::mt19937_64 rng(3);
    for (int r = 0; r < 30; ++r)
        rows.push_back({double(boundedDraw(rng, 6)), double(boundedDraw(rng, 6)), double(boundedDraw(rng, 6))});
    return fitExact(PpmModel::Linear, rows, [](const std::vector<double> &x) {
        return 1 + 2 * x[0] - x[1] + 0.5 * x[2];
    });
}

std::vector<std::int64_t> members(const Bits &b, std::int64_t n)
{
    return hyper::testing::bitIndices(b, n);
}

/** 300 instances, 12 features, each carried with probability 1/4 (a few instances carry none). */
FeatureMatrix randomMatrix(std::int64_t n = 300, int f = 12, std::uint64_t seed = 8)
{
    std::mt19937_64 gen(seed);
    std::vector<std::vector<int>> rows(static_cast<std::size_t>(n));
    for (auto &r : rows)
        for (int k = 0; k < f; ++k)
            if (boundedDraw(gen, 4) == 0)
                r.push_back(k);
    return FeatureMatrix(namesOf(f), iotaIds(n), rows);
}

} // namespace

class TestRoute : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void scorerEqualsPredict()
    {
        // Random fits (the quadratic one under-determined: 65 columns, 40 rows, so its
        // minimum-norm coefficients are all non-zero), random counts with zeros.
        const int p = 10;
        std::mt19937_64 rng(5);
        std::vector<double> X, y;
        for (int r = 0; r < 40; ++r) {
            double t = 0.5;
            for (int j = 0; j < p; ++j) {
                const double c = double(boundedDraw(rng, 60));
                X.push_back(c);
                t += 1e-3 * (double(j) - 4.5) * c;
            }
            y.push_back(t + 1e-2 * double(boundedDraw(rng, 100)) / 100.0);
        }
        for (const PpmModel model : {PpmModel::Linear, PpmModel::Quadratic}) {
            Ppm ppm(model);
            ppm.fit(X, 40, p, y);
            const PpmScorer scorer(ppm);
            QCOMPARE(scorer.inputs(), p);
            const int n = 300;
            std::vector<std::int64_t> counts(std::size_t(n) * p);
            std::vector<double> rows(counts.size());
            for (std::size_t k = 0; k < counts.size(); ++k) {
                counts[k] = boundedDraw(rng, 5) == 0 ? 0 : std::int64_t(boundedDraw(rng, 200));
                rows[k] = double(counts[k]);
            }
            const std::vector<double> expected = ppm.predict(rows, n);
            std::vector<double> batch(static_cast<std::size_t>(n));
            scorer.scoreBatch(counts.data(), n, batch.data());
            double worst = 0;
            for (int r = 0; r < n; ++r) {
                const double got = scorer.score(counts.data() + std::size_t(r) * p);
                QCOMPARE(batch[std::size_t(r)], got);
                worst = std::max(worst, std::abs(got - expected[std::size_t(r)]) / std::abs(expected[std::size_t(r)]));
            }
            QVERIFY2(worst <= 1e-9, qPrintable(QString::number(worst)));
            const std::vector<std::int64_t> zero(std::size_t(p), 0);
            QCOMPARE(scorer.score(zero), ppm.intercept());
            QCOMPARE(scorer.terms(zero.data()), 0.0);
        }
    }

    void scorerEqualsPredictAt90Features()
    {
        // The real layout: 90 features, 4,185 quadratic columns, dense coefficients.
        const FeatureMatrix m = syntheticMatrix(400, 2);
        const Ppm ppm = syntheticPpm(m, 120, 3);
        QCOMPARE(int(ppm.coefficients().size()), 90 + 90 * 91 / 2);
        const PpmScorer scorer(ppm);
        CandidateSampler sampler(m);
        std::mt19937_64 rng(4);
        Bits s;
        std::vector<double> rows;
        std::vector<std::vector<std::int64_t>> counts;
        for (int r = 0; r < 50; ++r) {
            sampler.sample(rng, s);
            counts.push_back(countVector(m, s));
            for (std::int64_t c : counts.back())
                rows.push_back(double(c));
        }
        const std::vector<double> expected = ppm.predict(rows, 50);
        for (int r = 0; r < 50; ++r) {
            const double got = scorer.score(counts[std::size_t(r)]);
            QVERIFY2(std::abs(got - expected[std::size_t(r)]) <= 1e-9 * std::abs(expected[std::size_t(r)]),
                     qPrintable(QStringLiteral("%1 vs %2").arg(got, 0, 'g', 17).arg(expected[std::size_t(r)], 0, 'g', 17)));
        }
    }

    void gains()
    {
        const FeatureMatrix m = handMatrix();
        const std::vector<double> g = instanceGains(m, handLinearPpm());
        const std::vector<double> expected = {2, -1, 2.5, 0, 0.5, 1, -0.5, 0.5};
        QCOMPARE(g.size(), expected.size());
        for (std::size_t i = 0; i < g.size(); ++i)
            QVERIFY(std::abs(g[i] - expected[i]) < 1e-9);
        // A PPM of another width is refused.
        const Ppm narrow = fitExact(PpmModel::Linear, {{0, 1}, {1, 0}, {1, 1}, {2, 1}},
                                    [](const std::vector<double> &x) { return x[0]; });
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, instanceGains(m, narrow));
        QVERIFY_THROWS_EXCEPTION(std::logic_error, PpmScorer{Ppm()});
    }

    void topK()
    {
        const FeatureMatrix m = handMatrix();
        const Ppm ppm = handLinearPpm();
        using V = std::vector<std::int64_t>;
        QCOMPARE(members(routeTopK(m, ppm, 3).human, 8), (V{0, 2, 5}));
        // i4 and i7 tie at 0.5: the lower index first.
        QCOMPARE(members(routeTopK(m, ppm, 4).human, 8), (V{0, 2, 4, 5}));
        QCOMPARE(members(routeTopK(m, ppm, 5).human, 8), (V{0, 2, 4, 5, 7}));
        QCOMPARE(members(routeTopK(m, ppm, 6).human, 8), (V{0, 2, 3, 4, 5, 7}));
        const RoutingResult r = routeTopK(m, ppm, 3);
        QCOMPARE(r.size, std::int64_t(3));
        QCOMPARE(r.strategy, QStringLiteral("top-k"));
        QCOMPARE(r.counts, (V{3, 1, 1}));
        QVERIFY(std::abs(r.predicted - (1 + 6 - 1 + 0.5)) < 1e-9);
        QCOMPARE(routeTopK(m, ppm, 0).size, std::int64_t(0));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, routeTopK(m, ppm, 9));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, routeTopK(m, ppm, -1));
    }

    void allPositive()
    {
        const FeatureMatrix m = handMatrix();
        const RoutingResult r = routeAllPositive(m, handLinearPpm());
        QCOMPARE(members(r.human, 8), (std::vector<std::int64_t>{0, 2, 4, 5, 7}));
        QCOMPARE(r.size, std::int64_t(5));
        QCOMPARE(r.strategy, QStringLiteral("all-positive"));
    }

    void epsilonLinear()
    {
        const FeatureMatrix m = handMatrix();
        const Ppm ppm = handLinearPpm();
        using V = std::vector<std::int64_t>;
        // Gain order: i2 2.5, i0 2, i5 1, i4 0.5, i7 0.5, i3 0, i6 -0.5, i1 -1.
        QCOMPARE(members(routeEpsilon(m, ppm, 8, 0.75).human, 8), (V{0, 2, 5}));
        QCOMPARE(members(routeEpsilon(m, ppm, 8, 0.4).human, 8), (V{0, 2, 4, 5, 7}));
        QCOMPARE(members(routeEpsilon(m, ppm, 8, -0.1).human, 8), (V{0, 2, 3, 4, 5, 7}));
        QCOMPARE(members(routeEpsilon(m, ppm, 2, 0).human, 8), (V{0, 2}));
        QCOMPARE(routeEpsilon(m, ppm, 8, 10).size, std::int64_t(0));
    }

    void epsilonQuadraticUsesMarginalGain()
    {
        // PPM = c0 - 0.1 c0^2: every instance alone gains 0.9, but the k-th carrier adds
        // 1 - 0.1 (2k - 1): 0.9, 0.7, 0.5, 0.3, ... With epsilon 0.4 three are routed.
        std::vector<std::vector<double>> rows;
        for (int c = 0; c <= 10; ++c)
            rows.push_back({double(c)});
        const Ppm ppm = fitExact(PpmModel::Quadratic, rows,
                                 [](const std::vector<double> &x) { return x[0] - 0.1 * x[0] * x[0]; });
        const FeatureMatrix m(namesOf(1), iotaIds(8), std::vector<std::vector<int>>(8, {0}));
        for (double g : instanceGains(m, ppm))
            QVERIFY(std::abs(g - 0.9) < 1e-9);
        const RoutingResult r = routeEpsilon(m, ppm, 8, 0.4);
        QCOMPARE(members(r.human, 8), (std::vector<std::int64_t>{0, 1, 2}));
        QVERIFY(std::abs(r.predicted - (3 - 0.9)) < 1e-9);
        QCOMPARE(routeEpsilon(m, ppm, 2, 0.4).size, std::int64_t(2));
        // Top-k and all-positive only see the independent gains.
        QCOMPARE(routeAllPositive(m, ppm).size, std::int64_t(8));
    }

    void simulated()
    {
        const FeatureMatrix m = randomMatrix();
        QVERIFY(m.reachable() >= 250);
        const Ppm ppm = syntheticPpm(m, 60, 7);
        const PpmScorer scorer(ppm);
        const std::int64_t budget = 100, n = 197; // several chunks of 64
        const std::uint64_t seed = 21;
        const RoutingResult one = routeSimulated(m, ppm, budget, n, seed, 1);
        for (int threads : {2, 3}) {
            const RoutingResult r = routeSimulated(m, ppm, budget, n, seed, threads);
            QVERIFY(r.human == one.human);
            QCOMPARE(r.predicted, one.predicted);
        }
        QCOMPARE(one.strategy, QStringLiteral("simulated"));
        QCOMPARE(one.candidates, n);
        QCOMPARE(one.size, budget);
        QCOMPARE(popcount(one.human), budget);
        QVERIFY(one.counts == countVector(m, one.human));
        QCOMPARE(one.predicted, scorer.score(one.counts));

        // Re-sample the same candidates: none scores higher, and the first that scores
        // as high is the one returned.
        CandidateSampler sampler(m);
        Bits s;
        std::int64_t firstBest = -1;
        for (std::int64_t k = 0; k < n; ++k) {
            QCOMPARE(sampler.sample(candidateSeed(seed, k), s, budget), budget);
            const double v = scorer.score(countVector(m, s));
            QVERIFY(v <= one.predicted);
            if (firstBest < 0 && v == one.predicted) {
                firstBest = k;
                QVERIFY(s == one.human);
            }
        }
        QVERIFY(firstBest >= 0);

        // Another seed, another set of candidates (almost surely another best).
        QVERIFY(routeSimulated(m, ppm, budget, n, seed + 1, 2).human != one.human);
        // Budget 0: the empty routing; out of range: refused.
        QCOMPARE(routeSimulated(m, ppm, 0, n, seed).size, std::int64_t(0));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, routeSimulated(m, ppm, 301, n, seed));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, routeSimulated(m, ppm, 10, 0, seed));
        // More than the reachable instances: all of them.
        const RoutingResult all = routeSimulated(m, ppm, 300, 3, seed, 2);
        QCOMPARE(all.size, m.reachable());
    }

    void simulatedProgressAndCancel()
    {
        const FeatureMatrix m = randomMatrix();
        const Ppm ppm = syntheticPpm(m, 60, 7);
        double last = -1;
        Feedback fb([&](double f, const QString &) { last = f; }, 0);
        routeSimulated(m, ppm, 50, 300, 1, 2, &fb);
        QCOMPARE(last, 1.0);
        Feedback canceled;
        canceled.cancel();
        QVERIFY_THROWS_EXCEPTION(Canceled, routeSimulated(m, ppm, 50, 300, 1, 2, &canceled));
    }

    void importance()
    {
        const FeatureMatrix m = handMatrix();
        const Ppm ppm = handLinearPpm();
        // Feature 2 has 4 carriers (i2, i4, i6, i7), fewer than perTrial: every trial
        // routes them all, so gain = coef . c(carriers) with c = (1, 1, 4):
        // 2*1 - 1*1 + 0.5*4 = 3.
        const auto imp = featureImportance(m, ppm, 100, 10, 5);
        QCOMPARE(int(imp.size()), 3);
        const auto find = [&](const QString &name) {
            for (const auto &x : imp)
                if (x.feature == name)
                    return x;
            return FeatureImportance{};
        };
        const FeatureImportance f2 = find(QStringLiteral("f2"));
        QCOMPARE(f2.carriers, 4);
        QCOMPARE(f2.sampled, 4);
        QVERIFY(std::abs(f2.gain - 3.0) < 1e-9);
        QCOMPARE(f2.stddev, 0.0);
        // f0: carriers i0, i2, i5 -> c = (3, 1, 1): 6 - 1 + 0.5 = 5.5; f1: i1, i5, i6 ->
        // c = (1, 3, 1): 2 - 3 + 0.5 = -0.5. Sorted by gain descending.
        QCOMPARE(imp[0].feature, QStringLiteral("f0"));
        QVERIFY(std::abs(imp[0].gain - 5.5) < 1e-9);
        QCOMPARE(imp[1].feature, QStringLiteral("f2"));
        QCOMPARE(imp[2].feature, QStringLiteral("f1"));
        QVERIFY(std::abs(imp[2].gain + 0.5) < 1e-9);

        // Two of the four carriers of f2 per trial: each trial's gain is one of the
        // pair sums, the spread is positive, and a seed repeats.
        const auto sampled = featureImportance(m, ppm, 2, 40, 9);
        const FeatureImportance s2 = [&] {
            for (const auto &x : sampled)
                if (x.feature == QLatin1String("f2"))
                    return x;
            return FeatureImportance{};
        }();
        QCOMPARE(s2.sampled, 2);
        QCOMPARE(s2.carriers, 4);
        // Gains of the carriers of f2: i2 2.5, i4 0.5, i6 -0.5, i7 0.5: pairs in [0, 3].
        QVERIFY(s2.gain >= 0 - 1e-9 && s2.gain <= 3 + 1e-9);
        QVERIFY(s2.stddev > 0);
        const auto again = featureImportance(m, ppm, 2, 40, 9);
        for (std::size_t i = 0; i < again.size(); ++i) {
            QCOMPARE(again[i].feature, sampled[i].feature);
            QCOMPARE(again[i].gain, sampled[i].gain);
        }
        for (std::size_t i = 1; i < sampled.size(); ++i)
            QVERIFY(sampled[i - 1].gain >= sampled[i].gain);
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, featureImportance(m, ppm, 0, 10));
    }

    void linearCoefficientsSorted()
    {
        const auto c = linearCoefficients(handMatrix(), handLinearPpm());
        QCOMPARE(int(c.size()), 3);
        QCOMPARE(c[0].first, QStringLiteral("f0"));
        QVERIFY(std::abs(c[0].second - 2) < 1e-9);
        QCOMPARE(c[1].first, QStringLiteral("f2"));
        QCOMPARE(c[2].first, QStringLiteral("f1"));
        const FeatureMatrix m = randomMatrix();
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, linearCoefficients(m, syntheticPpm(m, 60, 7)));
    }

    void budgetCurveAndEnds()
    {
        const FeatureMatrix m = randomMatrix();
        const Ppm ppm = syntheticPpm(m, 60, 7);
        QCOMPARE(predictAllLm(ppm), ppm.intercept());
        const auto curve = budgetCurve(m, ppm, {0, 100, 300}, 40, 3, 2, nullptr, 20);
        QCOMPARE(int(curve.size()), 3);
        QCOMPARE(curve[0].budget, std::int64_t(0));
        QCOMPARE(curve[0].simulatedBest, predictAllLm(ppm));
        QCOMPARE(curve[0].randomMean, predictAllLm(ppm));
        QCOMPARE(curve[1].simulatedBest, routeSimulated(m, ppm, 100, 40, 3, 1).predicted);
        QVERIFY(curve[1].randomStd > 0);
        // A random subset of all N instances is everything.
        QVERIFY(std::abs(curve[2].randomMean - predictAllHuman(m, ppm)) < 1e-9 * std::abs(predictAllHuman(m, ppm)));
        QVERIFY(curve[2].randomStd < 1e-9);
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, budgetCurve(m, ppm, {301}, 10));
    }

    void budgetArgument()
    {
        QCOMPARE(budgetFromArg(0.5, 10), std::int64_t(5));
        QCOMPARE(budgetFromArg(0.25, 10), std::int64_t(3)); // round half away from zero
        QCOMPARE(budgetFromArg(1.0, 10), std::int64_t(10));
        QCOMPARE(budgetFromArg(3, 10), std::int64_t(3));
        QCOMPARE(budgetFromArg(10, 10), std::int64_t(10));
        for (double bad : {0.0, -0.5, -3.0, 2.5, 11.0, std::nan(""), HUGE_VAL})
            QVERIFY_THROWS_EXCEPTION(std::invalid_argument, budgetFromArg(bad, 10));
        try {
            budgetFromArg(11, 10);
        } catch (const std::invalid_argument &e) {
            QVERIFY2(QString::fromUtf8(e.what()).contains(QStringLiteral("10 instances")), e.what());
        }
    }

    void benchCommand()
    {
        QProcess p;
        p.start(QStringLiteral(HYPER_CLI_PATH),
                {QStringLiteral("bench"), QStringLiteral("route"), QStringLiteral("--instances"),
                 QStringLiteral("400"), QStringLiteral("--candidates"), QStringLiteral("300"),
                 QStringLiteral("--threads"), QStringLiteral("2"), QStringLiteral("--json")});
        QVERIFY(p.waitForFinished(120000));
        QVERIFY2(p.exitCode() == 0, p.readAllStandardError().constData());
        const QJsonObject o = QJsonDocument::fromJson(p.readAllStandardOutput()).object();
        QCOMPARE(o.value(QStringLiteral("candidates")).toInteger(), qint64(300));
        QCOMPARE(o.value(QStringLiteral("budget_count")).toInteger(), qint64(200));
        QCOMPARE(o.value(QStringLiteral("columns")).toInt(), 4185);
        QVERIFY(o.value(QStringLiteral("nonzero_coefficients")).toInteger() > 4000);
        QVERIFY(o.value(QStringLiteral("seconds")).toDouble() > 0);
        QCOMPARE(o.value(QStringLiteral("best_size")).toInteger(), qint64(200));
    }
};

QTEST_GUILESS_MAIN(TestRoute)
#include "tst_route.moc"
