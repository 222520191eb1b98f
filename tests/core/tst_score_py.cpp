// SPDX-License-Identifier: GPL-3.0-or-later
// scripts/score_rm.py (numpy only) against `hyper score --input`: the same JSONL, to
// 1e-4 (relative above 1), for the bag and the transformer. Skipped when /usr/bin/python3
// has no numpy (scripts/install-deps.sh installs python3-numpy).
#include "clitesthelpers.h"
#include "core/ml/bundle.h"
#include "core/ml/modelfile.h"
#include "core/ml/trainer.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>

using namespace hyper;
using hyper::testing::runCli;

namespace {

const QString kPython = QStringLiteral("/usr/bin/python3");
const QString kScript = QStringLiteral(HYPER_SOURCE_DIR "/scripts/score_rm.py");

std::vector<ml::PairText> toyPairs(int n)
{
    std::vector<ml::PairText> v;
    for (int i = 0; i < n; ++i) {
        ml::PairText p;
        p.prompt = "How do I cook item " + std::to_string(i % 7) + "?";
        p.chosen = "Great helpful answer with detail number " + std::to_string(i) + " indeed, step by step";
        p.rejected = "bad " + std::to_string(i);
        p.subset = "chat";
        v.push_back(p);
    }
    return v;
}

/** Trains a small model of the kind on toy pairs and saves it. */
void saveToyModel(const ml::TrainConfig &config, const QString &path)
{
    const ml::Bundle b = ml::makeBundle(toyPairs(96), toyPairs(16), config);
    const ml::TrainResult r = ml::trainBundle(b, {}, /*keepWeights=*/true);
    ml::saveTrainedModel(path.toStdString(), b, r);
}

/** id -> (score_a, score_b) of a scores JSONL. */
QMap<QString, QPair<double, double>> readScores(const QByteArray &jsonl)
{
    QMap<QString, QPair<double, double>> out;
    for (const QByteArray &line : jsonl.split('\n')) {
        if (line.trimmed().isEmpty())
            continue;
        const QJsonObject o = QJsonDocument::fromJson(line).object();
        out.insert(o.value(QStringLiteral("id")).toString(),
                   {o.value(QStringLiteral("score_a")).toDouble(), o.value(QStringLiteral("score_b")).toDouble()});
    }
    return out;
}

} // namespace

class TestScorePy : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_pairs;

private Q_SLOTS:
    void initTestCase()
    {
        QProcess probe;
        probe.start(kPython, {QStringLiteral("-c"), QStringLiteral("import numpy")});
        if (!probe.waitForFinished(30000) || probe.exitCode() != 0)
            QSKIP("/usr/bin/python3 has no numpy (apt install python3-numpy)");
        QVERIFY(m_dir.isValid());
        // Pairs that reach the corners: empty texts, UTF-8, punctuation, texts longer than
        // the caps, a prompt longer than its share of the transformer's tokens.
        m_pairs = m_dir.filePath(QStringLiteral("pairs.jsonl"));
        QFile f(m_pairs);
        QVERIFY(f.open(QIODevice::WriteOnly));
        QString longText;
        for (int i = 0; i < 400; ++i)
            longText += QStringLiteral("word%1 and more, ").arg(i % 37);
        const auto row = [](const QString &id, const QString &prompt, const QString &a, const QString &b) {
            return QJsonObject{{QStringLiteral("id"), id}, {QStringLiteral("prompt"), prompt},
                               {QStringLiteral("response_a"), a}, {QStringLiteral("response_b"), b}};
        };
        const QList<QJsonObject> rows = {
            row(QStringLiteral("plain"), QStringLiteral("How do I cook item 3?"), QStringLiteral("Great helpful answer with detail"),
                QStringLiteral("bad")),
            row(QStringLiteral("empty-a"), QStringLiteral("Say hi"), QString(), QStringLiteral("Hello there! How can I help?")),
            row(QStringLiteral("empty-prompt"), QString(), QStringLiteral("only responses"), QString()),
            row(QStringLiteral("empty-responses"), QStringLiteral("?"), QString(), QString()),
            row(QStringLiteral("utf8"), QStringLiteral("Grüße aus 東京!"), QStringLiteral("こんにちは、元気ですか"),
                QStringLiteral("Hallo -- WELCOME to Tokyo/東京 :)")),
            row(QStringLiteral("long"), longText, longText + QStringLiteral(" extra"), QStringLiteral("short answer")),
            row(QStringLiteral("numbers"), QStringLiteral("What is 3.14 x 42?"), QStringLiteral("131.88"),
                QStringLiteral("It is about 132, since 3.14*42 = 131.88.")),
        };
        for (const QJsonObject &o : rows)
            f.write(QJsonDocument(o).toJson(QJsonDocument::Compact) + "\n");
        for (int i = 0; i < 30; ++i)
            f.write(QJsonDocument(row(QStringLiteral("toy%1").arg(i), QStringLiteral("How do I cook item %1?").arg(i % 9),
                                      QStringLiteral("answer number %1 with detail").arg(i * 7), QStringLiteral("bad %1").arg(i)))
                        .toJson(QJsonDocument::Compact)
                    + "\n");
    }

    void agreesWithHyperScore_data()
    {
        QTest::addColumn<QString>("model");
        QTest::newRow("bag") << QStringLiteral("bag");
        QTest::newRow("transformer") << QStringLiteral("transformer");
    }

    void agreesWithHyperScore()
    {
        QFETCH(QString, model);
        ml::TrainConfig config = ml::TrainConfig::defaults(model.toStdString());
        config.device = "cpu";
        config.epochs = model == QLatin1String("bag") ? 2 : 1;
        if (model == QLatin1String("transformer"))
            config.tokenizer.buckets = 4096; // the default max_tokens (256) stays
        const QString file = m_dir.filePath(model + QStringLiteral(".safetensors"));
        saveToyModel(config, file);

        const QString out = m_dir.filePath(model + QStringLiteral("-hyper.jsonl"));
        const auto hyper = runCli({QStringLiteral("score"), QStringLiteral("--model"), file, QStringLiteral("--input"), m_pairs,
                                   QStringLiteral("--out"), out, QStringLiteral("--device"), QStringLiteral("cpu")});
        QVERIFY2(hyper.code == 0, hyper.err.constData());
        QFile hf(out);
        QVERIFY(hf.open(QIODevice::ReadOnly));
        const auto expected = readScores(hf.readAll());

        QProcess py;
        py.start(kPython, {kScript, QStringLiteral("--model"), file, m_pairs});
        QVERIFY(py.waitForFinished(300000));
        QVERIFY2(py.exitCode() == 0, py.readAllStandardError().constData());
        const auto got = readScores(py.readAllStandardOutput());

        QCOMPARE(got.keys(), expected.keys());
        QCOMPARE(got.size(), 37);
        double worst = 0;
        for (auto it = expected.begin(); it != expected.end(); ++it) {
            const auto [a, b] = got.value(it.key());
            for (const auto &[x, y] : {std::pair{a, it.value().first}, std::pair{b, it.value().second}}) {
                const double err = std::abs(x - y) / std::max(1.0, std::abs(y));
                worst = std::max(worst, err);
                QVERIFY2(err <= 1e-4, qPrintable(QStringLiteral("%1: python %2, hyper %3").arg(it.key()).arg(x).arg(y)));
            }
        }
        // Not a constant model: the pairs get different scores.
        QVERIFY(expected.value(QStringLiteral("plain")).first != expected.value(QStringLiteral("utf8")).first);
        qInfo("%s: worst relative difference %.2g over %lld pairs", qPrintable(model), worst, qlonglong(expected.size()));
    }

    void refusesABrokenModel()
    {
        const QString bad = m_dir.filePath(QStringLiteral("bad.safetensors"));
        QFile f(bad);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("not a model");
        f.close();
        QProcess py;
        py.start(kPython, {kScript, QStringLiteral("--model"), bad, m_pairs});
        QVERIFY(py.waitForFinished(60000));
        QCOMPARE(py.exitCode(), 1);
        QVERIFY(py.readAllStandardError().contains("bad.safetensors"));
        QVERIFY(py.readAllStandardOutput().isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestScorePy)
#include "tst_score_py.moc"
