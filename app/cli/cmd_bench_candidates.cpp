// SPDX-License-Identifier: GPL-3.0-or-later
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
        "instances and count each (default mode), first as before issue 17 (the baseline), then as now. "
        "Issue 17 target, with prediction (hyper bench route): 1,000,000 candidates in <= 6 s at N = 10,000."));
    addJsonOption(p);
    addSyntheticBenchOptions(p, QStringLiteral("100000"));
    parseOrThrow(p, args);
    const SyntheticBenchOptions o = syntheticBenchOptions(p);
    const qint64 n = o.instances, k = o.candidates;
    const double budget = o.budget;
    const int threads = o.threads;
    const quint64 seed = o.seed;

    const routing::FeatureMatrix matrix = routing::syntheticMatrix(n, seed);
    const routing::CandidateBench base = routing::benchCandidates(matrix, k, budget, seed, threads, /*baseline=*/true);
    const routing::CandidateBench r = routing::benchCandidates(matrix, k, budget, seed, threads);
    const double ratio = base.seconds > 0 ? r.seconds / base.seconds : 0.0;
    if (p.isSet(QStringLiteral("json"))) {
        printJson({{QStringLiteral("instances"), qint64(r.instances)},
                   {QStringLiteral("candidates"), qint64(r.candidates)},
                   {QStringLiteral("budget"), r.budget},
                   {QStringLiteral("mean_size"), r.meanSize},
                   {QStringLiteral("threads"), r.threads},
                   {QStringLiteral("seconds"), r.seconds},
                   {QStringLiteral("candidates_per_second"), r.candidatesPerSecond},
                   {QStringLiteral("baseline_seconds"), base.seconds},
                   {QStringLiteral("baseline_mean_size"), base.meanSize},
                   {QStringLiteral("ratio"), ratio}});
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
        say(QStringLiteral("  baseline (every draw from mt19937_64, scalar popcount): %1 s (mean |S| %2); ratio %3")
                .arg(base.seconds, 0, 'f', 2)
                .arg(base.meanSize, 0, 'f', 1)
                .arg(ratio, 0, 'f', 2));
    }
    return 0;
}

} // namespace hyper::cli
