// SPDX-License-Identifier: GPL-3.0-or-later
// Saved reward models at work: summaries, scoring a split or a file, and a model as a
// judge. hyper_ml loads and runs the model (ml::RewardScorer); this file reads the
// project and files and writes the results.
#include "core/mlbridge/rmscore.h"

#include "core/io/jsonvalue.h"
#include "core/jobs/feedback.h"
#include "core/ml/modelfile.h"
#include "core/ml/scorer.h"
#include "core/ml/trainer.h"
#include "core/mlbridge/mix.h"
#include "core/mlbridge/mlload.h"
#include "core/mlbridge/rmrun.h"
#include "core/sample/samplegenerator.h"
#include "core/storage/mixqueries.h"
#include "core/storage/projectstore.h"

#include <QCryptographicHash>
#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>

#include <cmath>
#include <stdexcept>

namespace hyper {

namespace {

/** Pairs per scoring call (and per label transaction of a judge run). */
constexpr std::size_t kChunk = 512;

QString number(double v)
{
    // float scores: 9 significant digits round-trip a float exactly.
    return QString::number(v, 'g', 9);
}

} // namespace

RmModelSummary readModelSummary(const QString &path)
{
    const ml::ModelFile f = ml::readModelFile(path.toStdString(), /*withTensors=*/false);
    auto meta = [&](const char *key) { return QString::fromStdString(f.meta(key)); };
    RmModelSummary s;
    s.path = QFileInfo(path).absoluteFilePath();
    s.model = meta("model");
    s.mix = meta("mix");
    s.projectUuid = meta("project_uuid");
    s.project = meta("project");
    s.created = meta("created");
    s.toolVersion = meta("tool_version");
    s.device = meta("device");
    s.overall = meta("overall").toDouble();
    const QJsonObject sections = QJsonDocument::fromJson(meta("sections").toUtf8()).object();
    for (auto it = sections.begin(); it != sections.end(); ++it)
        s.sections.insert(it.key(), it.value().toDouble());
    s.trainPairs = meta("train_pairs").toLongLong();
    s.evalPairs = meta("eval_pairs").toLongLong();
    s.bytes = f.bytes;
    s.runId = meta("run").toLongLong();
    s.seed = qint64(f.config.seed);
    return s;
}

ScoreProjectResult scoreProject(ProjectStore &store, const QString &modelPath, Split split, const QString &device)
{
    ml::RewardScorer scorer(modelPath.toStdString(), device.toStdString());
    const std::vector<ml::PairText> pairs = mixEvalPairs(loadMixInstances(store, split));
    if (pairs.empty())
        throw ml::TrainError("the " + splitName(split).toStdString()
                             + " split has no labelled (non-tie) instance to score");
    ScoreProjectResult r;
    QElapsedTimer timer;
    timer.start();
    r.scores = scorer.evaluate(pairs);
    r.seconds = double(timer.nsecsElapsed()) / 1e9;
    r.pairs = qint64(pairs.size());
    r.device = QString::fromStdString(scorer.device());
    r.sameProject = QString::fromStdString(scorer.file().meta("project_uuid")) == store.meta("project_uuid");
    return r;
}

ScoreFileResult scoreFile(const ScoreFileParams &params, Feedback &feedback)
{
    QElapsedTimer timer;
    timer.start();
    loadMlModule(feedback);
    ml::RewardScorer scorer(params.model.toStdString(), params.device.toStdString());
    QSaveFile out(params.out);
    if (!out.open(QIODevice::WriteOnly))
        throw StoreError("cannot write " + params.out.toStdString() + ": " + out.errorString().toStdString());
    ScoreFileResult r;
    r.device = QString::fromStdString(scorer.device());
    std::vector<ml::PairText> pairs;
    std::vector<float> a, b;
    std::string lines;
    double scoring = 0;
    const ImportResult read = readImportRecords(params.input, feedback, [&](const std::vector<ImportRecord> &records) {
        pairs.clear();
        for (const ImportRecord &rec : records) {
            ml::PairText p;
            p.prompt = rec.prompt;
            p.chosen = rec.responseA;
            p.rejected = rec.responseB;
            pairs.push_back(std::move(p));
        }
        QElapsedTimer t;
        t.start();
        scorer.score(pairs, a, b);
        scoring += double(t.nsecsElapsed()) / 1e9;
        lines.clear();
        for (std::size_t i = 0; i < records.size(); ++i) {
            lines += "{\"id\":";
            appendJsonString(lines, records[i].externalId);
            lines += ",\"score_a\":" + number(a[i]).toStdString() + ",\"score_b\":" + number(b[i]).toStdString() + "}\n";
        }
        if (out.write(lines.data(), qint64(lines.size())) != qint64(lines.size()))
            throw StoreError("cannot write " + params.out.toStdString() + ": " + out.errorString().toStdString());
        r.pairs += qint64(records.size());
    });
    if (!out.commit())
        throw StoreError("cannot write " + params.out.toStdString() + ": " + out.errorString().toStdString());
    r.skipped = read.skipped;
    r.format = read.format;
    r.scoreSeconds = scoring;
    r.seconds = double(timer.nsecsElapsed()) / 1e9;
    r.pairsPerSecond = r.scoreSeconds > 0 ? double(r.pairs) / r.scoreSeconds : 0.0;
    return r;
}

RmJudgeCuts RmJudgeCuts::parse(const QString &text)
{
    const QStringList parts = text.split(QLatin1Char(','));
    bool ok1 = false, ok2 = false;
    RmJudgeCuts c;
    if (parts.size() == 2) {
        c.tie = parts[0].trimmed().toDouble(&ok1);
        c.clear = parts[1].trimmed().toDouble(&ok2);
    }
    if (!ok1 || !ok2 || !(c.tie >= 0) || !(c.clear > c.tie) || !std::isfinite(c.clear))
        throw std::invalid_argument("cut points must be TIE,CLEAR with 0 <= TIE < CLEAR (e.g. 0.2,1.386)");
    return c;
}

Preference preferenceFromScores(double scoreA, double scoreB, const RmJudgeCuts &cuts)
{
    const double d = scoreA - scoreB;
    const double m = std::fabs(d);
    if (!(m >= cuts.tie)) // also NaN
        return Preference::Tie;
    if (m < cuts.clear)
        return d > 0 ? Preference::ASlightly : Preference::BSlightly;
    return d > 0 ? Preference::AClearly : Preference::BClearly;
}

RmJudgeResult runModelJudge(ProjectStore &store, const RmJudgeParams &params, Feedback &feedback)
{
    QElapsedTimer timer;
    timer.start();
    loadMlModule(feedback);
    ml::RewardScorer scorer(params.model.toStdString(), params.device.toStdString());
    RmJudgeResult r;
    r.judge = params.judgeName.trimmed().isEmpty() ? QStringLiteral("rm:") + QFileInfo(params.model).completeBaseName()
                                                   : params.judgeName.trimmed();
    // The model (by its checksum) and the cuts identify the verdicts: a rerun with both
    // unchanged skips what it labelled; another model or other cuts label again.
    const QString checksum = QString::fromStdString(scorer.file().meta("checksum"));
    const QString templateId = QStringLiteral("reward-model@%1").arg(checksum.right(8));
    const QString cutsText = QStringLiteral("%1,%2").arg(number(params.cuts.tie), number(params.cuts.clear));
    LmStore lm(store);
    const std::vector<qint64> ids = lm.select(params.selection, r.judge);
    r.selected = qint64(ids.size());
    const QSet<QString> done = lm.labelHashes(r.judge);
    const QString message = QStringLiteral("Judging with %1").arg(QFileInfo(params.model).fileName());
    feedback.setProgress(0.0, message);
    std::vector<ml::PairText> pairs;
    std::vector<qint64> pairIds;
    std::vector<QString> hashes;
    std::vector<float> a, b;
    std::vector<LmLabelWrite> labels;
    for (std::size_t begin = 0; begin < ids.size(); begin += kChunk) {
        if (feedback.isCanceled())
            throw Canceled{};
        pairs.clear();
        pairIds.clear();
        hashes.clear();
        for (std::size_t i = begin; i < std::min(ids.size(), begin + kChunk); ++i) {
            const std::optional<LmJobInput> in = lm.input(ids[i]);
            if (!in)
                continue;
            QCryptographicHash h(QCryptographicHash::Sha256);
            for (const QString &part : {checksum, cutsText, in->prompt, in->responseA, in->responseB}) {
                h.addData(part.toUtf8());
                h.addData(QByteArrayView("\0", 1));
            }
            const QString hash = QString::fromLatin1(h.result().toHex());
            if (done.contains(hash)) {
                ++r.already;
                continue;
            }
            ml::PairText p;
            p.prompt = in->prompt.toStdString();
            p.chosen = in->responseA.toStdString();
            p.rejected = in->responseB.toStdString();
            pairs.push_back(std::move(p));
            pairIds.push_back(in->id);
            hashes.push_back(hash);
        }
        if (pairs.empty())
            continue;
        scorer.score(pairs, a, b);
        labels.clear();
        for (std::size_t i = 0; i < pairs.size(); ++i) {
            LmLabelWrite w;
            w.instanceId = pairIds[i];
            w.judge = r.judge;
            w.overall = preferenceFromScores(a[i], b[i], params.cuts);
            w.rationale = QStringLiteral("reward model: score A %1, score B %2 (difference %3; cuts %4)")
                              .arg(number(a[i]), number(b[i]), number(double(a[i]) - double(b[i])), cutsText);
            w.raw = QString::fromUtf8(QJsonDocument(QJsonObject{{QStringLiteral("score_a"), double(a[i])},
                                                                {QStringLiteral("score_b"), double(b[i])},
                                                                {QStringLiteral("model"), QFileInfo(params.model).absoluteFilePath()},
                                                                {QStringLiteral("cuts"), cutsText}})
                                          .toJson(QJsonDocument::Compact));
            w.templateId = templateId;
            w.contentHash = hashes[i];
            switch (w.overall) {
            case Preference::AClearly:
            case Preference::ASlightly: ++r.aBetter; break;
            case Preference::Tie: ++r.ties; break;
            default: ++r.bBetter; break;
            }
            labels.push_back(std::move(w));
        }
        lm.addLabels(labels);
        r.labelled += qint64(labels.size());
        feedback.setProgress(double(std::min(ids.size(), begin + kChunk)) / double(ids.size()),
                             QStringLiteral("%1: %2 labelled").arg(message).arg(r.labelled));
    }
    feedback.setProgress(1.0, message);
    r.seconds = double(timer.nsecsElapsed()) / 1e9;
    return r;
}

RmScoreBenchFigures benchScoring(const QString &model, int pairs, const QString &dirName)
{
    const QDir dir(dirName);
    RmScoreBenchFigures f;
    f.model = model;
    f.modelPath = dir.filePath(model + QStringLiteral(".safetensors"));
    f.pairsPath = dir.filePath(QStringLiteral("pairs.jsonl"));
    ProjectStore store(dir.filePath(QStringLiteral("bench-%1.hyper").arg(model)), ProjectStore::Mode::CreateNew);
    SampleParams sample;
    sample.trainSize = 2000;
    sample.evalSize = std::max(pairs, 100);
    Feedback quiet;
    writeSample(store, sample, quiet);
    std::vector<MixInstance> texts = loadMixInstances(store, Split::Eval);
    const std::vector<ml::PairText> eval = mixEvalPairs(texts);
    QElapsedTimer timer;
    timer.start();
    if (model == QLatin1String("bag")) {
        RmRunParams params;
        params.config = ml::TrainConfig::defaults("bag");
        params.config.device = "cpu";
        params.modelOut = f.modelPath;
        runRewardModel(store, params, quiet);
    } else {
        ml::TrainConfig config = ml::TrainConfig::defaults("transformer");
        config.device = "cpu";
        config.epochs = 1;
        const std::vector<ml::PairText> few(eval.begin(), eval.begin() + std::min<std::size_t>(32, eval.size()));
        const ml::Bundle bundle = ml::makeBundle(few, few, config);
        const ml::TrainResult r = ml::trainBundle(bundle, {}, /*keepWeights=*/true);
        ml::saveTrainedModel(f.modelPath.toStdString(), bundle, r, {{"mix", "bench: one step"}});
    }
    f.trainSeconds = double(timer.nsecsElapsed()) / 1e9;
    f.fileBytes = QFileInfo(f.modelPath).size();

    // The pairs as A/B texts (what hyper score --input reads), the first `pairs` of them.
    texts.resize(std::min<std::size_t>(texts.size(), std::size_t(pairs)));
    std::vector<ml::PairText> ab;
    QSaveFile out(f.pairsPath);
    if (!out.open(QIODevice::WriteOnly))
        throw StoreError("cannot write " + f.pairsPath.toStdString());
    for (const MixInstance &m : texts) {
        ml::PairText p;
        p.prompt = m.prompt;
        p.chosen = m.responseA;
        p.rejected = m.responseB;
        ab.push_back(p);
        out.write(QJsonDocument(QJsonObject{{QStringLiteral("id"), QString::number(m.id)},
                                            {QStringLiteral("prompt"), QString::fromStdString(m.prompt)},
                                            {QStringLiteral("response_a"), QString::fromStdString(m.responseA)},
                                            {QStringLiteral("response_b"), QString::fromStdString(m.responseB)}})
                      .toJson(QJsonDocument::Compact)
                  + '\n');
    }
    if (!out.commit())
        throw StoreError("cannot write " + f.pairsPath.toStdString());

    timer.restart();
    ml::RewardScorer scorer(f.modelPath.toStdString(), "cpu");
    f.loadSeconds = double(timer.nsecsElapsed()) / 1e9;
    std::vector<float> a, b;
    timer.restart();
    scorer.score(ab, a, b);
    f.scoreSeconds = double(timer.nsecsElapsed()) / 1e9;
    f.pairs = qint64(ab.size());
    f.pairsPerSecond = f.scoreSeconds > 0 ? double(f.pairs) / f.scoreSeconds : 0.0;
    return f;
}

} // namespace hyper
