// SPDX-License-Identifier: GPL-3.0-or-later
// hyper judge, hyper tag and hyper endpoint through the command line (shared docs CLI.md,
// docs/LM.md "Jobs and CLI") against the local test server running in this process:
// JSON keys, labels and tags stored right, the cache on a rerun, saved endpoints, bad
// input (exit 2, nothing changed), and the API key absent from every byte written.
#include "clitesthelpers.h"
#include "core/lm/testserver.h"
#include "core/storage/featurestore.h"
#include "core/storage/lmstore.h"
#include "core/storage/projectstore.h"
#include "core/storage/sqlite.h"
#include "lmtesthelpers.h"

#include <QDir>
#include <QElapsedTimer>
#include <QThread>
#include <QFile>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QtTest>

using namespace hyper;
using namespace hyper::testing;

namespace {

const char *const kKeyVar = "HYPER_TST_CLI_LM_KEY";
const QByteArray kKey = "sk-cliLMsecret-Q4vN8e2Lw7";

QByteArray fileBytes(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

qint64 scalar(const QString &project, const char *query)
{
    ProjectStore store(project, ProjectStore::Mode::OpenExisting, false);
    sql::Stmt s(store.handle(), query);
    return s.step() ? s.i64(0) : -1;
}

QString str(const char *s) { return QString::fromLatin1(s); }

/** Runs independent `hyper` calls at once (each costs ~0.5-1.5 s of start-up); results
 *  in the same order. */
QList<CliRun> concurrently(const QList<QStringList> &commands)
{
    std::vector<std::unique_ptr<QProcess>> procs;
    for (const QStringList &args : commands) {
        procs.push_back(std::make_unique<QProcess>());
        procs.back()->start(str(HYPER_CLI_PATH), args);
    }
    QList<CliRun> out;
    for (auto &p : procs) {
        p->waitForFinished(180000);
        out.push_back({p->exitStatus() == QProcess::NormalExit ? p->exitCode() : -1, p->readAllStandardOutput(),
                       p->readAllStandardError()});
    }
    return out;
}

} // namespace

class TestCliLm : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    int m_n = 0;
    QString fresh(int n) { return makeLmProject(m_dir.filePath(QStringLiteral("p%1.hyper").arg(++m_n)), n); }
    QString file(const QString &name, const QByteArray &bytes)
    {
        const QString path = m_dir.filePath(name);
        QFile f(path);
        if (f.open(QIODevice::WriteOnly | QIODevice::Truncate))
            f.write(bytes);
        return path;
    }

private Q_SLOTS:
    void judgeTagExportWithoutKeyLeaks()
    {
        const int n = 8;
        const QString project = fresh(n);
        lm::TestServer server;
        server.setReplyGenerator([](const QJsonObject &r) {
            return userContent(r).contains(QLatin1String("[Response A]")) ? judgeReply(r) : tagReply(r);
        });
        qputenv(kKeyVar, kKey);
        const QStringList base{str("--project"), project, str("--endpoint"), server.baseUrl(), str("--model"),
                               str("judge-m"), str("--api-key-env"), str(kKeyVar), str("--json")};
        QList<CliRun> runs;

        runs << runCli(QStringList{str("judge")} + base + QStringList{str("--both-orders"), str("--concurrency"), str("3")});
        const QJsonObject j = runs.last().json();
        QVERIFY2(runs.last().code == 0, runs.last().err.constData());
        QCOMPARE(j.value(str("judged")).toInt(), n);
        QCOMPARE(j.value(str("failed")).toInt(), 0);
        QCOMPARE(j.value(str("cached")).toInt(), 0);
        QVERIFY(j.contains(str("seconds")));
        QCOMPARE(j.value(str("requests")).toInt(), 2 * n);
        QCOMPARE(j.value(str("tokens_in")).toInteger(), server.promptTokens());
        QCOMPARE(j.value(str("judge")).toString(), str("judge-m"));
        QCOMPARE(j.value(str("inconsistent")).toInt(-1), 0);
        QCOMPARE(server.requestCount(), 2 * n);
        QVERIFY(server.authorizations().contains(QStringLiteral("Bearer ") + QString::fromLatin1(kKey)));
        {
            ProjectStore store(project, ProjectStore::Mode::OpenExisting, false);
            for (int i = 1; i <= n; ++i) {
                const std::vector<LmLabel> labels = store.lmLabels(i);
                QCOMPARE(int(labels.size()), 1);
                QCOMPARE(*labels[0].overall, expectedLonger(i));
                QCOMPARE(labels[0].judge, str("judge-m"));
            }
        }

        // a rerun over everything asks nothing and stores nothing
        runs << runCli(QStringList{str("judge")} + base + QStringList{str("--both-orders"), str("--select"), str("all")});
        QCOMPARE(runs.last().code, 0);
        QCOMPARE(runs.last().json().value(str("judged")).toInt(), 0);
        QCOMPARE(runs.last().json().value(str("cached")).toInt(), n);
        QCOMPARE(server.requestCount(), 2 * n);
        QCOMPARE(scalar(project, "SELECT count(*) FROM lm_labels"), n);

        // tags, then the feature table sees them
        runs << runCli(QStringList{str("tag")} + base + QStringList{str("--limit"), str("5")});
        const QJsonObject t = runs.last().json();
        QVERIFY2(runs.last().code == 0, runs.last().err.constData());
        QCOMPARE(t.value(str("tagged")).toInt(), 5);
        QCOMPARE(t.value(str("failed")).toInt(), 0);
        QVERIFY(t.contains(str("seconds")));
        QCOMPARE(t.value(str("features_stale")).toBool(), true);
        QCOMPARE(server.requestCount(), 2 * n + 5 * 8);
        runs << runCli({str("features"), str("--project"), project, str("--json")});
        QCOMPARE(runs.last().code, 0);
        QCOMPARE(runs.last().json().value(str("up_to_date")).toBool(), false);
        {
            ProjectStore store(project, ProjectStore::Mode::OpenExisting, false);
            qint64 maths = -1, english = -1;
            for (const FeatureCount &c : FeatureStore(store).featureCounts()) {
                if (c.name == str("analyzer_closed_set::feature_name=subject_of_expertise|constraints=Mathematics"))
                    maths = c.instances;
                if (c.name == str("analyzer_closed_set::feature_name=languages|constraints=English"))
                    english = c.instances;
            }
            QCOMPARE(maths, 5);
            QCOMPARE(english, 5);
        }
        // the rest, with --features: the table is current at once
        runs << runCli(QStringList{str("tag")} + base + QStringList{str("--features")});
        QCOMPARE(runs.last().code, 0);
        QCOMPARE(runs.last().json().value(str("tagged")).toInt(), n - 5);
        QCOMPARE(runs.last().json().value(str("features_updated")).toBool(), true);
        runs << runCli({str("features"), str("--project"), project, str("--json")});
        QCOMPARE(runs.last().json().value(str("up_to_date")).toBool(), true);

        // export (with the raw label rows): no key anywhere
        const QString out = m_dir.filePath(str("mix.jsonl"));
        const QString raw = m_dir.filePath(str("raw.jsonl"));
        runs << runCli({str("export"), str("--project"), project, str("--format"), str("dpo"), str("--out"), out,
                        str("--raw"), raw, str("--json")});
        QVERIFY2(runs.last().code == 0, runs.last().err.constData());
        QVERIFY(fileBytes(raw).contains("longer is better")); // the raw replies are in it
        qunsetenv(kKeyVar);
        for (const QString &path : {project, project + str("-wal"), out, raw, out + str(".md")})
            QVERIFY2(!fileBytes(path).contains(kKey), qPrintable(path));
        QVERIFY(!fileBytes(project).isEmpty());
        for (const CliRun &r : runs) {
            QVERIFY(!r.out.contains(kKey));
            QVERIFY(!r.err.contains(kKey));
        }
    }

    void textSummaries()
    {
        // without --json, the summary is the last line(s) on stderr
        const int n = 4;
        const QString project = fresh(n);
        lm::TestServer server;
        server.setReplyGenerator([](const QJsonObject &r) {
            return userContent(r).contains(QLatin1String("[Response A]")) ? judgeReply(r) : tagReply(r);
        });
        const QStringList base{str("--project"), project, str("--endpoint"), server.baseUrl(), str("--model"),
                               str("text-m")};
        const CliRun j = runCli(QStringList{str("judge")} + base + QStringList{str("--both-orders")});
        QVERIFY2(j.code == 0, j.err.constData());
        const QRegularExpression judged(str("(^|[\\r\\n])judge text-m \\(\\S+\\): 4 judged, 0 cached, 0 failed of 4; "
                                            "8 requests, \\d+ tokens, cost 0\\.0000, \\d+\\.\\d s\\n$"));
        QVERIFY2(judged.match(QString::fromUtf8(j.err)).hasMatch(), j.err.constData());

        const CliRun t = runCli(QStringList{str("tag")} + base
                                + QStringList{str("--dimension"), str("expertise_level"), str("--overwrite")});
        QVERIFY2(t.code == 0, t.err.constData());
        const QRegularExpression tagged(str("(^|[\\r\\n])tag text-m: 4 tagged, 0 cached, 0 failed, 0 skipped of 4; "
                                            "4 requests, \\d+ tokens, cost 0\\.0000, \\d+\\.\\d s\\n"
                                            "tags changed: run 'hyper features' to update the feature table\\n$"));
        QVERIFY2(tagged.match(QString::fromUtf8(t.err)).hasMatch(), t.err.constData());
    }

    void missingKeyIsExit2AndChangesNothing()
    {
        const QString project = fresh(3);
        lm::TestServer server;
        qunsetenv(kKeyVar);
        const QByteArray before = fileBytes(project);
        QList<QStringList> commands;
        for (const char *cmd : {"judge", "tag"})
            commands << QStringList{str(cmd), str("--project"), project, str("--endpoint"), server.baseUrl(),
                                    str("--model"), str("m"), str("--api-key-env"), str(kKeyVar), str("--json")};
        for (const CliRun &r : concurrently(commands)) {
            QCOMPARE(r.code, 2);
            QVERIFY2(r.err.contains(kKeyVar), r.err.constData());
            QVERIFY(r.out.isEmpty());
        }
        QCOMPARE(server.requestCount(), 0);
        QCOMPARE(fileBytes(project), before);
        QCOMPARE(scalar(project, "SELECT count(*) FROM lm_labels"), 0);
        QCOMPARE(scalar(project, "SELECT count(*) FROM lm_failures"), 0);
    }

    void savedEndpoints()
    {
        const QString project = fresh(4);
        lm::TestServer server;
        server.setReplyGenerator([](const QJsonObject &r) { return judgeReply(r); });
        qputenv(kKeyVar, kKey);
        CliRun r = runCli({str("endpoint"), str("save"), str("--project"), project, str("--name"), str("local"),
                           str("--url"), server.baseUrl(), str("--model"), str("saved-m"), str("--api-key-env"),
                           str(kKeyVar), str("--concurrency"), str("2"), str("--price-in"), str("3"), str("--json")});
        QVERIFY2(r.code == 0, r.err.constData());
        r = runCli({str("endpoint"), str("list"), str("--project"), project, str("--json")});
        QCOMPARE(r.code, 0);
        const QJsonArray list = r.json().value(str("endpoints")).toArray();
        QCOMPARE(list.size(), 1);
        const QJsonObject e = list.at(0).toObject();
        QCOMPARE(e.value(str("url")).toString(), server.baseUrl());
        QCOMPARE(e.value(str("model")).toString(), str("saved-m"));
        QCOMPARE(e.value(str("api_key_env")).toString(), str(kKeyVar));
        QCOMPARE(e.value(str("settings")).toObject().value(str("concurrency")).toInt(), 2);

        r = runCli({str("judge"), str("--project"), project, str("--endpoint"), str("local"), str("--json")});
        QVERIFY2(r.code == 0, r.err.constData());
        QCOMPARE(r.json().value(str("judged")).toInt(), 4);
        QCOMPARE(r.json().value(str("judge")).toString(), str("saved-m"));
        QVERIFY(r.json().value(str("cost")).toDouble() > 0);
        QVERIFY(server.maxConcurrent() <= 2);

        r = runCli({str("endpoint"), str("remove"), str("--project"), project, str("--name"), str("local"), str("--json")});
        QCOMPARE(r.code, 0);
        r = runCli({str("endpoint"), str("remove"), str("--project"), project, str("--name"), str("local")});
        QCOMPARE(r.code, 2);
        r = runCli({str("judge"), str("--project"), project, str("--endpoint"), str("local"), str("--json")});
        QCOMPARE(r.code, 2);
        QVERIFY(r.err.contains("local"));
        qunsetenv(kKeyVar);
        QVERIFY(!fileBytes(project).contains(kKey));
        QVERIFY(!fileBytes(project + str("-wal")).contains(kKey));
    }

    void sigtermCancelsAndRerunResumes()
    {
        const int n = 40;
        const QString project = fresh(n);
        lm::TestServer server;
        server.setReplyGenerator([](const QJsonObject &r) { return judgeReply(r); });
        server.setLatencyMs(150);
        QProcess p;
        p.start(str(HYPER_CLI_PATH), {str("judge"), str("--project"), project, str("--endpoint"), server.baseUrl(),
                                      str("--model"), str("m"), str("--concurrency"), str("2"), str("--json")});
        QVERIFY(p.waitForStarted());
        QElapsedTimer t;
        t.start();
        while (server.requestCount() < 6 && t.elapsed() < 30000)
            QThread::msleep(20);
        QVERIFY(server.requestCount() >= 6);
        p.terminate(); // SIGTERM: cancel, keep what was committed
        QVERIFY(p.waitForFinished(30000));
        QCOMPARE(p.exitStatus(), QProcess::NormalExit);
        QCOMPARE(p.exitCode(), 1);
        const QJsonObject j = QJsonDocument::fromJson(p.readAllStandardOutput()).object();
        QCOMPARE(j.value(str("canceled")).toBool(), true);
        const int judged = j.value(str("judged")).toInt();
        QVERIFY(judged >= 3 && judged < n);
        QCOMPARE(scalar(project, "SELECT count(*) FROM lm_labels"), judged);
        QCOMPARE(scalar(project, "SELECT count(*) FROM lm_failures"), 0);

        server.setLatencyMs(0);
        const CliRun r = runCli({str("judge"), str("--project"), project, str("--endpoint"), server.baseUrl(),
                                 str("--model"), str("m"), str("--json")});
        QCOMPARE(r.code, 0);
        QCOMPARE(r.json().value(str("judged")).toInt(), n - judged);
        QCOMPARE(scalar(project, "SELECT count(*) FROM lm_labels"), n);
        QCOMPARE(scalar(project, "SELECT count(DISTINCT instance_id) FROM lm_labels"), n);
    }

    void badInputExit2()
    {
        const QString project = fresh(3);
        lm::TestServer server;
        const QStringList base{str("--project"), project, str("--endpoint"), server.baseUrl(), str("--model"), str("m")};
        const QString tmpl = file(str("bad.tmpl"), "name: t\nflavour: x\n[user]\n{prompt}{response_1}{response_2}\n");
        const QString ids = file(str("ids.txt"), "1\n# c\nthree\n");
        const QString unknown = file(str("ids2.txt"), "1\n99\n");
        const struct {
            QStringList args;
            QString expect;
        } cases[] = {
            {QStringList{str("judge")} + base + QStringList{str("--template"), tmpl}, tmpl + str(":2:")},
            {QStringList{str("judge")} + base + QStringList{str("--ids"), ids}, ids + str(":3:")},
            {QStringList{str("judge")} + base + QStringList{str("--ids"), unknown}, str("no instance with id 99")},
            {QStringList{str("judge")} + base + QStringList{str("--select"), str("some")}, str("--select")},
            {QStringList{str("judge")} + base + QStringList{str("--concurrency"), str("0")}, str("--concurrency")},
            {QStringList{str("tag")} + base + QStringList{str("--dimension"), str("colour")}, str("colour")},
            {{str("judge"), str("--project"), project, str("--model"), str("m")}, str("--endpoint")},
            {{str("judge"), str("--project"), project, str("--endpoint"), str("nowhere")}, str("nowhere")},
            {{str("endpoint"), str("save"), str("--project"), project, str("--name"), str("x"), str("--model"), str("m")},
             str("--url")},
        };
        QList<QStringList> commands;
        for (const auto &c : cases)
            commands << c.args;
        const QList<CliRun> runs = concurrently(commands);
        for (qsizetype k = 0; k < runs.size(); ++k) {
            const CliRun &r = runs[k];
            const auto &c = cases[k];
            QVERIFY2(r.code == 2, qPrintable(c.args.join(QLatin1Char(' ')) + str(" -> ") + QString::fromUtf8(r.err)));
            QVERIFY2(QString::fromUtf8(r.err).contains(c.expect), r.err.constData());
        }
        QCOMPARE(server.requestCount(), 0);
        QCOMPARE(scalar(project, "SELECT count(*) FROM lm_labels"), 0);
        QCOMPARE(scalar(project, "SELECT count(*) FROM lm_endpoints"), 0);
    }
};

QTEST_GUILESS_MAIN(TestCliLm)
#include "tst_cli_lm.moc"
