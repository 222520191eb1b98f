// SPDX-License-Identifier: GPL-3.0-or-later
// Real-world import (issue 16): label maps and presets, fractional label scales, the
// unknown-value message, delimiters sniffed whatever the extension, container formats
// refused by name, empty rows, `--map FIELD=`, model-name columns, the no-label warning.
#include "clitesthelpers.h"
#include "core/export/exporter.h"
#include "core/io/importer.h"
#include "core/jobs/feedback.h"
#include "core/sample/samplegenerator.h"
#include "core/storage/projectstore.h"

#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSqlDatabase>
#include <QSqlQuery>

#include <map>

#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

using namespace hyper;
using hyper::testing::runCli;

namespace {

/** The records of a file as the importer reads them (no project). */
std::vector<ImportRecord> read(const ImportParams &p, ImportResult *result = nullptr)
{
    std::vector<ImportRecord> out;
    Feedback quiet;
    const ImportResult r = readImportRecords(p, quiet, [&](const std::vector<ImportRecord> &batch) {
        out.insert(out.end(), batch.begin(), batch.end());
    });
    if (result)
        *result = r;
    return out;
}

QString readError(const ImportParams &p)
{
    try {
        read(p);
    } catch (const ImportError &e) {
        return QString::fromUtf8(e.what());
    }
    return {};
}

} // namespace

class TestImportRealWorld : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;

    QString write(const QString &name, const QByteArray &bytes)
    {
        const QString path = m_dir.filePath(name);
        QFile f(path);
        if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate))
            qFatal("cannot write %s", qPrintable(path));
        f.write(bytes);
        return path;
    }

    ImportParams params(const QString &file, const QStringList &map = {})
    {
        ImportParams p;
        p.file = file;
        for (const QString &m : map)
            p.map.insert(m.section(QLatin1Char('='), 0, 0), m.section(QLatin1Char('='), 1));
        return p;
    }

private Q_SLOTS:
    void labelMapsAndPresets()
    {
        const QString file = write(QStringLiteral("arena.jsonl"),
                                   R"({"prompt": "p1", "response_a": "a", "response_b": "b", "winner": "model_a", "vote": "TRUE"})" "\n"
                                   R"({"prompt": "p2", "response_a": "a", "response_b": "b", "winner": "Model_B", "vote": false})" "\n"
                                   R"j({"prompt": "p3", "response_a": "a", "response_b": "b", "winner": "tie (bothbad)", "vote": "true"})j" "\n");
        ImportParams p = params(file, {QStringLiteral("human:arena=winner"), QStringLiteral("lm:checker=vote")});
        // Without a map the first value stops the import, naming the line and the way out.
        const QString error = readError(p);
        QVERIFY2(error.startsWith(file + QStringLiteral(":1: unknown label value 'model_a'")), qPrintable(error));
        QVERIFY2(error.contains(QStringLiteral("--label-map")), qPrintable(error));
        p.labelMap = {QStringLiteral("winner"), QStringLiteral("true=A"), QStringLiteral("False=b-slightly")};
        const std::vector<ImportRecord> r = read(p);
        QCOMPARE(r.size(), std::size_t(3));
        QCOMPARE(r[0].human.at(0).overall, -2);
        QCOMPARE(r[1].human.at(0).overall, 2);
        QCOMPARE(r[2].human.at(0).overall, 0);
        QCOMPARE(r[0].lm.at(0).overall.value(), -2); // "TRUE", any case
        QCOMPARE(r[1].lm.at(0).overall.value(), 1);  // JSON false
        QCOMPARE(r[2].lm.at(0).overall.value(), -2);

        ImportParams bad = p;
        bad.labelMap = {QStringLiteral("x=better")};
        QVERIFY(readError(bad).contains(QStringLiteral("PREF must be")));
        bad.labelMap = {QStringLiteral("nonsense")};
        QVERIFY(readError(bad).contains(QStringLiteral("preset")));
    }

    void unknownValuesAreListed()
    {
        QByteArray text = "prompt,response_a,response_b,pref\n";
        text += "p1,a,b,a1\np2,a,b,a2\np3,a,b,a1\np4,a,b,A1>A2\n";
        const QString file = write(QStringLiteral("a1a2.csv"), text);
        ImportParams p = params(file, {QStringLiteral("human=pref")});
        const QString error = readError(p);
        // The first unknown value stops it at its line; the message lists what the column held.
        QVERIFY2(error.startsWith(file + QStringLiteral(":2: unknown label value 'a1'")), qPrintable(error));
        p.labelMap = {QStringLiteral("a1a2")};
        const QString later = readError(p);
        QVERIFY2(later.startsWith(file + QStringLiteral(":5: unknown label value 'A1>A2'")), qPrintable(later));
        QVERIFY2(later.contains(QStringLiteral("values in this column so far: A1>A2, a1, a2")), qPrintable(later));
        // Nothing is imported into a project either.
        const QString project = m_dir.filePath(QStringLiteral("a1a2.hyper"));
        QCOMPARE(runCli({QStringLiteral("init"), QStringLiteral("--project"), project}).code, 0);
        const auto cli = runCli({QStringLiteral("import"), QStringLiteral("--project"), project, file, QStringLiteral("--map"),
                                 QStringLiteral("human=pref"), QStringLiteral("--label-map"), QStringLiteral("a1a2")});
        QCOMPARE(cli.code, 2);
        QVERIFY(cli.err.contains("a1a2.csv:5:"));
        QCOMPARE(runCli({QStringLiteral("info"), QStringLiteral("--project"), project, QStringLiteral("--json")})
                     .json().value(QStringLiteral("instances")).toInt(),
                 0);
        const auto ok = runCli({QStringLiteral("import"), QStringLiteral("--project"), project, file, QStringLiteral("--map"),
                                QStringLiteral("human=pref"), QStringLiteral("--label-map"), QStringLiteral("a1a2"),
                                QStringLiteral("--label-map"), QStringLiteral("a1>a2=A"), QStringLiteral("--json")});
        QVERIFY2(ok.code == 0, ok.err.constData());
        QCOMPARE(ok.json().value(QStringLiteral("imported")).toInt(), 4);
        QCOMPARE(ok.json().value(QStringLiteral("labelled")).toInt(), 4);
    }

    void fractionalScores()
    {
        // AlpacaEval: preference 1.0 (output_1 better) to 2.0 (output_2 better).
        QByteArray text;
        const double values[] = {1.0, 1.05, 1.25, 1.5, 1.55, 1.75, 1.95, 2.0};
        for (int i = 0; i < 8; ++i)
            text += QStringLiteral(R"({"instruction": "q%1", "output_1": "a", "output_2": "b", "generator_1": "gpt4", "generator_2": "mine", "preference": %2})")
                        .arg(i).arg(values[i]).toUtf8() + "\n";
        const QString file = write(QStringLiteral("alpaca.jsonl"), text);
        ImportParams p = params(file, {QStringLiteral("lm:alpaca_eval=preference")});
        p.labelScale = QStringLiteral("1:2");
        const std::vector<ImportRecord> r = read(p);
        const int expected[] = {-2, -2, -1, 0, 0, 1, 2, 2};
        for (int i = 0; i < 8; ++i)
            QCOMPARE(r[std::size_t(i)].lm.at(0).overall.value(), expected[i]);
        QCOMPARE(r[0].modelA, std::string("gpt4"));
        QCOMPARE(r[0].modelB, std::string("mine"));
        write(QStringLiteral("alpaca-out.jsonl"), R"({"instruction": "q", "output_1": "a", "output_2": "b", "preference": 2.5})" "\n");
        p.file = m_dir.filePath(QStringLiteral("alpaca-out.jsonl"));
        QVERIFY(readError(p).contains(QStringLiteral("unknown label value '2.5'")));
        p.labelScale = QStringLiteral("1");
        QVERIFY(readError(p).contains(QStringLiteral("--label-scale needs LO:HI")));
    }

    void delimitersAreSniffed_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QByteArray>("text");
        QTest::newRow("tab in .csv") << QStringLiteral("tabs.csv") << QByteArray("prompt\tresponse_a\tresponse_b\tpref\nHi, there\tA, yes\tB\t1\n");
        QTest::newRow(".tsv") << QStringLiteral("file.tsv") << QByteArray("prompt\tresponse_a\tresponse_b\tpref\nHi, there\tA, yes\tB\t1\n");
        QTest::newRow("semicolon") << QStringLiteral("semi.csv") << QByteArray("prompt;response_a;response_b;pref\n\"Hi, there\";\"A, yes\";B;1\n");
        QTest::newRow("comma") << QStringLiteral("comma.csv") << QByteArray("prompt,response_a,response_b,pref\n\"Hi, there\",\"A, yes\",B,1\n");
    }

    void delimitersAreSniffed()
    {
        QFETCH(QString, name);
        QFETCH(QByteArray, text);
        const std::vector<ImportRecord> r = read(params(write(name, text), {QStringLiteral("human=pref")}));
        QCOMPARE(r.size(), std::size_t(1));
        QCOMPARE(r[0].prompt, std::string("Hi, there"));
        QCOMPARE(r[0].responseA, std::string("A, yes"));
        QCOMPARE(r[0].human.at(0).overall, -2);
    }

    void containersAreRefusedByName_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QByteArray>("head");
        QTest::addColumn<QString>("says");
        QTest::newRow("parquet") << QStringLiteral("train.parquet") << QByteArray("PAR1\x15\x04\x15\x00", 8) << QStringLiteral("a Parquet file");
        QTest::newRow("parquet named jsonl") << QStringLiteral("train.jsonl") << QByteArray("PAR1\x15\x04", 6) << QStringLiteral("a Parquet file");
        QTest::newRow("arrow") << QStringLiteral("data.arrow") << QByteArray("ARROW1\0\0", 8) << QStringLiteral("an Arrow/Feather file");
        QTest::newRow("xlsx") << QStringLiteral("sheet.xlsx") << QByteArray("PK\x03\x04\x14\x00", 6) << QStringLiteral("an Excel workbook (.xlsx)");
        QTest::newRow("zip") << QStringLiteral("data.zip") << QByteArray("PK\x03\x04\x14\x00", 6) << QStringLiteral("a zip archive");
        QTest::newRow("xls") << QStringLiteral("old.xls") << QByteArray("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 8) << QStringLiteral("an Excel 97-2003 workbook");
        QTest::newRow("sqlite") << QStringLiteral("db.csv") << QByteArray("SQLite format 3\0", 16) << QStringLiteral("an SQLite database");
    }

    void containersAreRefusedByName()
    {
        QFETCH(QString, name);
        QFETCH(QByteArray, head);
        QFETCH(QString, says);
        const QString file = write(name, head + QByteArray(200, '\x01'));
        const QString error = readError(params(file));
        QVERIFY2(error.startsWith(file + QStringLiteral(": this is ") + says), qPrintable(error));
        QVERIFY2(error.contains(QStringLiteral("which the importer does not read:")), qPrintable(error));
    }

    void emptyRowsAreRefusedOrSkipped()
    {
        // A line of commas is refused; an empty prompt with responses is kept (real
        // benchmarks have a few).
        const QString file = write(QStringLiteral("empty.csv"), "prompt,response_a,response_b,pref\np1,a,b,1\n,,,\n,x,y,2\n , , ,\np5,a,b,0\n");
        ImportParams p = params(file, {QStringLiteral("human=pref")});
        const QString error = readError(p);
        QVERIFY2(error.startsWith(file + QStringLiteral(":3: empty row")), qPrintable(error));
        p.skipBadRows = true;
        ImportResult result;
        const std::vector<ImportRecord> r = read(p, &result);
        QCOMPARE(r.size(), std::size_t(3));
        QCOMPARE(r[1].prompt, std::string());
        QCOMPARE(result.skipped, qint64(2));
        QCOMPARE(result.issues.at(1).line, qint64(5));
        QVERIFY(result.issues.at(1).message.startsWith(QStringLiteral("empty row")));
    }

    void mapFieldOffAndModelColumns()
    {
        const QString file = write(QStringLiteral("alpaca.json"),
                                   R"([{"instruction": "Translate", "input": "Hallo", "output_1": "Hello", "output_2": "Hi", "pref": 1}])");
        // --map input= keeps the input out of the prompt (it goes to the metadata).
        const QString project = m_dir.filePath(QStringLiteral("off.hyper"));
        QCOMPARE(runCli({QStringLiteral("init"), QStringLiteral("--project"), project}).code, 0);
        const auto r = runCli({QStringLiteral("import"), QStringLiteral("--project"), project, file, QStringLiteral("--map"),
                               QStringLiteral("input="), QStringLiteral("--map"), QStringLiteral("human=pref")});
        QVERIFY2(r.code == 0, r.err.constData());
        ImportParams p = params(file, {QStringLiteral("input="), QStringLiteral("human=pref")});
        QCOMPARE(read(p).at(0).prompt, std::string("Translate"));
        p.map.remove(QStringLiteral("input"));
        QCOMPARE(read(p).at(0).prompt, std::string("Translate\n\nHallo"));

        const QString pairs = write(QStringLiteral("pairs.jsonl"),
                                    R"({"prompt": "q", "chosen": "good", "rejected": "bad", "chosen_model": "m1", "rejected_model": "m2"})" "\n");
        const ImportRecord rec = read(params(pairs)).at(0);
        QCOMPARE(rec.modelA, std::string("m1"));
        QCOMPARE(rec.modelB, std::string("m2"));
    }

    void importWithoutLabelsWarns()
    {
        const QString file = write(QStringLiteral("nolabels.jsonl"), R"({"prompt": "q", "response_a": "a", "response_b": "b", "winner": "model_a"})" "\n");
        const QString project = m_dir.filePath(QStringLiteral("nolabels.hyper"));
        QCOMPARE(runCli({QStringLiteral("init"), QStringLiteral("--project"), project}).code, 0);
        const auto r = runCli({QStringLiteral("import"), QStringLiteral("--project"), project, file});
        QCOMPARE(r.code, 0);
        QVERIFY2(r.err.contains("warning: no row had a label"), r.err.constData());
    }

    void duplicatesAddNothing()
    {
        const QString file = write(QStringLiteral("dup.jsonl"),
                                   R"({"prompt": "p1", "response_a": "a1", "response_b": "b1", "pref": 1})" "\n"
                                   R"({"prompt": "p2", "response_a": "a2", "response_b": "b2", "pref": 2})" "\n");
        const QString project = m_dir.filePath(QStringLiteral("dup.hyper"));
        QCOMPARE(runCli({QStringLiteral("init"), QStringLiteral("--project"), project}).code, 0);
        const QStringList import{QStringLiteral("import"), QStringLiteral("--project"), project, file, QStringLiteral("--map"),
                                 QStringLiteral("human:ann=pref"), QStringLiteral("--json")};
        const QJsonObject first = runCli(import).json();
        QCOMPARE(first.value(QStringLiteral("instances")).toInt(), 2);
        QCOMPARE(first.value(QStringLiteral("labels_added")).toInt(), 2);
        const QJsonObject again = runCli(import).json();
        QCOMPARE(again.value(QStringLiteral("instances")).toInt(), 0);
        QCOMPARE(again.value(QStringLiteral("duplicate_rows")).toInt(), 2);
        QCOMPARE(again.value(QStringLiteral("labels_added")).toInt(), 0);
        QCOMPARE(again.value(QStringLiteral("labels_already")).toInt(), 2);
        const auto info = [&] { return runCli({QStringLiteral("info"), QStringLiteral("--project"), project, QStringLiteral("--json")}).json(); };
        QCOMPARE(info().value(QStringLiteral("instances")).toInt(), 2);
        QCOMPARE(info().value(QStringLiteral("human_labels")).toInt(), 2);

        // The same pairs shown the other way round by another annotator: the same
        // instances, the labels mirrored into their frame.
        const QString swapped = write(QStringLiteral("dup-swapped.jsonl"),
                                      R"({"prompt": "p1", "response_a": "b1", "response_b": "a1", "pref": 2})" "\n");
        const QJsonObject merged = runCli({QStringLiteral("import"), QStringLiteral("--project"), project, swapped,
                                           QStringLiteral("--map"), QStringLiteral("human:other=pref"), QStringLiteral("--json")})
                                       .json();
        QCOMPARE(merged.value(QStringLiteral("instances")).toInt(), 0);
        QCOMPARE(merged.value(QStringLiteral("labels_added")).toInt(), 1);
        QCOMPARE(merged.value(QStringLiteral("labels_mirrored")).toInt(), 1);
        {
            ProjectStore store(project);
            const auto labels = store.humanLabels(1);
            QCOMPARE(int(labels.size()), 2);
            for (const HumanLabel &l : labels)
                QCOMPARE(int(l.overall), -2); // "B" of a B-first row is A of the instance
        }

        // keep adds them again; error stops at the first duplicate, naming its line.
        const auto error = runCli({QStringLiteral("import"), QStringLiteral("--project"), project, file, QStringLiteral("--map"),
                                   QStringLiteral("human:ann=pref"), QStringLiteral("--on-duplicate"), QStringLiteral("error")});
        QCOMPARE(error.code, 2);
        QVERIFY2(error.err.contains("dup.jsonl:1: the same prompt and responses as instance 1"), error.err.constData());
        QCOMPARE(info().value(QStringLiteral("instances")).toInt(), 2);
        QCOMPARE(runCli({QStringLiteral("import"), QStringLiteral("--project"), project, file, QStringLiteral("--map"),
                         QStringLiteral("human:ann=pref"), QStringLiteral("--on-duplicate"), QStringLiteral("keep")})
                     .code,
                 0);
        QCOMPARE(info().value(QStringLiteral("instances")).toInt(), 4);
    }

    void longFormatMakesOneInstancePerPair()
    {
        // One row per judgement: two pairs, three workers; w2 saw pair 1 with B first; w1
        // judged pair 1 twice (the later row wins); aspects, time and confidence per row.
        QByteArray csv = "prompt,left,right,worker,kind,label,secs,conf,helpful,why\n";
        csv += "How?,long answer,short,w1,normal,A,12.5,0.9,A,thorough\n";
        csv += "How?,short,long answer,w2,expert,B,30,,B,\n";   // B-first: B = long answer
        csv += "Why?,x,y,w1,normal,tie,4,0.5,,\n";
        csv += "How?,long answer,short,w1,normal,B,20,0.7,B,changed my mind\n"; // w1 again on pair 1
        csv += "How?,short,long answer,w3,normal,A-is-slightly-better,8,,,\n";   // B-first: A = short
        const QString file = write(QStringLiteral("long.csv"), csv);
        const QString project = m_dir.filePath(QStringLiteral("long.hyper"));
        QCOMPARE(runCli({QStringLiteral("init"), QStringLiteral("--project"), project}).code, 0);
        const auto r = runCli({QStringLiteral("import"), QStringLiteral("--project"), project, file,
                               QStringLiteral("--map"), QStringLiteral("response_a=left"), QStringLiteral("--map"),
                               QStringLiteral("response_b=right"), QStringLiteral("--map"), QStringLiteral("human=label"),
                               QStringLiteral("--map"), QStringLiteral("annotator=worker"), QStringLiteral("--map"),
                               QStringLiteral("annotator_kind=kind"), QStringLiteral("--map"), QStringLiteral("time=secs"),
                               QStringLiteral("--map"), QStringLiteral("confidence=conf"), QStringLiteral("--map"),
                               QStringLiteral("aspect:helpfulness=helpful"), QStringLiteral("--map"),
                               QStringLiteral("rationale=why"), QStringLiteral("--json")});
        QVERIFY2(r.code == 0, r.err.constData());
        const QJsonObject o = r.json();
        QCOMPARE(o.value(QStringLiteral("imported")).toInt(), 5);
        QCOMPARE(o.value(QStringLiteral("instances")).toInt(), 2);
        QCOMPARE(o.value(QStringLiteral("labels_added")).toInt(), 4);
        QCOMPARE(o.value(QStringLiteral("labels_replaced")).toInt(), 1);
        QCOMPARE(o.value(QStringLiteral("labels_mirrored")).toInt(), 2);
        ProjectStore store(project);
        QCOMPARE(store.instance(1)->responseA, QStringLiteral("long answer")); // the first row's frame
        std::map<QString, HumanLabel> byWho;
        for (const HumanLabel &l : store.humanLabels(1))
            byWho[l.annotator] = l;
        QCOMPARE(int(byWho.size()), 3);
        QCOMPARE(byWho[QStringLiteral("w1")].overall, Preference::BClearly); // the later row
        QCOMPARE(byWho[QStringLiteral("w1")].rationale, QStringLiteral("changed my mind"));
        QCOMPARE(byWho[QStringLiteral("w1")].timeSpentSeconds.value(), 20.0);
        QCOMPARE(byWho[QStringLiteral("w2")].overall, Preference::AClearly);  // mirrored: long answer
        QCOMPARE(byWho[QStringLiteral("w2")].shownOrder, QStringLiteral("BA"));
        QCOMPARE(byWho[QStringLiteral("w2")].aspects.value(QStringLiteral("helpfulness")), Preference::AClearly);
        QCOMPARE(byWho[QStringLiteral("w2")].annotatorKind, QStringLiteral("expert"));
        QCOMPARE(byWho[QStringLiteral("w3")].overall, Preference::BSlightly); // mirrored slightly
        QCOMPARE(byWho[QStringLiteral("w1")].shownOrder, QStringLiteral("AB"));
        QCOMPARE(store.humanLabels(2).size(), std::size_t(1));

        // Importing the file again adds nothing.
        const auto again = runCli({QStringLiteral("import"), QStringLiteral("--project"), project, file,
                                   QStringLiteral("--map"), QStringLiteral("response_a=left"), QStringLiteral("--map"),
                                   QStringLiteral("response_b=right"), QStringLiteral("--map"), QStringLiteral("human=label"),
                                   QStringLiteral("--map"), QStringLiteral("annotator=worker"), QStringLiteral("--json")});
        QCOMPARE(again.json().value(QStringLiteral("instances")).toInt(), 0);
        QCOMPARE(again.json().value(QStringLiteral("labels_added")).toInt(), 0);
    }

    void longFormatGroupsByAnInstanceColumn()
    {
        QByteArray csv = "item,prompt,response_a,response_b,worker,label\n";
        csv += "7,Q,first,second,u1,A\n";
        csv += "7,Q,first,second,u2,B\n";
        csv += "8,Q,first,second,u1,tie\n"; // the same texts, another item: its own instance
        const QString file = write(QStringLiteral("items.csv"), csv);
        const QString project = m_dir.filePath(QStringLiteral("items.hyper"));
        QCOMPARE(runCli({QStringLiteral("init"), QStringLiteral("--project"), project}).code, 0);
        const auto r = runCli({QStringLiteral("import"), QStringLiteral("--project"), project, file, QStringLiteral("--map"),
                               QStringLiteral("human=label"), QStringLiteral("--map"), QStringLiteral("annotator=worker"),
                               QStringLiteral("--map"), QStringLiteral("instance=item"), QStringLiteral("--json")});
        QVERIFY2(r.code == 0, r.err.constData());
        QCOMPARE(r.json().value(QStringLiteral("instances")).toInt(), 2);
        ProjectStore store(project);
        QCOMPARE(store.instance(1)->externalId, QStringLiteral("7"));
        QCOMPARE(store.humanLabels(1).size(), std::size_t(2));
        QCOMPARE(store.humanLabels(2).size(), std::size_t(1));
    }

    void ownExportsRoundTrip_data()
    {
        QTest::addColumn<int>("format");
        QTest::addColumn<bool>("conversational");
        QTest::newRow("dpo") << int(exporting::Format::Dpo) << false;
        QTest::newRow("trl") << int(exporting::Format::Trl) << false;
        QTest::newRow("trl conversational") << int(exporting::Format::Trl) << true;
        QTest::newRow("csv") << int(exporting::Format::Csv) << false;
    }

    void ownExportsRoundTrip()
    {
        // Each export re-imports to the same instances (its pairs are the project's own:
        // nothing new) and to the same labels (the file's chosen side, mirrored into each
        // instance's frame, agrees with the label the export resolved).
        QFETCH(int, format);
        QFETCH(bool, conversational);
        const QString tag = QString::fromLatin1(QTest::currentDataTag()).replace(QLatin1Char(' '), QLatin1Char('-'));
        const QString project = m_dir.filePath(tag + QStringLiteral(".hyper"));
        Feedback quiet;
        {
            ProjectStore store(project, ProjectStore::Mode::CreateNew);
            SampleParams sample;
            sample.trainSize = 150;
            sample.evalSize = 50;
            writeSample(store, sample, quiet);
        }
        const QString out = m_dir.filePath(tag + (format == int(exporting::Format::Csv) ? QStringLiteral(".csv") : QStringLiteral(".jsonl")));
        exporting::ExportParams ep;
        ep.format = exporting::Format(format);
        ep.conversational = conversational;
        ep.outPath = out;
        exporting::ExportResult exported;
        {
            ProjectStore store(project);
            exported = exporting::runExport(store, ep, quiet);
        }
        QVERIFY(exported.exported > 50);
        ImportParams ip;
        ip.file = out;
        ImportResult r;
        {
            ProjectStore store(project);
            r = runImport(store, ip, quiet);
        }
        QCOMPARE(r.imported, exported.exported);
        QCOMPARE(r.merged.instances, qint64(0));
        QCOMPARE(r.merged.duplicateRows, exported.exported);
        QCOMPARE(r.merged.labelsAdded, exported.exported);
        // The imported label of each instance (annotator = the file's stem) against the
        // chosen side of the export: A-better exactly where chosen is response A.
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), tag);
        db.setDatabaseName(project);
        QVERIFY(db.open());
        {
            QSqlQuery q(db);
            QVERIFY(q.exec(QStringLiteral("SELECT count(*), sum(CASE WHEN (l.overall < 0) = (i.lm_pref < 0 OR (i.lm_pref IS NULL AND i.human_pref < 0)) "
                                          "THEN 1 ELSE 0 END) FROM human_labels l JOIN annotators a ON a.id = l.annotator_id "
                                          "JOIN instances i ON i.id = l.instance_id WHERE a.name = '%1'")
                               .arg(QFileInfo(out).completeBaseName())));
            QVERIFY(q.next());
            QCOMPARE(q.value(0).toLongLong(), exported.exported);
            QCOMPARE(q.value(1).toLongLong(), exported.exported);
            // The prompts came back as text, not as JSON of a message list.
            QVERIFY(q.exec(QStringLiteral("SELECT count(*) FROM instance_texts WHERE prompt LIKE '[{%'")));
            QVERIFY(q.next());
            QCOMPARE(q.value(0).toInt(), 0);
        }
        db.close();
        db = QSqlDatabase();
        QSqlDatabase::removeDatabase(tag);
    }

    void conversationsStayStructured()
    {
        // A message-list prompt is stored as turns (the prompt column holds them as
        // "Role: text" paragraphs), read back as turns, and exported back as the same list
        // by trl --conversational and dpo; both exports re-import to the same instances
        // with the turns kept. A lone user turn stays a plain prompt.
        const QJsonArray turns = QJsonDocument::fromJson(R"j([
            {"role":"system","content":"Answer briefly."},
            {"role":"user","content":"What is 2+2?"},
            {"role":"assistant","content":"4."},
            {"role":"user","content":[{"type":"text","text":"And 3+3?"}]}])j").array();
        QCOMPARE(turns.size(), 4);
        QByteArray file;
        const auto row = [&](const QJsonValue &prompt, const QString &a, const QString &b) {
            QJsonObject o;
            o[QStringLiteral("prompt")] = prompt;
            o[QStringLiteral("chosen")] = QJsonArray{QJsonObject{{QStringLiteral("role"), QStringLiteral("assistant")}, {QStringLiteral("content"), a}}};
            o[QStringLiteral("rejected")] = QJsonArray{QJsonObject{{QStringLiteral("role"), QStringLiteral("assistant")}, {QStringLiteral("content"), b}}};
            file += QJsonDocument(o).toJson(QJsonDocument::Compact) + '\n';
        };
        row(turns, QStringLiteral("6."), QStringLiteral("Seven."));
        row(QJsonArray{QJsonObject{{QStringLiteral("role"), QStringLiteral("user")}, {QStringLiteral("content"), QStringLiteral("Say hi.")}}},
            QStringLiteral("Hi!"), QStringLiteral("No."));
        const QString in = write(QStringLiteral("conv.jsonl"), file);
        // The same conversation in a wide CSV: the prompt cell holds the list as JSON.
        const QString wide = write(QStringLiteral("conv-wide.csv"),
                                   "prompt,response_a,response_b\n\"" + QJsonDocument(turns).toJson(QJsonDocument::Compact).replace('"', "\"\"")
                                       + "\",Twelve.,12\n");
        const QString project = m_dir.filePath(QStringLiteral("conv.hyper"));
        Feedback quiet;
        const QString flat = QStringLiteral("System: Answer briefly.\n\nUser: What is 2+2?\n\nAssistant: 4.\n\nUser: And 3+3?");
        const auto checkTurns = [&](const Instance &inst) {
            QCOMPARE(inst.prompt, flat);
            QCOMPARE(int(inst.conversation.size()), 4);
            const QStringList roles{QStringLiteral("system"), QStringLiteral("user"), QStringLiteral("assistant"), QStringLiteral("user")};
            const QStringList texts{QStringLiteral("Answer briefly."), QStringLiteral("What is 2+2?"), QStringLiteral("4."), QStringLiteral("And 3+3?")};
            for (int i = 0; i < 4; ++i) {
                QCOMPARE(inst.conversation.at(i).role, roles.at(i));
                QCOMPARE(inst.conversation.at(i).content, texts.at(i));
            }
        };
        {
            ProjectStore store(project, ProjectStore::Mode::CreateNew);
            ImportParams ip;
            ip.file = in;
            const ImportResult r = runImport(store, ip, quiet);
            QCOMPARE(r.imported, qint64(2));
            const auto first = store.instance(1);
            QVERIFY(first);
            checkTurns(*first);
            const auto second = store.instance(2);
            QVERIFY(second);
            QCOMPARE(second->prompt, QStringLiteral("Say hi."));
            QVERIFY(second->conversation.isEmpty());
            ip.file = wide;
            QCOMPARE(runImport(store, ip, quiet).imported, qint64(1));
            const auto third = store.instance(3);
            QVERIFY(third);
            checkTurns(*third);
        }
        // The text of each written line, as JSON.
        const auto lines = [](const QString &path) {
            QFile f(path);
            if (!f.open(QIODevice::ReadOnly))
                qFatal("cannot read %s", qPrintable(path));
            QList<QJsonObject> out;
            for (const QByteArray &l : f.readAll().split('\n'))
                if (!l.isEmpty())
                    out << QJsonDocument::fromJson(l).object();
            return out;
        };
        const QJsonArray flatTurns = QJsonDocument::fromJson(R"j([
            {"role":"system","content":"Answer briefly."},
            {"role":"user","content":"What is 2+2?"},
            {"role":"assistant","content":"4."},
            {"role":"user","content":"And 3+3?"}])j").array();
        exporting::ExportParams ep;
        ep.resolve.preferHuman = true;
        ep.format = exporting::Format::Trl;
        ep.conversational = true;
        ep.outPath = m_dir.filePath(QStringLiteral("conv-trl.jsonl"));
        exporting::ExportParams dpo = ep;
        dpo.format = exporting::Format::Dpo;
        dpo.conversational = false;
        dpo.outPath = m_dir.filePath(QStringLiteral("conv-dpo.jsonl"));
        {
            ProjectStore store(project);
            QCOMPARE(exporting::runExport(store, ep, quiet).exported, qint64(2)); // the CSV row has no label
            QCOMPARE(exporting::runExport(store, dpo, quiet).exported, qint64(2));
        }
        const QList<QJsonObject> trl = lines(ep.outPath);
        QCOMPARE(trl.size(), 2);
        QCOMPARE(trl[0][QStringLiteral("prompt")].toArray(), flatTurns);
        QCOMPARE(trl[1][QStringLiteral("prompt")].toArray(),
                 (QJsonArray{QJsonObject{{QStringLiteral("role"), QStringLiteral("user")}, {QStringLiteral("content"), QStringLiteral("Say hi.")}}}));
        const QList<QJsonObject> dpoRows = lines(dpo.outPath);
        QCOMPARE(dpoRows.size(), 2);
        QCOMPARE(dpoRows[0][QStringLiteral("prompt")].toString(), flat);
        QJsonArray chosen = flatTurns;
        chosen.append(QJsonObject{{QStringLiteral("role"), QStringLiteral("assistant")}, {QStringLiteral("content"), QStringLiteral("6.")}});
        QCOMPARE(dpoRows[0][QStringLiteral("chosen")].toArray(), chosen);
        // Both exports re-import to the same instances (nothing new here), and into a new
        // project with the turns.
        for (const QString &path : {ep.outPath, dpo.outPath}) {
            ImportParams ip;
            ip.file = path;
            {
                ProjectStore store(project);
                const ImportResult r = runImport(store, ip, quiet);
                QCOMPARE(r.merged.instances, qint64(0));
                QCOMPARE(r.merged.duplicateRows, qint64(2));
            }
            const QString fresh = m_dir.filePath(QFileInfo(path).completeBaseName() + QStringLiteral(".hyper"));
            ProjectStore store(fresh, ProjectStore::Mode::CreateNew);
            QCOMPARE(runImport(store, ip, quiet).imported, qint64(2));
            const auto back = store.instance(1);
            QVERIFY(back);
            checkTurns(*back);
            QVERIFY(store.instance(2)->conversation.isEmpty());
        }
    }

    void unterminatedQuoteNamesItsLine()
    {
        const QString file = write(QStringLiteral("quote.csv"), "prompt,response_a,response_b\np1,a,b\np2,\"open,b\np3,a,b\n");
        const QString error = readError(params(file));
        QVERIFY2(error.startsWith(file + QStringLiteral(":3: unterminated quoted field")), qPrintable(error));
        // A record whose first quoted field spans lines 2-3 and whose next quote, opened on
        // line 3, never closes: the error names line 3, where that quote is.
        const QString later = write(QStringLiteral("quote2.csv"), "prompt,response_a,response_b\n\"two\nlines\",\"open,b\np3,a,b\n");
        const QString error2 = readError(params(later));
        QVERIFY2(error2.startsWith(later + QStringLiteral(":3: unterminated quoted field")), qPrintable(error2));
    }
};

QTEST_GUILESS_MAIN(TestImportRealWorld)
#include "tst_import_realworld.moc"
