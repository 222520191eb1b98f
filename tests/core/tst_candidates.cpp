// SPDX-License-Identifier: GPL-3.0-or-later
// Candidate mixes: Algorithm 1, count vectors, reference-compatible counting, hyper counts.
#include "core/features/featureset.h"
#include "core/routing/candidates.h"
#include "core/storage/projectstore.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>
#include <random>
#include <cmath>

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

struct CliResult {
    int code = -1;
    QByteArray out, err;
};

CliResult runCli(const QStringList &args)
{
    QProcess p;
    p.start(QStringLiteral(HYPER_CLI_PATH), args);
    if (!p.waitForFinished(120000))
        return {};
    return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1, p.readAllStandardOutput(),
            p.readAllStandardError()};
}

} // namespace

class TestCandidates : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void boundedDrawInRange()
    {
        std::mt19937_64 rng(7);
        std::vector<int> seen(5, 0);
        for (int i = 0; i < 5000; ++i) {
            const auto v = boundedDraw(rng, 5);
            QVERIFY(v < 5);
            ++seen[v];
        }
        for (int c : seen)
            QVERIFY(c > 800 && c < 1200);
        QCOMPARE(boundedDraw(rng, 1), std::uint64_t(0));
    }

    void reachesBudget()
    {
        // 100 instances, every one carries at least one of 5 features.
        std::vector<std::vector<int>> rows(100);
        for (int i = 0; i < 100; ++i)
            rows[std::size_t(i)] = {i % 5, (i * 7) % 5};
        const FeatureMatrix m(namesOf(5), iotaIds(100), rows);
        QCOMPARE(m.reachable(), std::int64_t(100));
        CandidateSampler sampler(m);
        std::mt19937_64 rng(1);
        Bits s;
        for (std::int64_t b : {1, 10, 37, 100}) {
            QCOMPARE(sampler.sample(rng, s, b), b);
            QCOMPARE(popcount(s), b);
            QCOMPARE(sampler.lastBudget(), b);
        }
        // A drawn budget lies in 1..N and is met.
        for (int i = 0; i < 50; ++i) {
            const std::int64_t n = sampler.sample(rng, s);
            QVERIFY(sampler.lastBudget() >= 1 && sampler.lastBudget() <= 100);
            QCOMPARE(n, sampler.lastBudget());
        }
    }

    void fewerWhenUnreachable()
    {
        // Only the 6 even instances below 12 carry a feature: a budget of 10 gives 6.
        std::vector<std::vector<int>> rows(30);
        for (int i = 0; i < 12; i += 2)
            rows[std::size_t(i)] = {i % 3};
        const FeatureMatrix m(namesOf(3), iotaIds(30), rows);
        QCOMPARE(m.reachable(), std::int64_t(6));
        CandidateSampler sampler(m);
        std::mt19937_64 rng(3);
        Bits s;
        QCOMPARE(sampler.sample(rng, s, 10), std::int64_t(6));
        for (std::int64_t i = 0; i < 30; ++i)
            QCOMPARE(testBit(s, i), i < 12 && i % 2 == 0);
    }

    void deterministicForSeed()
    {
        const FeatureMatrix m = syntheticMatrix(500, 11);
        CandidateSampler a(m), b(m);
        // b has sampled before with another stream: the undone shuffles leave no trace.
        std::mt19937_64 other(99);
        Bits tmp;
        for (int i = 0; i < 5; ++i)
            b.sample(other, tmp);
        std::mt19937_64 r1(42), r2(42);
        Bits s1, s2;
        for (int i = 0; i < 20; ++i) {
            const auto n1 = a.sample(r1, s1);
            const auto n2 = b.sample(r2, s2);
            QCOMPARE(n1, n2);
            QVERIFY(s1 == s2);
        }
        // Another seed gives another mix.
        std::mt19937_64 r3(43), r4(42);
        a.sample(r3, s1, 250);
        b.sample(r4, s2, 250);
        QVERIFY(s1 != s2);
        // Budgets: distinct while k <= n.
        std::mt19937_64 r5(5);
        auto budgets = drawBudgets(r5, 40, 40);
        std::sort(budgets.begin(), budgets.end());
        for (int i = 0; i < 40; ++i)
            QCOMPARE(budgets[std::size_t(i)], std::int64_t(i + 1));
    }

    void countsEqualBruteForce()
    {
        std::mt19937_64 gen(8);
        // 333 instances: 6 words, the scalar tail only; 1100: 18 words, two steps of eight
        // (where the CPU has AVX-512 VPOPCNTDQ) and a tail of two.
        for (const int n : {333, 1100}) {
            const int f = 17;
            std::vector<std::vector<int>> rows(static_cast<std::size_t>(n));
            for (auto &r : rows)
                for (int k = 0; k < f; ++k)
                    if (boundedDraw(gen, 4) == 0)
                        r.push_back(k);
            const FeatureMatrix m(namesOf(f), iotaIds(n), rows);
            CandidateSampler sampler(m);
            Bits s;
            for (int c = 0; c < 30; ++c) {
                sampler.sample(gen, s);
                const auto counts = countVector(m, s);
                std::vector<std::int64_t> brute(std::size_t(f), 0);
                for (int i = 0; i < n; ++i)
                    if (testBit(s, i))
                        for (int k : rows[std::size_t(i)])
                            ++brute[std::size_t(k)];
                QVERIFY(counts == brute);
            }
        }
    }

    void referenceCompatInsideSubset()
    {
        using namespace hyper::features;
        const QStringList names = featureNames();
        const int nInst = 6;
        std::vector<std::vector<int>> rows(nInst);
        const int subject = kLexicalFeatureCount;  // the first subject feature
        rows[0] = {subject};
        rows[5] = {subject};
        FeatureMatrix m(names, iotaIds(nInst), rows);
        for (int k = 0; k < kScoreCount; ++k)
            m.setScores(scoreName(Score(k)), std::vector<double>(nInst, std::nan("")));
        // Lengths: inside S = {0,1,2,3} the values 10, 20, 20, 30 rank 0.25, 0.625, 0.625,
        // 1.0 (tie averaged); over all six they would rank differently.
        m.setScores(QStringLiteral("prompt_len"), {10, 20, 20, 30, 5, 100});
        // Similarity: raw, inclusive: 0.33 in two bins, 1.5 in none.
        m.setScores(QStringLiteral("rouge"), {0.33, 0.1, 0.9, 1.5, 0.5, 0.5});
        const Bits s = m.subset({0, 1, 2, 3});
        const auto ref = countVector(m, s, CountMode::ReferenceCompat);
        const auto count = [&](const QString &name) { return ref[std::size_t(names.indexOf(name))]; };
        QCOMPARE(count(QStringLiteral("prompt_len::min_val=0.0|max_val=0.33")), std::int64_t(1));
        QCOMPARE(count(QStringLiteral("prompt_len::min_val=0.33|max_val=0.67")), std::int64_t(2));
        QCOMPARE(count(QStringLiteral("prompt_len::min_val=0.67|max_val=1.0")), std::int64_t(1));
        QCOMPARE(count(QStringLiteral("rouge::min_val=0.0|max_val=0.33")), std::int64_t(2));
        QCOMPARE(count(QStringLiteral("rouge::min_val=0.33|max_val=0.67")), std::int64_t(1));
        QCOMPARE(count(QStringLiteral("rouge::min_val=0.67|max_val=1.0")), std::int64_t(1));
        QCOMPARE(count(QStringLiteral("bertscore::min_val=0.0|max_val=0.33")), std::int64_t(0));
        QCOMPARE(ref[std::size_t(subject)], std::int64_t(1));
        // Default mode counts the stored bits only (no lexical bits were set here).
        const auto def = countVector(m, s);
        QCOMPARE(def[std::size_t(names.indexOf(QStringLiteral("prompt_len::min_val=0.0|max_val=0.33")))],
                 std::int64_t(0));
        QCOMPARE(def[std::size_t(subject)], std::int64_t(1));
        // Without scores the reference mode refuses.
        const FeatureMatrix bare(names, iotaIds(nInst), rows);
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, countVector(bare, s, CountMode::ReferenceCompat));
    }

    // A reference-mode matrix ranks the lengths inside a large S in one pass over the
    // instances in value order; the result equals the sort of S's values (ties, NaN).
    void referenceRanksInOnePass()
    {
        using namespace hyper::features;
        const QStringList names = featureNames();
        const int nInst = 700;
        std::mt19937_64 rng(9);
        FeatureMatrix fast(names, iotaIds(nInst), std::vector<std::vector<int>>(nInst));
        FeatureMatrix sorted(names, iotaIds(nInst), std::vector<std::vector<int>>(nInst));
        for (int k = 0; k < kScoreCount; ++k) {
            std::vector<double> v(nInst);
            for (double &x : v) // few distinct values (ties), some missing
                x = rng() % 13 == 0 ? std::nan("") : double(rng() % 40) / (isLengthScore(Score(k)) ? 1.0 : 39.0);
            fast.setScores(scoreName(Score(k)), v);
            sorted.setScores(scoreName(Score(k)), v);
        }
        fast.setCountMode(CountMode::ReferenceCompat); // resolves the value orders
        QVERIFY(fast.valueOrder(int(fast.scoreNames().indexOf(QStringLiteral("prompt_len")))));
        QVERIFY(!sorted.valueOrder(0));
        for (int t = 0; t < 40; ++t) {
            std::vector<std::int64_t> idx;
            const std::uint64_t keep = 1 + rng() % 9; // from about all to a ninth
            for (std::int64_t i = 0; i < nInst; ++i)
                if (rng() % keep == 0)
                    idx.push_back(i);
            const Bits s = fast.subset(idx);
            QCOMPARE(countVector(fast, s, CountMode::ReferenceCompat), countVector(sorted, s, CountMode::ReferenceCompat));
        }
    }

    void countsCommand()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString project = dir.filePath(QStringLiteral("p.hyper"));
        auto r = runCli({QStringLiteral("sample"), QStringLiteral("--project"), project, QStringLiteral("--size"),
                         QStringLiteral("200"), QStringLiteral("--eval-size"), QStringLiteral("50"),
                         QStringLiteral("--no-index")});
        QVERIFY2(r.code == 0, r.err.constData());
        r = runCli({QStringLiteral("features"), QStringLiteral("--project"), project});
        QVERIFY2(r.code == 0, r.err.constData());

        std::vector<std::int64_t> ids;
        FeatureMatrix plain, scored;
        {
            ProjectStore store(project);
            plain = FeatureMatrix::fromStore(store, false);
            scored = FeatureMatrix::fromStore(store, true);
        }
        QCOMPARE(plain.instances(), std::int64_t(200));
        QCOMPARE(plain.features(), 90);
        std::vector<std::int64_t> indices;
        QByteArray list;
        for (std::int64_t i = 0; i < 200; i += 3) {
            indices.push_back(i);
            list += QByteArray::number(qint64(plain.ids()[std::size_t(i)])) + '\n';
        }
        const QString idsFile = dir.filePath(QStringLiteral("ids.txt"));
        {
            QFile f(idsFile);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(list);
        }
        const Bits s = plain.subset(indices);
        for (const bool reference : {false, true}) {
            QStringList args = {QStringLiteral("counts"), QStringLiteral("--project"), project,
                                QStringLiteral("--ids"), idsFile, QStringLiteral("--json")};
            if (reference)
                args << QStringLiteral("--reference-compat");
            r = runCli(args);
            QVERIFY2(r.code == 0, r.err.constData());
            const QJsonObject o = QJsonDocument::fromJson(r.out).object();
            QCOMPARE(o.value(QStringLiteral("n")).toInteger(), qint64(indices.size()));
            const QJsonObject c = o.value(QStringLiteral("counts")).toObject();
            QCOMPARE(c.size(), 90);
            const auto expected = reference ? countVector(scored, s, CountMode::ReferenceCompat)
                                            : countVector(plain, s);
            for (int f = 0; f < 90; ++f)
                QCOMPARE(c.value(plain.names()[f]).toInteger(), qint64(expected[std::size_t(f)]));
            if (reference) {
                // Inside S each length score's bins cover all of S, about a third each.
                std::int64_t sum = 0;
                for (int b = 0; b < 3; ++b)
                    sum += c.value(plain.names()[features::kLexicalFeatureCount - 9 + b]).toInteger();
                QVERIFY(sum >= qint64(indices.size()));
            }
        }

        // An unknown id: exit 2, naming the file and line.
        {
            QFile f(idsFile);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(QByteArray::number(qint64(plain.ids()[0])) + "\n99999999\n");
        }
        r = runCli({QStringLiteral("counts"), QStringLiteral("--project"), project, QStringLiteral("--ids"),
                    idsFile, QStringLiteral("--json")});
        QCOMPARE(r.code, 2);
        QVERIFY2(QString::fromUtf8(r.err).contains(idsFile + QStringLiteral(":2: no instance 99999999")),
                 r.err.constData());
    }
};

QTEST_GUILESS_MAIN(TestCandidates)
#include "tst_candidates.moc"
