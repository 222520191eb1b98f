// SPDX-License-Identifier: GPL-3.0-or-later
// Issue 20, item 5: the workbench's reference mode against the reference's own outputs.
// tests/data/reference/make_reference_golden.py ran the counting, routing, importance and
// fitting functions of allenai/hybrid-preferences @ 7a17ed3 on fixture.jsonl and stored
// what they returned in golden.json; here the fixture is imported as a project, its
// features computed, the same PPMs stored as reference-mode models, and every output
// compared: Python's generator, the counts of a collection, top-k gains and plans (with
// and without the subsample), optimal_grad and optimal_pos, the simulated candidates of a
// seed and their best, feature importance, and the reference-protocol fit (CLI).
#include "core/features/featurejob.h"
#include "core/features/featureset.h"
#include "core/io/importer.h"
#include "core/jobs/feedback.h"
#include "core/routing/planner.h"
#include "core/routing/pyrandom.h"
#include "core/routing/route.h"
#include "core/storage/ppmstore.h"
#include "core/storage/projectstore.h"
#include "routingtesthelpers.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>

using namespace hyper;
using namespace hyper::routing;

namespace {

QString dataPath(const char *name)
{
    return QStringLiteral(HYPER_TEST_DATA_DIR "/reference/") + QLatin1String(name);
}

std::vector<std::int64_t> toIndices(const QJsonValue &v)
{
    std::vector<std::int64_t> out;
    for (const QJsonValue &x : v.toArray())
        out.push_back(x.toInteger());
    return out;
}

std::vector<double> toDoubles(const QJsonValue &v)
{
    std::vector<double> out;
    for (const QJsonValue &x : v.toArray())
        out.push_back(x.toDouble());
    return out;
}

std::vector<std::int64_t> indicesOf(const Bits &b, std::int64_t n)
{
    return hyper::testing::bitIndices(b, n);
}

QByteArray list(const std::vector<std::int64_t> &v)
{
    QByteArray s;
    for (std::int64_t x : v)
        s += QByteArray::number(qlonglong(x)) + ' ';
    return s;
}

bool near(double a, double b, double scale = 1)
{
    return std::abs(a - b) <= 1e-9 * std::max(1.0, scale);
}

struct Cli {
    int code = -1;
    QByteArray out, err;
    QJsonObject json() const { return QJsonDocument::fromJson(out).object(); }
};

Cli hyperCli(const QStringList &args)
{
    QProcess p;
    p.start(QStringLiteral(HYPER_CLI_PATH), args);
    p.waitForFinished(120000);
    return {p.exitCode(), p.readAllStandardOutput(), p.readAllStandardError()};
}

} // namespace

class TestReference : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_project;
    QJsonObject m_golden;
    std::int64_t m_n = 0;
    std::map<QString, qint64> m_models; // "linear" | "quadratic" -> stored PPM id

    /** A section of golden.json; an empty or missing one fails the test (no vacuous pass). */
    QJsonArray golden(const char *key) const
    {
        const QJsonArray a = m_golden.value(QLatin1String(key)).toArray();
        if (a.isEmpty())
            qFatal("golden.json has no '%s': run make_reference_golden.py again", key);
        return a;
    }

    /** The reference-mode matrix and PPM of a stored model, as routing loads them. */
    LoadedPpm load(ProjectStore &store, const QString &model)
    {
        return loadPpm(store, m_models.at(model));
    }

    static void setMix(FeatureMatrix &m, std::int64_t subsample, std::uint64_t seed)
    {
        FeatureMatrix::ReferenceMix mix = m.referenceMix();
        mix.subsample = subsample;
        mix.seed = seed;
        m.setReferenceMix(mix);
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        QFile g(dataPath("golden.json"));
        QVERIFY(g.open(QIODevice::ReadOnly));
        m_golden = QJsonDocument::fromJson(g.readAll()).object();
        QVERIFY(!m_golden.isEmpty());
        m_n = m_golden.value(QStringLiteral("instances")).toInteger();

        m_project = m_dir.filePath(QStringLiteral("fixture.hyper"));
        ProjectStore store(m_project, ProjectStore::Mode::CreateNew);
        Feedback quiet;
        ImportParams import;
        import.file = dataPath("fixture.jsonl");
        import.format = QStringLiteral("generic");
        import.map.insert(QStringLiteral("human"), QStringLiteral("pref_human"));
        import.map.insert(QStringLiteral("lm:gpt4"), QStringLiteral("pref_gpt4"));
        const ImportResult imported = runImport(store, import, quiet);
        QCOMPARE(imported.imported, qint64(m_n));
        FeatureParams features;
        features.threads = 2;
        computeFeatures(store, features, quiet);

        // The feature columns are the reference's get_all_features(), in its order.
        QStringList names;
        for (const QJsonValue &v : golden("features"))
            names << v.toString();
        QCOMPARE(names, features::featureNames());

        // The PPMs the goldens used, stored as reference-mode models.
        const QJsonObject models = m_golden.value(QStringLiteral("models")).toObject();
        for (const QString &kind : {QStringLiteral("linear"), QStringLiteral("quadratic")}) {
            const QJsonObject m = models.value(kind).toObject();
            PpmModelRecord r;
            r.model = kind;
            r.features = names;
            r.countMode = QStringLiteral("reference");
            r.intercept = m.value(QStringLiteral("intercept")).toDouble();
            r.coef = toDoubles(m.value(QStringLiteral("coef")));
            if (kind == QLatin1String("quadratic")) {
                // PolynomialFeatures(2)'s bias column comes first: its coefficient times 1
                // belongs to the intercept; the rest is Ppm::expand()'s order.
                r.intercept += r.coef.front();
                r.coef.erase(r.coef.begin());
            }
            r.terms = qint64(r.coef.size()) + 1;
            m_models[kind] = insertPpmModel(store, r);
            if (kind == QLatin1String("linear")) {
                // The same PPM reading its columns in reverse: routing must not change
                // (the reference's candidates draw from its feature list, not the PPM's).
                std::reverse(r.features.begin(), r.features.end());
                std::reverse(r.coef.begin(), r.coef.end());
                m_models[QStringLiteral("linear-reversed")] = insertPpmModel(store, r);
                // And in default mode, for the refusals.
                r.countMode = QStringLiteral("default");
                m_models[QStringLiteral("linear-default")] = insertPpmModel(store, r);
            }
        }
    }

    void pythonGenerator()
    {
        for (const QJsonValue &v : golden("pyrandom")) {
            const QJsonObject e = v.toObject();
            PyRandom r(std::uint64_t(e.value(QStringLiteral("seed")).toInteger()));
            for (const QJsonValue &b : e.value(QStringLiteral("bits32")).toArray())
                QCOMPARE(qint64(r.getrandbits(32)), b.toInteger());
            QCOMPARE(qint64(r.getrandbits(40)), e.value(QStringLiteral("bits40")).toInteger());
            const std::uint64_t bounds[] = {1, 2, 3, 1000, (1ull << 31) + 5};
            const QJsonArray below = e.value(QStringLiteral("below")).toArray();
            for (int k = 0; k < 5; ++k)
                QCOMPARE(qint64(r.randbelow(bounds[k])), below[k].toInteger());
            QCOMPARE(r.random(), e.value(QStringLiteral("random")).toDouble());
            std::vector<std::int64_t> x(12);
            std::iota(x.begin(), x.end(), 0);
            r.shuffle(x);
            QCOMPARE(x, toIndices(e.value(QStringLiteral("shuffle12"))));
            const struct {
                const char *key;
                std::size_t n, k;
            } samples[] = {{"sample_100_10", 100, 10}, {"sample_30_7", 30, 7}, {"sample_500_40", 500, 40},
                           {"sample_8_8", 8, 8}};
            for (const auto &s : samples) {
                std::vector<std::int64_t> got;
                for (std::size_t pos : r.sample(s.n, s.k))
                    got.push_back(std::int64_t(pos));
                QCOMPARE(got, toIndices(e.value(QLatin1String(s.key))));
            }
        }
    }

    // The whole-data feature map: the reference-mode matrix's carriers are exactly
    // get_instances' (strict tags); default mode's stored lexical bins are the same
    // (whole-split ranks, inclusive), its lenient tags are not.
    void featureMaps()
    {
        ProjectStore store(m_project);
        const LoadedPpm l = load(store, QStringLiteral("linear"));
        const FeatureMatrix stored = FeatureMatrix::fromStore(store, false);
        const QJsonArray map = golden("feature_map");
        QCOMPARE(qsizetype(l.matrix.features()), map.size());
        int metadataDiffer = 0;
        for (int f = 0; f < l.matrix.features(); ++f) {
            const std::vector<std::int64_t> expected = toIndices(map[f]);
            const auto asIndices = [](const std::vector<std::int32_t> &m) {
                return std::vector<std::int64_t>(m.begin(), m.end());
            };
            QVERIFY2(asIndices(l.matrix.members(f)) == expected, qPrintable(l.matrix.names()[f]));
            const std::vector<std::int64_t> lenient = asIndices(stored.members(f));
            if (f < features::kLexicalFeatureCount)
                QVERIFY2(lenient == expected, qPrintable(l.matrix.names()[f]));
            else
                metadataDiffer += lenient != expected;
        }
        QVERIFY(metadataDiffer > 0);

        // hyper counts --reference-compat counts a set as get_instances does: the first
        // collected mix without its human ties.
        const QJsonObject first = m_golden.value(QStringLiteral("collect")).toObject()
                                      .value(QStringLiteral("candidates")).toArray().first().toObject();
        const Bits counted = referenceCounted(l.matrix, l.matrix.subset(toIndices(first.value(QStringLiteral("human")))), nullptr);
        QFile ids(m_dir.filePath(QStringLiteral("ids.txt")));
        QVERIFY(ids.open(QIODevice::WriteOnly));
        for (std::int64_t i : indicesOf(counted, m_n))
            ids.write(QByteArray::number(qlonglong(l.matrix.ids()[std::size_t(i)])) + '\n');
        ids.close();
        const Cli c = hyperCli({QStringLiteral("counts"), QStringLiteral("--project"), m_project, QStringLiteral("--ids"),
                                ids.fileName(), QStringLiteral("--reference-compat"), QStringLiteral("--json")});
        QVERIFY2(c.code == 0, c.err.constData());
        const QJsonObject counts = c.json().value(QStringLiteral("counts")).toObject();
        const QJsonArray expected = first.value(QStringLiteral("counts")).toArray();
        const QJsonArray names = golden("features");
        for (qsizetype f = 0; f < names.size(); ++f)
            QVERIFY2(counts.value(names[f].toString()).toInteger() == expected[f].toInteger(),
                     qPrintable(names[f].toString()));
    }

    // generate_instances: random budgets, run_knapsack's subsets, the counts of each mix.
    void collectionCounts()
    {
        ProjectStore store(m_project);
        LoadedPpm l = load(store, QStringLiteral("linear"));
        const QJsonObject c = m_golden.value(QStringLiteral("collect")).toObject();
        const QJsonArray cands = c.value(QStringLiteral("candidates")).toArray();
        setMix(l.matrix, c.value(QStringLiteral("n_samples")).toInteger(), 0);
        PyRandom rng(std::uint64_t(c.value(QStringLiteral("seed")).toInteger()));
        const std::vector<std::int64_t> budgets = referenceBudgets(rng, m_n, cands.size());
        int seen = 0, differ = 0;
        referenceCandidates(l.matrix, budgets, rng, [&](std::int64_t k, const Bits &human, const Bits &counted) {
            const QJsonObject e = cands[k].toObject();
            QCOMPARE(budgets[std::size_t(k)], e.value(QStringLiteral("budget")).toInteger());
            QCOMPARE(indicesOf(human, m_n), toIndices(e.value(QStringLiteral("human"))));
            const std::vector<std::int64_t> counts = countVector(l.matrix, counted, CountMode::ReferenceCompat);
            QCOMPARE(counts, toIndices(e.value(QStringLiteral("counts"))));
            differ += counts != countVector(l.matrix, human, CountMode::ReferenceCompat);
            ++seen;
        });
        QCOMPARE(seen, int(cands.size()));
        QVERIFY2(differ > 0, "no candidate lost a tie: the fixture does not test the drop");

        // The fixture's tags are spelled so that strict matching (the reference's) and the
        // stored lenient map differ, both ways.
        const FeatureMatrix lenient = FeatureMatrix::fromStore(store, false);
        int fewer = 0, more = 0;
        for (int f = 0; f < l.matrix.features(); ++f) {
            const qsizetype g = lenient.names().indexOf(l.matrix.names()[f]);
            QVERIFY(g >= 0);
            const auto &a = l.matrix.members(f), &b = lenient.members(int(g));
            fewer += a.size() < b.size();
            more += a.size() > b.size();
        }
        QVERIFY2(fewer > 0 && more > 0, qPrintable(QStringLiteral("strict fewer %1, more %2").arg(fewer).arg(more)));
    }

    void topkPlans()
    {
        ProjectStore store(m_project);
        for (const QJsonValue &v : golden("topk")) {
            const QJsonObject t = v.toObject();
            const QString model = t.value(QStringLiteral("model")).toString();
            LoadedPpm l = load(store, model);
            const std::vector<double> expected = toDoubles(t.value(QStringLiteral("gains")));
            const std::vector<double> gains = instanceGains(l.matrix, l.ppm);
            QCOMPARE(gains.size(), expected.size());
            for (std::size_t i = 0; i < gains.size(); ++i)
                QVERIFY2(near(gains[i], expected[i]), qPrintable(QStringLiteral("%1 gain of %2: %3 vs %4")
                                                                   .arg(model).arg(i).arg(gains[i], 0, 'g', 17)
                                                                   .arg(expected[i], 0, 'g', 17)));
            const std::int64_t nSamples = t.value(QStringLiteral("n_samples")).toInteger();
            const std::uint64_t seed = std::uint64_t(t.value(QStringLiteral("seed")).toInteger());
            setMix(l.matrix, nSamples, seed);
            // topk_sampling's budgets share one generator, in order.
            PyRandom rng(seed);
            bool first = true;
            for (const QJsonValue &pv : t.value(QStringLiteral("plans")).toArray()) {
                const QJsonObject p = pv.toObject();
                const QByteArray what = QStringLiteral("%1 n_samples %2 budget %3")
                                            .arg(model).arg(nSamples).arg(p.value(QStringLiteral("budget_arg")).toDouble())
                                            .toUtf8();
                const std::int64_t budget = budgetFromArg(p.value(QStringLiteral("budget_arg")).toDouble(), m_n, true);
                QCOMPARE(budget, p.value(QStringLiteral("budget")).toInteger());
                const RoutingResult r = routeTopK(l.matrix, l.ppm, budget);
                QVERIFY2(indicesOf(r.human, m_n) == toIndices(p.value(QStringLiteral("human"))), what);
                const Bits counted = referenceCounted(l.matrix, r.human, &rng);
                QVERIFY2(indicesOf(counted, m_n) == toIndices(p.value(QStringLiteral("counted"))), what);
                const std::vector<std::int64_t> counts = countVector(l.matrix, counted, CountMode::ReferenceCompat);
                QVERIFY2(counts == toIndices(p.value(QStringLiteral("counts"))), what);
                const double predicted = PpmScorer(l.ppm).score(counts);
                QVERIFY2(near(predicted, p.value(QStringLiteral("predicted")).toDouble()), what);
                if (first) { // a plan of its own draws the same subsample: a fresh generator
                    QVERIFY2(r.counts == counts, what);
                    QVERIFY2(near(r.predicted, predicted), what);
                    QCOMPARE(r.counted, popcount(counted));
                    first = false;
                }
            }
        }
    }

    void optimalPlans()
    {
        ProjectStore store(m_project);
        for (const QJsonValue &v : golden("optimal")) {
            const QJsonObject o = v.toObject();
            const QString model = o.value(QStringLiteral("model")).toString();
            const QString method = o.value(QStringLiteral("method")).toString();
            LoadedPpm l = load(store, model);
            const RoutingResult r = method == QLatin1String("optimal_grad")
                                        ? routeOptimalGrad(l.matrix, l.ppm, o.value(QStringLiteral("epsilon")).toDouble())
                                        : routeAllPositive(l.matrix, l.ppm);
            const QByteArray what = (model + QLatin1Char(' ') + method).toUtf8();
            QVERIFY2(indicesOf(r.human, m_n) == toIndices(o.value(QStringLiteral("human"))), what);
            QVERIFY2(r.counts == toIndices(o.value(QStringLiteral("counts"))), what);
            QCOMPARE(r.counted, qint64(o.value(QStringLiteral("counted")).toArray().size()));
            QVERIFY2(near(r.predicted, o.value(QStringLiteral("predicted")).toDouble()), what);
        }
    }

    void simulatedPlans()
    {
        ProjectStore store(m_project);
        for (const QJsonValue &v : golden("simulated")) {
            const QJsonObject s = v.toObject();
            const QString model = s.value(QStringLiteral("model")).toString();
            LoadedPpm l = load(store, model);
            const std::int64_t budget = budgetFromArg(s.value(QStringLiteral("budget_arg")).toDouble(), m_n, true);
            QCOMPARE(budget, s.value(QStringLiteral("budget")).toInteger());
            const std::uint64_t seed = std::uint64_t(s.value(QStringLiteral("seed")).toInteger());
            const std::int64_t n = s.value(QStringLiteral("candidates_n")).toInteger();
            setMix(l.matrix, s.value(QStringLiteral("n_samples")).toInteger(), seed);
            const QJsonArray cands = s.value(QStringLiteral("candidates")).toArray();
            QCOMPARE(qint64(cands.size()), qint64(n));
            PyRandom rng(seed);
            const PpmScorer scorer(l.ppm);
            double best = -1e300;
            std::vector<std::int64_t> bestHuman;
            referenceCandidates(l.matrix, std::vector<std::int64_t>(std::size_t(n), budget), rng,
                                [&](std::int64_t k, const Bits &human, const Bits &counted) {
                const QJsonObject e = cands[k].toObject();
                const QByteArray what = QStringLiteral("%1 seed %2 candidate %3").arg(model).arg(seed).arg(k).toUtf8();
                QVERIFY2(indicesOf(human, m_n) == toIndices(e.value(QStringLiteral("human"))), what);
                const std::vector<std::int64_t> counts = countVector(l.matrix, counted, CountMode::ReferenceCompat);
                QVERIFY2(counts == toIndices(e.value(QStringLiteral("counts"))), what);
                const double p = scorer.score(counts);
                QVERIFY2(near(p, e.value(QStringLiteral("predicted")).toDouble()), what);
                if (p > best) {
                    best = p;
                    bestHuman = indicesOf(human, m_n);
                }
            });
            QVERIFY(near(best, s.value(QStringLiteral("best_predicted")).toDouble()));
            // The simulated strategy returns that best candidate.
            const RoutingResult r = routeSimulated(l.matrix, l.ppm, budget, n, seed, 2);
            QCOMPARE(indicesOf(r.human, m_n), bestHuman);
            QVERIFY(near(r.predicted, s.value(QStringLiteral("best_predicted")).toDouble()));
            QCOMPARE(r.candidates, n);
            if (model == QLatin1String("linear")) {
                LoadedPpm rev = load(store, QStringLiteral("linear-reversed"));
                QCOMPARE(rev.matrix.names().first(), l.matrix.names().last());
                setMix(rev.matrix, s.value(QStringLiteral("n_samples")).toInteger(), seed);
                const RoutingResult rr = routeSimulated(rev.matrix, rev.ppm, budget, n, seed, 2);
                QCOMPARE(indicesOf(rr.human, m_n), bestHuman);
                QVERIFY(near(rr.predicted, r.predicted));
            }
        }
    }

    void importance()
    {
        ProjectStore store(m_project);
        for (const QJsonValue &v : golden("importance")) {
            const QJsonObject e = v.toObject();
            const QString model = e.value(QStringLiteral("model")).toString();
            LoadedPpm l = load(store, model);
            const std::vector<FeatureImportance> got =
                featureImportance(l.matrix, l.ppm, e.value(QStringLiteral("flip_size")).toInt(),
                                  e.value(QStringLiteral("trials")).toInt(),
                                  std::uint64_t(e.value(QStringLiteral("seed")).toInteger()));
            const std::vector<double> expected = toDoubles(e.value(QStringLiteral("gains")));
            const QJsonArray names = golden("features");
            QCOMPARE(got.size(), expected.size());
            for (const FeatureImportance &fi : got) {
                qsizetype f = -1;
                for (qsizetype k = 0; k < names.size(); ++k)
                    if (names[k].toString() == fi.feature)
                        f = k;
                QVERIFY(f >= 0);
                QVERIFY2(near(fi.gain, expected[std::size_t(f)]),
                         qPrintable(QStringLiteral("%1 %2: %3 vs %4").arg(model, fi.feature).arg(fi.gain, 0, 'g', 17)
                                        .arg(expected[std::size_t(f)], 0, 'g', 17)));
            }
        }
    }

    // The same through the CLI: the fit on the reference's collection file, and a routed
    // plan with a subsample.
    void cliFitAndRoute()
    {
        const QString project = m_dir.filePath(QStringLiteral("cli.hyper"));
        QVERIFY(QFile::copy(m_project, project));
        const Cli imported = hyperCli({QStringLiteral("ppm"), QStringLiteral("import-scores"), QStringLiteral("--project"),
                                       project, dataPath("collect.csv"), QStringLiteral("--json")});
        QVERIFY2(imported.code == 0, imported.err.constData());
        const QString dataset = QString::number(imported.json().value(QStringLiteral("dataset")).toInteger());
        // train_regressor.main's figures, linear and quadratic (120 rows, 4,186 columns:
        // under-determined, where its quadratic is the minimum-norm fit, as ours).
        for (const QString &model : {QStringLiteral("linear"), QStringLiteral("quadratic")}) {
            const QJsonObject fit = m_golden.value(QStringLiteral("fit")).toObject().value(model).toObject();
            const Cli r = hyperCli({QStringLiteral("ppm"), QStringLiteral("fit"), QStringLiteral("--project"), project,
                                    QStringLiteral("--model"), model, QStringLiteral("--protocol"),
                                    QStringLiteral("reference"), QStringLiteral("--dataset"), dataset,
                                    QStringLiteral("--json")});
            QVERIFY2(r.code == 0, r.err.constData());
            const QJsonObject j = r.json();
            QCOMPARE(j.value(QStringLiteral("train_rows")).toInteger(), fit.value(QStringLiteral("train")).toInteger());
            const double mse = j.value(QStringLiteral("mse")).toDouble(), rmse = j.value(QStringLiteral("rmse")).toDouble();
            QVERIFY2(std::abs(mse - fit.value(QStringLiteral("mse")).toDouble()) <= 1e-6 * mse,
                     qPrintable(QStringLiteral("%1 mse %2 vs %3").arg(model).arg(mse, 0, 'g', 17)
                                    .arg(fit.value(QStringLiteral("mse")).toDouble(), 0, 'g', 17)));
            QVERIFY(std::abs(rmse - fit.value(QStringLiteral("rmse")).toDouble()) <= 1e-6 * rmse);
            const QJsonArray curve = j.value(QStringLiteral("learning_curve")).toArray();
            const QJsonArray expectedCurve = fit.value(QStringLiteral("curve")).toArray();
            QCOMPARE(curve.size(), expectedCurve.size());
            for (qsizetype k = 0; k < curve.size(); ++k) {
                const QJsonObject a = curve[k].toObject(), b = expectedCurve[k].toObject();
                QCOMPARE(a.value(QStringLiteral("train_size")).toInteger(), b.value(QStringLiteral("train_size")).toInteger());
                const double am = a.value(QStringLiteral("mse")).toDouble(), bm = b.value(QStringLiteral("mse")).toDouble();
                QVERIFY2(std::abs(am - bm) <= 1e-6 * bm, qPrintable(QStringLiteral("%1 curve point %2: mse %3 vs %4")
                                                                        .arg(model).arg(k).arg(am, 0, 'g', 17).arg(bm, 0, 'g', 17)));
            }
        }

        // hyper route with the golden linear PPM: top-k at 10 % with a subsample of 150.
        for (const QJsonValue &v : golden("topk")) {
            const QJsonObject t = v.toObject();
            if (t.value(QStringLiteral("model")).toString() != QLatin1String("linear")
                || t.value(QStringLiteral("n_samples")).toInteger() != 150)
                continue;
            const QJsonObject plan = t.value(QStringLiteral("plans")).toArray().first().toObject();
            const Cli routed = hyperCli(
                {QStringLiteral("route"), QStringLiteral("--project"), project, QStringLiteral("--strategy"),
                 QStringLiteral("topk"), QStringLiteral("--budget"), QStringLiteral("0.1"), QStringLiteral("--subsample"),
                 QStringLiteral("150"), QStringLiteral("--seed"), QString::number(t.value(QStringLiteral("seed")).toInteger()),
                 QStringLiteral("--model-id"), QString::number(m_models.at(QStringLiteral("linear"))),
                 QStringLiteral("--no-apply"), QStringLiteral("--json")});
            QVERIFY2(routed.code == 0, routed.err.constData());
            const QJsonObject rj = routed.json();
            QCOMPARE(rj.value(QStringLiteral("human")).toInteger(), plan.value(QStringLiteral("budget")).toInteger());
            QCOMPARE(rj.value(QStringLiteral("counted")).toInteger(),
                     qint64(plan.value(QStringLiteral("counted")).toArray().size()));
            QVERIFY(near(rj.value(QStringLiteral("predicted")).toDouble(), plan.value(QStringLiteral("predicted")).toDouble()));
            // The plan's tag shares count carriers as its PPM matches tags: the reference's map.
            ProjectStore store(project);
            const std::vector<TagShare> shares = planTagShares(store, rj.value(QStringLiteral("plan")).toInteger());
            const QJsonArray map = golden("feature_map");
            QCOMPARE(qsizetype(shares.size()), map.size());
            for (qsizetype f = 0; f < map.size(); ++f)
                QVERIFY2(shares[std::size_t(f)].carriers == map[f].toArray().size(), qPrintable(shares[std::size_t(f)].feature));
        }
        // A subsample asks for a reference-mode PPM, and a number.
        const Cli refused = hyperCli({QStringLiteral("route"), QStringLiteral("--project"), project,
                                      QStringLiteral("--budget"), QStringLiteral("0.5"), QStringLiteral("--subsample"),
                                      QStringLiteral("10"), QStringLiteral("--model-id"),
                                      QString::number(m_models.at(QStringLiteral("linear-default")))});
        QCOMPARE(refused.code, 2);
        QVERIFY2(refused.err.contains("--subsample applies to a PPM that counts the reference's way"),
                 refused.err.constData());
        const Cli negative = hyperCli({QStringLiteral("simulate"), QStringLiteral("--project"), project,
                                       QStringLiteral("--budget"), QStringLiteral("0.5"), QStringLiteral("--subsample"),
                                       QStringLiteral("-3")});
        QCOMPARE(negative.code, 2);
        QVERIFY2(negative.err.contains("--subsample must be"), negative.err.constData());
    }
};

QTEST_GUILESS_MAIN(TestReference)
#include "tst_reference.moc"
