// SPDX-License-Identifier: GPL-3.0-or-later
// `hyper agreement` on real data against an independent Python implementation
// (tests/realdata/agreement_check.py reads the raw JSONL, not the project): PandaLM's
// three humans (pairwise percent agreement and Cohen's kappa, Krippendorff's alpha) and
// two judges (agreement with the human majority); LLMBar's judges in both orders
// (agreement with the gold label, position consistency). Equal to 1e-9.
// Label "real-data": skipped where the data or /usr/bin/python3 is missing.

#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>
#include <cmath>

namespace {

QString realDir()
{
    const QByteArray env = qgetenv("HYPER_REAL_DATA_DIR");
    return env.isEmpty() ? QStringLiteral(HYPER_REAL_DATA_DIR) : QString::fromLocal8Bit(env);
}

constexpr const char *kPython = "/usr/bin/python3";

struct Run {
    int code = -1;
    QByteArray out, err;
};

Run run(const QString &program, const QStringList &args)
{
    QProcess p;
    p.start(program, args);
    p.waitForFinished(240000);
    return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1, p.readAllStandardOutput(),
            p.readAllStandardError()};
}

/** hyper's JSON flattened to the script's paths (see agreement_check.py). */
QMap<QString, QJsonValue> flatten(const QJsonObject &o)
{
    QMap<QString, QJsonValue> out;
    for (const QJsonValue &v : o.value(QStringLiteral("pairs")).toArray()) {
        const QJsonObject p = v.toObject();
        const QString prefix = QStringLiteral("pairs/%1|%2/").arg(p.value(QStringLiteral("a")).toString(),
                                                                  p.value(QStringLiteral("b")).toString());
        for (auto it = p.begin(); it != p.end(); ++it)
            out.insert(prefix + it.key(), it.value());
    }
    const QJsonObject alpha = o.value(QStringLiteral("krippendorff_alpha")).toObject();
    for (auto it = alpha.begin(); it != alpha.end(); ++it)
        out.insert(QStringLiteral("krippendorff_alpha/") + it.key(), it.value());
    for (const QJsonValue &v : o.value(QStringLiteral("judges")).toArray()) {
        const QJsonObject j = v.toObject();
        const QString prefix = QStringLiteral("judges/%1/").arg(j.value(QStringLiteral("judge")).toString());
        for (auto it = j.begin(); it != j.end(); ++it)
            out.insert(prefix + it.key(), it.value());
        const QJsonObject pos = j.value(QStringLiteral("position")).toObject();
        for (auto it = pos.begin(); it != pos.end(); ++it)
            out.insert(prefix + QStringLiteral("position/") + it.key(), it.value());
    }
    return out;
}

} // namespace

class TestRealDataAgreement : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;

    /** Imports FILE with its preset, runs `hyper agreement --json` and the script, and
     *  compares every value the script gives. Returns hyper's JSON. */
    QJsonObject crossCheck(const char *fileName, const char *format, int minValues)
    {
        const QString file = QDir(realDir()).filePath(QString::fromLatin1(fileName));
        if (!QFileInfo::exists(file)) {
            QTest::qSkip(qPrintable(QStringLiteral("real data file missing: %1").arg(file)), __FILE__, __LINE__);
            return {};
        }
        if (!QFileInfo::exists(QString::fromLatin1(kPython))) {
            QTest::qSkip("no /usr/bin/python3 for the independent check", __FILE__, __LINE__);
            return {};
        }
        const QString hyper = QStringLiteral(HYPER_CLI_PATH);
        const QString project = m_dir.filePath(QString::fromLatin1(format) + QStringLiteral(".hyper"));
        Run r = run(hyper, {QStringLiteral("init"), QStringLiteral("--project"), project});
        if (r.code == 0)
            r = run(hyper, {QStringLiteral("import"), QStringLiteral("--project"), project, file,
                            QStringLiteral("--format"), QString::fromLatin1(format), QStringLiteral("--no-index")});
        const Run info = run(hyper, {QStringLiteral("info"), QStringLiteral("--project"), project, QStringLiteral("--json")});
        const QJsonObject infoJson = QJsonDocument::fromJson(info.out).object();
        [&] { QVERIFY2(infoJson.value(QStringLiteral("instances")).toInt() > 0, r.err.constData()); }();
        if (QTest::currentTestFailed())
            return {};

        const Run agreement = run(hyper, {QStringLiteral("agreement"), QStringLiteral("--project"), project,
                                          QStringLiteral("--json")});
        [&] { QVERIFY2(agreement.code == 0, agreement.err.constData()); }();
        if (QTest::currentTestFailed())
            return {};
        const QJsonObject got = QJsonDocument::fromJson(agreement.out).object();
        const Run script = run(QString::fromLatin1(kPython),
                               {QStringLiteral(HYPER_SOURCE_DIR "/tests/realdata/agreement_check.py"),
                                QString::fromLatin1(format), file});
        [&] { QVERIFY2(script.code == 0, script.err.constData()); }();
        if (QTest::currentTestFailed())
            return {};
        const QJsonObject expected =
            QJsonDocument::fromJson(script.out).object().value(QStringLiteral("values")).toObject();
        const QMap<QString, QJsonValue> flat = flatten(got);
        int compared = 0;
        QStringList problems;
        for (auto it = expected.begin(); it != expected.end(); ++it) {
            const auto mine = flat.find(it.key());
            if (mine == flat.end()) {
                problems << it.key() + QStringLiteral(": missing in hyper's output");
                continue;
            }
            ++compared;
            if (it.value().isNull() || mine->isNull()) {
                if (it.value().isNull() != mine->isNull())
                    problems << QStringLiteral("%1: hyper %2, python %3")
                                    .arg(it.key(), mine->isNull() ? QStringLiteral("null") : QString::number(mine->toDouble()),
                                         it.value().isNull() ? QStringLiteral("null") : QString::number(it.value().toDouble()));
                continue;
            }
            const double a = mine->toDouble(), b = it.value().toDouble();
            if (!(std::abs(a - b) <= 1e-9))
                problems << QStringLiteral("%1: hyper %2, python %3").arg(it.key()).arg(a, 0, 'g', 17).arg(b, 0, 'g', 17);
        }
        [&] {
            QVERIFY2(problems.isEmpty(), qPrintable(problems.mid(0, 20).join(QLatin1Char('\n'))));
            QVERIFY2(compared >= minValues, qPrintable(QStringLiteral("only %1 values compared").arg(compared)));
        }();
        qInfo("%s: %d values equal to 1e-9", format, compared);
        return got;
    }

private Q_SLOTS:
    void pandalm()
    {
        const QJsonObject j = crossCheck("pandalm_testset_human3_gpt35_pandalm7b.jsonl", "pandalm", 40);
        if (QTest::currentTestFailed() || j.isEmpty())
            return;
        QCOMPARE(j.value(QStringLiteral("pairs")).toArray().size(), 3);
        const QJsonObject alpha = j.value(QStringLiteral("krippendorff_alpha")).toObject();
        QCOMPARE(alpha.value(QStringLiteral("units")).toInt(), 999);
        for (const QJsonValue &v : j.value(QStringLiteral("pairs")).toArray()) {
            const QJsonObject p = v.toObject();
            qInfo("%s ~ %s: n=%d percent %.4f kappa %.4f", qPrintable(p.value(QStringLiteral("a")).toString()),
                  qPrintable(p.value(QStringLiteral("b")).toString()), p.value(QStringLiteral("n")).toInt(),
                  p.value(QStringLiteral("percent")).toDouble(), p.value(QStringLiteral("kappa")).toDouble());
        }
        qInfo("alpha ordinal %.4f nominal3 %.4f over %d units", alpha.value(QStringLiteral("ordinal")).toDouble(),
              alpha.value(QStringLiteral("nominal3")).toDouble(), alpha.value(QStringLiteral("units")).toInt());
        for (const QJsonValue &v : j.value(QStringLiteral("judges")).toArray()) {
            const QJsonObject o = v.toObject();
            qInfo("judge %s: agreement %.4f on %d decided, A/tie/B %.4f kappa %.4f on %d, unusable %d",
                  qPrintable(o.value(QStringLiteral("judge")).toString()), o.value(QStringLiteral("agreement")).toDouble(),
                  o.value(QStringLiteral("n")).toInt(), o.value(QStringLiteral("agreement3")).toDouble(),
                  o.value(QStringLiteral("kappa3")).toDouble(), o.value(QStringLiteral("n3")).toInt(),
                  o.value(QStringLiteral("unusable")).toInt());
        }
    }

    void llmbar()
    {
        const QJsonObject j = crossCheck("llmbar_human_gold_vs_llm_judges.jsonl", "llmbar", 500);
        if (QTest::currentTestFailed() || j.isEmpty())
            return;
        // One gold annotator: no pairs, no alpha; every judge has both orders.
        QCOMPARE(j.value(QStringLiteral("pairs")).toArray().size(), 0);
        int withPosition = 0;
        for (const QJsonValue &v : j.value(QStringLiteral("judges")).toArray())
            withPosition += v.toObject().contains(QStringLiteral("position"));
        QVERIFY(withPosition > 0);
        QCOMPARE(withPosition, int(j.value(QStringLiteral("judges")).toArray().size()));
    }
};

QTEST_GUILESS_MAIN(TestRealDataAgreement)
#include "tst_realdata_agreement.moc"
