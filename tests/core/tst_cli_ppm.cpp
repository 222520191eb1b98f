// SPDX-License-Identifier: GPL-3.0-or-later
// hyper ppm collect | import-scores | fit | predict | list, and train-rm on a stored plan
// (the contract of shared docs CLI.md, "PPM and routing").
#include "core/routing/ppm.h"
#include "core/routing/ppmfit.h"
#include "core/routing/scorecsv.h"
#include "core/storage/ppmstore.h"
#include "core/storage/projectstore.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include "clitesthelpers.h"
#include <cmath>
#include <random>

using namespace hyper;

namespace {

using Run = hyper::testing::CliRun;
const auto hyperCli = hyper::testing::runCli;

void write(const QString &path, const QByteArray &content)
{
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
    f.write(content);
}

QString quoted(const QString &s)
{
    QString q = s;
    q.replace(QLatin1Char('"'), QStringLiteral("\"\""));
    return QLatin1Char('"') + q + QLatin1Char('"');
}

} // namespace

class TestCliPpm : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_project;
    QStringList m_features; // the first few feature names of the project

    QString file(const char *name) const { return m_dir.filePath(QString::fromLatin1(name)); }
    QStringList ppm(const char *sub) const
    {
        return { QStringLiteral("ppm"), QString::fromLatin1(sub), QStringLiteral("--project"), m_project };
    }
    // Counted in-process: each hyper call costs half a second of start-up (LibTorch).
    int datasets() const
    {
        ProjectStore store(m_project);
        return int(listPpmDatasets(store).size());
    }
    int models() const
    {
        ProjectStore store(m_project);
        return int(listPpmModels(store).size());
    }

    /** A score CSV: an unnamed index column, the counts (header quoted), Overall, Chat;
     *  Overall is a linear function of the counts plus noise. */
    QByteArray scoreCsv(int rows, std::vector<double> *x = nullptr, std::vector<double> *y = nullptr) const
    {
        QStringList header = { QString() };
        for (const QString &f : m_features)
            header << quoted(f);
        header << QStringLiteral("Overall") << QStringLiteral("Chat");
        QByteArray out = header.join(QLatin1Char(',')).toUtf8() + "\r\n";
        std::mt19937_64 rng(11);
        for (int i = 0; i < rows; ++i) {
            QStringList cells = { QString::number(i) };
            double score = 0.5;
            for (int f = 0; f < m_features.size(); ++f) {
                const int c = int(rng() % 200);
                cells << QString::number(c);
                score += (f % 2 ? 0.001 : -0.0005) * c;
                if (x)
                    x->push_back(c);
            }
            score += double(rng() % 1000) / 1e5;
            cells << QString::number(score, 'g', 17) << QString::number(double(rng() % 100) / 100.0);
            if (y)
                y->push_back(QString::number(score, 'g', 17).toDouble());
            out += cells.join(QLatin1Char(',')).toUtf8() + "\n";
        }
        return out;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_project = file("ppm.hyper");
        QCOMPARE(hyperCli({ QStringLiteral("sample"), QStringLiteral("--project"), m_project,
                              QStringLiteral("--size"), QStringLiteral("300"), QStringLiteral("--eval-size"),
                              QStringLiteral("100") })
                     .code,
            0);
        const Run r = hyperCli(
            { QStringLiteral("features"), QStringLiteral("--project"), m_project, QStringLiteral("--json") });
        QCOMPARE(r.code, 0);
        const QJsonArray names = r.json().value(QStringLiteral("features")).toArray();
        QVERIFY(names.size() > 30);
        for (int i : { 0, 4, 8, 27, 28, 30 })
            m_features << names[i].toString();
    }

    void importFitPredictRoundTrip()
    {
        const QString csv = file("scores.csv");
        std::vector<double> x, y;
        write(csv, scoreCsv(40, &x, &y));
        Run r = hyperCli(ppm("import-scores") << csv << QStringLiteral("--json"));
        QVERIFY2(r.code == 0, r.err.constData());
        QJsonObject j = r.json();
        QCOMPARE(j.value(QStringLiteral("rows")).toInt(), 40);
        QStringList features;
        for (const QJsonValue &v : j.value(QStringLiteral("features")).toArray())
            features << v.toString();
        QCOMPARE(features, m_features);
        const QJsonArray ignored = j.value(QStringLiteral("ignored_columns")).toArray();
        QCOMPARE(ignored.size(), 2); // the unnamed index column and Chat
        QCOMPARE(ignored[1].toString(), QStringLiteral("Chat"));
        const qint64 dataset = j.value(QStringLiteral("dataset")).toInteger();

        r = hyperCli(ppm("fit") << QStringLiteral("--model") << QStringLiteral("linear")
                                << QStringLiteral("--folds") << QStringLiteral("5")
                                << QStringLiteral("--json"));
        QVERIFY2(r.code == 0, r.err.constData());
        j = r.json();
        for (const char *key :
            { "id", "model", "spearman", "rmse", "n", "terms", "folds", "seconds", "datasets" })
            QVERIFY2(j.contains(QLatin1String(key)), key);
        QCOMPARE(j.value(QStringLiteral("model")).toString(), QStringLiteral("linear"));
        QCOMPARE(j.value(QStringLiteral("n")).toInt(), 40);
        QCOMPARE(j.value(QStringLiteral("terms")).toInt(), 7);
        QCOMPARE(j.value(QStringLiteral("datasets")).toArray(), QJsonArray { dataset });
        QVERIFY2(j.value(QStringLiteral("spearman")).toDouble() > 0.8, r.out.constData());
        const qint64 model = j.value(QStringLiteral("id")).toInteger();

        r = hyperCli(ppm("predict") << csv << QStringLiteral("--json"));
        QVERIFY2(r.code == 0, r.err.constData());
        QCOMPARE(r.json().value(QStringLiteral("model")).toInteger(), model);
        const QJsonArray predicted = r.json().value(QStringLiteral("predictions")).toArray();
        QCOMPARE(predicted.size(), 40);
        // Exactly the stored model's in-sample predictions, and (to rounding: the fit saw the
        // rows shuffled) those of a Ppm fitted here on the CSV.
        ProjectStore store(m_project);
        const auto record = ppmModel(store, model);
        QVERIFY(record);
        const std::vector<double> stored = routing::toPpm(*record).predict(x, 40);
        Ppm here(PpmModel::Linear);
        here.fit(x, 40, int(m_features.size()), y);
        const std::vector<double> fresh = here.predict(x, 40);
        for (int i = 0; i < 40; ++i) {
            QCOMPARE(predicted[i].toDouble(), stored[std::size_t(i)]);
            QVERIFY2(std::abs(predicted[i].toDouble() - fresh[std::size_t(i)]) < 1e-9,
                qPrintable(QString::number(i)));
        }
        const QJsonObject cv = QJsonDocument::fromJson(record->cv.toUtf8()).object();
        QCOMPARE(cv.value(QStringLiteral("actual")).toArray().size(), 40);
        QCOMPARE(cv.value(QStringLiteral("predicted")).toArray().size(), 40);
        QVERIFY(!cv.value(QStringLiteral("learning_curve")).toArray().isEmpty());

        // A quadratic fit, and predict by id with the columns in another order, no Overall.
        r = hyperCli(ppm("fit") << QStringLiteral("--model") << QStringLiteral("quadratic")
                                << QStringLiteral("--ridge") << QStringLiteral("0.5")
                                << QStringLiteral("--json"));
        QVERIFY2(r.code == 0, r.err.constData());
        QCOMPARE(r.json().value(QStringLiteral("terms")).toInt(), 6 + 21 + 1);
        QStringList header = { QStringLiteral("extra") };
        for (int f = int(m_features.size()) - 1; f >= 0; --f)
            header << quoted(m_features[f]);
        QByteArray reversed = header.join(QLatin1Char(',')).toUtf8() + "\n";
        for (int i = 0; i < 3; ++i) {
            QStringList cells = { QStringLiteral("z") };
            for (int f = int(m_features.size()) - 1; f >= 0; --f)
                cells << QString::number(x[std::size_t(i) * std::size_t(m_features.size()) + std::size_t(f)]);
            reversed += cells.join(QLatin1Char(',')).toUtf8() + "\n";
        }
        const QString reordered = file("reordered.csv");
        write(reordered, reversed);
        r = hyperCli(ppm("predict") << reordered << QStringLiteral("--model-id") << QString::number(model)
                                    << QStringLiteral("--json"));
        QVERIFY2(r.code == 0, r.err.constData());
        const QJsonArray again = r.json().value(QStringLiteral("predictions")).toArray();
        QCOMPARE(again.size(), 3);
        for (int i = 0; i < 3; ++i)
            QCOMPARE(again[i].toDouble(), predicted[i].toDouble());

        r = hyperCli(ppm("list") << QStringLiteral("--json"));
        QCOMPARE(r.code, 0);
        QCOMPARE(r.json().value(QStringLiteral("models")).toArray().size(), 2);
        QCOMPARE(r.json().value(QStringLiteral("current_model")).toInteger(), model + 1);
        const QJsonObject listed = r.json().value(QStringLiteral("datasets")).toArray().first().toObject();
        QCOMPARE(listed.value(QStringLiteral("kind")).toString(), QStringLiteral("import"));
        QCOMPARE(listed.value(QStringLiteral("rows")).toInt(), 40);
    }

    void badCsvExits2AndStoresNothing_data()
    {
        QTest::addColumn<QByteArray>("content");
        QTest::addColumn<int>("line");
        QTest::newRow("bad count") << QByteArray("x") << 4;
        QTest::newRow("fraction") << QByteArray("1.5") << 4;
        QTest::newRow("no Overall") << QByteArray() << 1;
    }
    void badCsvExits2AndStoresNothing()
    {
        QFETCH(QByteArray, content);
        QFETCH(int, line);
        QByteArray csv = scoreCsv(5);
        QList<QByteArray> lines = csv.split('\n');
        if (content.isEmpty()) {
            lines[0].replace("Overall", "Score");
        } else {
            QList<QByteArray> cells = lines[3].split(',');
            cells[2] = content;
            lines[3] = cells.join(',');
        }
        const QString bad = file("bad.csv");
        write(bad, lines.join('\n'));
        const int before = datasets();
        const Run r = hyperCli(ppm("import-scores") << bad << QStringLiteral("--json"));
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.startsWith((bad + QStringLiteral(":%1:").arg(line)).toUtf8()), r.err.constData());
        QVERIFY(r.out.isEmpty());
        QCOMPARE(datasets(), before);
    }

    void countColumnsWithoutProjectFeatures()
    {
        // A project without features: named columns whose first value is a whole number
        // are counts; the index, Overall and RewardBench sections are not.
        const QString path = file("reference.csv");
        write(path,
            ",\"a, b\",c,Overall,Chat,Chat Hard,Safety\n"
            "0,3,4.0,0.61,0.9,0.5,1\n"
            "1,\"5\",0,0.58,0.8,0.4,1\n");
        const routing::ScoreCsv csv = routing::readScoreCsv(path, {}, false, true, true);
        QCOMPARE(csv.features, (QStringList { QStringLiteral("a, b"), QStringLiteral("c") }));
        QCOMPARE(csv.ignored,
            (QStringList { QStringLiteral("column_1"), QStringLiteral("Chat"), QStringLiteral("Chat Hard"),
                QStringLiteral("Safety") }));
        QCOMPARE(csv.counts, (std::vector<std::vector<double>> { { 3, 4 }, { 5, 0 } }));
        QCOMPARE(csv.scores, (std::vector<double> { 0.61, 0.58 }));
        QCOMPARE(csv.lines, (std::vector<qint64> { 2, 3 }));
    }

    void predictNeedsEveryFeatureColumn()
    {
        QVERIFY(models() > 0);
        QByteArray csv = scoreCsv(3);
        csv.replace(quoted(m_features[2]).toUtf8(), "something_else");
        const QString path = file("missing.csv");
        write(path, csv);
        const Run r = hyperCli(ppm("predict") << path << QStringLiteral("--json"));
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.startsWith((path + QStringLiteral(":1: missing column ") + m_features[2]).toUtf8()),
            r.err.constData());
    }

    // hyper ppm fit --protocol reference against scikit-learn running the reference's
    // train_regressor.py protocol on the same rows (tests/data/ppm/make_protocol_golden.py).
    void fitReferenceProtocol()
    {
        QFile golden(QStringLiteral(HYPER_TEST_DATA_DIR "/ppm/protocol.csv"));
        QVERIFY(golden.open(QIODevice::ReadOnly));
        QList<QByteArray> lines = golden.readAll().split('\n');
        QStringList header;
        for (int i = 0; i < 6; ++i)
            header << quoted(m_features[i]);
        header << QStringLiteral("Overall");
        QByteArray csv = header.join(QLatin1Char(',')).toUtf8() + "\n";
        for (qsizetype i = 1; i < lines.size(); ++i)
            if (!lines[i].isEmpty())
                csv += lines[i] + "\n";
        const QString path = file("protocol.csv");
        write(path, csv);
        // In default mode an empty Overall is an error; in reference mode (the default for
        // imports) its row is dropped, as the reference's pd.read_csv().dropna().
        const Run strict = hyperCli(ppm("import-scores") << path << QStringLiteral("--count-mode")
                                                         << QStringLiteral("default"));
        QCOMPARE(strict.code, 2);
        QVERIFY2(strict.err.startsWith((path + QStringLiteral(":11: ")).toUtf8()), strict.err.constData());
        const Run imported = hyperCli(ppm("import-scores") << path << QStringLiteral("--json"));
        QVERIFY2(imported.code == 0, imported.err.constData());
        QCOMPARE(imported.json().value(QStringLiteral("rows")).toInt(), 57);
        QCOMPARE(imported.json().value(QStringLiteral("dropped")).toInt(), 1);
        QCOMPARE(imported.json().value(QStringLiteral("dropped_lines")).toArray().at(0).toInteger(), 11);
        const QString id = QString::number(imported.json().value(QStringLiteral("dataset")).toInteger());

        QFile expected(QStringLiteral(HYPER_TEST_DATA_DIR "/ppm/protocol_golden.csv"));
        QVERIFY(expected.open(QIODevice::ReadOnly));
        QMap<QString, std::pair<double, double>> full; // model -> (mse, rmse) of the 45-row fit
        for (const QByteArray &line : expected.readAll().split('\n')) {
            const QList<QByteArray> c = line.trimmed().split(',');
            if (c.size() == 4 && c[1] == "45" && c[0] != "quadratic") // the exact quadratic, see tst_ppm
                full.insert(QString::fromLatin1(c[0]).remove(QStringLiteral("_exact")), {c[2].toDouble(), c[3].toDouble()});
        }
        QCOMPARE(full.size(), 2);
        for (const QString &model : full.keys()) {
            const int before = models();
            const Run r = hyperCli(ppm("fit") << QStringLiteral("--model") << model << QStringLiteral("--protocol")
                                              << QStringLiteral("reference") << QStringLiteral("--dataset") << id
                                              << QStringLiteral("--json"));
            QVERIFY2(r.code == 0, r.err.constData());
            const QJsonObject j = r.json();
            QCOMPARE(j.value(QStringLiteral("protocol")).toString(), QStringLiteral("reference"));
            QCOMPARE(j.value(QStringLiteral("train_rows")).toInt(), 45);
            QCOMPARE(j.value(QStringLiteral("test_rows")).toInt(), 12);
            QCOMPARE(j.value(QStringLiteral("seed")).toInteger(), 42);
            const double mse = j.value(QStringLiteral("mse")).toDouble();
            const double rmse = j.value(QStringLiteral("rmse")).toDouble();
            QVERIFY2(std::abs(mse - full[model].first) <= 1e-9 * full[model].first, qPrintable(model));
            QVERIFY2(std::abs(rmse - full[model].second) <= 1e-9 * full[model].second, qPrintable(model));
            QCOMPARE(j.value(QStringLiteral("learning_curve")).toArray().size(), 4);
            QCOMPARE(models(), before + 1);
            ProjectStore store(m_project);
            const std::optional<PpmModelRecord> stored = ppmModel(store, j.value(QStringLiteral("id")).toInteger());
            QVERIFY(stored);
            QCOMPARE(stored->folds, 0);
            QCOMPARE(stored->n, qint64(45));
            QVERIFY(stored->rmse && std::abs(*stored->rmse - rmse) < 1e-12);
        }
        // The reference fits LinearRegression on one split: no ridge, chosen or given.
        for (const QString &ridge : {QStringLiteral("auto"), QStringLiteral("0.5")}) {
            const Run bad = hyperCli(ppm("fit") << QStringLiteral("--model") << QStringLiteral("linear")
                                                << QStringLiteral("--protocol") << QStringLiteral("reference")
                                                << QStringLiteral("--ridge") << ridge << QStringLiteral("--dataset") << id);
            QCOMPARE(bad.code, 2);
        }
        QCOMPARE(hyperCli(ppm("fit") << QStringLiteral("--model") << QStringLiteral("linear")
                                     << QStringLiteral("--protocol") << QStringLiteral("holdout"))
                     .code,
            2);
    }

    // Issue 20: an import is marked as counted the reference's way unless told otherwise; a
    // PPM is fitted on one count mode and carries it.
    void countModes()
    {
        const QString a = file("modes_a.csv"), b = file("modes_b.csv");
        write(a, scoreCsv(15));
        write(b, scoreCsv(15));
        const Run ra = hyperCli(ppm("import-scores") << a << QStringLiteral("--json"));
        QVERIFY2(ra.code == 0, ra.err.constData());
        QCOMPARE(ra.json().value(QStringLiteral("count_mode")).toString(), QStringLiteral("reference"));
        const Run rb = hyperCli(ppm("import-scores") << b << QStringLiteral("--count-mode") << QStringLiteral("default")
                                                     << QStringLiteral("--json"));
        QVERIFY2(rb.code == 0, rb.err.constData());
        QCOMPARE(rb.json().value(QStringLiteral("count_mode")).toString(), QStringLiteral("default"));
        const QString ida = QString::number(ra.json().value(QStringLiteral("dataset")).toInteger());
        const QString idb = QString::number(rb.json().value(QStringLiteral("dataset")).toInteger());

        const Run list = hyperCli(ppm("list") << QStringLiteral("--json"));
        QCOMPARE(list.code, 0);
        QMap<QString, QString> modes;
        for (const QJsonValue &v : list.json().value(QStringLiteral("datasets")).toArray())
            modes.insert(QString::number(v.toObject().value(QStringLiteral("id")).toInteger()),
                         v.toObject().value(QStringLiteral("count_mode")).toString());
        QCOMPARE(modes.value(ida), QStringLiteral("reference"));
        QCOMPARE(modes.value(idb), QStringLiteral("default"));

        const int before = models();
        const Run mixed = hyperCli(ppm("fit") << QStringLiteral("--model") << QStringLiteral("linear")
                                              << QStringLiteral("--folds") << QStringLiteral("3")
                                              << QStringLiteral("--dataset") << ida << QStringLiteral("--dataset") << idb);
        QCOMPARE(mixed.code, 2);
        QVERIFY2(mixed.err.contains("fit them separately"), mixed.err.constData());
        QCOMPARE(models(), before);
        const Run fit = hyperCli(ppm("fit") << QStringLiteral("--model") << QStringLiteral("linear")
                                            << QStringLiteral("--folds") << QStringLiteral("3")
                                            << QStringLiteral("--dataset") << ida << QStringLiteral("--json"));
        QVERIFY2(fit.code == 0, fit.err.constData());
        QCOMPARE(fit.json().value(QStringLiteral("count_mode")).toString(), QStringLiteral("reference"));
        QCOMPARE(hyperCli(ppm("import-scores") << a << QStringLiteral("--count-mode") << QStringLiteral("exact")).code, 2);
        QCOMPARE(hyperCli(ppm("collect") << QStringLiteral("--candidates") << QStringLiteral("1")
                                         << QStringLiteral("--count-mode") << QStringLiteral("exact"))
                     .code,
            2);
    }

    void fitWithTooFewRowsExits2()
    {
        const QString csv = file("few.csv");
        write(csv, scoreCsv(3));
        const Run imported = hyperCli(ppm("import-scores") << csv << QStringLiteral("--json"));
        QCOMPARE(imported.code, 0);
        const QString id = QString::number(imported.json().value(QStringLiteral("dataset")).toInteger());
        const int before = models();
        const Run r = hyperCli(ppm("fit") << QStringLiteral("--model") << QStringLiteral("linear")
                                          << QStringLiteral("--dataset") << id << QStringLiteral("--json"));
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains("too few rows"), r.err.constData());
        QCOMPARE(models(), before);
        QCOMPARE(hyperCli(ppm("fit") << QStringLiteral("--model") << QStringLiteral("cubic")).code, 2);
        QCOMPARE(hyperCli(ppm("fit") << QStringLiteral("--model") << QStringLiteral("linear")
                                     << QStringLiteral("--dataset") << QStringLiteral("999"))
                     .code,
            2);
    }

    void collectResumes()
    {
        const QStringList collect = ppm("collect")
            << QStringLiteral("--candidates") << QStringLiteral("6") << QStringLiteral("--metric")
            << QStringLiteral("agreement:lm") << QStringLiteral("--json");
        Run r = hyperCli(collect);
        QVERIFY2(r.code == 0, r.err.constData());
        QJsonObject j = r.json();
        for (const char *key : { "dataset", "candidates", "measured", "reused", "failed", "seconds" })
            QVERIFY2(j.contains(QLatin1String(key)), key);
        QCOMPARE(j.value(QStringLiteral("measured")).toInt(), 6);
        r = hyperCli(collect);
        QCOMPARE(r.code, 0);
        QCOMPARE(r.json().value(QStringLiteral("reused")).toInt(), 6);
        QCOMPARE(r.json().value(QStringLiteral("measured")).toInt(), 0);
        QCOMPARE(r.json().value(QStringLiteral("dataset")), j.value(QStringLiteral("dataset")));

        const int before = datasets();
        r = hyperCli(ppm("collect") << QStringLiteral("--candidates") << QStringLiteral("2")
                                    << QStringLiteral("--metric") << QStringLiteral("agreement:oracle"));
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains("unknown agreement source"), r.err.constData());
        QCOMPARE(
            hyperCli(ppm("collect") << QStringLiteral("--metric") << QStringLiteral("rm")).code, 2); // no K
        QCOMPARE(datasets(), before);
    }

    void trainRmOnAStoredPlan()
    {
        qint64 plan = 0;
        std::vector<qint64> members;
        {
            ProjectStore store(m_project);
            InstanceFilter train;
            train.split = Split::Train;
            for (const InstanceSummary &s : store.listInstances(train, 0, 1000))
                if (s.id % 3 == 0)
                    members.push_back(s.id);
            RoutePlanRecord record;
            record.strategy = QStringLiteral("test");
            record.budget = qint64(members.size());
            plan = insertRoutePlan(store, record, members);
            applyRoutePlan(store, plan);
        }
        Run r = hyperCli({ QStringLiteral("list"), QStringLiteral("--project"), m_project,
            QStringLiteral("--route"), QStringLiteral("human"), QStringLiteral("--limit"),
            QStringLiteral("1000"), QStringLiteral("--json") });
        QCOMPARE(r.json().value(QStringLiteral("instances")).toArray().size(), int(members.size()));
        const QStringList train = { QStringLiteral("train-rm"), QStringLiteral("--project"), m_project,
            QStringLiteral("--epochs"), QStringLiteral("1"), QStringLiteral("--json"),
            QStringLiteral("--mix") };
        r = hyperCli(train + QStringList { QStringLiteral("plan:%1").arg(plan) });
        QVERIFY2(r.code == 0, r.err.constData());
        QVERIFY(r.json().value(QStringLiteral("train_pairs")).toInt() > 200);
        QVERIFY(r.json().value(QStringLiteral("overall")).toDouble() > 0.0);
        r = hyperCli(train + QStringList { QStringLiteral("plan:999") });
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains("no routing plan 999"), r.err.constData());
    }
};

QTEST_GUILESS_MAIN(TestCliPpm)
#include "tst_cli_ppm.moc"
