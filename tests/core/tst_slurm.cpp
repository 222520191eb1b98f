// SPDX-License-Identifier: GPL-3.0-or-later
// PPM collection on a cluster (issue 14, docs/CLUSTER.md): `hyper ppm collect
// --slurm-dir` writes a job folder, `hyper-train --job DIR` runs a task, `--import-results`
// brings the rows back: the same rows as a local collection with the same seed. First
// with the tasks run here by hand, then on a real one-node Slurm cluster that the fixture
// starts in a temporary folder (munged, slurmctld, slurmd as root, their own socket and
// ports, proctrack/linuxproc, task/none) and stops by PID.
#include "clitesthelpers.h"

#include "core/storage/mixqueries.h"
#include "core/storage/projectstore.h"
#include "core/storage/sqlite.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QHostInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QtTest>
#include <QRandomGenerator>
#include <QThread>
#include <memory>
#include <unistd.h>

using namespace hyper;
using hyper::testing::runCli;

namespace {

/** (index, score) of every row of the project's collections, in index order. */
std::vector<std::pair<qint64, double>> rows(const QString &project)
{
    ProjectStore store(project, ProjectStore::Mode::OpenExisting, false);
    sql::Stmt s(store.handle(), "SELECT idx, score FROM ppm_rows ORDER BY dataset_id, idx");
    std::vector<std::pair<qint64, double>> out;
    while (s.step())
        out.emplace_back(s.i64(0), s.f64(1));
    return out;
}

QJsonObject cli(const QStringList &args, int expect = 0)
{
    const auto r = runCli(args);
    if (r.code != expect)
        qWarning("hyper %s -> %d: %s", qPrintable(args.join(QLatin1Char(' '))), r.code, r.err.constData());
    return r.code == expect ? r.json() : QJsonObject{{QStringLiteral("failed"), r.code}};
}

int freePort()
{
    QTcpServer s;
    s.listen(QHostAddress::LocalHost, 0);
    return s.serverPort();
}

/** A one-node Slurm cluster in a folder; the daemons run in the foreground as children
 *  and are stopped by PID when it goes. */
class Cluster
{
public:
    explicit Cluster(const QString &dir) : m_dir(dir) {}
    ~Cluster()
    {
        for (auto it = m_daemons.rbegin(); it != m_daemons.rend(); ++it) {
            (*it)->terminate(); // SIGTERM to the PID we started
            if (!(*it)->waitForFinished(10000)) {
                (*it)->kill();
                (*it)->waitForFinished(5000);
            }
        }
    }

    QString start()
    {
        QDir d(m_dir);
        for (const char *sub : {"state", "spool", "log"})
            d.mkpath(QLatin1String(sub));
        QFile::setPermissions(m_dir, QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner
                                         | QFileDevice::ExeGroup | QFileDevice::ExeOther);
        {
            QFile key(d.filePath(QStringLiteral("munge.key")));
            if (!key.open(QIODevice::WriteOnly))
                return QStringLiteral("cannot write the munge key");
            QByteArray bytes(1024, 0);
            for (char &c : bytes)
                c = char(QRandomGenerator::global()->bounded(256));
            key.write(bytes);
            key.close();
            key.setPermissions(QFileDevice::ReadOwner);
        }
        const QString socket = d.filePath(QStringLiteral("munge.sock"));
        if (!daemon(QStringLiteral("munged"),
                    {QStringLiteral("-F"), QStringLiteral("-f"), QStringLiteral("--socket=") + socket,
                     QStringLiteral("--key-file=") + d.filePath(QStringLiteral("munge.key")),
                     QStringLiteral("--pid-file=") + d.filePath(QStringLiteral("munged.pid")),
                     QStringLiteral("--log-file=") + d.filePath(QStringLiteral("log/munged.log")),
                     QStringLiteral("--seed-file=") + d.filePath(QStringLiteral("munge.seed"))}))
            return QStringLiteral("munged did not start");
        QElapsedTimer t;
        t.start();
        while (!QFile::exists(socket) && t.elapsed() < 10000)
            QTest::qWait(50);
        const QString host = QHostInfo::localHostName().section(QLatin1Char('.'), 0, 0);
        const QStringList conf{
            QStringLiteral("ClusterName=hypertest"), QStringLiteral("SlurmctldHost=%1").arg(host),
            QStringLiteral("SlurmctldPort=%1").arg(freePort()), QStringLiteral("SlurmdPort=%1").arg(freePort()),
            QStringLiteral("SlurmUser=root"), QStringLiteral("SlurmdUser=root"), QStringLiteral("AuthType=auth/munge"),
            QStringLiteral("AuthInfo=socket=%1").arg(socket), QStringLiteral("CredType=cred/munge"),
            QStringLiteral("ProctrackType=proctrack/linuxproc"), QStringLiteral("TaskPlugin=task/none"),
            QStringLiteral("JobAcctGatherType=jobacct_gather/none"),
            QStringLiteral("AccountingStorageType=accounting_storage/none"), QStringLiteral("JobCompType=jobcomp/none"),
            QStringLiteral("SelectType=select/cons_tres"), QStringLiteral("SelectTypeParameters=CR_Core"),
            QStringLiteral("MpiDefault=none"), QStringLiteral("ReturnToService=2"),
            // Start each task as soon as a CPU is free, not at the next periodic pass.
            QStringLiteral("SchedulerType=sched/builtin"), QStringLiteral("SchedulerParameters=sched_min_interval=0"),
            QStringLiteral("StateSaveLocation=%1").arg(d.filePath(QStringLiteral("state"))),
            QStringLiteral("SlurmdSpoolDir=%1").arg(d.filePath(QStringLiteral("spool"))),
            QStringLiteral("SlurmctldPidFile=%1").arg(d.filePath(QStringLiteral("slurmctld.pid"))),
            QStringLiteral("SlurmdPidFile=%1").arg(d.filePath(QStringLiteral("slurmd.pid"))),
            QStringLiteral("SlurmctldLogFile=%1").arg(d.filePath(QStringLiteral("log/slurmctld.log"))),
            QStringLiteral("SlurmdLogFile=%1").arg(d.filePath(QStringLiteral("log/slurmd.log"))),
            QStringLiteral("NodeName=%1 CPUs=%2 State=UNKNOWN").arg(host).arg(QThread::idealThreadCount()),
            QStringLiteral("PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP")};
        QFile f(d.filePath(QStringLiteral("slurm.conf")));
        if (!f.open(QIODevice::WriteOnly))
            return QStringLiteral("cannot write slurm.conf");
        f.write(conf.join(QLatin1Char('\n')).toUtf8() + '\n');
        f.close();
        m_env = QProcessEnvironment::systemEnvironment();
        m_env.insert(QStringLiteral("SLURM_CONF"), f.fileName());
        if (!daemon(QStringLiteral("slurmctld"), {QStringLiteral("-D"), QStringLiteral("-i")})
            || !daemon(QStringLiteral("slurmd"), {QStringLiteral("-D")}))
            return QStringLiteral("slurmctld or slurmd did not start");
        t.restart();
        while (t.elapsed() < 30000) {
            if (run(QStringLiteral("sinfo"), {QStringLiteral("-h"), QStringLiteral("-o"), QStringLiteral("%t")}).trimmed()
                == "idle")
                return {};
            QTest::qWait(200);
        }
        return QStringLiteral("the node did not come up: %1").arg(QString::fromUtf8(run(QStringLiteral("sinfo"), {})));
    }

    /** Runs a Slurm client with this cluster's configuration; its stdout. */
    QByteArray run(const QString &program, const QStringList &args, int *code = nullptr, int timeoutMs = 60000)
    {
        QProcess p;
        p.setProcessEnvironment(m_env);
        p.start(program, args);
        p.waitForFinished(timeoutMs);
        if (code)
            *code = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
        return p.readAllStandardOutput() + p.readAllStandardError();
    }

private:
    bool daemon(const QString &program, const QStringList &args)
    {
        auto p = std::make_unique<QProcess>();
        p->setProcessEnvironment(m_env.isEmpty() ? QProcessEnvironment::systemEnvironment() : m_env);
        p->setStandardOutputFile(QDir(m_dir).filePath(QStringLiteral("log/%1.out").arg(program)));
        p->setStandardErrorFile(QDir(m_dir).filePath(QStringLiteral("log/%1.err").arg(program)));
        p->start(QStandardPaths::findExecutable(program, {QStringLiteral("/usr/sbin"), QStringLiteral("/usr/bin")}), args);
        if (!p->waitForStarted(10000))
            return false;
        m_daemons.push_back(std::move(p));
        return true;
    }

    QString m_dir;
    QProcessEnvironment m_env;
    std::vector<std::unique_ptr<QProcess>> m_daemons;
};

} // namespace

class TestSlurm : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_template;
    QString m_local; // a project with the local collection of the same K and seed

    QStringList collectArgs(const QString &project) const
    {
        return {QStringLiteral("ppm"), QStringLiteral("collect"), QStringLiteral("--project"), project,
                QStringLiteral("--candidates"), QStringLiteral("8"), QStringLiteral("--seed"), QStringLiteral("5"),
                QStringLiteral("--epochs"), QStringLiteral("2"), QStringLiteral("--json")};
    }

    QString copy(const QString &name)
    {
        const QString p = m_dir.filePath(name);
        QFile::copy(m_template, p);
        return p;
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_template = m_dir.filePath(QStringLiteral("template.hyper"));
        QCOMPARE(runCli({QStringLiteral("sample"), QStringLiteral("--project"), m_template, QStringLiteral("--size"),
                         QStringLiteral("300"), QStringLiteral("--eval-size"), QStringLiteral("100")}).code, 0);
        QCOMPARE(runCli({QStringLiteral("features"), QStringLiteral("--project"), m_template}).code, 0);
        m_local = copy(QStringLiteral("local.hyper"));
        QStringList args = collectArgs(m_local);
        args << QStringLiteral("--workers") << QStringLiteral("1");
        QCOMPARE(cli(args).value(QStringLiteral("measured")).toInt(), 8);
    }

    void tasksRunHereGiveTheLocalRows()
    {
        const QString project = copy(QStringLiteral("byhand.hyper"));
        const QString job = m_dir.filePath(QStringLiteral("job-byhand"));
        QStringList args = collectArgs(project);
        args << QStringLiteral("--slurm-dir") << job << QStringLiteral("--train-command") << QStringLiteral(HYPER_TRAIN_PATH);
        const QJsonObject w = cli(args);
        QCOMPARE(w.value(QStringLiteral("tasks")).toInt(), 8);
        QVERIFY(rows(project).empty()); // nothing trained here
        QVERIFY(QFile::exists(job + QStringLiteral("/data.bundle")));
        QFile script(job + QStringLiteral("/collect.sbatch"));
        QVERIFY(script.open(QIODevice::ReadOnly));
        const QByteArray text = script.readAll();
        QVERIFY2(text.contains("#SBATCH --array=0-7\n"), text.constData());
        QVERIFY(text.contains("--job \"" + QFileInfo(job).absoluteFilePath().toUtf8() + "\""));

        // Half the tasks, then a partial import; a rerun of a finished task is a no-op.
        auto task = [&](int n) {
            QProcess p;
            p.start(QStringLiteral(HYPER_TRAIN_PATH), {QStringLiteral("--job"), job, QStringLiteral("--task"),
                                                       QString::number(n), QStringLiteral("--quiet")});
            p.waitForFinished(120000);
            return p.exitCode();
        };
        for (int n = 0; n < 4; ++n)
            QCOMPARE(task(n), 0);
        const QDateTime done0 = QFileInfo(job + QStringLiteral("/results/0.json")).lastModified();
        QCOMPARE(task(0), 0);
        QCOMPARE(QFileInfo(job + QStringLiteral("/results/0.json")).lastModified(), done0);
        QJsonObject st = cli({QStringLiteral("ppm"), QStringLiteral("collect"), QStringLiteral("--status"), job,
                              QStringLiteral("--json")});
        QCOMPARE(st.value(QStringLiteral("done")).toInt(), 4);
        QCOMPARE(st.value(QStringLiteral("missing")).toInt(), 4);
        QJsonObject im = cli({QStringLiteral("ppm"), QStringLiteral("collect"), QStringLiteral("--project"), project,
                              QStringLiteral("--import-results"), job, QStringLiteral("--json")});
        QCOMPARE(im.value(QStringLiteral("imported")).toInt(), 4);
        for (int n = 4; n < 8; ++n)
            QCOMPARE(task(n), 0);
        im = cli({QStringLiteral("ppm"), QStringLiteral("collect"), QStringLiteral("--project"), project,
                  QStringLiteral("--import-results"), job, QStringLiteral("--json")});
        QCOMPARE(im.value(QStringLiteral("imported")).toInt(), 4);
        QCOMPARE(im.value(QStringLiteral("already")).toInt(), 4);
        QCOMPARE(rows(project), rows(m_local)); // identical scores on CPU

        // A folder written for another feature matrix or proxy RM config is refused.
        for (const auto &[key, expected] : {std::pair{QStringLiteral("matrix_hash"), QByteArray("another feature matrix")},
                                            std::pair{QStringLiteral("config"), QByteArray("another proxy RM config")}}) {
            const QString changed = m_dir.filePath(QStringLiteral("job-changed-") + key);
            QDir().mkpath(changed);
            QFile in(job + QStringLiteral("/manifest.json")), out(changed + QStringLiteral("/manifest.json"));
            QVERIFY(in.open(QIODevice::ReadOnly) && out.open(QIODevice::WriteOnly));
            QJsonObject m = QJsonDocument::fromJson(in.readAll()).object();
            m.insert(key, m.value(key).toString() + QStringLiteral("x"));
            out.write(QJsonDocument(m).toJson());
            out.close();
            const auto refused = runCli({QStringLiteral("ppm"), QStringLiteral("collect"), QStringLiteral("--project"),
                                         project, QStringLiteral("--import-results"), changed});
            QCOMPARE(refused.code, 2);
            QVERIFY2(refused.err.contains(expected), refused.err.constData());
        }

        // Another project's folder is refused.
        const QString other = m_dir.filePath(QStringLiteral("other.hyper"));
        QCOMPARE(runCli({QStringLiteral("sample"), QStringLiteral("--project"), other, QStringLiteral("--size"),
                         QStringLiteral("300"), QStringLiteral("--eval-size"), QStringLiteral("100")}).code, 0);
        const auto r = runCli({QStringLiteral("ppm"), QStringLiteral("collect"), QStringLiteral("--project"), other,
                               QStringLiteral("--import-results"), job});
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains("another project") || r.err.contains("no features"), r.err.constData());
    }

    void finalRewardModelAsAJob()
    {
        const QString project = copy(QStringLiteral("final.hyper"));
        const QString job = m_dir.filePath(QStringLiteral("job-rm"));
        const QStringList mix{QStringLiteral("train-rm"), QStringLiteral("--project"), project, QStringLiteral("--mix"),
                              QStringLiteral("random:0.4"), QStringLiteral("--epochs"), QStringLiteral("2"), QStringLiteral("--json")};
        const double local = cli(mix).value(QStringLiteral("overall")).toDouble();
        QVERIFY(local > 0.4);
        QVERIFY(cli(mix + QStringList{QStringLiteral("--slurm-dir"), job, QStringLiteral("--train-command"),
                                      QStringLiteral(HYPER_TRAIN_PATH)})
                    .value(QStringLiteral("sbatch")).toString().endsWith(QStringLiteral("train-rm.sbatch")));
        const QStringList import{QStringLiteral("train-rm"), QStringLiteral("--project"), project,
                                 QStringLiteral("--import-results"), job, QStringLiteral("--json")};
        QCOMPARE(runCli(import).code, 2); // not run yet
        // The batch script itself, as a node runs it (its #SBATCH lines are comments).
        QProcess p;
        p.start(QStringLiteral("/bin/bash"), {job + QStringLiteral("/train-rm.sbatch")});
        QVERIFY(p.waitForFinished(120000));
        QCOMPARE(p.exitCode(), 0);
        const QJsonObject first = cli(import);
        QCOMPARE(first.value(QStringLiteral("overall")).toDouble(), local); // the same model as trained here
        QCOMPARE(first.value(QStringLiteral("already")).toBool(), false);
        // The task saved its model, the run records it, and it scores as the run did.
        const QString model = job + QStringLiteral("/results/model.safetensors");
        QVERIFY(QFileInfo::exists(model));
        {
            ProjectStore store(project);
            QCOMPARE(rmRun(store, first.value(QStringLiteral("run")).toInteger())->modelPath, model);
        }
        QCOMPARE(cli({QStringLiteral("score"), QStringLiteral("--model"), model, QStringLiteral("--project"), project,
                      QStringLiteral("--json")})
                     .value(QStringLiteral("overall"))
                     .toDouble(),
                 local);
        const QJsonObject again = cli(import);
        QCOMPARE(again.value(QStringLiteral("already")).toBool(), true);
        QCOMPARE(again.value(QStringLiteral("run")).toInteger(), first.value(QStringLiteral("run")).toInteger());
    }

    void oneNodeSlurmCluster()
    {
        if (QStandardPaths::findExecutable(QStringLiteral("slurmctld"), {QStringLiteral("/usr/sbin")}).isEmpty()
            || QStandardPaths::findExecutable(QStringLiteral("munged"), {QStringLiteral("/usr/sbin")}).isEmpty())
            QSKIP("slurm-wlm and munge are not installed (scripts/install-deps.sh installs them)");
        if (geteuid() != 0)
            QSKIP("the one-node cluster runs its daemons as root");
        // A short path: munge's socket must fit a sockaddr_un.
        QTemporaryDir clusterDir(QStringLiteral("/tmp/hyper-slurm-XXXXXX"));
        Cluster cluster(clusterDir.path());
        QElapsedTimer t;
        t.start();
        const QString error = cluster.start();
        QVERIFY2(error.isEmpty(), qPrintable(error));
        qInfo("cluster up in %.1f s", double(t.elapsed()) / 1000.0);

        const QString project = copy(QStringLiteral("cluster.hyper"));
        const QString job = m_dir.filePath(QStringLiteral("job-cluster"));
        QStringList args = collectArgs(project);
        args << QStringLiteral("--slurm-dir") << job << QStringLiteral("--array-limit") << QStringLiteral("2")
             << QStringLiteral("--train-command") << QStringLiteral(HYPER_TRAIN_PATH);
        QCOMPARE(cli(args).value(QStringLiteral("tasks")).toInt(), 8);
        // One task whose file is damaged: it fails on the node and shows with its log.
        {
            QFile broken(job + QStringLiteral("/tasks/6.txt"));
            QVERIFY(broken.open(QIODevice::WriteOnly | QIODevice::Truncate));
            broken.write("hyper-task 1\ntask six\n");
        }
        t.restart();
        int code = -1;
        const QByteArray out = cluster.run(QStringLiteral("sbatch"), {QStringLiteral("--parsable"), job + QStringLiteral("/collect.sbatch")},
                                           &code);
        QCOMPARE(code, 0);
        const QString jobId = QString::fromUtf8(out).trimmed().section(QLatin1Char(';'), 0, 0);
        // squeue lists the array until its last task ended (sbatch --wait polls only every few seconds).
        while (t.elapsed() < 300000
               && !cluster.run(QStringLiteral("squeue"), {QStringLiteral("-h"), QStringLiteral("-j"), jobId}).trimmed().isEmpty())
            QTest::qWait(200);
        qInfo("8 tasks on the cluster in %.1f s (job %s)", double(t.elapsed()) / 1000.0, qPrintable(jobId));
        const QJsonObject st = cli({QStringLiteral("ppm"), QStringLiteral("collect"), QStringLiteral("--status"), job,
                                    QStringLiteral("--json")});
        QCOMPARE(st.value(QStringLiteral("done")).toInt(), 7);
        QCOMPARE(st.value(QStringLiteral("failed")).toInt() + st.value(QStringLiteral("missing")).toInt(), 1);
        const QString problem = st.value(QStringLiteral("problems")).toArray().first().toString();
        QVERIFY2(problem.startsWith(QStringLiteral("task 6:")) && problem.contains(QStringLiteral("log:"))
                     && problem.contains(QStringLiteral("task six")),
                 qPrintable(problem));
        const QJsonObject im = cli({QStringLiteral("ppm"), QStringLiteral("collect"), QStringLiteral("--project"), project,
                                    QStringLiteral("--import-results"), job, QStringLiteral("--json")});
        QCOMPARE(im.value(QStringLiteral("imported")).toInt(), 7);
        auto local = rows(m_local);
        local.erase(local.begin() + 6);
        QCOMPARE(rows(project), local); // the same scores as the local collection
    }
};

QTEST_GUILESS_MAIN(TestSlurm)
#include "tst_slurm.moc"
