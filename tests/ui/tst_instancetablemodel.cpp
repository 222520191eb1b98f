// SPDX-License-Identifier: GPL-3.0-or-later
// InstanceTableModel over a real temporary project: paging, the page cache bound,
// filters and full-text search, all under QAbstractItemModelTester.
#include "core/jobs/feedback.h"
#include "core/storage/projectstore.h"
#include "ui/instancetablemodel.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace hyper;

namespace {

constexpr int kRows = 450; // three pages of 200

/** Row i: split eval when i%5==0; source alpha/beta/gamma by i%3; a human label
 *  (A clearly) when i is even; an LM label when i%4==0, A clearly when i%8==0 else
 *  B clearly (so i%8==4 disagrees); the word "zebra" in prompts with i%10==7. */
ImportRecord makeRecord(int i)
{
    ImportRecord r;
    r.line = i + 1;
    r.externalId = "ext-" + std::to_string(i);
    r.split = i % 5 == 0 ? Split::Eval : Split::Train;
    r.prompt = "Question number " + std::to_string(i) + " about the weather"
        + (i % 10 == 7 ? std::string(" and a zebra") : std::string());
    r.responseA = "Answer A to " + std::to_string(i);
    r.responseB = "Answer B to " + std::to_string(i);
    r.modelA = "model-a";
    r.modelB = "model-b";
    static const char *sources[] = { "alpha", "beta", "gamma" };
    r.source = sources[i % 3];
    r.category = "cat";
    if (i % 2 == 0) {
        ImportHumanLabel h;
        h.annotator = "ann1";
        h.overall = -2;
        r.human.push_back(h);
    }
    if (i % 4 == 0) {
        ImportLmLabel l;
        l.judge = "judge1";
        l.overall = i % 8 == 0 ? -2 : 2;
        r.lm.push_back(l);
    }
    return r;
}

void fillProject(ProjectStore &store, int rows)
{
    auto writer = store.beginImport(QStringLiteral("generated.jsonl"), QStringLiteral("jsonl"));
    for (int i = 0; i < rows; ++i)
        writer->add(makeRecord(i));
    writer->commit(0);
}

} // namespace

class TestInstanceTableModel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void paging();
    void filters_data();
    void filters();
    void search();
    void reloadAfterImport();
    void cacheIsBounded();

private:
    QTemporaryDir m_dir;
    std::unique_ptr<ProjectStore> m_store;
};

void TestInstanceTableModel::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_store = std::make_unique<ProjectStore>(
        m_dir.filePath(QStringLiteral("model.hyper")), ProjectStore::Mode::CreateNew);
    fillProject(*m_store, kRows);
}

void TestInstanceTableModel::paging()
{
    InstanceTableModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setStore(m_store.get());
    QCOMPARE(model.rowCount(), kRows);
    QCOMPARE(model.columnCount(), int(InstanceTableModel::ColumnCount));
    const int fetchesBefore = model.pageFetchCount();

    // Rows on the first, second and third page.
    for (int row : { 0, 199, 200, 333, 449 }) {
        const QModelIndex id = model.index(row, InstanceTableModel::IdColumn);
        QCOMPARE(id.data().toString(), QStringLiteral("ext-%1").arg(row));
        QVERIFY(model.index(row, InstanceTableModel::PromptColumn)
                    .data()
                    .toString()
                    .startsWith(QStringLiteral("Question number %1 ").arg(row)));
        QVERIFY(id.data(InstanceTableModel::InstanceIdRole).toLongLong() > 0);
        QCOMPARE(model.index(row, InstanceTableModel::HumanCountColumn).data().toInt(), row % 2 == 0 ? 1 : 0);
        QCOMPARE(model.index(row, InstanceTableModel::LmCountColumn).data().toInt(), row % 4 == 0 ? 1 : 0);
        QCOMPARE(model.index(row, InstanceTableModel::SplitColumn).data().toString(),
            row % 5 == 0 ? QStringLiteral("eval") : QStringLiteral("train"));
    }
    QCOMPARE(model.index(4, 0).data(InstanceTableModel::DisagreementRole).toBool(), true);
    QCOMPARE(model.index(8, 0).data(InstanceTableModel::DisagreementRole).toBool(), false);
    QCOMPARE(model.index(8, 0).data(InstanceTableModel::HumanMajorityRole).toInt(), -2);
    QVERIFY(!model.index(1, 0).data(InstanceTableModel::HumanMajorityRole).isValid());
    // One query per page touched, not per row.
    QVERIFY(model.pageFetchCount() - fetchesBefore <= 3);
    QCOMPARE(model.cachedPageCount(), 3);
    QVERIFY(!model.index(kRows, 0).isValid());
}

void TestInstanceTableModel::filters_data()
{
    QTest::addColumn<InstanceFilter>("filter");
    QTest::addColumn<int>("rows");

    InstanceFilter f;
    QTest::newRow("none") << f << kRows;
    f = {};
    f.split = Split::Eval;
    QTest::newRow("eval") << f << kRows / 5;
    f = {};
    f.split = Split::Train;
    QTest::newRow("train") << f << kRows - kRows / 5;
    f = {};
    f.source = QStringLiteral("beta");
    QTest::newRow("source") << f << kRows / 3;
    f = {};
    f.hasHumanLabel = true;
    QTest::newRow("human") << f << kRows / 2;
    f = {};
    f.hasHumanLabel = false;
    QTest::newRow("no human") << f << kRows / 2;
    f = {};
    f.hasLmLabel = true;
    QTest::newRow("lm") << f << (kRows + 3) / 4;
    f = {};
    f.disagreementOnly = true;
    QTest::newRow("disagreement") << f << 56; // i%8==4 below 450
    f = {};
    f.route = QStringLiteral("human");
    QTest::newRow("routed to human") << f << 0;
    f = {};
    f.route = QStringLiteral("unrouted");
    QTest::newRow("unrouted") << f << kRows;
    f = {};
    f.split = Split::Eval;
    f.hasLmLabel = true;
    QTest::newRow("eval and lm") << f << 23; // i%20==0
}

void TestInstanceTableModel::filters()
{
    QFETCH(InstanceFilter, filter);
    QFETCH(int, rows);
    InstanceTableModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setStore(m_store.get());
    QSignalSpy resets(&model, &QAbstractItemModel::modelReset);
    model.setFilter(filter);
    QCOMPARE(model.rowCount(), rows);
    QCOMPARE(resets.count(), filter == InstanceFilter() ? 0 : 1);
    // Every row that comes back obeys the filter.
    for (int row = 0; row < model.rowCount(); row += 7) {
        const QModelIndex index = model.index(row, 0);
        if (filter.split)
            QCOMPARE(index.data(InstanceTableModel::SplitRole).toInt(), int(*filter.split));
        if (!filter.source.isEmpty())
            QCOMPARE(model.index(row, InstanceTableModel::SourceColumn).data().toString(), filter.source);
        if (filter.disagreementOnly)
            QVERIFY(index.data(InstanceTableModel::DisagreementRole).toBool());
    }
}

void TestInstanceTableModel::search()
{
    InstanceTableModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setStore(m_store.get());
    InstanceFilter f;
    f.text = QStringLiteral("zebra");
    // Before the index exists the store scans; afterwards FTS answers the same.
    model.setFilter(f);
    QCOMPARE(model.rowCount(), kRows / 10);
    Feedback feedback;
    m_store->updateSearchIndex(feedback);
    QVERIFY(m_store->searchIndexReady());
    model.reload();
    QCOMPARE(model.rowCount(), kRows / 10);
    QCOMPARE(model.index(0, InstanceTableModel::IdColumn).data().toString(), QStringLiteral("ext-7"));

    f.source = QStringLiteral("beta"); // i%3==1 and i%10==7: 7, 37, 67, ...
    model.setFilter(f);
    QCOMPARE(model.rowCount(), 15);
    f.source.clear();
    f.text = QStringLiteral("nosuchwordanywhere");
    model.setFilter(f);
    QCOMPARE(model.rowCount(), 0);
    model.setFilter({});
    QCOMPARE(model.rowCount(), kRows);
}

void TestInstanceTableModel::reloadAfterImport()
{
    QTemporaryDir dir;
    ProjectStore store(dir.filePath(QStringLiteral("reload.hyper")), ProjectStore::Mode::CreateNew);
    InstanceTableModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setStore(&store);
    QCOMPARE(model.rowCount(), 0);
    fillProject(store, 10);
    QCOMPARE(model.rowCount(), 0); // nothing changes until reload()
    model.reload();
    QCOMPARE(model.rowCount(), 10);
    model.setStore(nullptr);
    QCOMPARE(model.rowCount(), 0);
}

void TestInstanceTableModel::cacheIsBounded()
{
    QTemporaryDir dir;
    ProjectStore store(dir.filePath(QStringLiteral("big.hyper")), ProjectStore::Mode::CreateNew);
    const int rows = (InstanceTableModel::kMaxCachedPages + 10) * InstanceTableModel::kPageSize;
    fillProject(store, rows);
    InstanceTableModel model;
    model.setStore(&store);
    QCOMPARE(model.rowCount(), rows);
    for (int row = 0; row < rows; row += InstanceTableModel::kPageSize / 2)
        QCOMPARE(model.index(row, 0).data().toString(), QStringLiteral("ext-%1").arg(row));
    QCOMPARE(model.cachedPageCount(), InstanceTableModel::kMaxCachedPages);
    // The last row again: cached, no new query.
    const int fetches = model.pageFetchCount();
    QCOMPARE(model.index(rows - 1, 0).data().toString(), QStringLiteral("ext-%1").arg(rows - 1));
    QCOMPARE(model.pageFetchCount(), fetches);
    // The first page was evicted and is fetched again.
    QCOMPARE(model.index(0, 0).data().toString(), QStringLiteral("ext-0"));
    QCOMPARE(model.pageFetchCount(), fetches + 1);
}

QTEST_MAIN(TestInstanceTableModel)
#include "tst_instancetablemodel.moc"
