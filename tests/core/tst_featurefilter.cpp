// SPDX-License-Identifier: GPL-3.0-or-later
// InstanceFilter::features in the store: instances carrying ALL the named binary
// features, checked against the stored feature matrix.
#include "core/features/featurejob.h"
#include "core/features/featureset.h"
#include "core/jobs/feedback.h"
#include "core/storage/featurestore.h"
#include "core/storage/importrecord.h"
#include "core/storage/projectstore.h"

#include <QTemporaryDir>
#include <QTest>

#include <set>

using namespace hyper;

namespace {

const QString kModerate = QStringLiteral("analyzer_scalar::feature_name=safety_concern|value=moderate");
const QString kMaths
    = QStringLiteral("analyzer_closed_set::feature_name=subject_of_expertise|constraints=Mathematics");

ImportRecord makeRecord(int i)
{
    static const char *safety[] = { "safe", "low", "moderate", "high" };
    static const char *subjects[] = { "[\"Mathematics\"]", "[\"Mathematics\",\"Physics\"]", "[\"History\"]" };
    ImportRecord r;
    r.line = i + 1;
    r.externalId = "ff-" + std::to_string(i);
    r.split = i % 10 == 9 ? Split::Eval : Split::Train;
    std::string words;
    for (int k = 0; k <= i % 13; ++k)
        words += " word" + std::to_string(k);
    r.prompt = "Prompt " + std::to_string(i) + words;
    r.responseA = "Alice met Bob in Paris on 2020-01-0" + std::to_string(1 + i % 9) + words;
    r.responseB = "A different answer" + std::string(size_t(i % 5), '!') + words + words;
    r.source = "gen";
    if (i % 7 != 0)
        r.metadataJson = std::string("{\"safety_concern\":\"") + safety[i % 4] + "\",\"subject_of_expertise\":"
            + subjects[i % 3] + "}";
    return r;
}

} // namespace

class TestFeatureFilter : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void singleFeature_data();
    void singleFeature();
    void allOfSeveral();
    void unknownFeatureMatchesNothing();
    void combinesWithOtherFilters();
    void equality();

private:
    std::set<qint64> carrying(const QStringList &names) const;

    QTemporaryDir m_dir;
    std::unique_ptr<ProjectStore> m_store;
    std::vector<std::pair<qint64, std::vector<int>>> m_matrix;
    QStringList m_names;
};

void TestFeatureFilter::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_store = std::make_unique<ProjectStore>(m_dir.filePath(QStringLiteral("f.hyper")), ProjectStore::Mode::CreateNew);
    auto writer = m_store->beginImport(QStringLiteral("gen.jsonl"), QStringLiteral("jsonl"));
    for (int i = 0; i < 300; ++i)
        writer->add(makeRecord(i));
    writer->commit(0);
    Feedback feedback;
    const FeatureResult r = computeFeatures(*m_store, {}, feedback);
    QCOMPARE(r.instances, 270);
    FeatureStore fs(*m_store);
    m_matrix = fs.matrix();
    m_names = fs.featureNames();
    QCOMPARE(m_names.size(), 90);
}

std::set<qint64> TestFeatureFilter::carrying(const QStringList &names) const
{
    std::set<qint64> out;
    for (const auto &[id, features] : m_matrix) {
        bool all = true;
        for (const QString &n : names)
            all = all && std::find(features.begin(), features.end(), int(m_names.indexOf(n))) != features.end();
        if (all)
            out.insert(id);
    }
    return out;
}

void TestFeatureFilter::singleFeature_data()
{
    QTest::addColumn<QString>("name");
    QTest::newRow("scalar") << kModerate;
    QTest::newRow("closed set") << kMaths;
    QTest::newRow("rouge middle") << QStringLiteral("rouge::min_val=0.33|max_val=0.67");
    QTest::newRow("prompt_len low") << QStringLiteral("prompt_len::min_val=0.0|max_val=0.33");
}

void TestFeatureFilter::singleFeature()
{
    QFETCH(QString, name);
    InstanceFilter f;
    f.features = { name };
    const std::set<qint64> expected = carrying(f.features);
    const auto counts = FeatureStore(*m_store).featureCounts();
    const auto it = std::find_if(counts.begin(), counts.end(), [&](const FeatureCount &c) { return c.name == name; });
    QVERIFY(it != counts.end());
    QCOMPARE(it->instances, qint64(expected.size()));
    QCOMPARE(m_store->countInstances(f), qint64(expected.size()));
    std::set<qint64> got;
    for (const InstanceSummary &s : m_store->listInstances(f, 0, 1000))
        got.insert(s.id);
    QVERIFY(got == expected);
}

void TestFeatureFilter::allOfSeveral()
{
    InstanceFilter f;
    f.features = { kModerate, kMaths };
    const std::set<qint64> expected = carrying(f.features);
    // i%4==2 and i%3!=2 and i%7!=0 among train rows: a strict, non-empty subset.
    QVERIFY(!expected.empty());
    QVERIFY(expected.size() < carrying({ kModerate }).size());
    QCOMPARE(m_store->countInstances(f), qint64(expected.size()));
    std::set<qint64> got;
    for (const InstanceSummary &s : m_store->listInstances(f, 0, 1000))
        got.insert(s.id);
    QVERIFY(got == expected);
}

void TestFeatureFilter::unknownFeatureMatchesNothing()
{
    InstanceFilter f;
    f.features = { QStringLiteral("no_such_feature") };
    QCOMPARE(m_store->countInstances(f), 0);
    f.features = { kModerate, QStringLiteral("no_such_feature") };
    QCOMPARE(m_store->countInstances(f), 0);
}

void TestFeatureFilter::combinesWithOtherFilters()
{
    InstanceFilter f;
    f.features = { kModerate };
    f.split = Split::Eval; // features are computed for the train split only
    QCOMPARE(m_store->countInstances(f), 0);
    f.split = Split::Train;
    QCOMPARE(m_store->countInstances(f), qint64(carrying({ kModerate }).size()));
}

void TestFeatureFilter::equality()
{
    InstanceFilter a, b;
    QVERIFY(a == b);
    b.features = { kModerate };
    QVERIFY(!(a == b));
    a.features = { kModerate };
    QVERIFY(a == b);
}

QTEST_GUILESS_MAIN(TestFeatureFilter)
#include "tst_featurefilter.moc"
