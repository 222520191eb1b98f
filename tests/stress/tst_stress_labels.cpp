// SPDX-License-Identifier: GPL-3.0-or-later
// The crash harness of issue 12: the Label tab (hyper-workbench --bench-label N
// --keep-labels, which prints "saved LABEL_ID" right after each commit) saves labels while
// another process keeps opening, reading and closing the project and a third labels other
// instances with `hyper label`; the workbench is SIGKILLed at a random moment, round after
// round. Every label that a process reported as saved must be in the file, and the file
// must pass integrity_check. HYPER_STRESS_ROUNDS sets the rounds (default 20),
// HYPER_STRESS_SEED the kill times (default: random, printed).
#include "core/jobs/feedback.h"
#include "core/sample/sampleproject.h"
#include "core/storage/projectstore.h"
#include "core/storage/sqlite.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QtTest>

#include <set>
#include <signal.h>

using namespace hyper;

namespace {

/** A child process whose output is read as it comes. */
struct Child {
    QProcess process;
    QByteArray out;
    void start(const QString &program, const QStringList &args)
    {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
        process.setProcessEnvironment(env);
        process.setProcessChannelMode(QProcess::SeparateChannels);
        process.start(program, args);
    }
    void read() { out += process.readAllStandardOutput(); }
    void kill9()
    {
        if (process.state() != QProcess::NotRunning)
            ::kill(pid_t(process.processId()), SIGKILL);
        process.waitForFinished(30000);
        read();
    }
};

int envInt(const char *name, int fallback)
{
    bool ok = false;
    const int v = qEnvironmentVariableIntValue(name, &ok);
    return ok ? v : fallback;
}

} // namespace

class TestStressLabels : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void killedWorkbenchLosesNoReportedLabel()
    {
        const int rounds = envInt("HYPER_STRESS_ROUNDS", 20);
        const quint32 seed = quint32(envInt("HYPER_STRESS_SEED", int(QRandomGenerator::global()->bounded(1 << 30))));
        qInfo("rounds %d, seed %u (HYPER_STRESS_SEED to repeat)", rounds, seed);
        QRandomGenerator rng(seed);

        QTemporaryDir dir;
        const QString project = dir.filePath(QStringLiteral("stress.hyper"));
        {
            Feedback quiet;
            SampleParams params;
            params.trainSize = 600;
            params.evalSize = 100;
            createSampleProject(project, params, quiet);
        }
        std::set<qint64> reported; // every label id a process said it saved
        int workbenchLabels = 0, cliLabels = 0, reads = 0;
        for (int round = 0; round < rounds; ++round) {
            // A reader that opens, reads and closes the project over and over, as a
            // `sqlite3 FILE "select ..."` in a terminal does.
            Child reader;
            reader.start(QStringLiteral("/usr/bin/python3"),
                         {QStringLiteral("-c"),
                          QStringLiteral("import sqlite3, sys, time\n"
                                         "while True:\n"
                                         "    c = sqlite3.connect(sys.argv[1], timeout=30)\n"
                                         "    n = c.execute('select count(*) from human_labels').fetchone()[0]\n"
                                         "    c.close()\n"
                                         "    print(n, flush=True)\n"
                                         "    time.sleep(0.02)\n"),
                          project});
            // The Label tab, with a fresh annotator each round so that its queue never runs dry.
            Child workbench;
            workbench.start(QStringLiteral(HYPER_WORKBENCH_PATH),
                            {project, QStringLiteral("--bench-label"), QStringLiteral("100000"),
                             QStringLiteral("--keep-labels"), QStringLiteral("--annotator"),
                             QStringLiteral("stress-%1").arg(round)});
            // `hyper label` calls one after the other, on other instances.
            Child writer;
            int writes = 0;
            auto startWrite = [&] {
                writer.start(QStringLiteral(HYPER_CLI_PATH),
                             {QStringLiteral("label"), QStringLiteral("--project"), project, QStringLiteral("--instance"),
                              QString::number(601 + (round * 7 + writes) % 100), QStringLiteral("--annotator"),
                              QStringLiteral("cli-%1-%2").arg(round).arg(writes), QStringLiteral("--overall"),
                              QStringLiteral("B-is-clearly-better"), QStringLiteral("--json")});
                ++writes;
            };
            auto collectWrite = [&] {
                writer.read();
                QVERIFY2(writer.process.exitStatus() == QProcess::NormalExit && writer.process.exitCode() == 0,
                         writer.process.readAllStandardError().constData());
                const qint64 id = QJsonDocument::fromJson(writer.out).object().value(QStringLiteral("label")).toInteger();
                QVERIFY2(id > 0, writer.out.constData());
                reported.insert(id);
                ++cliLabels;
                writer.out.clear();
            };
            startWrite();

            // Kill the workbench at a random moment after its first save.
            QElapsedTimer clock;
            clock.start();
            qint64 killAt = -1;
            while (workbench.process.state() != QProcess::NotRunning || workbench.process.bytesAvailable()) {
                workbench.process.waitForReadyRead(10);
                workbench.read();
                if (killAt < 0 && workbench.out.contains("saved "))
                    killAt = clock.elapsed() + 50 + rng.bounded(2500);
                if (killAt >= 0 && clock.elapsed() >= killAt) {
                    workbench.kill9();
                    break;
                }
                if (writer.process.state() == QProcess::NotRunning) {
                    collectWrite();
                    startWrite();
                }
                QVERIFY2(clock.elapsed() < 120000, "no save within two minutes");
            }
            workbench.read();
            QVERIFY2(workbench.process.exitStatus() == QProcess::CrashExit || workbench.process.exitCode() == 0,
                     workbench.process.readAllStandardError().constData());
            writer.process.waitForFinished(120000); // a report counts only once the call returned
            collectWrite();
            reader.kill9();
            reads += int(reader.out.count('\n'));

            for (const QByteArray &line : workbench.out.split('\n')) {
                if (!line.startsWith("saved "))
                    continue;
                bool ok = false;
                const qint64 id = line.mid(6).toLongLong(&ok);
                QVERIFY2(ok && id > 0, line.constData());
                reported.insert(id);
                ++workbenchLabels;
            }

            // Every reported label is in the file, as seen by a fresh connection.
            ProjectStore check(project, ProjectStore::Mode::OpenExisting, /*checkIntegrity=*/round + 1 == rounds);
            sql::exec(check.handle(), "CREATE TEMP TABLE reported(id INTEGER PRIMARY KEY)");
            sql::Stmt ins(check.handle(), "INSERT INTO reported(id) VALUES (?)");
            for (qint64 id : reported) {
                ins.bind(1, std::int64_t(id));
                ins.run();
            }
            sql::Stmt missing(check.handle(),
                              "SELECT count(*), min(r.id) FROM reported r LEFT JOIN human_labels h ON h.id = r.id"
                              " WHERE h.id IS NULL");
            QVERIFY(missing.step());
            QVERIFY2(missing.i64(0) == 0, qPrintable(QStringLiteral("round %1: %2 reported labels missing (first %3)")
                                                         .arg(round)
                                                         .arg(missing.i64(0))
                                                         .arg(missing.i64(1))));
        }
        {
            ProjectStore check(project, ProjectStore::Mode::OpenExisting, /*checkIntegrity=*/true); // throws if damaged
        }
        qInfo("%d rounds: %d labels from the workbench, %d from hyper label, %d reads, all there",
              rounds, workbenchLabels, cliLabels, reads);
        QVERIFY(workbenchLabels >= rounds);
        QVERIFY(cliLabels >= rounds);
    }
};

QTEST_GUILESS_MAIN(TestStressLabels)
#include "tst_stress_labels.moc"
