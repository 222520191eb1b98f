// SPDX-License-Identifier: GPL-3.0-or-later
// hyper bench export: the export rate on a synthetic project, wired into cmd_bench.cpp as
// "export" (docs/EXPORT.md, Figures).
#include "app/cli/cli.h"
#include "core/export/exportbench.h"

#include <QJsonArray>
#include <QJsonObject>

namespace hyper::cli {

int benchExport(const QStringList &args)
{
    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral(
        "Export rate: a synthetic sample project of N train instances (human and LM labels, tags), "
        "every second instance routed to humans by a stored and applied plan, exported R times "
        "(dataset card included); the best run is reported. Target: >= 50,000 rows/s at N = 100,000."));
    addJsonOption(p);
    p.addOption(
        { QStringLiteral("instances"), QStringLiteral("N."), QStringLiteral("N"), QStringLiteral("100000") });
    p.addOption({ QStringLiteral("format"), QStringLiteral("dpo | trl | csv"), QStringLiteral("FORMAT"),
        QStringLiteral("dpo") });
    p.addOption({ QStringLiteral("repeat"), QStringLiteral("Timed exports (R)."), QStringLiteral("R"),
        QStringLiteral("3") });
    p.addOption({ QStringLiteral("raw"), QStringLiteral("Also write the raw labels in each timed export.") });
    p.addOption({ QStringLiteral("features"),
        QStringLiteral("Compute the feature table first (untimed), so "
                       "that the card has its tag table.") });
    p.addOption({ QStringLiteral("dir"), QStringLiteral("Work folder, kept (default: a temporary one)."),
        QStringLiteral("DIR") });
    parseOrThrow(p, args);
    exporting::ExportBenchParams params;
    bool ok1 = false, ok2 = false;
    params.instances = p.value(QStringLiteral("instances")).toInt(&ok1);
    params.repeat = p.value(QStringLiteral("repeat")).toInt(&ok2);
    if (!ok1 || !ok2 || params.instances < 1 || params.repeat < 1)
        throw UsageError("--instances and --repeat must be positive integers");
    const auto format = exporting::parseFormat(p.value(QStringLiteral("format")));
    if (!format)
        throw UsageError("--format must be dpo, trl or csv");
    params.format = *format;
    params.raw = p.isSet(QStringLiteral("raw"));
    params.features = p.isSet(QStringLiteral("features"));
    params.dir = p.value(QStringLiteral("dir"));

    say(QStringLiteral("writing a %1-instance sample project and routing half of it ...")
            .arg(params.instances));
    const double loadBefore = loadAverage();
    const exporting::ExportBenchFigures f = exporting::benchExport(params);
    const double loadAfter = loadAverage();
#ifdef NDEBUG
    const bool optimized = true;
#else
    const bool optimized = false;
#endif
    if (p.isSet(QStringLiteral("json"))) {
        QJsonArray runs;
        for (double s : f.seconds)
            runs.append(s);
        printJson({ { QStringLiteral("instances"), f.instances }, { QStringLiteral("exported"), f.exported },
            { QStringLiteral("human"), f.human }, { QStringLiteral("lm"), f.lm },
            { QStringLiteral("dropped"), f.dropped }, { QStringLiteral("raw_labels"), f.rawLabels },
            { QStringLiteral("format"), exporting::formatName(params.format) },
            { QStringLiteral("setup_seconds"), f.setupSeconds }, { QStringLiteral("runs"), runs },
            { QStringLiteral("seconds"), f.bestSeconds },
            { QStringLiteral("rows_per_second"), f.rowsPerSecond },
            { QStringLiteral("instances_per_second"), f.instancesPerSecond },
            { QStringLiteral("mb"), f.megabytes }, { QStringLiteral("mb_per_second"), f.megabytesPerSecond },
            { QStringLiteral("target_rows_per_second"), 50000 },
            { QStringLiteral("optimized_build"), optimized }, { QStringLiteral("load_before"), loadBefore },
            { QStringLiteral("load_after"), loadAfter } });
    } else {
        say(QStringLiteral("setup (sample + route) %1 s").arg(f.setupSeconds, 0, 'f', 1));
        say(QStringLiteral("export %1: %2 of %3 instances (%4 human, %5 LM, %6 dropped), %7 MB")
                .arg(exporting::formatName(params.format))
                .arg(f.exported)
                .arg(f.instances)
                .arg(f.human)
                .arg(f.lm)
                .arg(f.dropped)
                .arg(f.megabytes, 0, 'f', 1));
        say(QStringLiteral("best of %1: %2 s: %3 rows/s, %4 instances/s, %5 MB/s (target >= 50,000 rows/s)")
                .arg(f.seconds.size())
                .arg(f.bestSeconds, 0, 'f', 3)
                .arg(f.rowsPerSecond, 0, 'f', 0)
                .arg(f.instancesPerSecond, 0, 'f', 0)
                .arg(f.megabytesPerSecond, 0, 'f', 1));
        say(QStringLiteral("build %1, load average %2 before, %3 after")
                .arg(optimized ? QStringLiteral("optimized (NDEBUG)") : QStringLiteral("with assertions"))
                .arg(loadBefore, 0, 'f', 2)
                .arg(loadAfter, 0, 'f', 2));
    }
    return 0;
}

} // namespace hyper::cli
