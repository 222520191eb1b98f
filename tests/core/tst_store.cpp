// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/jobs/feedback.h"
#include "core/storage/projectstore.h"
#include "core/storage/schema.h"
#include "core/storage/searchquery.h"

#include <QFile>
#include <QSqlDatabase>
#include <QSqlDriver>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QtTest>
#include <sqlite3.h>

using namespace hyper;

namespace {

ImportRecord record(int i, const std::string &prompt, Split split = Split::Train)
{
    ImportRecord r;
    r.line = i;
    r.externalId = "ext-" + std::to_string(i);
    r.split = split;
    r.prompt = prompt;
    r.responseA = "answer a " + std::to_string(i);
    r.responseB = "answer b " + std::to_string(i);
    r.source = i % 2 ? "odd" : "even";
    return r;
}

ImportHumanLabel human(const std::string &who, int overall)
{
    ImportHumanLabel h;
    h.annotator = who;
    h.overall = overall;
    return h;
}

ImportLmLabel lm(const std::string &judge, int overall)
{
    ImportLmLabel l;
    l.judge = judge;
    l.overall = overall;
    return l;
}

} // namespace

class TestStore : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString path(const char *name) const { return m_dir.filePath(QString::fromLatin1(name)); }

private Q_SLOTS:
    void createsSchemaAndReopens()
    {
        const QString p = path("a.hyper");
        {
            ProjectStore s(p, ProjectStore::Mode::CreateNew);
            QCOMPARE(s.schemaVersion(), ProjectStore::kSchemaVersion);
            QCOMPARE(s.info().instances, 0);
        }
        ProjectStore again(p);
        QCOMPARE(again.schemaVersion(), ProjectStore::kSchemaVersion);
        QVERIFY_THROWS_EXCEPTION(StoreError, (ProjectStore{p, ProjectStore::Mode::CreateNew}));
    }

    void migratesV8InstancesToConversations()
    {
        // A genuine version-8 file with an instance: it opens at the current version, the
        // instance reads back as a plain prompt, and a conversation imports into it.
        QTemporaryDir dir;
        const QString p = dir.filePath(QStringLiteral("v8.hyper"));
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("v8"));
            db.setDatabaseName(p);
            QVERIFY(db.open());
            sqlite3 *handle = *static_cast<sqlite3 *const *>(db.driver()->handle().constData());
            schema::migrate(handle, 0, 8);
            QSqlQuery q(db);
            QVERIFY(q.exec(QStringLiteral("INSERT INTO instances(id, split) VALUES (1, 'train')")));
            QVERIFY(q.exec(QStringLiteral("INSERT INTO instance_texts(id, prompt, response_a, response_b)"
                                          " VALUES (1, 'User: hi\n\nAssistant: hello', 'a', 'b')")));
            q.finish();
            db.close();
        }
        QSqlDatabase::removeDatabase(QStringLiteral("v8"));
        ProjectStore store(p);
        QCOMPARE(store.schemaVersion(), ProjectStore::kSchemaVersion);
        const auto old = store.instance(1);
        QVERIFY(old);
        QCOMPARE(old->prompt, QStringLiteral("User: hi\n\nAssistant: hello"));
        QVERIFY(old->conversation.isEmpty());
        ImportRecord r = record(2, "System: s\n\nUser: u");
        r.promptMessagesJson = R"j([{"role":"system","content":"s"},{"role":"user","content":"u"}])j";
        auto w = store.beginImport(QStringLiteral("c"), QStringLiteral("test"));
        w->add(r);
        w->commit(0);
        const auto conv = store.instance(2);
        QVERIFY(conv);
        QCOMPARE(conv->conversation.size(), qsizetype(2));
        QCOMPARE(conv->conversation.at(1).content, QStringLiteral("u"));
    }

    void walAndForeignKeysAreOn()
    {
        const QString p = path("wal.hyper");
        ProjectStore s(p, ProjectStore::Mode::CreateNew);
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("peek"));
        db.setDatabaseName(p);
        QVERIFY(db.open());
        QSqlQuery q(db);
        QVERIFY(q.exec(QStringLiteral("PRAGMA journal_mode")) && q.next());
        QCOMPARE(q.value(0).toString(), QStringLiteral("wal"));
        q.finish();
        db.close();
        db = {};
        QSqlDatabase::removeDatabase(QStringLiteral("peek"));
    }

    void refusesMissingForeignAndCorruptFiles_data()
    {
        QTest::addColumn<QByteArray>("content");
        QTest::addColumn<QString>("expected");
        QTest::newRow("text file") << QByteArray("hello, this is not a database\n") << QStringLiteral("not an SQLite database");
        QByteArray header("SQLite format 3\0", 16);
        QTest::newRow("truncated sqlite") << (header + QByteArray(84, '\x01')) << QStringLiteral("");
    }
    void refusesMissingForeignAndCorruptFiles()
    {
        QFETCH(QByteArray, content);
        QFETCH(QString, expected);
        const QString p = path("bad.hyper");
        QFile f(p);
        QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
        f.write(content);
        f.close();
        try {
            ProjectStore s(p);
            QFAIL("opened a bad file");
        } catch (const StoreError &e) {
            const QString msg = QString::fromUtf8(e.what());
            QVERIFY2(msg.startsWith(p), qPrintable(msg));
            QVERIFY2(msg.contains(expected), qPrintable(msg));
        }
        QVERIFY_THROWS_EXCEPTION(StoreError, ProjectStore{path("missing.hyper")});
    }

    void refusesAnotherProgramsDatabase()
    {
        const QString p = path("other.sqlite");
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("other"));
            db.setDatabaseName(p);
            QVERIFY(db.open());
            QSqlQuery(db).exec(QStringLiteral("CREATE TABLE t(x)"));
            db.close();
        }
        QSqlDatabase::removeDatabase(QStringLiteral("other"));
        try {
            ProjectStore s(p);
            QFAIL("opened a foreign database");
        } catch (const StoreError &e) {
            QVERIFY2(QString::fromUtf8(e.what()).contains(QStringLiteral("another program")), e.what());
        }
    }

    void detectsDamagedPages()
    {
        const QString p = path("damaged.hyper");
        {
            ProjectStore s(p, ProjectStore::Mode::CreateNew);
            auto w = s.beginImport(QStringLiteral("x"), QStringLiteral("test"));
            for (int i = 0; i < 400; ++i)
                w->add(record(i, std::string(300, 'p')));
            w->commit(0);
        }
        // Overwrite the middle of the file (b-tree pages of the instances table).
        QFile f(p);
        QVERIFY(f.open(QIODevice::ReadWrite));
        const qint64 size = f.size();
        QVERIFY(size > 200000);
        f.seek(size / 2);
        f.write(QByteArray(8192, '\x5a'));
        f.close();
        QVERIFY_THROWS_EXCEPTION(StoreError, ProjectStore{p});
        // Without the check on open it opens; the explicit check then finds the damage.
        ProjectStore unchecked(p, ProjectStore::Mode::OpenExisting, /*checkIntegrity=*/false);
        QVERIFY_THROWS_EXCEPTION(StoreError, unchecked.verifyIntegrity());
    }

    void refusesNewerSchema()
    {
        const QString p = path("newer.hyper");
        {
            ProjectStore s(p, ProjectStore::Mode::CreateNew);
        }
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("newer"));
            db.setDatabaseName(p);
            QVERIFY(db.open());
            QSqlQuery(db).exec(QStringLiteral("PRAGMA user_version = 99"));
            db.close();
        }
        QSqlDatabase::removeDatabase(QStringLiteral("newer"));
        try {
            ProjectStore s(p);
            QFAIL("opened a newer schema");
        } catch (const StoreError &e) {
            QVERIFY2(QString::fromUtf8(e.what()).contains(QStringLiteral("newer")), e.what());
        }
    }

    void importIsAllOrNothing()
    {
        ProjectStore s(path("tx.hyper"), ProjectStore::Mode::CreateNew);
        {
            auto w = s.beginImport(QStringLiteral("f"), QStringLiteral("test"));
            w->add(record(1, "one"));
            w->add(record(2, "two"));
            // destroyed without commit
        }
        QCOMPARE(s.info().instances, 0);
        {
            auto w = s.beginImport(QStringLiteral("f"), QStringLiteral("test"));
            w->add(record(1, "one"));
            w->rollback();
        }
        QCOMPARE(s.info().instances, 0);
        auto w = s.beginImport(QStringLiteral("f"), QStringLiteral("test"));
        w->add(record(1, "one"));
        w->add(record(2, "two", Split::Eval));
        w->commit(0);
        const ProjectInfo i = s.info();
        QCOMPARE(i.instances, 1);
        QCOMPARE(i.evalInstances, 1);
    }

    void labelsAndMajorities()
    {
        ProjectStore s(path("labels.hyper"), ProjectStore::Mode::CreateNew);
        auto w = s.beginImport(QStringLiteral("f"), QStringLiteral("test"));
        ImportRecord a = record(1, "agree");
        a.human = {human("h1", -2), human("h2", -1), human("h3", 2)};
        a.lm = {lm("gpt", -1)};
        ImportRecord b = record(2, "disagree");
        b.human = {human("h1", 2)};
        b.lm = {lm("gpt", -2)};
        ImportRecord c = record(3, "unlabelled");
        w->add(a);
        w->add(b);
        w->add(c);
        w->commit(0);

        const ProjectInfo info = s.info();
        QCOMPARE(info.humanLabels, 4);
        QCOMPARE(info.lmLabels, 2);
        QCOMPARE(info.annotators, (QStringList{QStringLiteral("h1"), QStringLiteral("h2"), QStringLiteral("h3")}));
        QCOMPARE(info.judges, QStringList{QStringLiteral("gpt")});

        const auto rows = s.listInstances({}, 0, 10);
        QCOMPARE(rows.size(), size_t(3));
        QCOMPARE(rows[0].humanLabels, 3);
        QCOMPARE(rows[0].humanMajority, std::optional(Preference::AClearly));
        QCOMPARE(rows[0].lmMajority, std::optional(Preference::AClearly));
        QCOMPARE(rows[1].humanMajority, std::optional(Preference::BClearly));
        QVERIFY(!rows[2].humanMajority);

        InstanceFilter dis;
        dis.disagreementOnly = true;
        QCOMPARE(s.countInstances(dis), 1);
        InstanceFilter noHuman;
        noHuman.hasHumanLabel = false;
        QCOMPARE(s.countInstances(noHuman), 1);

        // A new human label is committed at once and flips the majority of row 2 to a tie.
        HumanLabel l;
        l.instanceId = rows[1].id;
        l.annotator = QStringLiteral("lead");
        l.annotatorKind = QStringLiteral("expert");
        l.overall = Preference::ASlightly;
        l.aspects.insert(QStringLiteral("helpfulness"), Preference::AClearly);
        l.reasons.insert(QStringLiteral("helpfulness"), {QStringLiteral("more detailed")});
        l.rationale = QStringLiteral("A answers the question");
        l.confidence = 4;
        l.timeSpentSeconds = 12.5;
        l.shownOrder = QStringLiteral("BA");
        s.addHumanLabel(l);
        {
            ProjectStore other(s.path()); // another connection sees it: it is committed
            const auto labels = other.humanLabels(rows[1].id);
            QCOMPARE(labels.size(), size_t(2));
            const HumanLabel &got = labels[1];
            QCOMPARE(got.annotator, QStringLiteral("lead"));
            QCOMPARE(got.annotatorKind, QStringLiteral("expert"));
            QCOMPARE(got.overall, Preference::ASlightly);
            QCOMPARE(got.aspects.value(QStringLiteral("helpfulness")), Preference::AClearly);
            QCOMPARE(got.reasons.value(QStringLiteral("helpfulness")), QStringList{QStringLiteral("more detailed")});
            QCOMPARE(got.confidence, std::optional(4.0));
            QCOMPARE(got.shownOrder, QStringLiteral("BA"));
            QCOMPARE(other.listInstances({}, 1, 1)[0].humanMajority, std::optional(Preference::Tie));
        }
        HumanLabel bad = l;
        bad.instanceId = 999;
        QVERIFY_THROWS_EXCEPTION(StoreError, s.addHumanLabel(bad));
        QCOMPARE(s.info().humanLabels, 5);
    }

    void filtersPagingAndSearch()
    {
        ProjectStore s(path("search.hyper"), ProjectStore::Mode::CreateNew);
        auto w = s.beginImport(QStringLiteral("f"), QStringLiteral("test"));
        for (int i = 0; i < 50; ++i)
            w->add(record(i, i % 10 == 0 ? "tell me about penguins please" : "something else entirely"));
        w->commit(0);
        InstanceFilter odd;
        odd.source = QStringLiteral("odd");
        QCOMPARE(s.countInstances(odd), 25);
        const auto page = s.listInstances(odd, 20, 10);
        QCOMPARE(page.size(), size_t(5));
        QCOMPARE(s.sources(), (QStringList{QStringLiteral("even"), QStringLiteral("odd")}));

        InstanceFilter text;
        text.text = QStringLiteral("penguin"); // prefix match through the index, LIKE before it
        QVERIFY(!s.searchIndexReady());
        QCOMPARE(s.countInstances(text), 5);
        Feedback fb;
        s.updateSearchIndex(fb);
        QVERIFY(s.searchIndexReady());
        QCOMPARE(s.countInstances(text), 5);
        text.text = QStringLiteral("about penguins");
        QCOMPARE(s.countInstances(text), 5);
        text.text = QStringLiteral("penguins \"quoted");
        QVERIFY_THROWS_EXCEPTION(SearchSyntaxError, s.countInstances(text)); // says so, not "no rows"
        text.text = QStringLiteral("\"about penguins\"");
        QCOMPARE(s.countInstances(text), 5); // a phrase (tst_searchquery has the language)

        // Rows added after indexing are still found (by scan) until the index catches up.
        auto w2 = s.beginImport(QStringLiteral("g"), QStringLiteral("test"));
        w2->add(record(99, "penguins again"));
        w2->commit(0);
        QVERIFY(!s.searchIndexReady());
        text.text = QStringLiteral("penguins");
        QCOMPARE(s.countInstances(text), 6);
        s.updateSearchIndex(fb);
        QCOMPARE(s.countInstances(text), 6);
    }

    void indexingCancelsAndResumes()
    {
        ProjectStore s(path("resume.hyper"), ProjectStore::Mode::CreateNew);
        auto w = s.beginImport(QStringLiteral("f"), QStringLiteral("test"));
        for (int i = 0; i < 5000; ++i)
            w->add(record(i, "row " + std::to_string(i)));
        w->commit(0);
        Feedback fb([&](double f, const QString &) {
            if (f > 0 && f < 1)
                fb.cancel();
        }, 0);
        QVERIFY_THROWS_EXCEPTION(Canceled, s.updateSearchIndex(fb));
        QVERIFY(!s.searchIndexReady());
        Feedback again;
        s.updateSearchIndex(again);
        QVERIFY(s.searchIndexReady());
        InstanceFilter f;
        f.text = QStringLiteral("4999");
        QCOMPARE(s.countInstances(f), 1);

        // The index merges its segments 8 at a time (issue 17: 2,000-row commits made
        // FTS5's default of 4 rewrite it over and over).
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("fts"));
            db.setDatabaseName(path("resume.hyper"));
            QVERIFY(db.open());
            QSqlQuery q(db);
            QVERIFY(q.exec(QStringLiteral("SELECT v FROM instances_fts_config WHERE k = 'automerge'")) && q.next());
            QCOMPARE(q.value(0).toInt(), 8);
            q.finish();
            db.close();
        }
        QSqlDatabase::removeDatabase(QStringLiteral("fts"));
    }
};

QTEST_GUILESS_MAIN(TestStore)
#include "tst_store.moc"
