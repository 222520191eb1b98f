// SPDX-License-Identifier: GPL-3.0-or-later
// hyper bench features: time of the lexical features on synthetic pairs (to be wired
// into cmd_bench.cpp's sub-bench table as "features").
#include "app/cli/cli.h"
#include "core/features/featurebench.h"
#include "core/jobs/feedback.h"

#include <QJsonObject>

namespace hyper::cli {

int benchFeatures(const QStringList &args)
{
    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral(
        "Time all 27 lexical features (encoder fit, nine scores, bins) of generated pairs, "
        "in memory. Target: 10,000 pairs of ~2 KB in <= 10 s on 2 cores."));
    addJsonOption(p);
    p.addOption({QStringLiteral("instances"), QStringLiteral("Number of pairs."), QStringLiteral("N"),
                 QStringLiteral("10000")});
    p.addOption({QStringLiteral("bytes"), QStringLiteral("Bytes of text per pair."), QStringLiteral("B"),
                 QStringLiteral("2000")});
    p.addOption({QStringLiteral("threads"), QStringLiteral("Threads (0: all cores)."), QStringLiteral("T"),
                 QStringLiteral("0")});
    p.addOption({QStringLiteral("seed"), QStringLiteral("Generator seed."), QStringLiteral("S"),
                 QStringLiteral("1")});
    parseOrThrow(p, args);
    bool ok1 = false, ok2 = false, ok3 = false, ok4 = false;
    const qint64 n = p.value(QStringLiteral("instances")).toLongLong(&ok1);
    const int bytes = p.value(QStringLiteral("bytes")).toInt(&ok2);
    const int threads = p.value(QStringLiteral("threads")).toInt(&ok3);
    const quint64 seed = p.value(QStringLiteral("seed")).toULongLong(&ok4);
    if (!ok1 || !ok2 || !ok3 || !ok4 || n < 1 || bytes < 10 || threads < 0)
        throw UsageError("--instances, --bytes, --threads and --seed must be positive integers");

    Feedback feedback;
    const FeatureBenchFigures f = benchLexicalFeatures(n, threads, seed, bytes, feedback);
    if (p.isSet(QStringLiteral("json"))) {
        printJson({{QStringLiteral("instances"), f.instances},
                   {QStringLiteral("threads"), f.threads},
                   {QStringLiteral("text_mb"), f.textMegabytes},
                   {QStringLiteral("seconds"), f.seconds},
                   {QStringLiteral("instances_per_second"), f.instancesPerSecond}});
    } else {
        say(QStringLiteral("features: %1 pairs (%2 MB of text), %3 threads: %4 s (%5 pairs/s)")
                .arg(f.instances)
                .arg(f.textMegabytes, 0, 'f', 1)
                .arg(f.threads)
                .arg(f.seconds, 0, 'f', 2)
                .arg(f.instancesPerSecond, 0, 'f', 0));
    }
    return 0;
}

} // namespace hyper::cli
