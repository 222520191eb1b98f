// SPDX-License-Identifier: GPL-3.0-or-later
// hyper ppm collect in-process: deterministic candidates, resume after an interruption,
// extension to a larger K, proxy-RM rows linked to their runs, independence of workers.
#include "core/features/featurejob.h"
#include "core/jobs/feedback.h"
#include "core/ml/trainer.h"
#include "core/mlbridge/mix.h"
#include "core/routing/collect.h"
#include "core/sample/samplegenerator.h"
#include "core/storage/mixqueries.h"
#include "core/storage/ppmstore.h"
#include "core/storage/projectstore.h"

#include <QElapsedTimer>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>
#include <cstring>
#include <set>

using namespace hyper;
using namespace hyper::routing;

namespace {

bool sameRows(const std::vector<PpmRow> &a, const std::vector<PpmRow> &b)
{
    if (a.size() != b.size())
        return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (a[i].index != b[i].index || a[i].budget != b[i].budget || a[i].size != b[i].size
            || a[i].counts != b[i].counts || a[i].human != b[i].human || a[i].score != b[i].score)
            return false;
    return true;
}

CollectParams agreement(int k, quint64 seed = 3)
{
    CollectParams p;
    p.candidates = k;
    p.seed = seed;
    p.metric = QStringLiteral("agreement:human");
    return p;
}

} // namespace

class TestCollect : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_base;
    int m_copies = 0;
    std::vector<PpmRow> m_reference; // agreement, K = 12, seed 3, uninterrupted

    /** A fresh copy of the sample project with features. */
    QString copy()
    {
        const QString p = m_dir.filePath(QStringLiteral("copy%1.hyper").arg(++m_copies));
        if (!QFile::copy(m_base, p))
            qFatal("cannot copy the sample project");
        return p;
    }

    CollectResult collect(
        const QString &project, const CollectParams &params, std::vector<PpmRow> *rows = nullptr)
    {
        ProjectStore store(project);
        Feedback feedback;
        const CollectResult r = collectPpmData(store, params, feedback);
        if (rows)
            *rows = ppmRows(store, r.datasetId);
        return r;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_base = m_dir.filePath(QStringLiteral("base.hyper"));
        ProjectStore store(m_base, ProjectStore::Mode::CreateNew);
        SampleParams sample;
        sample.trainSize = 300;
        sample.evalSize = 100;
        Feedback feedback;
        writeSample(store, sample, feedback);
        FeatureParams features;
        features.threads = 1;
        computeFeatures(store, features, feedback);
    }

    void budgetsAndCandidatesDoNotDependOnK()
    {
        const auto b10 = candidateBudgets(7, 10, 300), b4 = candidateBudgets(7, 4, 300);
        QCOMPARE(std::vector<std::int64_t>(b10.begin(), b10.begin() + 4), b4);
        QCOMPARE(std::set<std::int64_t>(b10.begin(), b10.end()).size(), std::size_t(10)); // distinct
        for (std::int64_t b : b10)
            QVERIFY(b >= 1 && b <= 300);
        // Beyond N the budgets repeat, still in range.
        const auto small = candidateBudgets(7, 8, 5);
        QCOMPARE(std::set<std::int64_t>(small.begin(), small.begin() + 5),
            (std::set<std::int64_t> { 1, 2, 3, 4, 5 }));
        QVERIFY(small[7] >= 1 && small[7] <= 5);
        QVERIFY(candidateBudgets(8, 10, 300) != b10);
        QCOMPARE(candidateRng(1, 5)(), candidateRng(1, 5)());
        QVERIFY(candidateRng(1, 5)() != candidateRng(1, 6)());
        QVERIFY(candidateRmSeed(1, 5) != candidateRmSeed(2, 5));
    }

    void agreementIsDeterministic()
    {
        const QString a = copy(), b = copy();
        std::vector<PpmRow> ra, rb;
        const CollectResult r = collect(a, agreement(12), &ra);
        QCOMPARE(r.requested, 12);
        QCOMPARE(r.measured, 12);
        QCOMPARE(r.reused, 0);
        QCOMPARE(r.failed, 0);
        collect(b, agreement(12), &rb);
        QVERIFY(sameRows(ra, rb));
        m_reference = ra;

        ProjectStore store(a);
        const FeatureMatrix matrix = FeatureMatrix::fromStore(store, false);
        const auto dataset = ppmDataset(store, r.datasetId);
        QVERIFY(dataset);
        QCOMPARE(dataset->kind, QStringLiteral("collect"));
        QCOMPARE(dataset->features, matrix.names());
        QCOMPARE(dataset->instances, matrix.instances());
        QCOMPARE(dataset->matrixHash, matrixHash(matrix));
        const auto budgets = candidateBudgets(3, 12, matrix.instances());
        for (const PpmRow &row : ra) {
            QCOMPARE(row.budget, budgets[std::size_t(row.index)]);
            QVERIFY(row.size <= row.budget && row.size > 0);
            QVERIFY(row.score >= 0.0 && row.score <= 1.0);
            QVERIFY(!row.rmRunId);
            // The stored set is the candidate, and the counts are its count vector.
            Bits bits(matrix.words());
            std::memcpy(bits.data(), row.human.constData(), std::size_t(row.human.size()));
            QCOMPARE(qint64(popcount(bits)), row.size);
            std::vector<qint64> counts;
            for (std::int64_t c : countVector(matrix, bits))
                counts.push_back(c);
            QCOMPARE(counts, row.counts);
            CandidateSampler sampler(matrix);
            std::mt19937_64 rng = candidateRng(3, row.index);
            Bits again;
            sampler.sample(rng, again, row.budget);
            QVERIFY(again == bits);
        }
        // Another seed: another dataset.
        const CollectResult other = collect(a, agreement(3, 4));
        QVERIFY(other.datasetId != r.datasetId);
    }

    void interruptedRunResumes()
    {
        QVERIFY(!m_reference.empty());
        const QString p = copy();
        {
            ProjectStore store(p);
            Feedback feedback;
            int seen = 0;
            QVERIFY_THROWS_EXCEPTION(
                Canceled, collectPpmData(store, agreement(12), feedback, [&](int, const PpmRow &) {
                    if (++seen == 5)
                        feedback.cancel();
                }));
            const auto datasets = listPpmDatasets(store);
            QCOMPARE(datasets.size(), std::size_t(1));
            QCOMPARE(datasets[0].rows, qint64(5));
        }
        std::vector<PpmRow> rows;
        const CollectResult r = collect(p, agreement(12), &rows);
        QCOMPARE(r.reused, 5);
        QCOMPARE(r.measured, 7);
        QVERIFY(sameRows(rows, m_reference));
        // Nothing left to do: everything reused.
        const CollectResult again = collect(p, agreement(12));
        QCOMPARE(again.reused, 12);
        QCOMPARE(again.measured, 0);
        QCOMPARE(again.datasetId, r.datasetId);
    }

    void largerKExtends()
    {
        QVERIFY(!m_reference.empty());
        const QString p = copy();
        std::vector<PpmRow> rows;
        collect(p, agreement(4), &rows);
        QVERIFY(sameRows(rows, std::vector<PpmRow>(m_reference.begin(), m_reference.begin() + 4)));
        const CollectResult r = collect(p, agreement(12), &rows);
        QCOMPARE(r.reused, 4);
        QCOMPARE(r.measured, 8);
        QVERIFY(sameRows(rows, m_reference));
    }

    void refusesWithoutStoring()
    {
        const QString p = copy();
        ProjectStore store(p);
        Feedback feedback;
        CollectParams bad = agreement(3);
        bad.metric = QStringLiteral("agreement:oracle");
        QVERIFY_THROWS_EXCEPTION(CollectError, collectPpmData(store, bad, feedback));
        bad.metric = QStringLiteral("accuracy");
        QVERIFY_THROWS_EXCEPTION(CollectError, collectPpmData(store, bad, feedback));
        bad.metric = QStringLiteral("agreement:gold"); // the sample's train split has no gold labels
        QVERIFY_THROWS_EXCEPTION(CollectError, collectPpmData(store, bad, feedback));
        CollectParams rm;
        rm.candidates = 2;
        rm.rm.epochs = 0;
        QVERIFY_THROWS_EXCEPTION(CollectError, collectPpmData(store, rm, feedback));
        QVERIFY(listPpmDatasets(store).empty());

        const QString empty = m_dir.filePath(QStringLiteral("nofeatures.hyper"));
        ProjectStore none(empty, ProjectStore::Mode::CreateNew);
        QVERIFY_THROWS_EXCEPTION(CollectError, collectPpmData(none, agreement(3), feedback));
        QVERIFY(listPpmDatasets(none).empty());
    }

    void proxyRmRowsAreLinkedAndWorkerIndependent()
    {
        CollectParams params;
        params.candidates = 3;
        params.seed = 5;
        params.rm.epochs = 1;
        params.workers = 1;
        const QString one = copy(), two = copy();
        std::vector<PpmRow> r1, r2;
        QElapsedTimer timer;
        timer.start();
        const CollectResult c1 = collect(one, params, &r1);
        qInfo("3 proxy RMs, 1 worker: %.2f s", double(timer.elapsed()) / 1000);
        QCOMPARE(c1.measured, 3);
        params.workers = 2;
        timer.restart();
        collect(two, params, &r2);
        qInfo("3 proxy RMs, 2 workers: %.2f s", double(timer.elapsed()) / 1000);
        QVERIFY(sameRows(r1, r2));

        ProjectStore store(one);
        for (const PpmRow &row : r1) {
            QVERIFY(row.rmRunId);
            const auto run = rmRun(store, *row.rmRunId);
            QVERIFY(run);
            QCOMPARE(run->status, QStringLiteral("done"));
            QCOMPARE(run->mix, QStringLiteral("candidate:%1/%2").arg(c1.datasetId).arg(row.index));
            QVERIFY(row.score > 0.0 && row.score <= 1.0);
            QVERIFY(row.seconds > 0.0);
        }
        // Candidate 1 is the RM that rmrun's path would train on the same mix.
        const PpmRow &row = r1[1];
        const FeatureMatrix matrix = FeatureMatrix::fromStore(store, false);
        Bits bits(matrix.words());
        std::memcpy(bits.data(), row.human.constData(), std::size_t(row.human.size()));
        const std::vector<qint64> human = subsetIds(matrix, bits);
        const MixSpec spec = MixSpec::subset({ human.begin(), human.end() }, QStringLiteral("candidate"));
        ml::TrainConfig config = params.rm;
        config.threads = 1;
        config.seed = candidateRmSeed(params.seed, row.index);
        const ml::Bundle bundle
            = ml::makeBundle(mixTrainPairs(loadMixInstances(store, Split::Train), spec, config.seed),
                mixEvalPairs(loadMixInstances(store, Split::Eval)), config);
        QCOMPARE(ml::trainBundle(bundle).scores.overall, row.score);

        // A rerun reuses every row and trains nothing.
        const auto runs = listRmRuns(store).size();
        Feedback feedback;
        params.workers = 1;
        const CollectResult again = collectPpmData(store, params, feedback);
        QCOMPARE(again.reused, 3);
        QCOMPARE(listRmRuns(store).size(), runs);
    }
};

QTEST_GUILESS_MAIN(TestCollect)
#include "tst_collect.moc"
