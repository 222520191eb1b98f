// hyper bench candidates: throughput of Algorithm 1 + count vectors (to be wired into
// cmd_bench.cpp's sub-bench table as "candidates").
#include "app/cli/cli.h"
#include "core/routing/candidates.h"

#include <QJsonObject>

namespace hyper::cli {

int benchCandidates(const QStringList &args)
{
    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral(
        "Sample K candidate mixes with Algorithm 1 on a synthetic 90-feature matrix of N "
        "instances and count each (default mode). Issue target, with prediction: "
        "1,000,000 candidates in <= 60 s at N = 10,000."));
    addJsonOption(p);
    p.addOption({QStringLiteral("instances"), QStringLiteral("N."), QStringLiteral("N"),
                 QStringLiteral("10000")});
    p.addOption({QStringLiteral("candidates"), QStringLiteral("K."), QStringLiteral("K"),
                 QStringLiteral("100000")});
    p.addOption({QStringLiteral("budget"), QStringLiteral("Budget as a fraction of N."),
                 QStringLiteral("B"), QStringLiteral("0.5")});
    p.addOption({QStringLiteral("threads"), QStringLiteral("Threads (0: all cores)."), QStringLiteral("T"),
                 QStringLiteral("0")});
    p.addOption({QStringLiteral("seed"), QStringLiteral("Generator seed."), QStringLiteral("S"),
                 QStringLiteral("1")});
    parseOrThrow(p, args);
    bool ok1 = false, ok2 = false, ok3 = false, ok4 = false, ok5 = false;
    const qint64 n = p.value(QStringLiteral("instances")).toLongLong(&ok1);
    const qint64 k = p.value(QStringLiteral("candidates")).toLongLong(&ok2);
    const double budget = p.value(QStringLiteral("budget")).toDouble(&ok3);
    const int threads = p.value(QStringLiteral("threads")).toInt(&ok4);
    const quint64 seed = p.value(QStringLiteral("seed")).toULongLong(&ok5);
    if (!ok1 || !ok2 || !ok3 || !ok4 || !ok5 || n < 1 || k < 1 || threads < 0 || budget <= 0 || budget > 1)
        throw UsageError("--instances, --candidates, --threads, --seed must be positive integers "
                         "and --budget a fraction in (0, 1]");

    const routing::FeatureMatrix matrix = routing::syntheticMatrix(n, seed);
    const routing::CandidateBench r = routing::benchCandidates(matrix, k, budget, seed, threads);
    if (p.isSet(QStringLiteral("json"))) {
        printJson({{QStringLiteral("instances"), qint64(r.instances)},
                   {QStringLiteral("candidates"), qint64(r.candidates)},
                   {QStringLiteral("budget"), r.budget},
                   {QStringLiteral("mean_size"), r.meanSize},
                   {QStringLiteral("threads"), r.threads},
                   {QStringLiteral("seconds"), r.seconds},
                   {QStringLiteral("candidates_per_second"), r.candidatesPerSecond}});
    } else {
        say(QStringLiteral("candidates: %1 sampled + counted at N = %2, budget %3 (mean |S| %4), "
                           "%5 threads: %6 s (%7 candidates/s)")
                .arg(r.candidates)
                .arg(r.instances)
                .arg(r.budget)
                .arg(r.meanSize, 0, 'f', 1)
                .arg(r.threads)
                .arg(r.seconds, 0, 'f', 2)
                .arg(r.candidatesPerSecond, 0, 'f', 0));
    }
    return 0;
}

} // namespace hyper::cli
