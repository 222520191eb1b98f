// SPDX-License-Identifier: GPL-3.0-or-later
// The command-line contract (shared docs CLI.md): names, exit codes, JSON keys, and that
// a failed command leaves the project as it was.
#include <QCryptographicHash>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include "clitesthelpers.h"

namespace {

using Run = hyper::testing::CliRun;
const auto hyperCli = hyper::testing::runCli;

QByteArray digest(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return QCryptographicHash::hash(f.readAll(), QCryptographicHash::Sha256);
}

void write(const QString &path, const QByteArray &content)
{
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
    f.write(content);
}

const QByteArray kGood =
    "{\"prompt\": \"What is 2+2?\", \"response_a\": \"4\", \"response_b\": \"5\", \"label\": 1}\n"
    "{\"prompt\": \"Capital of France?\", \"response_a\": \"Lyon\", \"response_b\": \"Paris\", \"label\": 2}\n"
    "{\"prompt\": \"Say hi\", \"response_a\": \"hi\", \"response_b\": \"hello\", \"label\": 0}\n";

} // namespace

class TestCli : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString file(const char *name) const { return m_dir.filePath(QString::fromLatin1(name)); }

private Q_SLOTS:
    void usageErrorsExit2()
    {
        QCOMPARE(hyperCli({}).code, 2);
        QCOMPARE(hyperCli({QStringLiteral("no-such-command")}).code, 2);
        QCOMPARE(hyperCli({QStringLiteral("info")}).code, 2); // --project missing
        QCOMPARE(hyperCli({QStringLiteral("info"), QStringLiteral("--bogus")}).code, 2);
    }

    void initImportInfoList()
    {
        const QString p = file("p.hyper");
        QCOMPARE(hyperCli({QStringLiteral("init"), QStringLiteral("--project"), p}).code, 0);
        QCOMPARE(hyperCli({QStringLiteral("init"), QStringLiteral("--project"), p}).code, 2); // exists

        const QString data = file("good.jsonl");
        write(data, kGood);
        Run r = hyperCli({QStringLiteral("import"), QStringLiteral("--project"), p, data, QStringLiteral("--map"),
                       QStringLiteral("human:crowd=label"), QStringLiteral("--json")});
        QVERIFY2(r.code == 0, r.err.constData());
        QJsonObject j = r.json();
        QCOMPARE(j.value(QStringLiteral("imported")).toInt(), 3);
        QCOMPARE(j.value(QStringLiteral("skipped")).toInt(), 0);
        QVERIFY(!j.value(QStringLiteral("format")).toString().isEmpty());

        r = hyperCli({QStringLiteral("info"), QStringLiteral("--project"), p, QStringLiteral("--json")});
        QCOMPARE(r.code, 0);
        j = r.json();
        for (const char *key : {"instances", "eval_instances", "human_labels", "lm_labels", "annotators", "judges", "features"})
            QVERIFY2(j.contains(QLatin1String(key)), key);
        QCOMPARE(j.value(QStringLiteral("instances")).toInt(), 3);
        QCOMPARE(j.value(QStringLiteral("human_labels")).toInt(), 3);
        QCOMPARE(j.value(QStringLiteral("annotators")).toArray().first().toString(), QStringLiteral("crowd"));

        r = hyperCli({QStringLiteral("list"), QStringLiteral("--project"), p, QStringLiteral("--limit"),
                   QStringLiteral("2"), QStringLiteral("--offset"), QStringLiteral("1"), QStringLiteral("--json")});
        QCOMPARE(r.code, 0);
        const QJsonArray rows = r.json().value(QStringLiteral("instances")).toArray();
        QCOMPARE(rows.size(), 2);
        for (const char *key : {"id", "split", "source", "route"})
            QVERIFY2(rows[0].toObject().contains(QLatin1String(key)), key);
        QCOMPARE(rows[0].toObject().value(QStringLiteral("split")).toString(), QStringLiteral("train"));
        // --search reads the search language; a malformed query is bad input (exit 2).
        r = hyperCli({QStringLiteral("list"), QStringLiteral("--project"), p, QStringLiteral("--search"),
                      QStringLiteral("apple OR")});
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains("search: OR needs a word after it (character 7)"), r.err.constData());

        r = hyperCli({QStringLiteral("import"), QStringLiteral("--project"), p, data, QStringLiteral("--split"),
                   QStringLiteral("eval"), QStringLiteral("--json")});
        QCOMPARE(r.code, 0);
        r = hyperCli({QStringLiteral("list"), QStringLiteral("--project"), p, QStringLiteral("--split"),
                   QStringLiteral("eval"), QStringLiteral("--json")});
        QCOMPARE(r.json().value(QStringLiteral("instances")).toArray().size(), 3);
    }

    void badInputNamesFileAndLineAndChangesNothing_data()
    {
        QTest::addColumn<QByteArray>("content");
        QTest::addColumn<int>("line");
        QTest::newRow("malformed json") << (kGood.left(kGood.indexOf('\n') + 1) + "{\"prompt\": \"x\", \n") << 2;
        QTest::newRow("missing field") << (kGood + "{\"prompt\": \"x\", \"response_a\": \"y\"}\n") << 4;
        QTest::newRow("unknown label") << (kGood + "{\"prompt\": \"x\", \"response_a\": \"y\", \"response_b\": \"z\", \"label\": 7}\n") << 4;
        QTest::newRow("bad utf-8") << (kGood + "{\"prompt\": \"\xff\xfe\", \"response_a\": \"y\", \"response_b\": \"z\", \"label\": 1}\n") << 4;
        QTest::newRow("empty file") << QByteArray() << 1;
    }
    void badInputNamesFileAndLineAndChangesNothing()
    {
        QFETCH(QByteArray, content);
        QFETCH(int, line);
        const QString p = file("bad.hyper");
        QFile::remove(p);
        QFile::remove(p + QStringLiteral("-wal"));
        QFile::remove(p + QStringLiteral("-shm"));
        QCOMPARE(hyperCli({QStringLiteral("init"), QStringLiteral("--project"), p}).code, 0);
        const QString good = file("good2.jsonl");
        write(good, kGood);
        QCOMPARE(hyperCli({QStringLiteral("import"), QStringLiteral("--project"), p, good, QStringLiteral("--map"),
                        QStringLiteral("human=label")}).code, 0);
        const QByteArray before = hyperCli({QStringLiteral("info"), QStringLiteral("--project"), p, QStringLiteral("--json")}).out;

        const QString bad = file("bad.jsonl");
        write(bad, content);
        const Run r = hyperCli({QStringLiteral("import"), QStringLiteral("--project"), p, bad, QStringLiteral("--map"),
                             QStringLiteral("human=label")});
        QCOMPARE(r.code, 2);
        const QByteArray prefix = (bad + QStringLiteral(":%1:").arg(line)).toUtf8();
        QVERIFY2(r.err.startsWith(prefix), r.err.constData());
        const QByteArray after = hyperCli({QStringLiteral("info"), QStringLiteral("--project"), p, QStringLiteral("--json")}).out;
        QCOMPARE(after, before);
    }

    void skipBadRowsReportsEveryLine()
    {
        const QString p = file("skip.hyper");
        QCOMPARE(hyperCli({QStringLiteral("init"), QStringLiteral("--project"), p}).code, 0);
        const QString bad = file("mixed.jsonl");
        write(bad, kGood + "not json\n" + kGood + "{\"prompt\": 1}\n");
        const Run r = hyperCli({QStringLiteral("import"), QStringLiteral("--project"), p, bad, QStringLiteral("--map"),
                             QStringLiteral("human=label"), QStringLiteral("--skip-bad-rows"), QStringLiteral("--json")});
        QVERIFY2(r.code == 0, r.err.constData());
        QCOMPARE(r.json().value(QStringLiteral("imported")).toInt(), 6);
        QCOMPARE(r.json().value(QStringLiteral("skipped")).toInt(), 2);
        QVERIFY2(r.err.contains((bad + QStringLiteral(":4:")).toUtf8()), r.err.constData());
        QVERIFY2(r.err.contains((bad + QStringLiteral(":8:")).toUtf8()), r.err.constData());
    }

    void evalFractionHoldsOutTheSameRows()
    {
        QByteArray many;
        for (int i = 0; i < 200; ++i)
            many += QStringLiteral("{\"prompt\": \"p%1\", \"response_a\": \"a\", \"response_b\": \"b\"}\n").arg(i).toUtf8();
        const QString data = file("many.jsonl");
        write(data, many);
        QList<QByteArray> evalIds;
        for (const char *name : {"f1.hyper", "f2.hyper"}) {
            const QString p = file(name);
            QCOMPARE(hyperCli({QStringLiteral("init"), QStringLiteral("--project"), p}).code, 0);
            QCOMPARE(hyperCli({QStringLiteral("import"), QStringLiteral("--project"), p, data, QStringLiteral("--eval-fraction"),
                            QStringLiteral("0.25")}).code, 0);
            const Run r = hyperCli({QStringLiteral("list"), QStringLiteral("--project"), p, QStringLiteral("--split"),
                                 QStringLiteral("eval"), QStringLiteral("--limit"), QStringLiteral("1000"), QStringLiteral("--json")});
            const int n = r.json().value(QStringLiteral("instances")).toArray().size();
            QVERIFY2(n > 30 && n < 70, qPrintable(QString::number(n)));
            evalIds << QJsonDocument(r.json().value(QStringLiteral("instances")).toArray()).toJson();
        }
        QCOMPARE(evalIds[0], evalIds[1]);
        QCOMPARE(hyperCli({QStringLiteral("import"), QStringLiteral("--project"), file("f1.hyper"), data,
                        QStringLiteral("--eval-fraction"), QStringLiteral("1.5")}).code, 2);
    }

    void featureMixRoutesTaggedInstancesToHumans()
    {
        const QString p = file("mix.hyper");
        QCOMPARE(hyperCli({QStringLiteral("sample"), QStringLiteral("--project"), p, QStringLiteral("--size"),
                        QStringLiteral("300"), QStringLiteral("--eval-size"), QStringLiteral("100")}).code, 0);
        const QString moderate = QStringLiteral("analyzer_scalar::feature_name=safety_concern|value=moderate");
        const QStringList train = {QStringLiteral("train-rm"), QStringLiteral("--project"), p, QStringLiteral("--epochs"),
                                   QStringLiteral("1"), QStringLiteral("--json"), QStringLiteral("--mix")};
        // Before the feature table exists the mix is refused.
        Run r = hyperCli(train + QStringList{QStringLiteral("features:") + moderate});
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains("hyper features"), r.err.constData());
        QCOMPARE(hyperCli({QStringLiteral("features"), QStringLiteral("--project"), p}).code, 0);
        r = hyperCli(train + QStringList{QStringLiteral("features:") + moderate});
        QVERIFY2(r.code == 0, r.err.constData());
        QVERIFY(r.json().value(QStringLiteral("train_pairs")).toInt() > 0);
        r = hyperCli(train + QStringList{QStringLiteral("features:no-such-feature")});
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains("unknown feature"), r.err.constData());
    }

    void missingProjectOrFile()
    {
        const Run r = hyperCli({QStringLiteral("info"), QStringLiteral("--project"), file("nope.hyper")});
        QCOMPARE(r.code, 2);
        QVERIFY(r.err.contains("no such project"));
        const QString p = file("m.hyper");
        hyperCli({QStringLiteral("init"), QStringLiteral("--project"), p});
        QCOMPARE(hyperCli({QStringLiteral("import"), QStringLiteral("--project"), p, file("nope.jsonl")}).code, 2);
        const QByteArray sum = digest(p);
        write(file("notaproject.hyper"), "plain text\n");
        const Run bad = hyperCli({QStringLiteral("info"), QStringLiteral("--project"), file("notaproject.hyper")});
        QCOMPARE(bad.code, 2);
        QVERIFY(bad.err.contains("not an SQLite database"));
        QCOMPARE(digest(p), sum);
    }

    // Issue 18's conventions: help on stdout (exit 0), `hyper help [COMMAND]`, usage lines
    // that name the subcommand, errors on stderr (exit 2), `--out -` for stdout.
    void helpAndUsageConventions()
    {
        const Run help = hyperCli({QStringLiteral("--help")});
        QCOMPARE(help.code, 0);
        QVERIFY(help.out.contains("Subcommands:"));
        QVERIFY(help.err.isEmpty());
        const Run helpCmd = hyperCli({QStringLiteral("help")});
        QCOMPARE(helpCmd.code, 0);
        QCOMPARE(helpCmd.out, help.out);
        const Run importHelp = hyperCli({QStringLiteral("help"), QStringLiteral("import")});
        QCOMPARE(importHelp.code, 0);
        QVERIFY2(importHelp.out.startsWith("Usage: hyper import [options]"), importHelp.out.left(80).constData());
        QCOMPARE(hyperCli({QStringLiteral("import"), QStringLiteral("--help")}).out, importHelp.out);
        const Run packHelp = hyperCli({QStringLiteral("pack"), QStringLiteral("export"), QStringLiteral("--help")});
        QVERIFY2(packHelp.out.startsWith("Usage: hyper pack export [options]"), packHelp.out.left(80).constData());
        const Run none = hyperCli({});
        QCOMPARE(none.code, 2);
        QVERIFY(none.out.isEmpty() && none.err.contains("Subcommands:"));
        const Run unknown = hyperCli({QStringLiteral("frobnicate")});
        QCOMPARE(unknown.code, 2);
        QVERIFY(unknown.err.contains("unknown subcommand 'frobnicate'"));

        QProcess train;
        train.start(QStringLiteral(HYPER_TRAIN_PATH), {QStringLiteral("--version")});
        QVERIFY(train.waitForFinished(30000));
        QCOMPARE(train.exitCode(), 0);
        QCOMPARE(train.readAllStandardOutput(), QByteArray("hyper-train " HYPER_VERSION "\n"));
    }

    void exportToStdout()
    {
        const QString p = file("stdout.hyper");
        QCOMPARE(hyperCli({QStringLiteral("sample"), QStringLiteral("--project"), p, QStringLiteral("--size"),
                           QStringLiteral("200"), QStringLiteral("--eval-size"), QStringLiteral("50"),
                           QStringLiteral("--no-index")})
                     .code,
                 0);
        const QStringList base = {QStringLiteral("export"), QStringLiteral("--project"), p,
                                  QStringLiteral("--format"), QStringLiteral("dpo")};
        const QString path = file("stdout-file.jsonl");
        QCOMPARE(hyperCli(base + QStringList{QStringLiteral("--out"), path, QStringLiteral("--no-card")}).code, 0);
        QFile f(path);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QByteArray expected = f.readAll();
        QVERIFY(expected.count('\n') > 10);
        const Run toStdout = hyperCli(base + QStringList{QStringLiteral("--out"), QStringLiteral("-")});
        QCOMPARE(toStdout.code, 0);
        QCOMPARE(toStdout.out, expected); // the same bytes; the summary stays on stderr
        QVERIFY(!QFile::exists(QStringLiteral("-")) && !QFile::exists(QStringLiteral("-.md")));
        const Run both = hyperCli(base + QStringList{QStringLiteral("--out"), QStringLiteral("-"), QStringLiteral("--json")});
        QCOMPARE(both.code, 2);
        QVERIFY(both.err.contains("both want stdout"));
    }

    // info and list skip the whole-file check unless --check; commands that write run it.
    void damagedProjectIsFoundByTheCheck()
    {
        const QString p = file("damaged.hyper");
        QCOMPARE(hyperCli({QStringLiteral("sample"), QStringLiteral("--project"), p, QStringLiteral("--size"),
                           QStringLiteral("400"), QStringLiteral("--eval-size"), QStringLiteral("100"),
                           QStringLiteral("--no-index")})
                     .code,
                 0);
        QCOMPARE(hyperCli({QStringLiteral("info"), QStringLiteral("--project"), p, QStringLiteral("--check")}).code, 0);
        QFile f(p);
        QVERIFY(f.open(QIODevice::ReadWrite));
        f.seek(f.size() / 2);
        f.write(QByteArray(8192, '\x5a'));
        f.close();
        const Run checked = hyperCli({QStringLiteral("info"), QStringLiteral("--project"), p, QStringLiteral("--check")});
        QCOMPARE(checked.code, 2);
        QVERIFY2(checked.err.contains("damaged"), checked.err.constData());
        const Run unchecked = hyperCli({QStringLiteral("info"), QStringLiteral("--project"), p});
        QVERIFY(unchecked.code >= 0 && unchecked.code <= 2); // ran or reported, never crashed
        const Run label = hyperCli({QStringLiteral("label"), QStringLiteral("--project"), p, QStringLiteral("--instance"),
                                    QStringLiteral("1"), QStringLiteral("--annotator"), QStringLiteral("ann"),
                                    QStringLiteral("--overall"), QStringLiteral("A-is-clearly-better")});
        QCOMPARE(label.code, 2);
        QVERIFY2(label.err.contains("damaged"), label.err.constData());
    }
};

QTEST_GUILESS_MAIN(TestCli)
#include "tst_cli.moc"
