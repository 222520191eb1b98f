// SPDX-License-Identifier: GPL-3.0-or-later
// hyper bench rm: wall time and throughput of one default bag reward model (to be wired
// into cmd_bench.cpp's sub-bench table as "rm").
#include "app/cli/cli.h"
#include "core/mlbridge/rmrun.h"
#include "core/mlbridge/rmscore.h"

#include <QElapsedTimer>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>

namespace hyper::cli {

int benchRm(const QStringList &args)
{
    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral(
        "Train the default bag reward model on a fresh synthetic sample (human mix), with its CPU kernels and "
        "with LibTorch's EmbeddingBag + tensor AdamW (the code before them), alternating; medians. Issue 17 "
        "target: 7,000 pairs x 4 epochs in <= 3 s on 2 cores at the same eval Overall (+-0.005)."));
    addJsonOption(p);
    p.addOption({QStringLiteral("instances"), QStringLiteral("Train instances of the sample (8400 give about 7,000 "
                                                             "non-tie pairs)."),
                 QStringLiteral("N"), QStringLiteral("8400")});
    p.addOption({QStringLiteral("threads"), QStringLiteral("Threads (0: LibTorch 1, the bag's kernels one per core)."),
                 QStringLiteral("T"), QStringLiteral("0")});
    p.addOption({QStringLiteral("rounds"), QStringLiteral("Runs of each side (default 3)."), QStringLiteral("K"),
                 QStringLiteral("3")});
    parseOrThrow(p, args);
    const int n = intOption(p, QStringLiteral("instances"), 1, 10000000);
    const int threads = intOption(p, QStringLiteral("threads"), 0, 1024);
    const int rounds = intOption(p, QStringLiteral("rounds"), 1, 100);
    const RmBenchFigures f = benchBagRm(n, threads, rounds);
    const double ratio = f.baselineSeconds > 0 ? f.trainSeconds / f.baselineSeconds : 0.0;
    if (p.isSet(QStringLiteral("json"))) {
        printJson({{QStringLiteral("train_pairs"), f.trainPairs},
                   {QStringLiteral("eval_pairs"), f.evalPairs},
                   {QStringLiteral("epochs"), f.epochs},
                   {QStringLiteral("threads"), f.threads},
                   {QStringLiteral("kernel_threads"), f.kernelThreads},
                   {QStringLiteral("rounds"), f.rounds},
                   {QStringLiteral("prepare_seconds"), f.prepareSeconds},
                   {QStringLiteral("seconds"), f.trainSeconds},
                   {QStringLiteral("pairs_per_second"), f.pairsPerSecond},
                   {QStringLiteral("overall"), f.overall},
                   {QStringLiteral("baseline_seconds"), f.baselineSeconds},
                   {QStringLiteral("baseline_overall"), f.baselineOverall},
                   {QStringLiteral("ratio"), ratio},
                   {QStringLiteral("load_average"), loadAverage()}});
    } else {
        say(QStringLiteral("bag RM: %1 train pairs x %2 epochs in %3 s (%4 pairs/s; kernels on %5 threads, LibTorch %6); "
                           "eval Overall %7")
                .arg(f.trainPairs).arg(f.epochs).arg(f.trainSeconds, 0, 'f', 2)
                .arg(f.pairsPerSecond, 0, 'f', 0).arg(f.kernelThreads).arg(f.threads)
                .arg(f.overall, 0, 'f', 4));
        say(QStringLiteral("  baseline (EmbeddingBag + tensor AdamW): %1 s, eval Overall %2; ratio %3 "
                           "(medians of %4 alternating runs; reading+tokenizing %5 s; load %6)")
                .arg(f.baselineSeconds, 0, 'f', 2).arg(f.baselineOverall, 0, 'f', 4).arg(ratio, 0, 'f', 2)
                .arg(f.rounds).arg(f.prepareSeconds, 0, 'f', 2).arg(loadAverage(), 0, 'f', 2));
    }
    return 0;
}

int benchScore(const QStringList &args)
{
    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral(
        "Saved reward models: file size, load time and CPU scoring rate (pairs/s, tokenizing included) of a bag "
        "and a transformer model on synthetic pairs, and the same pairs through scripts/score_rm.py (numpy) when "
        "/usr/bin/python3 has numpy, as a ratio."));
    addJsonOption(p);
    p.addOption({QStringLiteral("pairs"), QStringLiteral("Pairs scored by the bag (the transformer: a quarter)."),
                 QStringLiteral("N"), QStringLiteral("2000")});
    p.addOption({QStringLiteral("script"), QStringLiteral("scripts/score_rm.py to compare with."), QStringLiteral("PATH"),
                 QStringLiteral(HYPER_SOURCE_DIR "/scripts/score_rm.py")});
    p.addOption({QStringLiteral("no-python"), QStringLiteral("Skip the score_rm.py comparison.")});
    parseOrThrow(p, args);
    const int pairs = intOption(p, QStringLiteral("pairs"), 10, 1000000);
    QTemporaryDir tmp;
    if (!tmp.isValid())
        throw StoreError("bench score: cannot create a temporary directory");
    QJsonArray rows;
    for (const QString &model : {QStringLiteral("bag"), QStringLiteral("transformer")}) {
        const int n = model == QLatin1String("bag") ? pairs : std::max(10, pairs / 4);
        QDir(tmp.path()).mkdir(model);
        const RmScoreBenchFigures f = benchScoring(model, n, QDir(tmp.path()).filePath(model));
        QJsonObject row{{QStringLiteral("model"), model},
                        {QStringLiteral("pairs"), f.pairs},
                        {QStringLiteral("file_mb"), double(f.fileBytes) / 1e6},
                        {QStringLiteral("load_seconds"), f.loadSeconds},
                        {QStringLiteral("score_seconds"), f.scoreSeconds},
                        {QStringLiteral("pairs_per_second"), f.pairsPerSecond}};
        QString line = QStringLiteral("%1: %2 MB file, load %3 s, %4 pairs scored in %5 s = %6 pairs/s (CPU)")
                           .arg(model, -11)
                           .arg(double(f.fileBytes) / 1e6, 0, 'f', 1)
                           .arg(f.loadSeconds, 0, 'f', 2)
                           .arg(f.pairs)
                           .arg(f.scoreSeconds, 0, 'f', 2)
                           .arg(f.pairsPerSecond, 0, 'f', 0);
        if (!p.isSet(QStringLiteral("no-python")) && QFileInfo::exists(p.value(QStringLiteral("script")))) {
            QProcess py;
            QElapsedTimer t;
            t.start();
            py.start(QStringLiteral("/usr/bin/python3"), {p.value(QStringLiteral("script")), QStringLiteral("--model"), f.modelPath,
                                                         f.pairsPath, QStringLiteral("--out"),
                                                         QDir(tmp.path()).filePath(model + QStringLiteral("-py.jsonl"))});
            py.waitForFinished(-1);
            const double seconds = double(t.nsecsElapsed()) / 1e9;
            if (py.exitCode() == 0) {
                const double rate = double(f.pairs) / seconds;
                row.insert(QStringLiteral("python_seconds"), seconds);
                row.insert(QStringLiteral("python_pairs_per_second"), rate);
                line += QStringLiteral("; score_rm.py %1 s incl. start and load = %2 pairs/s (hyper %3x faster)")
                            .arg(seconds, 0, 'f', 2)
                            .arg(rate, 0, 'f', 0)
                            .arg(f.pairsPerSecond / rate, 0, 'f', 1);
            } else {
                line += QStringLiteral("; score_rm.py failed: %1").arg(QString::fromUtf8(py.readAllStandardError()).trimmed());
            }
        }
        rows.append(row);
        if (!p.isSet(QStringLiteral("json")))
            say(line);
    }
    if (p.isSet(QStringLiteral("json")))
        printJson({{QStringLiteral("models"), rows}});
    return 0;
}

} // namespace hyper::cli
