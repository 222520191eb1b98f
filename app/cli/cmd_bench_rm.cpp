// hyper bench rm: wall time and throughput of one default bag reward model (to be wired
// into cmd_bench.cpp's sub-bench table as "rm").
#include "app/cli/cli.h"
#include "core/mlbridge/rmrun.h"

#include <QJsonObject>

namespace hyper::cli {

int benchRm(const QStringList &args)
{
    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral(
        "Train one bag reward model with default settings on a fresh synthetic sample (human "
        "mix) and time it. Target: 7,000 pairs in <= 10 s on 2 CPU cores."));
    addJsonOption(p);
    p.addOption({QStringLiteral("instances"), QStringLiteral("Train instances of the sample."),
                 QStringLiteral("N"), QStringLiteral("7000")});
    p.addOption({QStringLiteral("threads"), QStringLiteral("Intra-op threads (0: all cores)."),
                 QStringLiteral("T"), QStringLiteral("0")});
    parseOrThrow(p, args);
    bool ok1 = false, ok2 = false;
    const int n = p.value(QStringLiteral("instances")).toInt(&ok1);
    const int threads = p.value(QStringLiteral("threads")).toInt(&ok2);
    if (!ok1 || !ok2 || n < 1 || threads < 0)
        throw UsageError("--instances must be positive and --threads non-negative");
    const RmBenchFigures f = benchBagRm(n, threads);
    if (p.isSet(QStringLiteral("json"))) {
        printJson({{QStringLiteral("train_pairs"), f.trainPairs},
                   {QStringLiteral("eval_pairs"), f.evalPairs},
                   {QStringLiteral("epochs"), f.epochs},
                   {QStringLiteral("threads"), f.threads},
                   {QStringLiteral("prepare_seconds"), f.prepareSeconds},
                   {QStringLiteral("seconds"), f.trainSeconds},
                   {QStringLiteral("pairs_per_second"), f.pairsPerSecond},
                   {QStringLiteral("overall"), f.overall}});
    } else {
        say(QStringLiteral("bag RM: %1 train pairs x %2 epochs in %3 s (%4 pairs/s, %5 threads); "
                           "reading+tokenizing %6 s; eval Overall %7")
                .arg(f.trainPairs).arg(f.epochs).arg(f.trainSeconds, 0, 'f', 2)
                .arg(f.pairsPerSecond, 0, 'f', 0).arg(f.threads).arg(f.prepareSeconds, 0, 'f', 2)
                .arg(f.overall, 0, 'f', 4));
    }
    return 0;
}

} // namespace hyper::cli
