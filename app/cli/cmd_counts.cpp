// SPDX-License-Identifier: GPL-3.0-or-later
// hyper counts: the count vector c(S) of a mix given by the ids of its human-routed
// instances (METHOD.md §3, docs/ROUTING.md).
#include "app/cli/cli.h"
#include "core/routing/planner.h"
#include "core/routing/candidates.h"
#include "core/storage/projectstore.h"

#include <QFile>
#include <QJsonObject>
#include <QTextStream>

namespace hyper::cli {

int cmdCounts(const QStringList &args)
{
    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral(
        "Count vector of a mix: per feature, the number of the listed (human-routed) "
        "instances that carry it. FILE holds one instance id per line."));
    addProjectOption(p);
    addJsonOption(p);
    p.addOption({QStringLiteral("ids"), QStringLiteral("File of instance ids, one per line."),
                 QStringLiteral("FILE")});
    p.addOption({QStringLiteral("reference-compat"),
                 QStringLiteral("Count as the reference scripts do: length percentile ranks "
                                "recomputed inside the mix, inclusive bins on raw similarity "
                                "scores (no 7,000-instance subsample).")});
    parseOrThrow(p, args);
    requireProject(p);
    const QString idsPath = p.value(QStringLiteral("ids"));
    if (idsPath.isEmpty())
        throw UsageError("--ids FILE is required");
    const bool reference = p.isSet(QStringLiteral("reference-compat"));

    const auto project = openProject(p);
    routing::FeatureMatrix matrix = routing::FeatureMatrix::fromStore(*project, reference);
    if (matrix.features() == 0)
        throw BadInput(QStringLiteral("hyper counts: %1 has no features; run 'hyper features' first")
                           .arg(project->path())
                           .toStdString());
    if (reference) // get_instances' strict tag tests, as the reference's other rules
        prepareReferenceMatrix(*project, matrix);

    QFile file(idsPath);
    if (!file.open(QIODevice::ReadOnly | QIODevice::Text))
        throw BadInput(QStringLiteral("%1: cannot open: %2").arg(idsPath, file.errorString()).toStdString());
    QTextStream in(&file);
    std::vector<std::int64_t> indices;
    qint64 line = 0;
    while (!in.atEnd()) {
        const QString text = in.readLine().trimmed();
        ++line;
        if (text.isEmpty())
            continue;
        bool ok = false;
        const qint64 id = text.toLongLong(&ok);
        if (!ok)
            throw BadInput(QStringLiteral("%1:%2: not an instance id: %3").arg(idsPath).arg(line).arg(text).toStdString());
        const std::int64_t index = matrix.indexOf(id);
        if (index < 0)
            throw BadInput(QStringLiteral("%1:%2: no instance %3").arg(idsPath).arg(line).arg(id).toStdString());
        indices.push_back(index);
    }
    const routing::Bits subset = matrix.subset(indices);
    const std::vector<std::int64_t> counts = routing::countVector(
        matrix, subset, reference ? routing::CountMode::ReferenceCompat : routing::CountMode::Default);

    const qint64 n = routing::popcount(subset);
    if (p.isSet(QStringLiteral("json"))) {
        QJsonObject c;
        for (int f = 0; f < matrix.features(); ++f)
            c.insert(matrix.names()[f], qint64(counts[std::size_t(f)]));
        printJson({{QStringLiteral("n"), n}, {QStringLiteral("counts"), c}});
    } else {
        say(QStringLiteral("%1 instances").arg(n));
        for (int f = 0; f < matrix.features(); ++f)
            say(QStringLiteral("%1\t%2").arg(counts[std::size_t(f)]).arg(matrix.names()[f]));
    }
    return 0;
}

} // namespace hyper::cli
