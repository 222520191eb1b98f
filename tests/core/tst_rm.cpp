// SPDX-License-Identifier: GPL-3.0-or-later
// The reward-model engine: tokenizer, bundles, mixes, training, evaluation, runs.
#include "core/jobs/feedback.h"
#include "core/ml/bundle.h"
#include "core/ml/sections.h"
#include "core/ml/trainer.h"
#include "core/mlbridge/mix.h"
#include "core/mlbridge/rmrun.h"
#include "core/sample/samplegenerator.h"
#include "core/storage/mixqueries.h"
#include "core/storage/projectstore.h"

#include <QElapsedTimer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <thread>
#include <cmath>

using namespace hyper;

namespace {

MixInstance instance(qint64 id, std::vector<int> human, std::vector<int> lm, std::vector<int> gold = {},
                     std::string category = "chat")
{
    MixInstance m;
    m.id = id;
    m.prompt = "prompt " + std::to_string(id);
    m.responseA = "answer a " + std::to_string(id);
    m.responseB = "answer b " + std::to_string(id);
    m.category = std::move(category);
    m.humanVotes = std::move(human);
    m.lmVotes = std::move(lm);
    m.goldVotes = std::move(gold);
    return m;
}

std::vector<ml::PairText> toyPairs(int n, const std::string &subset)
{
    std::vector<ml::PairText> v;
    for (int i = 0; i < n; ++i) {
        ml::PairText p;
        p.prompt = "How do I cook item " + std::to_string(i % 7) + "?";
        p.chosen = "Great helpful answer with detail number " + std::to_string(i) + " indeed";
        p.rejected = "bad " + std::to_string(i);
        p.margin = i % 2 ? 1.0f : 0.0f;
        p.subset = subset.empty() ? std::string() : subset + std::to_string(i % 2);
        v.push_back(p);
    }
    return v;
}

} // namespace

class TestRm : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_project;
    /** The default bag run on the human mix, shared by several tests. */
    std::optional<RmRunResult> m_human;

    RmRunResult run(const QString &mix, ml::TrainConfig config = ml::TrainConfig::defaults("bag"))
    {
        ProjectStore store(m_project);
        Feedback feedback;
        RmRunParams params;
        params.mix = mix;
        params.config = config;
        return runRewardModel(store, params, feedback);
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_project = m_dir.filePath(QStringLiteral("sample.hyper"));
        ProjectStore store(m_project, ProjectStore::Mode::CreateNew);
        SampleParams params;
        params.trainSize = 1500;
        params.evalSize = 500;
        Feedback feedback;
        writeSample(store, params, feedback);
        QCOMPARE(store.schemaVersion(), ProjectStore::kSchemaVersion);
    }

    void tokenizerIsDeterministicAndInRange()
    {
        ml::TokenizerConfig c;
        c.buckets = 1000;
        const auto a = ml::bagIds("Hello, World! hello wörld 42", c);
        QCOMPARE(a, ml::bagIds("hello world HELLO wörld 42", c)); // case and punctuation fold
        QVERIFY(a.size() >= 5 + 4);                                 // unigrams + bigrams + char n-grams
        for (auto id : a)
            QVERIFY(id >= 1 && id < 1000);
        QCOMPARE(a[0], a[2]);                                      // "hello" twice, same bucket
        const auto s = ml::sequenceIds("a b c d e", c);
        QCOMPARE(s.size(), std::size_t(5));
        c.maxIds = 3;
        QCOMPARE(ml::bagIds("one two three four five", c).size(), std::size_t(3));
        // Pinned: the hash is part of the bundle format (a bundle made elsewhere must mean
        // the same thing here).
        QCOMPARE(ml::hashFeature("hello", 0), ml::hashFeature("hello", 0));
        QVERIFY(ml::hashFeature("hello", 1) != ml::hashFeature("hello", 0));
    }

    void evaluationArithmetic()
    {
        // chat: 3 of 4 correct; chat_hard: 0 of 1; safety: 2 of 2; an unknown category
        // "zzz" is its own section: 1 of 2. Sections are example-weighted within, Overall
        // the plain mean of the sections.
        std::vector<ml::PairOutcome> o = {{"chat", true},  {"chat", true},  {"chat", true},
                                          {"chat", false}, {"chat_hard", false}, {"safety", true},
                                          {"safety", true}, {"zzz", true},  {"zzz", false}};
        const ml::SectionScores s = ml::scoreSections(o);
        QCOMPARE(s.sections.size(), std::size_t(4));
        QCOMPARE(s.sections.at("chat"), 0.75);
        QCOMPARE(s.sections.at("chat_hard"), 0.0);
        QCOMPARE(s.sections.at("safety"), 1.0);
        QCOMPARE(s.sections.at("zzz"), 0.5);
        QCOMPARE(s.overall, (0.75 + 0.0 + 1.0 + 0.5) / 4);
        QCOMPARE(s.pairs, std::size_t(9));
    }

    void mixResolution()
    {
        const std::vector<MixInstance> train = {
            instance(1, {-2, -1, 2}, {2}),         // human: A (slightly folds to clearly); LM: B
            instance(2, {-2, 2}, {-2}),            // human tie: dropped under human
            instance(3, {2, 2}, {}),               // LM none: dropped under lm; human all clear
            instance(4, {}, {-1}),                 // no human votes
            instance(5, {1, 2, 0}, {0}),           // human B (not all clear); LM tie
        };
        MixStats st;
        auto human = mixTrainPairs(train, MixSpec::parse(QStringLiteral("human")), 1, &st);
        QCOMPARE(human.size(), std::size_t(3));
        QCOMPARE(st.dropped, qint64(2));
        QCOMPARE(human[0].chosen, std::string("answer a 1"));
        QCOMPARE(human[0].margin, 0.0f);
        QCOMPARE(human[1].chosen, std::string("answer b 3"));
        QCOMPARE(human[1].margin, 1.0f);
        QCOMPARE(human[2].chosen, std::string("answer b 5"));
        auto lm = mixTrainPairs(train, MixSpec::parse(QStringLiteral("lm")), 1, &st);
        QCOMPARE(lm.size(), std::size_t(3));
        QCOMPARE(lm[0].chosen, std::string("answer b 1"));
        QCOMPARE(lm[1].chosen, std::string("answer a 2"));
        QCOMPARE(lm[2].chosen, std::string("answer a 4"));
        QCOMPARE(st.lmChosen, qint64(3));

        // random:F routes exactly round(F x n) instances to humans, the same ones per seed.
        std::vector<MixInstance> many;
        for (int i = 0; i < 100; ++i)
            many.push_back(instance(i, {-2}, {2}));
        auto r1 = mixTrainPairs(many, MixSpec::parse(QStringLiteral("random:0.3")), 7, &st);
        QCOMPARE(st.humanChosen, qint64(30));
        QCOMPARE(st.lmChosen, qint64(70));
        auto r2 = mixTrainPairs(many, MixSpec::parse(QStringLiteral("random:0.3")), 7);
        auto r3 = mixTrainPairs(many, MixSpec::parse(QStringLiteral("random:0.3")), 8);
        auto same = [](const auto &a, const auto &b) {
            for (std::size_t i = 0; i < a.size(); ++i)
                if (a[i].chosen != b[i].chosen)
                    return false;
            return true;
        };
        QVERIFY(same(r1, r2));
        QVERIFY(!same(r1, r3));

        // Eval: gold wins over the human majority; ties dropped; subset = category.
        const std::vector<MixInstance> eval = {instance(10, {2, 2}, {}, {-2}, "safety"),
                                               instance(11, {2}, {}, {}, "reasoning"),
                                               instance(12, {-2, 2}, {}, {}, "chat")};
        auto e = mixEvalPairs(eval);
        QCOMPARE(e.size(), std::size_t(2));
        QCOMPARE(e[0].chosen, std::string("answer a 10"));
        QCOMPARE(e[0].subset, std::string("safety"));
        QCOMPARE(e[1].chosen, std::string("answer b 11"));

        QVERIFY_THROWS_EXCEPTION(MixError, MixSpec::parse(QStringLiteral("random:1.5")));
        QVERIFY_THROWS_EXCEPTION(MixError, MixSpec::parse(QStringLiteral("expert")));
        // A plan mix needs resolvePlanMix() (the store) first.
        QVERIFY_THROWS_EXCEPTION(MixError, mixTrainPairs(many, MixSpec::parse(QStringLiteral("plan:3")), 1));
        MixSpec subset = MixSpec::subset({3, 4}, QStringLiteral("candidate:1/0"));
        auto sub = mixTrainPairs(many, subset, 1, &st);
        QCOMPARE(st.humanChosen, qint64(2));
        QCOMPARE(sub[3].chosen, std::string("answer a 3")); // human vote -2: A
        QCOMPARE(sub[5].chosen, std::string("answer b 5")); // LM vote 2: B
    }

    void bundleRoundTrip()
    {
        ml::TrainConfig c = ml::TrainConfig::defaults("bag");
        c.epochs = 3;
        c.lr = 0.0125;
        c.seed = 99;
        c.useMargin = true;
        c.tokenizer.buckets = 4096;
        const ml::Bundle b = ml::makeBundle(toyPairs(20, {}), toyPairs(9, "cat"), c);
        const QString path = m_dir.filePath(QStringLiteral("toy.bundle"));
        ml::saveBundle(b, path.toStdString());
        const ml::Bundle r = ml::loadBundle(path.toStdString());
        QVERIFY(r.train == b.train);
        QVERIFY(r.eval == b.eval);
        QCOMPARE(r.eval.subsetNames, (std::vector<std::string>{"cat0", "cat1"}));
        QCOMPARE(ml::configJson(r.config), ml::configJson(b.config));
        QCOMPARE(r.config.seed, std::uint64_t(99));
        QCOMPARE(r.config.useMargin, true);
        // Same bundle -> same metrics, whether trained from memory or from the file.
        const auto m1 = ml::trainBundle(b), m2 = ml::trainBundle(r);
        QCOMPARE(m1.scores.overall, m2.scores.overall);
        QCOMPARE(m1.epochs.back().loss, m2.epochs.back().loss);

        // Not a bundle: a clear error, not a crash.
        const QString junk = m_dir.filePath(QStringLiteral("junk.bundle"));
        QFile f(junk);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("not a zip");
        f.close();
        QVERIFY_THROWS_EXCEPTION(ml::TrainError, ml::loadBundle(junk.toStdString()));
    }

    void learnsOnSample()
    {
        QElapsedTimer t;
        t.start();
        m_human = run(QStringLiteral("human"));
        const RmRunResult &r = *m_human;
        qInfo("human mix: overall %.4f, %lld train / %lld eval pairs, %.2f s train, %.2f s prepare",
              r.scores.overall, r.trainPairs, r.evalPairs, r.seconds, r.prepareSeconds);
        for (const RmProgress &e : r.epochs)
            qInfo("  epoch %d loss %.4f eval %.4f", e.epoch, e.loss, e.evalAccuracy);
        QVERIFY(r.trainPairs > 1000);
        QCOMPARE(r.evalPairs, qint64(500));
        QCOMPARE(int(r.epochs.size()), ml::TrainConfig{}.epochs);
        QVERIFY(r.epochs.back().loss < r.epochs.front().loss);
        QVERIFY(r.epochs.back().loss < 0.6);
        QVERIFY2(r.scores.overall > 0.65, qPrintable(QString::number(r.scores.overall)));
        QCOMPARE(r.scores.sections.size(), std::size_t(4));
        QCOMPARE(r.device, QStringLiteral("cpu"));

        ProjectStore store(m_project);
        const auto rec = rmRun(store, r.runId);
        QVERIFY(rec);
        QCOMPARE(rec->status, QStringLiteral("done"));
        QCOMPARE(rec->mix, QStringLiteral("human"));
        QVERIFY(!rec->finishedAt.isEmpty());
        const QJsonObject metrics = QJsonDocument::fromJson(rec->metrics.toUtf8()).object();
        QCOMPARE(metrics.value(QStringLiteral("overall")).toDouble(), r.scores.overall);
        QVERIFY(QJsonDocument::fromJson(rec->config.toUtf8()).isObject());
    }

    void deterministicOnCpu()
    {
        QVERIFY(m_human);
        const RmRunResult again = run(QStringLiteral("human"));
        QCOMPARE(again.scores.overall, m_human->scores.overall);
        QCOMPARE(again.scores.sections, m_human->scores.sections);
        for (std::size_t i = 0; i < again.epochs.size(); ++i)
            QCOMPARE(again.epochs[i].loss, m_human->epochs[i].loss);
        ml::TrainConfig other = ml::TrainConfig::defaults("bag");
        other.seed = 2;
        other.epochs = 1;
        const RmRunResult different = run(QStringLiteral("human"), other);
        QVERIFY(different.epochs[0].loss != m_human->epochs[0].loss);
    }

    void humanVersusLm()
    {
        QVERIFY(m_human);
        const RmRunResult lm = run(QStringLiteral("lm"));
        const RmRunResult mixed = run(QStringLiteral("random:0.5"));
        qInfo("overall: human %.4f, lm %.4f, random:0.5 %.4f", m_human->scores.overall, lm.scores.overall,
              mixed.scores.overall);
        for (const auto &[name, acc] : lm.scores.sections)
            qInfo("  %s: human %.4f lm %.4f", name.c_str(), m_human->scores.sections.at(name), acc);
        // Robust facts only: both learn well above chance.
        QVERIFY(lm.scores.overall > 0.6);
        QVERIFY(mixed.scores.overall > 0.6);
    }

    void cancelStopsWithinOneBatch()
    {
        ProjectStore store(m_project);
        Feedback feedback;
        RmRunParams params;
        int stepsAfterCancel = 0, steps = 0;
        bool canceled = false;
        const auto before = listRmRuns(store).size();
        QVERIFY_THROWS_EXCEPTION(Canceled, runRewardModel(store, params, feedback, [&](const RmProgress &p) {
            if (canceled)
                ++stepsAfterCancel;
            if (!p.epochEnd && ++steps == 3) {
                feedback.cancel();
                canceled = true;
            }
        }));
        QCOMPARE(stepsAfterCancel, 0);
        const auto runs = listRmRuns(store);
        QCOMPARE(runs.size(), before + 1);
        QCOMPARE(runs.back().status, QStringLiteral("canceled"));
        QVERIFY(!runs.back().finishedAt.isEmpty());
    }

    void nonFiniteLossFails()
    {
        ml::TrainConfig c = ml::TrainConfig::defaults("bag");
        c.lr = 1e30;
        c.epochs = 2;
        ProjectStore store(m_project);
        Feedback feedback;
        RmRunParams params;
        params.config = c;
        try {
            runRewardModel(store, params, feedback);
            QFAIL("training with lr 1e30 did not fail");
        } catch (const ml::TrainError &e) {
            QVERIFY2(QByteArray(e.what()).contains("diverged"), e.what());
        }
        const auto runs = listRmRuns(store);
        QCOMPARE(runs.back().status, QStringLiteral("failed"));
        QVERIFY(runs.back().error.contains(QStringLiteral("diverged")));
    }

    void emptyMixRefused()
    {
        const QString path = m_dir.filePath(QStringLiteral("empty.hyper"));
        ProjectStore store(path, ProjectStore::Mode::CreateNew);
        Feedback feedback;
        RmRunParams params;
        try {
            runRewardModel(store, params, feedback);
            QFAIL("an empty mix was not refused");
        } catch (const ml::TrainError &e) {
            QVERIFY2(QByteArray(e.what()).contains("empty"), e.what());
        }
        QVERIFY(listRmRuns(store).empty()); // refused before a run is recorded
        // And in hyper_ml itself, for bundles made elsewhere.
        QVERIFY_THROWS_EXCEPTION(ml::TrainError,
                                 ml::trainBundle(ml::makeBundle({}, toyPairs(3, "x"), ml::TrainConfig{})));
        QVERIFY_THROWS_EXCEPTION(ml::TrainError,
                                 ml::trainBundle(ml::makeBundle(toyPairs(3, {}), {}, ml::TrainConfig{})));
    }

    void transformerRunsOnCpu()
    {
        ml::TrainConfig c = ml::TrainConfig::defaults("transformer");
        c.epochs = 2;
        c.tokenizer.maxIds = 32;
        c.tokenizer.buckets = 4096;
        const ml::Bundle b = ml::makeBundle(toyPairs(64, {}), toyPairs(16, "t"), c);
        int epochEnds = 0;
        ml::TrainCallbacks cb;
        cb.onProgress = [&](const ml::EpochStats &s) { epochEnds += s.epochEnd ? 1 : 0; };
        const ml::TrainResult r = ml::trainBundle(b, cb);
        QCOMPARE(epochEnds, 2);
        QVERIFY(std::isfinite(r.epochs.back().loss));
        QVERIFY(r.scores.overall >= 0.0 && r.scores.overall <= 1.0);
        QVERIFY(r.parameters > 4096 * 128);
    }

    // The bag's CPU kernels (issue 17) train the same model as LibTorch's EmbeddingBag and
    // tensor AdamW did (HYPER_BAG_BASELINE=1), up to the order of float sums; their thread
    // count changes nothing at all.
    void bagKernelsMatchTheBaseline()
    {
        ml::TrainConfig c = ml::TrainConfig::defaults("bag");
        c.epochs = 2;
        qputenv("HYPER_BAG_BASELINE", "1");
        const RmRunResult base = run(QStringLiteral("human"), c);
        qunsetenv("HYPER_BAG_BASELINE");
        const RmRunResult fast = run(QStringLiteral("human"), c);
        qInfo("baseline: loss %.6f %.6f, overall %.4f, %.2f s; kernels: loss %.6f %.6f, overall %.4f, %.2f s",
              base.epochs[0].loss, base.epochs[1].loss, base.scores.overall, base.seconds, fast.epochs[0].loss,
              fast.epochs[1].loss, fast.scores.overall, fast.seconds);
        for (int e = 0; e < 2; ++e)
            QVERIFY2(std::abs(base.epochs[e].loss - fast.epochs[e].loss) < 1e-3, qPrintable(QString::number(e)));
        QVERIFY(std::abs(base.scores.overall - fast.scores.overall) <= 0.01);
        if (std::thread::hardware_concurrency() < 2)
            QSKIP("one hardware thread: the kernels ran on one thread either way");
        c.threads = 1; // kernels on one thread (fast ran them on one per core)
        const RmRunResult one = run(QStringLiteral("human"), c);
        for (int e = 0; e < 2; ++e)
            QCOMPARE(one.epochs[e].loss, fast.epochs[e].loss);
        QCOMPARE(one.scores.overall, fast.scores.overall);
        QCOMPARE(one.scores.subsets, fast.scores.subsets);
    }

    void benchBagRmRuns()
    {
        // HYPER_BENCH_RM=1 measures the real figure (8,400 train instances: ~7,000 pairs);
        // by default a small run only checks that the bench works.
        const bool full = qEnvironmentVariableIntValue("HYPER_BENCH_RM") == 1;
        const RmBenchFigures f = benchBagRm(full ? 8400 : 300, 0, full ? 3 : 1);
        qInfo("bench rm: %lld pairs x %d epochs, %.2f s train+eval (baseline %.2f s), overall %.4f (baseline %.4f)",
              f.trainPairs, f.epochs, f.trainSeconds, f.baselineSeconds, f.overall, f.baselineOverall);
        QVERIFY(f.trainPairs > 0);
        QVERIFY(f.pairsPerSecond > 0 && f.baselineSeconds > 0);
        QVERIFY(std::abs(f.overall - f.baselineOverall) < 0.05);
    }

    void cliTrainRm()
    {
        if (!QFile::exists(QStringLiteral(HYPER_CLI_PATH)))
            QSKIP("the hyper executable is not built");
        QProcess p;
        p.start(QStringLiteral(HYPER_CLI_PATH),
                {QStringLiteral("train-rm"), QStringLiteral("--project"), m_project, QStringLiteral("--mix"),
                 QStringLiteral("human"), QStringLiteral("--epochs"), QStringLiteral("1"), QStringLiteral("--json")});
        QVERIFY(p.waitForFinished(120000));
        QCOMPARE(p.exitCode(), 0);
        const QJsonObject o = QJsonDocument::fromJson(p.readAllStandardOutput()).object();
        for (const char *key : {"overall", "sections", "train_pairs", "eval_pairs", "seconds", "device", "run"})
            QVERIFY2(o.contains(QLatin1String(key)), key);
        QVERIFY(o.value(QStringLiteral("overall")).toDouble() > 0.5);

        p.start(QStringLiteral(HYPER_CLI_PATH), {QStringLiteral("train-rm"), QStringLiteral("--project"), m_project,
                                                 QStringLiteral("--mix"), QStringLiteral("plan:1")});
        QVERIFY(p.waitForFinished(60000));
        QCOMPARE(p.exitCode(), 2); // no such plan (plans that exist: tst_cli_ppm)
        QVERIFY(p.readAllStandardError().contains("no routing plan 1"));
    }
};

QTEST_GUILESS_MAIN(TestRm)
#include "tst_rm.moc"
