// SPDX-License-Identifier: GPL-3.0-or-later
// hyper train-rm: train and evaluate one reward model on a project's label mix
// (docs/TRAINING.md), or write its training bundle for hyper-train.
#include "app/cli/cli.h"
#include "core/ml/mlmodule.h"
#include "core/jobs/feedback.h"
#include "core/ml/trainer.h"
#include "core/mlbridge/rmrun.h"

#include <QJsonObject>
#include <cstdio>

namespace hyper::cli {

namespace {

/** --import-results DIR: the finished task of a `--slurm-dir` job becomes a run. */
int importJob(const QCommandLineParser &p)
{
    std::unique_ptr<ProjectStore> store = openProject(p);
    RmJobImport r;
    try {
        r = importRewardModelJob(*store, p.value(QStringLiteral("import-results")));
    } catch (const StoreError &e) {
        throw BadInput(QStringLiteral("hyper train-rm: %1").arg(QString::fromUtf8(e.what())).toStdString());
    }
    if (p.isSet(QStringLiteral("json")))
        printJson({{QStringLiteral("run"), r.runId}, {QStringLiteral("already"), r.already},
                   {QStringLiteral("overall"), r.overall}});
    else
        say(QStringLiteral("run %1: Overall %2%3").arg(r.runId).arg(r.overall, 0, 'f', 4)
                .arg(r.already ? QStringLiteral(" (imported before)") : QString()));
    return 0;
}

} // namespace

int cmdTrainRm(const QStringList &args)
{
    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral(
        "Train a reward model on the train split with the labels chosen by --mix and report "
        "its RewardBench-style accuracy on the eval split. Each run is recorded in the project."));
    addProjectOption(p);
    addJsonOption(p);
    p.addOption({QStringLiteral("mix"), QStringLiteral("human | lm | random:FRACTION | features:NAME[;NAME...] | plan:ID (a stored routing plan)"),
                 QStringLiteral("MIX")});
    p.addOption({QStringLiteral("model"), QStringLiteral("bag (default) | transformer"),
                 QStringLiteral("MODEL"), QStringLiteral("bag")});
    p.addOption({QStringLiteral("epochs"), QStringLiteral("Epochs (model default if unset)."), QStringLiteral("E")});
    p.addOption({QStringLiteral("batch-size"), QStringLiteral("Pairs per step."), QStringLiteral("B")});
    p.addOption({QStringLiteral("lr"), QStringLiteral("AdamW learning rate."), QStringLiteral("LR")});
    p.addOption({QStringLiteral("seed"), QStringLiteral("Seed (model init, shuffles, random:F)."),
                 QStringLiteral("S"), QStringLiteral("1")});
    p.addOption({QStringLiteral("device"), QStringLiteral("auto | cpu | cuda"), QStringLiteral("DEVICE"),
                 QStringLiteral("auto")});
    p.addOption({QStringLiteral("margin"), QStringLiteral("Ask a margin of 1 for pairs whose votes were all \"clearly\".")});
    p.addOption({QStringLiteral("threads"), QStringLiteral("Intra-op threads (0: all cores)."),
                 QStringLiteral("N"), QStringLiteral("0")});
    p.addOption({QStringLiteral("char-ngram"), QStringLiteral("Character n-gram length of the tokenizer (0: none)."),
                 QStringLiteral("N")});
    p.addOption({QStringLiteral("max-tokens"), QStringLiteral("Token ids kept per text (bag) or per sequence (transformer)."),
                 QStringLiteral("N")});
    p.addOption({QStringLiteral("model-out"),
                 QStringLiteral("Save the trained model to FILE (.safetensors; score it with hyper score)."),
                 QStringLiteral("FILE")});
    addSlurmOptions(p);
    p.addOption({QStringLiteral("bundle-out"), QStringLiteral("Write the training bundle to FILE and stop (run it with hyper-train)."),
                 QStringLiteral("FILE")});
    parseOrThrow(p, args);
    const QString path = requireProject(p);
    if (p.isSet(QStringLiteral("import-results")))
        return importJob(p);
    if (!p.isSet(QStringLiteral("mix")))
        throw UsageError("--mix is required (human | lm | random:FRACTION | features:NAME[;NAME...] | plan:ID)");
    const QString model = p.value(QStringLiteral("model"));
    if (model != QLatin1String("bag") && model != QLatin1String("transformer"))
        throw UsageError("--model must be bag or transformer");

    RmRunParams params;
    params.mix = p.value(QStringLiteral("mix"));
    params.config = ml::TrainConfig::defaults(model.toStdString());
    if (p.isSet(QStringLiteral("epochs")))
        params.config.epochs = intOption(p, QStringLiteral("epochs"), 1, 1000);
    if (p.isSet(QStringLiteral("batch-size")))
        params.config.batchSize = intOption(p, QStringLiteral("batch-size"), 1, 65536);
    if (p.isSet(QStringLiteral("lr"))) {
        bool ok = false;
        params.config.lr = p.value(QStringLiteral("lr")).toDouble(&ok);
        if (!ok || !(params.config.lr > 0))
            throw UsageError("--lr must be a positive number");
    }
    bool ok = false;
    params.config.seed = p.value(QStringLiteral("seed")).toULongLong(&ok);
    if (!ok)
        throw UsageError("--seed must be an unsigned integer");
    params.config.device = p.value(QStringLiteral("device")).toStdString();
    if (params.config.device != "auto" && params.config.device != "cpu" && params.config.device != "cuda")
        throw UsageError("--device must be auto, cpu or cuda");
    if (p.isSet(QStringLiteral("char-ngram")))
        params.config.tokenizer.charNgram = intOption(p, QStringLiteral("char-ngram"), 0, 8);
    if (p.isSet(QStringLiteral("max-tokens")))
        params.config.tokenizer.maxIds = intOption(p, QStringLiteral("max-tokens"), 1, 1 << 20);
    params.config.useMargin = p.isSet(QStringLiteral("margin"));
    params.config.threads = intOption(p, QStringLiteral("threads"), 0, 1024);
    params.modelOut = p.value(QStringLiteral("model-out"));
    if (!params.modelOut.isEmpty() && (p.isSet(QStringLiteral("bundle-out")) || p.isSet(QStringLiteral("slurm-dir"))))
        throw UsageError("--model-out saves a model trained here; with --bundle-out use hyper-train --model-out, "
                         "a --slurm-dir job saves results/model.safetensors");

    try {
        MixSpec::parse(params.mix); // a plan id is checked against the project below
    } catch (const MixError &e) {
        throw UsageError(e.what());
    }

    std::unique_ptr<ProjectStore> store = openProject(p);
    const bool json = p.isSet(QStringLiteral("json"));
    try {
        if (p.isSet(QStringLiteral("slurm-dir"))) {
            QStringList options;
            for (const char *o : {"partition", "gres", "time", "cpus-per-task", "mem"})
                if (p.isSet(QLatin1String(o)))
                    options << QStringLiteral("--%1=%2").arg(QLatin1String(o), p.value(QLatin1String(o)));
            const QString sbatch = writeRewardModelJob(*store, params, p.value(QStringLiteral("slurm-dir")),
                                                       trainCommandOption(p), options);
            if (json)
                printJson({{QStringLiteral("sbatch"), sbatch}, {QStringLiteral("dir"), p.value(QStringLiteral("slurm-dir"))}});
            else
                std::printf("%s\n", qUtf8Printable(sbatch));
            return 0;
        }
        if (p.isSet(QStringLiteral("bundle-out"))) {
            const QString out = p.value(QStringLiteral("bundle-out"));
            const RmBundleInfo info = writeRewardModelBundle(*store, params, out);
            if (json)
                printJson({{QStringLiteral("bundle"), out},
                           {QStringLiteral("train_pairs"), info.trainPairs},
                           {QStringLiteral("eval_pairs"), info.evalPairs}});
            else
                say(QStringLiteral("wrote %1: %2 train pairs, %3 eval pairs (run it with: hyper-train %1 --out METRICS.json)")
                        .arg(out).arg(info.trainPairs).arg(info.evalPairs));
            return 0;
        }
        Feedback feedback = stderrFeedback(QStringLiteral("train-rm"));
        const RmRunResult r = runRewardModel(*store, params, feedback);
        if (json) {
            printJson({{QStringLiteral("overall"), r.scores.overall},
                       {QStringLiteral("sections"), sectionsJson(r.scores)},
                       {QStringLiteral("train_pairs"), r.trainPairs},
                       {QStringLiteral("eval_pairs"), r.evalPairs},
                       {QStringLiteral("seconds"), r.seconds},
                       {QStringLiteral("device"), r.device},
                       {QStringLiteral("run"), r.runId},
                       {QStringLiteral("model_out"), r.modelPath}});
        } else {
            say(QStringLiteral("run %1: Overall %2 on %3 eval pairs after %4 train pairs (%5, %6 s)")
                    .arg(r.runId).arg(r.scores.overall, 0, 'f', 4).arg(r.evalPairs).arg(r.trainPairs)
                    .arg(r.device).arg(r.seconds, 0, 'f', 1));
            for (const auto &[name, acc] : r.scores.sections)
                say(QStringLiteral("  %1: %2").arg(QString::fromStdString(name)).arg(acc, 0, 'f', 4));
            if (!r.modelPath.isEmpty())
                say(QStringLiteral("model saved to %1").arg(r.modelPath));
        }
        return 0;
    } catch (const MixError &e) {
        throw UsageError(e.what());
    } catch (const ml::MlModuleError &) {
        throw; // not the input's fault: exit 1 (main)
    } catch (const ml::TrainError &e) {
        say(QStringLiteral("hyper train-rm: %1").arg(QString::fromUtf8(e.what())));
        return 1;
    } catch (const Canceled &) {
        say(QStringLiteral("hyper train-rm: canceled (the run is recorded as canceled)"));
        return 1;
    }
}

} // namespace hyper::cli
