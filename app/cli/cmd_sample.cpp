// SPDX-License-Identifier: GPL-3.0-or-later
// sample: writes the bundled synthetic sample project (core/sample/samplegenerator.h).
#include "app/cli/cli.h"
#include "core/jobs/feedback.h"
#include "core/sample/samplegenerator.h"
#include "core/storage/projectstore.h"

#include <QFile>
#include <QFileInfo>
#include <cstdio>
#include <memory>

namespace hyper::cli {

namespace {

constexpr qint64 kMaxSize = 1000000;

qint64 sizeOption(const QCommandLineParser &p, const QString &name, qint64 min)
{
    bool ok = false;
    const qint64 v = p.value(name).toLongLong(&ok);
    if (!ok || v < min || v > kMaxSize)
        throw UsageError(QStringLiteral("--%1 takes a whole number from %2 to %3, got '%4'")
                             .arg(name).arg(min).arg(kMaxSize).arg(p.value(name)).toStdString());
    return v;
}

} // namespace

int cmdSample(const QStringList &args)
{
    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral(
        "Write the bundled SYNTHETIC sample dataset (train + eval instances, hidden gold, "
        "simulated human and LM labels, metadata tags; see docs/SAMPLE.md) into a new or "
        "empty project."));
    addProjectOption(p);
    addJsonOption(p);
    p.addOption({QStringLiteral("size"), QStringLiteral("Train instances (default 3000)."), QStringLiteral("N"),
                 QStringLiteral("3000")});
    p.addOption({QStringLiteral("eval-size"), QStringLiteral("Eval instances (default 1000)."), QStringLiteral("M"),
                 QStringLiteral("1000")});
    p.addOption({QStringLiteral("seed"), QStringLiteral("Random seed (default 1)."), QStringLiteral("S"),
                 QStringLiteral("1")});
    p.addOption({QStringLiteral("no-index"), QStringLiteral("Do not build the full-text index afterwards.")});
    parseOrThrow(p, args);
    const QString path = requireProject(p);
    if (!p.positionalArguments().isEmpty())
        throw UsageError("sample takes no positional arguments");

    SampleParams params;
    params.trainSize = int(sizeOption(p, QStringLiteral("size"), 1));
    params.evalSize = int(sizeOption(p, QStringLiteral("eval-size"), 0));
    bool ok = false;
    params.seed = p.value(QStringLiteral("seed")).toULongLong(&ok);
    if (!ok)
        throw UsageError(QStringLiteral("--seed takes a non-negative whole number, got '%1'")
                             .arg(p.value(QStringLiteral("seed"))).toStdString());

    const bool existed = QFileInfo::exists(path);
    SampleSummary s;
    try {
        auto store = openProject(p, ProjectStore::Mode::OpenOrCreate);
        const ProjectInfo info = store->info();
        if (info.instances + info.evalInstances > 0)
            throw UsageError(QStringLiteral("%1 already holds %2 instances; the sample goes into a new or "
                                            "empty project")
                                 .arg(path).arg(info.instances + info.evalInstances).toStdString());
        Feedback feedback;
        s = writeSample(*store, params, feedback);
        if (!p.isSet(QStringLiteral("no-index")))
            store->updateSearchIndex(feedback);
    } catch (...) {
        if (!existed)
            ProjectStore::removeFiles(path);
        throw;
    }

    if (p.isSet(QStringLiteral("json"))) {
        const LabelAccuracy &a = s.accuracy;
        printJson({{QStringLiteral("instances"), s.instances},
                   {QStringLiteral("eval_instances"), s.evalInstances},
                   {QStringLiteral("human_labels"), s.humanLabels},
                   {QStringLiteral("lm_labels"), s.lmLabels},
                   {QStringLiteral("seconds"), s.seconds},
                   {QStringLiteral("seed"), params.seed <= (1ULL << 53) ? QJsonValue(double(params.seed))
                                                                       : QJsonValue(QString::number(params.seed))},
                   {QStringLiteral("label_accuracy"), a.toJson()}});
    } else {
        say(QStringLiteral("wrote the synthetic sample into %1: %2 train + %3 eval instances, %4 human and %5 LM "
                           "labels in %6 s")
                .arg(path).arg(s.instances).arg(s.evalInstances).arg(s.humanLabels).arg(s.lmLabels)
                .arg(s.seconds, 0, 'f', 2));
        say(QStringLiteral("label accuracy vs the hidden gold (train): human majority %1, LM judge %2, "
                           "best tag-based mix %3 (%4% to humans)")
                .arg(s.accuracy.human, 0, 'f', 3).arg(s.accuracy.lm, 0, 'f', 3)
                .arg(s.accuracy.oracleMix, 0, 'f', 3).arg(s.accuracy.oracleHumanShare * 100, 0, 'f', 0));
    }
    return 0;
}

} // namespace hyper::cli
