// SPDX-License-Identifier: GPL-3.0-or-later
// hyper features: compute or refresh the instance features of a project.
#include "app/cli/cli.h"
#include "core/features/featurejob.h"
#include "core/jobs/feedback.h"
#include "core/storage/projectstore.h"

#include <QJsonArray>
#include <cstdio>

namespace hyper::cli {

int cmdFeatures(const QStringList &args)
{
    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral(
        "Compute the instance features (9 lexical scores in 3 bins, 63 tag features) of the "
        "train split. Does nothing when the inputs did not change since the last run."));
    addProjectOption(p);
    addJsonOption(p);
    p.addOption({QStringLiteral("recompute"),
                 QStringLiteral("Recompute everything, also the raw scores that the data carried.")});
    p.addOption({QStringLiteral("threads"), QStringLiteral("Worker threads (default: all cores)."),
                 QStringLiteral("N"), QStringLiteral("0")});
    parseOrThrow(p, args);
    const QString path = requireProject(p);
    bool ok = false;
    FeatureParams params;
    params.threads = p.value(QStringLiteral("threads")).toInt(&ok);
    if (!ok || params.threads < 0)
        throw UsageError("--threads must be a non-negative integer");
    if (p.isSet(QStringLiteral("recompute"))) {
        params.force = true;
        params.recomputeImported = true;
    }

    const auto project = openProject(p);
    ProjectStore &store = *project;
    Feedback feedback = stderrFeedback(QStringLiteral("features"));
    const FeatureResult r = computeFeatures(store, params, feedback);

    if (p.isSet(QStringLiteral("json"))) {
        printJson({{QStringLiteral("instances"), r.instances},
                   {QStringLiteral("features"), QJsonArray::fromStringList(r.features)},
                   {QStringLiteral("seconds"), r.seconds},
                   {QStringLiteral("up_to_date"), r.upToDate},
                   {QStringLiteral("imported_scores"), r.importedScores}});
    } else {
        say(QStringLiteral("%1 instances, %2 features%3, %4 s")
                .arg(r.instances)
                .arg(r.features.size())
                .arg(r.upToDate ? QStringLiteral(" (up to date, nothing recomputed)") : QString())
                .arg(r.seconds, 0, 'f', 2));
        if (r.importedScores > 0)
            say(QStringLiteral("%1 raw scores kept from the data (use --recompute to recompute them)")
                    .arg(r.importedScores));
    }
    return 0;
}

} // namespace hyper::cli
