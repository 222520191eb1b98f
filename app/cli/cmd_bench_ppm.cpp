// SPDX-License-Identifier: GPL-3.0-or-later
// hyper bench ppm: fit time of the performance prediction model on synthetic candidates.
#include "app/cli/cli.h"
#include "core/routing/ppm.h"

#include <QJsonObject>

namespace hyper::cli {

int benchPpm(const QStringList &args)
{
    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral(
        "Time the PPM: k-fold cross-validation, then one fit on all candidates, of synthetic "
        "count vectors. Target: 500 candidates x 90 counts, quadratic, 10 folds in <= 2 s."));
    addJsonOption(p);
    p.addOption({QStringLiteral("candidates"), QStringLiteral("Number of candidates."), QStringLiteral("N"),
                 QStringLiteral("500")});
    p.addOption({QStringLiteral("features"), QStringLiteral("Counts per candidate."), QStringLiteral("P"),
                 QStringLiteral("90")});
    p.addOption({QStringLiteral("folds"), QStringLiteral("Cross-validation folds."), QStringLiteral("K"),
                 QStringLiteral("10")});
    p.addOption({QStringLiteral("model"), QStringLiteral("linear | quadratic."), QStringLiteral("M"),
                 QStringLiteral("quadratic")});
    p.addOption({QStringLiteral("seed"), QStringLiteral("Generator seed."), QStringLiteral("S"),
                 QStringLiteral("1")});
    parseOrThrow(p, args);
    bool ok1 = false, ok2 = false, ok3 = false, ok4 = false;
    const int n = p.value(QStringLiteral("candidates")).toInt(&ok1);
    const int features = p.value(QStringLiteral("features")).toInt(&ok2);
    const int folds = p.value(QStringLiteral("folds")).toInt(&ok3);
    const quint64 seed = p.value(QStringLiteral("seed")).toULongLong(&ok4);
    if (!ok1 || !ok2 || !ok3 || !ok4 || features < 1 || folds < 2 || n < folds)
        throw UsageError("--candidates, --features, --folds and --seed must be positive integers, "
                         "with 2 <= folds <= candidates");
    const QString modelName = p.value(QStringLiteral("model"));
    PpmModel model;
    if (modelName == QLatin1String("linear"))
        model = PpmModel::Linear;
    else if (modelName == QLatin1String("quadratic"))
        model = PpmModel::Quadratic;
    else
        throw UsageError(QStringLiteral("--model must be linear or quadratic, not '%1'").arg(modelName).toStdString());

    const PpmBenchFigures f = benchPpmFit(n, features, folds, seed, model);
    if (p.isSet(QStringLiteral("json"))) {
        printJson({{QStringLiteral("model"), modelName},
                   {QStringLiteral("candidates"), f.candidates},
                   {QStringLiteral("features"), f.features},
                   {QStringLiteral("columns"), f.columns},
                   {QStringLiteral("folds"), f.folds},
                   {QStringLiteral("cv_seconds"), f.cvSeconds},
                   {QStringLiteral("fit_seconds"), f.fitSeconds},
                   {QStringLiteral("seconds"), f.cvSeconds + f.fitSeconds},
                   {QStringLiteral("spearman"), f.spearman},
                   {QStringLiteral("rmse"), f.rmse}});
    } else {
        say(QStringLiteral("ppm %1: %2 candidates x %3 counts (%4 columns), %5-fold CV %6 s + full fit %7 s "
                           "= %8 s (CV Spearman %9, RMSE %10)")
                .arg(modelName)
                .arg(f.candidates)
                .arg(f.features)
                .arg(f.columns)
                .arg(f.folds)
                .arg(f.cvSeconds, 0, 'f', 3)
                .arg(f.fitSeconds, 0, 'f', 3)
                .arg(f.cvSeconds + f.fitSeconds, 0, 'f', 3)
                .arg(f.spearman, 0, 'f', 3)
                .arg(f.rmse, 0, 'f', 4));
    }
    return 0;
}

} // namespace hyper::cli
