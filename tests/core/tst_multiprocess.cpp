// SPDX-License-Identifier: GPL-3.0-or-later
// Several programs on one project (issue 12, docs/GUI.md "Several programs on one
// project"): nothing but SQLite opens a project file, so another process that opens and
// closes the project never takes the WAL from under an open store; busy writes say so;
// data_version sees other connections' commits; checkpoints run on their own thread.
#include "clitesthelpers.h"

#include "core/sample/sampleproject.h"
#include "core/jobs/feedback.h"
#include "core/storage/filesystem.h"
#include "core/storage/projectstore.h"
#include "core/storage/sqlite.h"
#include "core/storage/walcheckpointer.h"

#include <QFileInfo>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <sys/vfs.h>

using namespace hyper;
using hyper::testing::runCli;

namespace {

HumanLabel labelOf(qint64 instance, const QString &annotator)
{
    HumanLabel l;
    l.instanceId = instance;
    l.annotator = annotator;
    l.annotatorKind = QStringLiteral("normal");
    l.overall = Preference::AClearly;
    return l;
}

/** Runs a Python snippet (the sqlite3 module: a program that is not ours) on the project;
 *  returns its stdout, trimmed. */
QByteArray python(const QString &project, const QString &code)
{
    QProcess p;
    p.start(QStringLiteral("/usr/bin/python3"), {QStringLiteral("-c"), code, project});
    if (!p.waitForFinished(60000) || p.exitStatus() != QProcess::NormalExit || p.exitCode() != 0)
        return "failed: " + p.readAllStandardError();
    return p.readAllStandardOutput().trimmed();
}

/** Opens the project in another process, reads, and closes it, as `sqlite3 FILE "select
 *  ..."` would: a last-connection close there checkpoints and deletes the WAL. */
QByteArray countElsewhere(const QString &project, const char *table = "human_labels")
{
    return python(project, QStringLiteral("import sqlite3, sys\n"
                                          "c = sqlite3.connect(sys.argv[1])\n"
                                          "print(c.execute('select count(*) from %1').fetchone()[0])\n"
                                          "c.close()\n")
                               .arg(QLatin1String(table)));
}

qint64 count(ProjectStore &store, const char *query)
{
    sql::Stmt s(store.handle(), query);
    return s.step() ? s.i64(0) : -1;
}

} // namespace

class TestMultiProcess : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_template;

    QString freshProject(const QString &name)
    {
        const QString p = m_dir.filePath(name);
        if (!QFile::copy(m_template, p))
            return {};
        return p;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(QFileInfo::exists(QStringLiteral("/usr/bin/python3")));
        m_template = m_dir.filePath(QStringLiteral("template.hyper"));
        Feedback quiet;
        SampleParams params;
        params.trainSize = 60;
        params.evalSize = 20;
        createSampleProject(m_template, params, quiet);
        QVERIFY(!QFileInfo::exists(m_template + QStringLiteral("-wal"))); // closed: checkpointed
    }

    // The scenario: store A writing, store B opened in the same process (as every
    // background job does), another process opens and closes the file. With the old header
    // check (QFile open + close) this dropped A's locks, the other process deleted the WAL
    // and A's later commits went into a deleted file.
    void anotherProcessNeverTakesTheWal()
    {
        const QString p = freshProject(QStringLiteral("wal.hyper"));
        QVERIFY(!p.isEmpty());
        ProjectStore a(p);
        const qint64 before = count(a, "SELECT count(*) FROM human_labels");
        QVERIFY(before > 0);
        std::vector<qint64> ids;
        for (int i = 1; i <= 3; ++i)
            ids.push_back(a.addHumanLabel(labelOf(i, QStringLiteral("a"))));
        {
            ProjectStore b(p, ProjectStore::Mode::OpenExisting, /*checkIntegrity=*/false);
            QCOMPARE(count(b, "SELECT count(*) FROM human_labels"), before + 3);
        }
        ProjectStore stays(p, ProjectStore::Mode::OpenExisting, /*checkIntegrity=*/false); // B open meanwhile too
        QCOMPARE(countElsewhere(p), QByteArray::number(before + 3));
        // Our own CLI is another such process.
        QCOMPARE(runCli({QStringLiteral("info"), QStringLiteral("--project"), p, QStringLiteral("--json")}).code, 0);
        for (int i = 4; i <= 6; ++i)
            ids.push_back(a.addHumanLabel(labelOf(i, QStringLiteral("a"))));
        QVERIFY2(QFileInfo::exists(p + QStringLiteral("-wal")), "the WAL of the open store was deleted");
        // A third process sees every write of A.
        QCOMPARE(countElsewhere(p), QByteArray::number(before + 6));
        QString list;
        for (qint64 id : ids)
            list += QString::number(id) + QLatin1Char(',');
        list.chop(1);
        QCOMPARE(python(p, QStringLiteral("import sqlite3, sys\n"
                                          "c = sqlite3.connect(sys.argv[1])\n"
                                          "print(c.execute('select count(*) from human_labels where id in (%1)').fetchone()[0])\n")
                               .arg(list)),
                 QByteArray::number(6));
    }

    // A file that is not a database is refused by SQLite's own check, with our message.
    void notADatabaseThroughSqlite()
    {
        const QString p = m_dir.filePath(QStringLiteral("text.hyper"));
        QFile f(p);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(QByteArray(4096, 'x'));
        f.close();
        try {
            ProjectStore s(p);
            QFAIL("opened a text file");
        } catch (const StoreError &e) {
            QVERIFY2(QString::fromUtf8(e.what()).contains(QStringLiteral("not an SQLite database")), e.what());
        }
    }

    // A write that finds another connection's write lock past the busy timeout throws
    // StoreBusy (a message for people, nothing written), and succeeds once the lock is gone.
    void busyWriteSaysSoAndWritesNothing()
    {
        const QString p = freshProject(QStringLiteral("busy.hyper"));
        ProjectStore ui(p, ProjectStore::Mode::OpenExisting, false);
        ui.setBusyTimeout(50);
        const qint64 before = count(ui, "SELECT count(*) FROM human_labels");
        // Another program holds the write lock for two seconds.
        QProcess holder;
        QVERIFY(hyper::testing::holdWriteLock(holder, p, 2.0));
        try {
            ui.addHumanLabel(labelOf(1, QStringLiteral("busy")));
            QFAIL("wrote while another program held the lock");
        } catch (const StoreBusy &e) {
            QVERIFY2(QString::fromUtf8(e.what()).contains(QStringLiteral("another program is writing this project")),
                     e.what());
            QVERIFY(!QString::fromUtf8(e.what()).contains(QStringLiteral("database is locked")));
        }
        QCOMPARE(count(ui, "SELECT count(*) FROM human_labels"), before);
        // A default (long) timeout waits the lock out.
        ui.setBusyTimeout(ProjectStore::kDefaultBusyTimeoutMs);
        QVERIFY(ui.addHumanLabel(labelOf(1, QStringLiteral("busy"))) > 0);
        QVERIFY(holder.waitForFinished(30000));
        QCOMPARE(count(ui, "SELECT count(*) FROM human_labels"), before + 1);
    }

    // data_version moves for other connections' commits (another process, another store of
    // this one), not for the connection's own.
    void dataVersionSeesOthers()
    {
        const QString p = freshProject(QStringLiteral("version.hyper"));
        ProjectStore ui(p, ProjectStore::Mode::OpenExisting, false);
        const qint64 v0 = ui.dataVersion();
        ui.addHumanLabel(labelOf(1, QStringLiteral("me")));
        QCOMPARE(ui.dataVersion(), v0);
        {
            ProjectStore job(p, ProjectStore::Mode::OpenExisting, false);
            job.addHumanLabel(labelOf(2, QStringLiteral("job")));
        }
        const qint64 v1 = ui.dataVersion();
        QVERIFY(v1 != v0);
        const auto r = runCli({QStringLiteral("label"), QStringLiteral("--project"), p, QStringLiteral("--instance"),
                               QStringLiteral("3"), QStringLiteral("--annotator"), QStringLiteral("cli"),
                               QStringLiteral("--overall"), QStringLiteral("A-is-clearly-better"), QStringLiteral("--json")});
        QCOMPARE(r.code, 0);
        QVERIFY(ui.dataVersion() != v1);
    }

    // The GUI thread's connection never checkpoints; a WalCheckpointer does, on its thread.
    void checkpointsOffTheInteractiveConnection()
    {
        const QString p = freshProject(QStringLiteral("checkpoint.hyper"));
        ProjectStore ui(p, ProjectStore::Mode::OpenExisting, false);
        ui.setInteractive();
        const QString wal = p + QStringLiteral("-wal");
        // Grow the WAL well past SQLite's 1,000-page automatic threshold.
        for (int i = 0; i < 80; ++i)
            sql::exec(ui.handle(), "UPDATE instance_texts SET prompt = prompt || ' ' WHERE id <= 60");
        const qint64 grown = QFileInfo(wal).size();
        QVERIFY2(grown > WalCheckpointer::kDefaultThresholdBytes, qPrintable(QString::number(grown)));
        // Nothing copied it back: a second connection's checkpoint still finds every frame.
        WalCheckpointer checkpointer(p, WalCheckpointer::kDefaultThresholdBytes, /*intervalMs=*/20);
        QSignalSpy spy(&checkpointer, &WalCheckpointer::checkpointed);
        QTRY_VERIFY_WITH_TIMEOUT(spy.count() >= 1, 20000);
        const int walFrames = spy.first().at(0).toInt(), copied = spy.first().at(1).toInt();
        QVERIFY(walFrames >= 1000);
        QCOMPARE(copied, walFrames); // no reader held frames back
        QCOMPARE(checkpointer.checkpoints(), 1);
        // Nothing new: no second checkpoint is counted.
        QTest::qWait(200);
        QCOMPARE(checkpointer.checkpoints(), 1);
        // The data is all there for another process.
        QCOMPARE(python(p, QStringLiteral("import sqlite3, sys\n"
                                          "c = sqlite3.connect(sys.argv[1])\n"
                                          "print(c.execute(\"select count(*) from instance_texts where prompt like '%%' || '%1'\").fetchone()[0])\n")
                               .arg(QString(80, QLatin1Char(' ')))),
                 QByteArray("60"));
    }

    void networkFileSystemsAreNamed()
    {
        QCOMPARE(networkFileSystemName(0x6969), QStringLiteral("NFS"));
        QCOMPARE(networkFileSystemName(0xFF534D42), QStringLiteral("CIFS"));
        QCOMPARE(networkFileSystemName(0xFE534D42), QStringLiteral("SMB2"));
        QCOMPARE(networkFileSystemName(0x65735546), QStringLiteral("FUSE"));
        QCOMPARE(networkFileSystemName(0xEF53), QString()); // ext4
        QCOMPARE(networkFileSystemName(0x01021994), QString()); // tmpfs
        // This test's folder: whatever it is, the answer agrees with statfs.
        struct statfs fs {};
        QCOMPARE(statfs(QFile::encodeName(m_dir.path()).constData(), &fs), 0);
        const QString name = networkFileSystemName(std::uint64_t(std::uint32_t(fs.f_type)));
        QCOMPARE(networkFileSystemOf(m_dir.filePath(QStringLiteral("not-yet.hyper"))), name);
        QCOMPARE(networkFileSystemWarning(m_template).isEmpty(), name.isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestMultiProcess)
#include "tst_multiprocess.moc"
