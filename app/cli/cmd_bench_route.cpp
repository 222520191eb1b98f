// SPDX-License-Identifier: GPL-3.0-or-later
// hyper bench route: throughput of simulated routing (Algorithm 1 candidates sampled,
// counted and scored by a quadratic PPM), wired into cmd_bench.cpp as "route".
#include "app/cli/cli.h"
#include "core/routing/route.h"

#include <QJsonObject>

namespace hyper::cli {

int benchRoute(const QStringList &args)
{
    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral(
        "Simulated routing throughput: on a synthetic 90-feature matrix of N instances, fit a "
        "quadratic PPM on 300 candidates, then sample, count and score K candidates at the "
        "budget and keep the best; then the same candidates without scoring, for the ratio. "
        "Issue target: 1,000,000 candidates in <= 60 s at N = 10,000, budget 0.5, 2 cores."));
    addJsonOption(p);
    addSyntheticBenchOptions(p, QStringLiteral("1000000"));
    parseOrThrow(p, args);
    const SyntheticBenchOptions o = syntheticBenchOptions(p);
    const qint64 n = o.instances, k = o.candidates;
    const double budget = o.budget;
    const int threads = o.threads;
    const quint64 seed = o.seed;

    const routing::RouteBench r = routing::benchRouting(n, k, budget, threads, seed);
    if (p.isSet(QStringLiteral("json"))) {
        printJson({{QStringLiteral("instances"), qint64(r.instances)},
                   {QStringLiteral("candidates"), qint64(r.candidates)},
                   {QStringLiteral("budget"), r.budgetFraction},
                   {QStringLiteral("budget_count"), qint64(r.budget)},
                   {QStringLiteral("threads"), r.threads},
                   {QStringLiteral("features"), r.features},
                   {QStringLiteral("columns"), r.columns},
                   {QStringLiteral("nonzero_coefficients"), qint64(r.nonzeroCoefficients)},
                   {QStringLiteral("fit_seconds"), r.fitSeconds},
                   {QStringLiteral("seconds"), r.seconds},
                   {QStringLiteral("candidates_per_second"), r.candidatesPerSecond},
                   {QStringLiteral("unscored_seconds"), r.unscoredSeconds},
                   {QStringLiteral("score_share"), r.scoreShare},
                   {QStringLiteral("best"), r.best},
                   {QStringLiteral("best_size"), qint64(r.bestSize)},
                   {QStringLiteral("all_lm"), r.allLm},
                   {QStringLiteral("all_human"), r.allHuman}});
    } else {
        say(QStringLiteral("route: %1 candidates at N = %2, budget %3 (%4 instances), quadratic PPM "
                           "(%5 columns, %6 non-zero, fit %7 s), %8 threads")
                .arg(r.candidates).arg(r.instances).arg(r.budgetFraction).arg(r.budget).arg(r.columns)
                .arg(r.nonzeroCoefficients).arg(r.fitSeconds, 0, 'f', 2).arg(r.threads));
        say(QStringLiteral("  sampled + counted + predicted: %1 s (%2 candidates/s)")
                .arg(r.seconds, 0, 'f', 2).arg(r.candidatesPerSecond, 0, 'f', 0));
        say(QStringLiteral("  sampled + counted only:        %1 s (prediction %2% of the time)")
                .arg(r.unscoredSeconds, 0, 'f', 2).arg(100 * r.scoreShare, 0, 'f', 1));
        say(QStringLiteral("  best predicted %1 (|S| = %2); all LM %3, all human %4")
                .arg(r.best, 0, 'f', 4).arg(r.bestSize).arg(r.allLm, 0, 'f', 4).arg(r.allHuman, 0, 'f', 4));
    }
    return 0;
}

} // namespace hyper::cli
