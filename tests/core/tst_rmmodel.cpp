// SPDX-License-Identifier: GPL-3.0-or-later
// Saved reward models (issue 15): model files (safetensors), scoring a split and a file,
// the failure cases, bundles that torch.load(weights_only=True) accepts, and a model as
// a judge.
#include "clitesthelpers.h"
#include "core/jobs/feedback.h"
#include "core/ml/bundle.h"
#include "core/ml/modelfile.h"
#include "core/ml/scorer.h"
#include "core/mlbridge/rmrun.h"
#include "core/mlbridge/rmscore.h"
#include "core/sample/samplegenerator.h"
#include "core/storage/lmstore.h"
#include "core/storage/mixqueries.h"
#include "core/storage/projectstore.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QtTest>

using namespace hyper;
using hyper::testing::runCli;

namespace {

QByteArray readAll(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

void writeAll(const QString &path, const QByteArray &bytes)
{
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
    QCOMPARE(f.write(bytes), bytes.size());
}

/** The model file's header (the JSON after the 8-byte length). */
QJsonObject header(const QByteArray &file)
{
    quint64 n = 0;
    for (int i = 7; i >= 0; --i)
        n = (n << 8) | quint8(file[i]);
    return QJsonDocument::fromJson(file.mid(8, qsizetype(n))).object();
}

/** A model file with its header replaced (same data area). */
QByteArray withHeader(const QByteArray &file, const QJsonObject &h)
{
    quint64 n = 0;
    for (int i = 7; i >= 0; --i)
        n = (n << 8) | quint8(file[i]);
    QByteArray json = QJsonDocument(h).toJson(QJsonDocument::Compact);
    while (json.size() % 8)
        json += ' ';
    QByteArray out(8, '\0');
    for (int i = 0; i < 8; ++i)
        out[i] = char((quint64(json.size()) >> (8 * i)) & 0xff);
    return out + json + file.mid(8 + qsizetype(n));
}

QString modelError(const QString &path)
{
    try {
        ml::readModelFile(path.toStdString());
    } catch (const ml::ModelFileError &e) {
        return QString::fromUtf8(e.what());
    }
    return {};
}

} // namespace

class TestRmModel : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_project, m_small, m_bag, m_transformer;
    RmRunResult m_bagRun, m_transformerRun;

    QString path(const char *name) const { return m_dir.filePath(QLatin1String(name)); }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_project = path("sample.hyper");
        ProjectStore store(m_project, ProjectStore::Mode::CreateNew);
        SampleParams sample;
        sample.trainSize = 1200;
        sample.evalSize = 400;
        Feedback quiet;
        writeSample(store, sample, quiet);

        RmRunParams params;
        params.config = ml::TrainConfig::defaults("bag");
        params.config.device = "cpu";
        m_bag = path("bag.safetensors");
        params.modelOut = m_bag;
        m_bagRun = runRewardModel(store, params, quiet);

        // A small transformer on a small project: one epoch on short sequences with a
        // small table keeps it to seconds on a CPU (the default one takes ~10 s a step).
        m_small = path("small.hyper");
        ProjectStore small(m_small, ProjectStore::Mode::CreateNew);
        SampleParams few;
        few.trainSize = 120;
        few.evalSize = 80;
        writeSample(small, few, quiet);
        RmRunParams t;
        t.mix = QStringLiteral("lm");
        t.config = ml::TrainConfig::defaults("transformer");
        t.config.device = "cpu";
        t.config.epochs = 1;
        t.config.tokenizer.maxIds = 32;
        t.config.tokenizer.buckets = 4096;
        m_transformer = path("transformer.safetensors");
        t.modelOut = m_transformer;
        m_transformerRun = runRewardModel(small, t, quiet);
    }

    void savedModelIsSafetensorsWithEverythingToScore()
    {
        const QByteArray file = readAll(m_bag);
        const QJsonObject h = header(file);
        const QJsonObject meta = h.value(QStringLiteral("__metadata__")).toObject();
        QCOMPARE(meta.value(QStringLiteral("format")).toString(), QStringLiteral("hyper-reward-model"));
        QCOMPARE(meta.value(QStringLiteral("format_version")).toString(), QStringLiteral("1"));
        QCOMPARE(meta.value(QStringLiteral("model")).toString(), QStringLiteral("bag"));
        QCOMPARE(meta.value(QStringLiteral("mix")).toString(), QStringLiteral("human"));
        QCOMPARE(meta.value(QStringLiteral("seed")).toString(), QStringLiteral("1"));
        QCOMPARE(meta.value(QStringLiteral("run")).toString(), QString::number(m_bagRun.runId));
        ProjectStore store(m_project);
        QCOMPARE(meta.value(QStringLiteral("project_uuid")).toString(), store.meta("project_uuid"));
        QVERIFY(!meta.value(QStringLiteral("tool_version")).toString().isEmpty());
        QCOMPARE(meta.value(QStringLiteral("overall")).toString().toDouble(), m_bagRun.scores.overall);
        const QJsonObject sections = QJsonDocument::fromJson(meta.value(QStringLiteral("sections")).toString().toUtf8()).object();
        QCOMPARE(std::size_t(sections.size()), m_bagRun.scores.sections.size());
        const QJsonObject tok = QJsonDocument::fromJson(meta.value(QStringLiteral("tokenizer")).toString().toUtf8()).object();
        QCOMPARE(tok.value(QStringLiteral("buckets")).toInteger(), qint64(1) << 18);
        QCOMPARE(tok.value(QStringLiteral("char_ngram")).toInt(), 3);
        QCOMPARE(tok.value(QStringLiteral("max_tokens")).toInt(), 2048);
        const QJsonArray tests = QJsonDocument::fromJson(meta.value(QStringLiteral("tokenizer_tests")).toString().toUtf8()).array();
        QVERIFY(tests.size() >= 2);
        QVERIFY(!tests[0].toObject().value(QStringLiteral("ids")).toArray().isEmpty());
        // Tensors: F32, little-endian, contiguous byte ranges that cover the data area.
        const QJsonObject table = h.value(QStringLiteral("table")).toObject();
        QCOMPARE(table.value(QStringLiteral("dtype")).toString(), QStringLiteral("F32"));
        QCOMPARE(table.value(QStringLiteral("shape")).toArray(), (QJsonArray{262144, 32}));
        qint64 end = 0;
        for (auto it = h.begin(); it != h.end(); ++it)
            if (it.key() != QLatin1String("__metadata__"))
                end = std::max(end, qint64(it.value().toObject().value(QStringLiteral("data_offsets")).toArray()[1].toDouble()));
        quint64 n = 0;
        for (int i = 7; i >= 0; --i)
            n = (n << 8) | quint8(file[i]);
        QCOMPARE(qint64(file.size()), qint64(8 + n) + end);
        QCOMPARE(n % 8, quint64(0));
        // The run records where its model went.
        QCOMPARE(rmRun(store, m_bagRun.runId)->modelPath, QFileInfo(m_bag).absoluteFilePath());
        QCOMPARE(m_bagRun.modelPath, QFileInfo(m_bag).absoluteFilePath());
    }

    void scoringTheSplitGivesTheRunsNumbers_data()
    {
        QTest::addColumn<int>("which");
        QTest::newRow("bag") << 0;
        QTest::newRow("transformer") << 1;
    }

    void scoringTheSplitGivesTheRunsNumbers()
    {
        QFETCH(int, which);
        const RmRunResult &run = which == 0 ? m_bagRun : m_transformerRun;
        const QString model = which == 0 ? m_bag : m_transformer;
        ProjectStore store(which == 0 ? m_project : m_small);
        const ScoreProjectResult r = scoreProject(store, model, Split::Eval, QStringLiteral("cpu"));
        QVERIFY(r.sameProject);
        QCOMPARE(r.pairs, run.evalPairs);
        QVERIFY(std::abs(r.scores.overall - run.scores.overall) <= 1e-6);
        QCOMPARE(r.scores.sections.size(), run.scores.sections.size());
        for (const auto &[name, acc] : run.scores.sections)
            QVERIFY2(std::abs(r.scores.sections.at(name) - acc) <= 1e-6, name.c_str());
        // Not a constant: the train split scores differently (a model fits its train data).
        const ScoreProjectResult train = scoreProject(store, model, Split::Train, QStringLiteral("cpu"));
        QVERIFY(train.pairs > r.pairs);
        QVERIFY(train.scores.overall != r.scores.overall);
    }

    void cliScoreMatchesTrainRm()
    {
        const QString model = path("cli.safetensors");
        const auto trained = runCli({QStringLiteral("train-rm"), QStringLiteral("--project"), m_project, QStringLiteral("--mix"),
                                     QStringLiteral("random:0.5"), QStringLiteral("--seed"), QStringLiteral("7"),
                                     QStringLiteral("--model-out"), model, QStringLiteral("--json")});
        QVERIFY2(trained.code == 0, trained.err.constData());
        QCOMPARE(trained.json().value(QStringLiteral("model_out")).toString(), QFileInfo(model).absoluteFilePath());
        const auto scored = runCli({QStringLiteral("score"), QStringLiteral("--model"), model, QStringLiteral("--project"),
                                    m_project, QStringLiteral("--json")});
        QVERIFY2(scored.code == 0, scored.err.constData());
        const QJsonObject a = trained.json(), b = scored.json();
        QVERIFY(std::abs(a.value(QStringLiteral("overall")).toDouble() - b.value(QStringLiteral("overall")).toDouble()) <= 1e-6);
        const QJsonObject sa = a.value(QStringLiteral("sections")).toObject(), sb = b.value(QStringLiteral("sections")).toObject();
        QCOMPARE(sa.keys(), sb.keys());
        for (const QString &k : sa.keys())
            QVERIFY(std::abs(sa.value(k).toDouble() - sb.value(k).toDouble()) <= 1e-6);
        QCOMPARE(b.value(QStringLiteral("split")).toString(), QStringLiteral("eval"));
    }

    void scoringAFileWritesOneLinePerPair()
    {
        // A pairs file with ids, one without (ids become line numbers), and a CSV mapped
        // with --map: whatever the importer reads.
        const QString jsonl = path("pairs.jsonl");
        QByteArray text;
        text += R"({"id": "p1", "prompt": "How do I boil an egg?", "response_a": "Put it in boiling water for 8 minutes, then cool it.", "response_b": "no"})" "\n";
        text += R"({"id": "p2", "prompt": "Say hi", "response_a": "", "response_b": "Hello! How can I help you today?"})" "\n";
        text += R"({"id": "p3", "prompt": "Grüße aus 東京", "response_a": "こんにちは", "response_b": "Hallo und willkommen"})" "\n";
        writeAll(jsonl, text);
        ScoreFileParams params;
        params.model = m_bag;
        params.input.file = jsonl;
        params.out = path("scores.jsonl");
        params.device = QStringLiteral("cpu");
        Feedback quiet;
        const ScoreFileResult r = scoreFile(params, quiet);
        QCOMPARE(r.pairs, qint64(3));
        const QList<QByteArray> lines = readAll(params.out).trimmed().split('\n');
        QCOMPARE(lines.size(), 3);
        ml::RewardScorer scorer(m_bag.toStdString(), "cpu");
        std::vector<ml::PairText> pairs(1);
        pairs[0].prompt = "How do I boil an egg?";
        pairs[0].chosen = "Put it in boiling water for 8 minutes, then cool it.";
        pairs[0].rejected = "no";
        std::vector<float> a, b;
        scorer.score(pairs, a, b);
        const QJsonObject first = QJsonDocument::fromJson(lines[0]).object();
        QCOMPARE(first.keys(), (QStringList{QStringLiteral("id"), QStringLiteral("score_a"), QStringLiteral("score_b")}));
        QCOMPARE(first.value(QStringLiteral("id")).toString(), QStringLiteral("p1"));
        QCOMPARE(float(first.value(QStringLiteral("score_a")).toDouble()), a[0]);
        QCOMPARE(float(first.value(QStringLiteral("score_b")).toDouble()), b[0]);
        QVERIFY(a[0] != b[0]);
        QCOMPARE(QJsonDocument::fromJson(lines[2]).object().value(QStringLiteral("id")).toString(), QStringLiteral("p3"));

        // CSV through --map, no id column: ids are the line numbers.
        const QString csv = path("pairs.csv");
        writeAll(csv, "question,first,second\n\"How do I boil an egg?\",\"Put it in boiling water for 8 minutes, then cool it.\",no\n");
        const auto cli = runCli({QStringLiteral("score"), QStringLiteral("--model"), m_bag, QStringLiteral("--input"), csv,
                                 QStringLiteral("--map"), QStringLiteral("prompt=question"), QStringLiteral("--map"),
                                 QStringLiteral("response_a=first"), QStringLiteral("--map"), QStringLiteral("response_b=second"),
                                 QStringLiteral("--out"), path("csv-scores.jsonl"), QStringLiteral("--json")});
        QVERIFY2(cli.code == 0, cli.err.constData());
        const QJsonObject row = QJsonDocument::fromJson(readAll(path("csv-scores.jsonl")).trimmed()).object();
        QCOMPARE(row.value(QStringLiteral("id")).toString(), QStringLiteral("2"));
        QCOMPARE(float(row.value(QStringLiteral("score_a")).toDouble()), a[0]);
    }

    void badPairsFileChangesNothing()
    {
        const QString bad = path("bad.jsonl");
        writeAll(bad, R"({"id": "1", "prompt": "p", "response_a": "a", "response_b": "b"})" "\n{not json\n");
        const QString out = path("never.jsonl");
        const auto r = runCli({QStringLiteral("score"), QStringLiteral("--model"), m_bag, QStringLiteral("--input"), bad,
                               QStringLiteral("--out"), out});
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains("bad.jsonl:2"), r.err.constData());
        QVERIFY(!QFileInfo::exists(out));
    }

    void brokenModelFilesAreRefused()
    {
        const QByteArray good = readAll(m_bag);
        struct Case {
            const char *name;
            QByteArray bytes;
            const char *says;
        };
        QJsonObject h = header(good);
        QJsonObject meta = h.value(QStringLiteral("__metadata__")).toObject();
        meta.insert(QStringLiteral("format_version"), QStringLiteral("2"));
        QJsonObject v2 = h;
        v2.insert(QStringLiteral("__metadata__"), meta);
        QJsonObject other = h;
        QJsonObject otherMeta = h.value(QStringLiteral("__metadata__")).toObject();
        otherMeta.insert(QStringLiteral("format"), QStringLiteral("pt"));
        other.insert(QStringLiteral("__metadata__"), otherMeta);
        QJsonObject f16 = h;
        QJsonObject outBias = h.value(QStringLiteral("out.bias")).toObject();
        outBias.insert(QStringLiteral("dtype"), QStringLiteral("F16"));
        f16.insert(QStringLiteral("out.bias"), outBias);
        QByteArray flipped = good;
        flipped[flipped.size() - 1000] = char(flipped[flipped.size() - 1000] ^ 0x10);
        const Case cases[] = {
            {"truncated", good.left(good.size() - 4096), "truncated"},
            {"header-only", good.left(4000), "truncated"},
            {"tiny", QByteArray("abc"), "not a model file"},
            {"text", QByteArray("just some text that is not a model at all\n"), "not a model file"},
            {"bad-json", withHeader(good, h).replace(8, 1, "["), "not JSON"},
            {"flipped-byte", flipped, "checksum"},
            {"version-2", withHeader(good, v2), "format version '2' is not supported"},
            {"not-ours", withHeader(good, other), "not a HyPER reward model"},
            {"f16", withHeader(good, f16), "F16"},
        };
        for (const Case &c : cases) {
            const QString file = path(c.name) + QStringLiteral(".safetensors");
            writeAll(file, c.bytes);
            const QString error = modelError(file);
            QVERIFY2(error.startsWith(file), qPrintable(QLatin1String(c.name) + QStringLiteral(": ") + error));
            QVERIFY2(error.contains(QLatin1String(c.says)), qPrintable(QLatin1String(c.name) + QStringLiteral(": ") + error));
            // The CLI says the same and exits 2, writing nothing.
            const auto r = runCli({QStringLiteral("score"), QStringLiteral("--model"), file, QStringLiteral("--project"), m_project});
            QCOMPARE(r.code, 2);
            QVERIFY2(r.err.contains(c.says), r.err.constData());
        }
        QVERIFY(modelError(path("missing.safetensors")).contains(QLatin1String("no such file")));
        QVERIFY(modelError(m_bag).isEmpty());
        const auto usage = runCli({QStringLiteral("score"), QStringLiteral("--model"), m_bag});
        QCOMPARE(usage.code, 2);
    }

    void hyperTrainSavesAndScoresModels()
    {
        const QString bundle = path("run.bundle");
        const auto b = runCli({QStringLiteral("train-rm"), QStringLiteral("--project"), m_project, QStringLiteral("--mix"),
                               QStringLiteral("human"), QStringLiteral("--bundle-out"), bundle});
        QVERIFY2(b.code == 0, b.err.constData());
        const ml::Bundle loaded = ml::loadBundle(bundle.toStdString());
        // Instance ids travel with the pairs, and the provenance with the bundle.
        QCOMPARE(loaded.trainIds.size(), loaded.train.size());
        QCOMPARE(loaded.evalIds.size(), loaded.eval.size());
        QVERIFY(loaded.evalIds.front() > 1200); // eval instances come after the train ones
        QCOMPARE(loaded.info.at("mix"), std::string("human"));

        QProcess train;
        const QString model = path("hyper-train.safetensors");
        train.start(QStringLiteral(HYPER_TRAIN_PATH), {bundle, QStringLiteral("--out"), path("metrics.json"),
                                                      QStringLiteral("--model-out"), model, QStringLiteral("--device"),
                                                      QStringLiteral("cpu"), QStringLiteral("--quiet")});
        QVERIFY(train.waitForFinished(180000));
        QCOMPARE(train.exitCode(), 0);
        const double overall = QJsonDocument::fromJson(readAll(path("metrics.json"))).object().value(QStringLiteral("overall")).toDouble();
        QCOMPARE(readModelSummary(model).overall, overall);
        QCOMPARE(readModelSummary(model).mix, QStringLiteral("human"));
        // The same numbers as the in-process run with the same config (CPU is deterministic).
        QCOMPARE(overall, m_bagRun.scores.overall);

        QProcess score;
        score.start(QStringLiteral(HYPER_TRAIN_PATH), {QStringLiteral("--model"), model, QStringLiteral("--eval"), bundle,
                                                      QStringLiteral("--device"), QStringLiteral("cpu")});
        QVERIFY(score.waitForFinished(180000));
        QCOMPARE(score.exitCode(), 0);
        const QJsonObject s = QJsonDocument::fromJson(score.readAllStandardOutput()).object();
        QVERIFY(std::abs(s.value(QStringLiteral("overall")).toDouble() - overall) <= 1e-6);
        QVERIFY(s.value(QStringLiteral("pairs_per_second")).toDouble() > 0);
    }

    void bundlesHoldNoTorchScriptTypeTags()
    {
        // torch.load(weights_only=True) allows plain containers, tensors rebuilt by
        // torch._utils._rebuild_tensor_v2 and typed storages. List every GLOBAL the pickle
        // calls (Python's pickletools, no torch needed) and hold it to that set.
        const QString bundle = path("tags.bundle");
        const auto b = runCli({QStringLiteral("train-rm"), QStringLiteral("--project"), m_project, QStringLiteral("--mix"),
                               QStringLiteral("lm"), QStringLiteral("--bundle-out"), bundle});
        QVERIFY2(b.code == 0, b.err.constData());
        QProcess py;
        py.start(QStringLiteral("/usr/bin/python3"),
                 {QStringLiteral("-c"),
                  QStringLiteral("import sys, zipfile, pickletools\n"
                                 "z = zipfile.ZipFile(sys.argv[1])\n"
                                 "name = [n for n in z.namelist() if n.endswith('data.pkl')][0]\n"
                                 "found = set()\n"
                                 "strings = []\n"
                                 "for op, arg, pos in pickletools.genops(z.read(name)):\n"
                                 "    if op.name in ('SHORT_BINUNICODE', 'BINUNICODE', 'UNICODE'): strings.append(arg)\n"
                                 "    if op.name == 'GLOBAL': found.add(arg.replace(' ', '.'))\n"
                                 "    if op.name == 'STACK_GLOBAL': found.add(strings[-2] + '.' + strings[-1])\n"
                                 "print('\\n'.join(sorted(found)))\n"),
                  bundle});
        QVERIFY(py.waitForFinished(60000));
        QCOMPARE(py.exitCode(), 0);
        const QStringList globals = QString::fromUtf8(py.readAllStandardOutput()).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        QVERIFY(globals.contains(QStringLiteral("torch._utils._rebuild_tensor_v2")));
        const QStringList allowed = {QStringLiteral("torch._utils._rebuild_tensor_v2"), QStringLiteral("collections.OrderedDict"),
                                     QStringLiteral("torch.LongStorage"), QStringLiteral("torch.FloatStorage")};
        for (const QString &g : globals)
            QVERIFY2(allowed.contains(g), qPrintable(QStringLiteral("the bundle's pickle calls ") + g));
        // And it still loads here.
        QCOMPARE(ml::loadBundle(bundle.toStdString()).config.model, std::string("bag"));
    }

    void cutPointsMapTheDifferenceToTheScale()
    {
        const RmJudgeCuts cuts; // 0.2, 1.386
        QCOMPARE(preferenceFromScores(1.0, 1.1, cuts), Preference::Tie);
        QCOMPARE(preferenceFromScores(1.0, 0.81, cuts), Preference::Tie);
        QCOMPARE(preferenceFromScores(1.0, 0.7, cuts), Preference::ASlightly);
        QCOMPARE(preferenceFromScores(0.0, 0.5, cuts), Preference::BSlightly);
        QCOMPARE(preferenceFromScores(3.0, 1.0, cuts), Preference::AClearly);
        QCOMPARE(preferenceFromScores(-1.0, 1.0, cuts), Preference::BClearly);
        QCOMPARE(preferenceFromScores(std::nan(""), 1.0, cuts), Preference::Tie);
        const RmJudgeCuts c = RmJudgeCuts::parse(QStringLiteral("0.5, 2"));
        QCOMPARE(c.tie, 0.5);
        QCOMPARE(c.clear, 2.0);
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, RmJudgeCuts::parse(QStringLiteral("2,1")));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, RmJudgeCuts::parse(QStringLiteral("x")));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, RmJudgeCuts::parse(QStringLiteral("-1,1")));
    }

    void aModelJudgesLikeAnyJudge()
    {
        const auto r = runCli({QStringLiteral("judge"), QStringLiteral("--project"), m_project, QStringLiteral("--reward-model"),
                               m_bag, QStringLiteral("--judge-name"), QStringLiteral("rm-bag"), QStringLiteral("--limit"),
                               QStringLiteral("300"), QStringLiteral("--json")});
        QVERIFY2(r.code == 0, r.err.constData());
        const QJsonObject o = r.json();
        QCOMPARE(o.value(QStringLiteral("judged")).toInt(), 300);
        QCOMPARE(o.value(QStringLiteral("a_better")).toInt() + o.value(QStringLiteral("ties")).toInt()
                     + o.value(QStringLiteral("b_better")).toInt(),
                 300);
        QVERIFY(o.value(QStringLiteral("a_better")).toInt() > 0 && o.value(QStringLiteral("b_better")).toInt() > 0);

        // The labels agree with the model's scores under the cuts.
        ProjectStore store(m_project);
        ml::RewardScorer scorer(m_bag.toStdString(), "cpu");
        LmStore lm(store);
        const std::vector<qint64> labelled = lm.select({LmSelection::Kind::All, {}, 300}, QStringLiteral("rm-bag"));
        const std::optional<LmJobInput> in = lm.input(labelled.front());
        QVERIFY(in);
        std::vector<ml::PairText> pairs(1);
        pairs[0].prompt = in->prompt.toStdString();
        pairs[0].chosen = in->responseA.toStdString();
        pairs[0].rejected = in->responseB.toStdString();
        std::vector<float> a, b;
        scorer.score(pairs, a, b);
        const auto agreement = runCli({QStringLiteral("agreement"), QStringLiteral("--project"), m_project, QStringLiteral("--json")});
        QVERIFY2(agreement.code == 0, agreement.err.constData());
        QVERIFY2(agreement.out.contains("rm-bag"), agreement.out.left(2000).constData());

        // A rerun over all instances labels only those it had not: the same model and cuts.
        const auto again = runCli({QStringLiteral("judge"), QStringLiteral("--project"), m_project, QStringLiteral("--reward-model"),
                                   m_bag, QStringLiteral("--judge-name"), QStringLiteral("rm-bag"), QStringLiteral("--select"),
                                   QStringLiteral("all"), QStringLiteral("--limit"), QStringLiteral("400"), QStringLiteral("--json")});
        QVERIFY2(again.code == 0, again.err.constData());
        QCOMPARE(again.json().value(QStringLiteral("judged")).toInt(), 100);
        QCOMPARE(again.json().value(QStringLiteral("already")).toInt(), 300);

        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("check"));
        db.setDatabaseName(m_project);
        QVERIFY(db.open());
        {
            QSqlQuery q(db);
            QVERIFY(q.exec(QStringLiteral("SELECT l.overall, l.rationale FROM lm_labels l JOIN judges j ON j.id = l.judge_id "
                                          "WHERE j.name = 'rm-bag' AND l.instance_id = %1").arg(labelled.front())));
            QVERIFY(q.next());
            QCOMPARE(q.value(0).toInt(), int(preferenceFromScores(a[0], b[0], RmJudgeCuts{})));
            QVERIFY(q.value(1).toString().contains(QStringLiteral("score A")));
            QVERIFY(q.exec(QStringLiteral("SELECT count(*) FROM lm_labels l JOIN judges j ON j.id = l.judge_id WHERE j.name = 'rm-bag'")));
            QVERIFY(q.next());
            QCOMPARE(q.value(0).toInt(), 400);
        }
        db.close();
        db = QSqlDatabase();
        QSqlDatabase::removeDatabase(QStringLiteral("check"));

        const auto bad = runCli({QStringLiteral("judge"), QStringLiteral("--project"), m_project, QStringLiteral("--reward-model"),
                                 m_bag, QStringLiteral("--cuts"), QStringLiteral("3,1")});
        QCOMPARE(bad.code, 2);
    }
};

QTEST_GUILESS_MAIN(TestRmModel)
#include "tst_rmmodel.moc"
