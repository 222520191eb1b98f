// SPDX-License-Identifier: GPL-3.0-or-later
// Schema v4: PPM datasets and rows, fitted PPMs, routing plans; the v3 -> v4 migration;
// plan mixes.
#include "core/mlbridge/mix.h"
#include "core/storage/mixqueries.h"
#include "core/storage/ppmstore.h"
#include "core/storage/projectstore.h"
#include "core/storage/schema.h"

#include <QSqlDatabase>
#include <QSqlDriver>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QtTest>
#include <sqlite3.h>

using namespace hyper;

namespace {

ImportRecord record(int i, Split split)
{
    ImportRecord r;
    r.line = i;
    r.split = split;
    r.prompt = "prompt " + std::to_string(i);
    r.responseA = "a " + std::to_string(i);
    r.responseB = "b " + std::to_string(i);
    ImportHumanLabel h;
    h.annotator = "h";
    h.overall = -2;
    r.human = { h };
    ImportLmLabel l;
    l.judge = "lm";
    l.overall = 2;
    r.lm = { l };
    return r;
}

/** 10 train instances (ids 1..10) and 3 eval instances (11..13). */
void fill(ProjectStore &store)
{
    auto w = store.beginImport(QStringLiteral("t"), QStringLiteral("test"));
    for (int i = 0; i < 10; ++i)
        w->add(record(i, Split::Train));
    for (int i = 10; i < 13; ++i)
        w->add(record(i, Split::Eval));
    w->commit(0);
}

PpmRow row(int index, std::vector<qint64> counts, double score)
{
    PpmRow r;
    r.index = index;
    r.budget = 5 + index;
    r.size = 4 + index;
    r.counts = std::move(counts);
    r.human = QByteArray("\x05\0\0\0\0\0\0\0", 8);
    r.score = score;
    r.seconds = 0.25;
    return r;
}

std::vector<qint64> ids(ProjectStore &store, const QString &route, Split split = Split::Train)
{
    InstanceFilter f;
    f.split = split;
    f.route = route;
    std::vector<qint64> out;
    for (const InstanceSummary &s : store.listInstances(f, 0, 1000))
        out.push_back(s.id);
    return out;
}

} // namespace

class TestPpmStore : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString path(const char *name) const { return m_dir.filePath(QString::fromLatin1(name)); }

private Q_SLOTS:
    void migratesFromV3()
    {
        const QString p = path("v3.hyper");
        {
            // A genuine version-3 file: the v1..v3 steps only, with a run in it.
            QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("v3"));
            db.setDatabaseName(p);
            QVERIFY(db.open());
            sqlite3 *handle = *static_cast<sqlite3 *const *>(db.driver()->handle().constData());
            schema::migrate(handle, 0, 3);
            QSqlQuery q(db);
            QVERIFY(q.exec(QStringLiteral("INSERT INTO rm_runs(mix, model, config, status, started_at)"
                                          " VALUES ('human', 'bag', '{}', 'done', 'then')")));
            QVERIFY(q.exec(QStringLiteral("PRAGMA user_version")) && q.next());
            QCOMPARE(q.value(0).toInt(), 3);
            q.finish();
            db.close();
        }
        QSqlDatabase::removeDatabase(QStringLiteral("v3"));
        ProjectStore store(p);
        QCOMPARE(store.schemaVersion(), ProjectStore::kSchemaVersion);
        QCOMPARE(ProjectStore::kSchemaVersion, 10);
        QCOMPARE(listRmRuns(store).size(), std::size_t(1));
        QVERIFY(listPpmDatasets(store).empty());
        QVERIFY(listPpmModels(store).empty());
        QVERIFY(listRoutePlans(store).empty());
        // The new tables work in the migrated file.
        PpmDataset d;
        d.kind = QStringLiteral("collect");
        d.metric = QStringLiteral("rm");
        d.features = { QStringLiteral("f") };
        const qint64 id = createDataset(store, d);
        PpmRow r = row(0, { 3 }, 0.5);
        r.rmRunId = listRmRuns(store).front().id;
        insertPpmRow(store, id, r);
        QCOMPARE(ppmRows(store, id).front().rmRunId, r.rmRunId);
    }

    void datasetsAndRows()
    {
        ProjectStore store(path("rows.hyper"), ProjectStore::Mode::CreateNew);
        PpmDataset d;
        d.kind = QStringLiteral("collect");
        d.metric = QStringLiteral("agreement:lm");
        d.seed = 0xfedcba9876543210ull; // above int64: stored bit for bit
        d.config = QStringLiteral("{\"count_mode\":\"default\"}");
        d.features = { QStringLiteral("a|b=1"), QStringLiteral("c, d") };
        d.matrixHash = QStringLiteral("abc");
        d.instances = 42;
        const qint64 id = createDataset(store, d);
        QCOMPARE(
            findCollectDataset(store, d.metric, d.seed, d.config, d.matrixHash), std::optional<qint64>(id));
        QVERIFY(!findCollectDataset(store, d.metric, 1, d.config, d.matrixHash));
        QVERIFY(!findCollectDataset(store, d.metric, d.seed, d.config, QStringLiteral("other")));

        insertPpmRow(store, id, row(2, { 7, -1 }, 0.75));
        insertPpmRow(store, id, row(0, { 1, 9000000000ll }, 0.25));
        QCOMPARE(ppmRowIndices(store, id), (std::vector<int> { 0, 2 }));
        const std::vector<PpmRow> rows = ppmRows(store, id);
        QCOMPARE(rows.size(), std::size_t(2));
        QCOMPARE(rows[0].counts, (std::vector<qint64> { 1, 9000000000ll }));
        QCOMPARE(rows[1].counts, (std::vector<qint64> { 7, -1 }));
        QCOMPARE(rows[1].budget, qint64(7));
        QCOMPARE(rows[1].size, qint64(6));
        QCOMPARE(rows[1].human, QByteArray("\x05\0\0\0\0\0\0\0", 8));
        QCOMPARE(rows[1].score, 0.75);
        QCOMPARE(rows[1].seconds, 0.25);
        QVERIFY(!rows[1].rmRunId);
        QVERIFY_THROWS_EXCEPTION(StoreError, insertPpmRow(store, id, row(2, { 1, 1 }, 0.1))); // index taken
        QVERIFY_THROWS_EXCEPTION(StoreError, insertPpmRow(store, id, row(3, { 1 }, 0.1))); // width
        QVERIFY_THROWS_EXCEPTION(StoreError, insertPpmRow(store, 999, row(3, { 1, 1 }, 0.1)));

        const std::vector<PpmDataset> all = listPpmDatasets(store);
        QCOMPARE(all.size(), std::size_t(1));
        QCOMPARE(all[0].seed, d.seed);
        QCOMPARE(all[0].features, d.features);
        QCOMPARE(all[0].rows, qint64(2));
        QCOMPARE(all[0].instances, qint64(42));
        QVERIFY(!all[0].createdAt.isEmpty());

        // Imports: all or nothing.
        const qint64 before = qint64(listPpmDatasets(store).size());
        QVERIFY_THROWS_EXCEPTION(StoreError,
            importPpmDataset(store, QStringLiteral("x.csv"), { QStringLiteral("a") },
                { row(0, { 1 }, 0.5), row(1, { 1, 2 }, 0.5) }));
        QCOMPARE(qint64(listPpmDatasets(store).size()), before);
        PpmRow imported = row(0, { 4 }, 0.5);
        imported.human = QByteArray();
        const qint64 im
            = importPpmDataset(store, QStringLiteral("x.csv"), { QStringLiteral("a") }, { imported });
        QCOMPARE(ppmDataset(store, im)->kind, QStringLiteral("import"));
        QVERIFY(ppmRows(store, im).front().human.isNull());

        deletePpmDataset(store, id);
        QVERIFY(ppmRows(store, id).empty());
        QVERIFY(!ppmDataset(store, id));
    }

    void rowIsDurableAtOnce()
    {
        const QString p = path("durable.hyper");
        ProjectStore store(p, ProjectStore::Mode::CreateNew);
        PpmDataset d;
        d.kind = QStringLiteral("collect");
        d.metric = QStringLiteral("rm");
        d.features = { QStringLiteral("f") };
        const qint64 id = createDataset(store, d);
        insertPpmRow(store, id, row(0, { 3 }, 0.5));
        ProjectStore other(p); // another connection sees it: it is committed
        QCOMPARE(ppmRowIndices(other, id), std::vector<int> { 0 });
        QCOMPARE(ppmRows(other, id).front().counts, std::vector<qint64> { 3 });
    }

    void models()
    {
        ProjectStore store(path("models.hyper"), ProjectStore::Mode::CreateNew);
        QVERIFY(!currentPpmModel(store));
        PpmModelRecord m;
        m.model = QStringLiteral("quadratic");
        m.ridge = 0.5;
        m.folds = 10;
        m.datasets = { 1, 3 };
        m.features = { QStringLiteral("x"), QStringLiteral("y") };
        m.n = 250;
        m.terms = 6;
        m.intercept = 0.125;
        m.coef = { 1.0, -2.5, 1e-300, 3.0, 0.0 };
        m.spearman = 0.61;
        m.cv = QStringLiteral("{\"actual\":[]}");
        const qint64 first = insertPpmModel(store, m);
        m.model = QStringLiteral("linear");
        m.coef = { 4.0, 5.0 };
        m.spearman.reset();
        m.rmse = 0.3;
        const qint64 second = insertPpmModel(store, m);
        const auto a = ppmModel(store, first);
        QVERIFY(a);
        QCOMPARE(a->model, QStringLiteral("quadratic"));
        QCOMPARE(a->coef, (std::vector<double> { 1.0, -2.5, 1e-300, 3.0, 0.0 }));
        QCOMPARE(a->datasets, (std::vector<qint64> { 1, 3 }));
        QCOMPARE(a->features, (QStringList { QStringLiteral("x"), QStringLiteral("y") }));
        QCOMPARE(a->spearman, std::optional<double>(0.61));
        QVERIFY(!a->rmse);
        QCOMPARE(a->cv, m.cv);
        QCOMPARE(currentPpmModel(store)->id, second);
        QCOMPARE(currentPpmModel(store)->coef, (std::vector<double> { 4.0, 5.0 }));
        const auto list = listPpmModels(store);
        QCOMPARE(list.size(), std::size_t(2));
        QVERIFY(list[0].coef.empty());
        QCOMPARE(list[1].rmse, std::optional<double>(0.3));
        QVERIFY(!ppmModel(store, 99));
        QVERIFY_THROWS_EXCEPTION(StoreError, insertPpmModel(store, [&] {
            PpmModelRecord bad = m;
            bad.model = QStringLiteral("tree");
            return bad;
        }()));
    }

    void plansApplyRoutes()
    {
        ProjectStore store(path("plans.hyper"), ProjectStore::Mode::CreateNew);
        fill(store);
        RoutePlanRecord plan;
        plan.strategy = QStringLiteral("topk");
        plan.budget = 3;
        plan.predicted = 0.7;
        plan.params = QStringLiteral("{}");
        const qint64 id = insertRoutePlan(store, plan, { 4, 2, 2, 7 });
        QCOMPARE(planInstanceIds(store, id), (std::vector<qint64> { 2, 4, 7 }));
        const auto stored = routePlan(store, id);
        QVERIFY(stored);
        QCOMPARE(stored->human, qint64(3));
        QCOMPARE(stored->budget, qint64(3));
        QCOMPARE(stored->predicted, std::optional<double>(0.7));
        QVERIFY(!stored->modelId);
        QVERIFY(stored->appliedAt.isEmpty());
        QCOMPARE(listRoutePlans(store).size(), std::size_t(1));

        // An unknown instance: nothing stored.
        QVERIFY_THROWS_EXCEPTION(StoreError, insertRoutePlan(store, plan, { 1, 999 }));
        QCOMPARE(listRoutePlans(store).size(), std::size_t(1));

        QVERIFY(ids(store, QStringLiteral("human")).empty());
        applyRoutePlan(store, id);
        QCOMPARE(ids(store, QStringLiteral("human")), (std::vector<qint64> { 2, 4, 7 }));
        QCOMPARE(ids(store, QStringLiteral("lm")), (std::vector<qint64> { 1, 3, 5, 6, 8, 9, 10 }));
        QCOMPARE(ids(store, QStringLiteral("unrouted"), Split::Eval), (std::vector<qint64> { 11, 12, 13 }));
        QVERIFY(!routePlan(store, id)->appliedAt.isEmpty());

        // A second plan replaces the routes of the first.
        const qint64 other = insertRoutePlan(store, plan, { 1 });
        applyRoutePlan(store, other);
        QCOMPARE(ids(store, QStringLiteral("human")), std::vector<qint64> { 1 });
        QVERIFY_THROWS_EXCEPTION(StoreError, applyRoutePlan(store, 999));
        QCOMPARE(ids(store, QStringLiteral("human")), std::vector<qint64> { 1 });

        // Plan mixes: the human label for the plan's instances, the LM label elsewhere.
        MixSpec spec = MixSpec::parse(QStringLiteral("plan:%1").arg(id));
        resolveMix(store, spec);
        QVERIFY(spec.resolved);
        QCOMPARE(spec.humanIds.size(), std::size_t(3));
        MixStats st;
        const auto pairs = mixTrainPairs(loadMixInstances(store, Split::Train), spec, 1, &st);
        QCOMPARE(st.humanChosen, qint64(3));
        QCOMPARE(st.lmChosen, qint64(7));
        QCOMPARE(pairs[1].chosen, std::string("a 1")); // id 2, human: A
        QCOMPARE(pairs[0].chosen, std::string("b 0")); // id 1, LM: B
        MixSpec unknown = MixSpec::parse(QStringLiteral("plan:999"));
        try {
            resolveMix(store, unknown);
            QFAIL("an unknown plan was resolved");
        } catch (const MixError &e) {
            QVERIFY2(QByteArray(e.what()).contains("no routing plan 999"), e.what());
        }
    }
};

QTEST_GUILESS_MAIN(TestPpmStore)
#include "tst_ppmstore.moc"
