// SPDX-License-Identifier: GPL-3.0-or-later
// hyper score: a saved reward model on a project's split (Overall and sections, as
// train-rm reports them) or on any pairs file (JSONL scores). docs/TRAINING.md "Saved
// models".
#include "app/cli/cli.h"
#include "core/ml/mlmodule.h"
#include "core/ml/modelfile.h"
#include "core/mlbridge/rmscore.h"

#include <QFileInfo>
#include <QJsonObject>

namespace hyper::cli {

int cmdScore(const QStringList &args)
{
    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral(
        "Score with a saved reward model (hyper train-rm --model-out). With --project: Overall and sections on a "
        "split, as train-rm reports them. With --input and --out: r(prompt, A) and r(prompt, B) of every pair of a "
        "file the importer reads, as JSONL {\"id\", \"score_a\", \"score_b\"}."));
    p.addOption({QStringLiteral("model"), QStringLiteral("The model file (.safetensors)."), QStringLiteral("FILE")});
    p.addOption({QStringLiteral("project"), QStringLiteral("Score this project's split."), QStringLiteral("FILE")});
    p.addOption({QStringLiteral("split"), QStringLiteral("eval (default) or train."), QStringLiteral("SPLIT"),
                 QStringLiteral("eval")});
    p.addOption({QStringLiteral("input"), QStringLiteral("A pairs file (.jsonl, .json, .csv, optionally .gz)."),
                 QStringLiteral("PAIRS")});
    p.addOption({QStringLiteral("out"), QStringLiteral("With --input: the scores file to write (JSONL)."),
                 QStringLiteral("SCORES")});
    p.addOption({QStringLiteral("format"), QStringLiteral("With --input: auto or one of: %1.").arg(importFormats().join(QStringLiteral(", "))),
                 QStringLiteral("NAME"), QStringLiteral("auto")});
    p.addOption({QStringLiteral("map"), QStringLiteral("With --input: take FIELD from COLUMN (repeatable)."),
                 QStringLiteral("FIELD=COLUMN")});
    p.addOption({QStringLiteral("skip-bad-rows"), QStringLiteral("With --input: score the good rows, report the bad ones.")});
    p.addOption({QStringLiteral("device"), QStringLiteral("auto | cpu | cuda"), QStringLiteral("DEVICE"),
                 QStringLiteral("auto")});
    addJsonOption(p);
    parseOrThrow(p, args);
    const QString model = p.value(QStringLiteral("model"));
    if (model.isEmpty())
        throw UsageError("--model FILE is required");
    const bool project = p.isSet(QStringLiteral("project")), input = p.isSet(QStringLiteral("input"));
    if (project == input)
        throw UsageError("give either --project FILE or --input PAIRS --out SCORES");
    const QString device = p.value(QStringLiteral("device"));
    if (device != QLatin1String("auto") && device != QLatin1String("cpu") && device != QLatin1String("cuda"))
        throw UsageError("--device must be auto, cpu or cuda");
    const bool json = p.isSet(QStringLiteral("json"));
    try {
        if (project) {
            const auto split = parseSplit(p.value(QStringLiteral("split")));
            if (!split)
                throw UsageError("--split must be eval or train");
            std::unique_ptr<ProjectStore> store = openProject(p);
            const ScoreProjectResult r = scoreProject(*store, model, *split, device);
            if (json) {
                printJson({{QStringLiteral("overall"), r.scores.overall},
                           {QStringLiteral("sections"), sectionsJson(r.scores)},
                           {QStringLiteral("pairs"), r.pairs},
                           {QStringLiteral("split"), splitName(*split)},
                           {QStringLiteral("seconds"), r.seconds},
                           {QStringLiteral("device"), r.device},
                           {QStringLiteral("same_project"), r.sameProject}});
            } else {
                say(QStringLiteral("Overall %1 on %2 %3 pairs (%4, %5 s)")
                        .arg(r.scores.overall, 0, 'f', 4).arg(r.pairs).arg(splitName(*split), r.device)
                        .arg(r.seconds, 0, 'f', 2));
                for (const auto &[name, acc] : r.scores.sections)
                    say(QStringLiteral("  %1: %2").arg(QString::fromStdString(name)).arg(acc, 0, 'f', 4));
                if (!r.sameProject)
                    say(QStringLiteral("note: the model was trained on another project"));
            }
            return 0;
        }
        ScoreFileParams params;
        params.model = model;
        params.device = device;
        params.out = p.value(QStringLiteral("out"));
        if (params.out.isEmpty())
            throw UsageError("--input needs --out SCORES.jsonl (- for stdout)");
        const StdoutTarget stdoutTarget(params.out, json, QStringLiteral("scores.jsonl"));
        params.input.file = p.value(QStringLiteral("input"));
        params.input.format = p.value(QStringLiteral("format"));
        params.input.map = mapOptions(p);
        params.input.skipBadRows = p.isSet(QStringLiteral("skip-bad-rows"));
        if (!QFileInfo::exists(params.input.file))
            throw ImportError(params.input.file, 0, QStringLiteral("no such file"));
        Feedback feedback = stderrFeedback(QStringLiteral("scoring"));
        const ScoreFileResult r = scoreFile(params, feedback);
        stdoutTarget.finish(params.out);
        if (json)
            printJson({{QStringLiteral("pairs"), r.pairs},
                       {QStringLiteral("skipped"), r.skipped},
                       {QStringLiteral("format"), r.format},
                       {QStringLiteral("out"), params.out},
                       {QStringLiteral("seconds"), r.seconds},
                       {QStringLiteral("score_seconds"), r.scoreSeconds},
                       {QStringLiteral("pairs_per_second"), r.pairsPerSecond},
                       {QStringLiteral("device"), r.device}});
        else
            say(QStringLiteral("scored %1 pairs ('%2'%3) into %4 in %5 s (scoring %6 pairs/s, %7)")
                    .arg(r.pairs).arg(r.format)
                    .arg(r.skipped ? QStringLiteral(", %1 bad rows skipped").arg(r.skipped) : QString())
                    .arg(params.out).arg(r.seconds, 0, 'f', 2).arg(r.pairsPerSecond, 0, 'f', 0).arg(r.device));
        return 0;
    } catch (const ml::MlModuleError &) {
        throw; // not the input's fault: exit 1 (main)
    } catch (const ml::ModelFileError &e) {
        throw BadInput(QStringLiteral("hyper score: %1").arg(QString::fromUtf8(e.what())).toStdString());
    } catch (const ml::TrainError &e) {
        throw BadInput(QStringLiteral("hyper score: %1").arg(QString::fromUtf8(e.what())).toStdString());
    }
}

} // namespace hyper::cli
