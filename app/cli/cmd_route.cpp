// SPDX-License-Identifier: GPL-3.0-or-later
// hyper route, hyper simulate and hyper ppm importance: routing with the project's PPM
// (docs/ROUTING.md; core/routing/planner.h does the work, the GUI's Routing tab too).
#include "app/cli/cli.h"
#include "core/routing/planner.h"

#include <QJsonArray>
#include <QJsonObject>
#include <cmath>

#include <limits>

namespace hyper::cli {

namespace {

double budgetOption(const QCommandLineParser &p)
{
    if (!p.isSet(QStringLiteral("budget")))
        throw UsageError("--budget B is required (a fraction in (0, 1] or a count of instances)");
    bool ok = false;
    const double b = p.value(QStringLiteral("budget")).toDouble(&ok);
    if (!ok || !(b > 0))
        throw UsageError("--budget must be a fraction in (0, 1] or a positive count of instances");
    return b;
}

/** RoutingError is bad input (exit 2), as the CLI contract asks. */
template <typename F>
auto asBadInput(F &&f)
{
    try {
        return f();
    } catch (const RoutingError &e) {
        throw UsageError(e.what());
    }
}

void addSubsampleOption(QCommandLineParser &p)
{
    p.addOption({QStringLiteral("subsample"),
                 QStringLiteral("Reference-mode PPMs: count each mix on a seeded random.sample of N of its "
                                "instances, as the reference's n_samples (7000); default: all."),
                 QStringLiteral("N"), QStringLiteral("0")});
}

std::int64_t subsampleOption(const QCommandLineParser &p)
{
    bool ok = false;
    const qlonglong n = p.value(QStringLiteral("subsample")).toLongLong(&ok);
    if (!ok || n < 0)
        throw UsageError("--subsample must be a number of instances (0: none)");
    return std::int64_t(n);
}

} // namespace

int cmdRoute(const QStringList &args)
{
    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral(
        "Route train instances to humans under a budget with the project's newest PPM, store the "
        "plan and mark the instances' routes (human for the plan, lm for the rest of the train split). "
        "Train a reward model on it with 'hyper train-rm --mix plan:ID'."));
    addProjectOption(p);
    addJsonOption(p);
    p.addOption({QStringLiteral("budget"), QStringLiteral("A fraction of the train split in (0, 1], or a count."),
                 QStringLiteral("B")});
    p.addOption({QStringLiteral("strategy"), QStringLiteral("simulated (default) | topk | all-positive | epsilon | random (a seeded uniform sample; needs no PPM)"),
                 QStringLiteral("S"), QStringLiteral("simulated")});
    p.addOption({QStringLiteral("candidates"), QStringLiteral("Candidates sampled by the simulated strategy."),
                 QStringLiteral("N"), QStringLiteral("500")});
    p.addOption({QStringLiteral("epsilon"), QStringLiteral("Minimum marginal gain per instance (epsilon strategy; "
                 "default 0, or for a reference-mode PPM the reference's optimal_grad epsilon)."),
                 QStringLiteral("E")});
    p.addOption({QStringLiteral("seed"), QStringLiteral("Seed of the simulated candidates."), QStringLiteral("S"),
                 QStringLiteral("1")});
    p.addOption({QStringLiteral("model-id"), QStringLiteral("The PPM to use (default: the newest)."), QStringLiteral("ID")});
    p.addOption({QStringLiteral("threads"), QStringLiteral("Threads (0: all cores)."), QStringLiteral("N"),
                 QStringLiteral("0")});
    p.addOption({QStringLiteral("no-apply"), QStringLiteral("Store the plan without marking the instances' routes.")});
    addSubsampleOption(p);
    parseOrThrow(p, args);
    requireProject(p);
    RouteParams params;
    params.strategy = p.value(QStringLiteral("strategy"));
    // all-positive has no budget; epsilon's is a cap (none for a reference-mode PPM).
    const bool budgetOptional =
        params.strategy == QLatin1String("all-positive") || params.strategy == QLatin1String("epsilon");
    params.budget = budgetOptional && !p.isSet(QStringLiteral("budget")) ? 1.0 : budgetOption(p);
    params.subsample = subsampleOption(p);
    params.candidates = intOption(p, QStringLiteral("candidates"), 1, std::numeric_limits<int>::max());
    if (p.isSet(QStringLiteral("epsilon"))) {
        bool ok = false;
        const double epsilon = p.value(QStringLiteral("epsilon")).toDouble(&ok);
        if (!ok || !(epsilon >= 0))
            throw UsageError("--epsilon must be a number >= 0");
        params.epsilon = epsilon;
    }
    params.seed = seedOption(p);
    params.threads = intOption(p, QStringLiteral("threads"), 0, 1 << 16);
    params.apply = !p.isSet(QStringLiteral("no-apply"));
    if (p.isSet(QStringLiteral("model-id")))
        params.modelId = p.value(QStringLiteral("model-id")).toLongLong();

    const auto project = openProject(p);
    Feedback feedback = stderrFeedback(QStringLiteral("route"));
    const RoutePlanResult r = asBadInput([&] { return routeProject(*project, params, feedback); });
    if (p.isSet(QStringLiteral("json"))) {
        printJson({{QStringLiteral("plan"), r.planId},
                   {QStringLiteral("human"), r.human},
                   {QStringLiteral("predicted"), std::isfinite(r.predicted) ? QJsonValue(r.predicted) : QJsonValue()},
                   {QStringLiteral("budget"), r.budget},
                   {QStringLiteral("instances"), r.instances},
                   {QStringLiteral("strategy"), r.strategy},
                   {QStringLiteral("model"), r.modelId > 0 ? QJsonValue(r.modelId) : QJsonValue()},
                   {QStringLiteral("all_lm"), r.modelId > 0 ? QJsonValue(r.allLm) : QJsonValue()},
                   {QStringLiteral("all_human"), r.modelId > 0 ? QJsonValue(r.allHuman) : QJsonValue()},
                   {QStringLiteral("candidates"), r.candidates},
                   {QStringLiteral("counted"), r.counted},
                   {QStringLiteral("applied"), r.applied},
                   {QStringLiteral("seconds"), r.seconds}});
    } else if (r.modelId <= 0) {
        say(QStringLiteral("plan %1 (%2, no PPM): %3 of %4 instances to humans%5")
                .arg(r.planId).arg(r.strategy).arg(r.human).arg(r.instances)
                .arg(r.applied ? QStringLiteral("; routes marked") : QString()));
    } else {
        say(QStringLiteral("plan %1 (%2, PPM %3): %4 of %5 instances to humans, predicted %6 "
                           "(100%% LM %7, 100%% human %8)%9")
                .arg(r.planId).arg(r.strategy).arg(r.modelId).arg(r.human).arg(r.instances)
                .arg(r.predicted, 0, 'f', 4).arg(r.allLm, 0, 'f', 4).arg(r.allHuman, 0, 'f', 4)
                .arg(r.applied ? QStringLiteral("; routes marked") : QString()));
    }
    return 0;
}

int cmdSimulate(const QStringList &args)
{
    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral(
        "Sample N candidate mixes at the budget with Algorithm 1 and score them with the project's "
        "newest PPM, storing nothing; prints the best predicted score and the time taken."));
    addProjectOption(p);
    addJsonOption(p);
    p.addOption({QStringLiteral("budget"), QStringLiteral("A fraction of the train split in (0, 1], or a count."),
                 QStringLiteral("B")});
    p.addOption({QStringLiteral("candidates"), QStringLiteral("Candidates to sample and score."), QStringLiteral("N"),
                 QStringLiteral("500")});
    p.addOption({QStringLiteral("seed"), QStringLiteral("Seed."), QStringLiteral("S"), QStringLiteral("1")});
    p.addOption({QStringLiteral("threads"), QStringLiteral("Threads (0: all cores)."), QStringLiteral("N"),
                 QStringLiteral("0")});
    addSubsampleOption(p);
    parseOrThrow(p, args);
    requireProject(p);
    const double budget = budgetOption(p);
    const std::int64_t subsample = subsampleOption(p);
    const int candidates = intOption(p, QStringLiteral("candidates"), 1, std::numeric_limits<int>::max());
    const auto project = openProject(p, ProjectStore::Mode::OpenExisting);
    Feedback feedback = stderrFeedback(QStringLiteral("simulate"));
    const SimulateResult s = asBadInput([&] {
        return simulateProject(*project, budget, candidates, seedOption(p), intOption(p, QStringLiteral("threads"), 0, 1 << 16), feedback, subsample);
    });
    if (p.isSet(QStringLiteral("json")))
        printJson({{QStringLiteral("candidates"), s.candidates},
                   {QStringLiteral("seconds"), s.seconds},
                   {QStringLiteral("best"), s.best},
                   {QStringLiteral("budget"), s.budget},
                   {QStringLiteral("per_second"), s.seconds > 0 ? double(s.candidates) / s.seconds : 0.0}});
    else
        say(QStringLiteral("%1 candidates of %2 instances in %3 s (%4/s); best predicted %5")
                .arg(s.candidates).arg(s.budget).arg(s.seconds, 0, 'f', 2)
                .arg(s.seconds > 0 ? double(s.candidates) / s.seconds : 0.0, 0, 'f', 0)
                .arg(s.best, 0, 'f', 4));
    return 0;
}

int ppmImportance(const QStringList &args)
{
    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral(
        "Feature importance of a PPM as the paper computes it: the predicted gain of routing PER "
        "random instances carrying a feature to humans (everything else to the LM) over the all-LM "
        "mix, averaged over TRIALS draws; for a linear PPM also its coefficients."));
    addProjectOption(p);
    addJsonOption(p);
    p.addOption({QStringLiteral("model-id"), QStringLiteral("The PPM (default: the newest)."), QStringLiteral("ID")});
    p.addOption({QStringLiteral("per-trial"), QStringLiteral("Instances routed per trial."), QStringLiteral("PER"),
                 QStringLiteral("100")});
    p.addOption({QStringLiteral("trials"), QStringLiteral("Trials per feature (default 50, or 3 for a "
                 "reference-mode PPM, as the reference)."), QStringLiteral("TRIALS")});
    p.addOption({QStringLiteral("seed"), QStringLiteral("Seed."), QStringLiteral("S"), QStringLiteral("1")});
    parseOrThrow(p, args);
    requireProject(p);
    std::optional<qint64> modelId;
    if (p.isSet(QStringLiteral("model-id")))
        modelId = p.value(QStringLiteral("model-id")).toLongLong();
    const int perTrial = intOption(p, QStringLiteral("per-trial"), 1, std::numeric_limits<int>::max());
    const int trials = p.isSet(QStringLiteral("trials"))
                           ? intOption(p, QStringLiteral("trials"), 1, std::numeric_limits<int>::max())
                           : 0; // the model's default
    const auto project = openProject(p, ProjectStore::Mode::OpenExisting);
    const ImportanceReport r =
        asBadInput([&] { return importanceReport(*project, perTrial, trials, seedOption(p), modelId); });
    if (p.isSet(QStringLiteral("json"))) {
        QJsonArray features;
        for (const routing::FeatureImportance &f : r.importance)
            features.append(QJsonObject{{QStringLiteral("feature"), f.feature},
                                        {QStringLiteral("gain"), f.gain},
                                        {QStringLiteral("std"), f.stddev},
                                        {QStringLiteral("carriers"), f.carriers},
                                        {QStringLiteral("sampled"), f.sampled}});
        QJsonObject out{{QStringLiteral("model"), r.modelId},
                        {QStringLiteral("kind"), r.model},
                        {QStringLiteral("per_trial"), r.perTrial},
                        {QStringLiteral("trials"), r.trials},
                        {QStringLiteral("importance"), features}};
        if (!r.coefficients.empty()) {
            QJsonObject coef;
            for (const auto &[name, value] : r.coefficients)
                coef.insert(name, value);
            out.insert(QStringLiteral("coefficients"), coef);
        }
        printJson(out);
    } else {
        for (const routing::FeatureImportance &f : r.importance)
            say(QStringLiteral("%1\t± %2\t%3 (%4 carriers)")
                    .arg(f.gain, 10, 'g', 4).arg(f.stddev, 8, 'g', 3).arg(f.feature).arg(f.carriers));
    }
    return 0;
}

} // namespace hyper::cli
