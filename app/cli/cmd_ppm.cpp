// SPDX-License-Identifier: GPL-3.0-or-later
// hyper ppm collect | import-scores | fit | predict | list: the performance prediction
// model's data, fit and predictions (docs/ROUTING.md).
#include "app/cli/cli.h"
#include "core/jobs/feedback.h"
#include "core/ml/bundle.h"
#include "core/routing/collect.h"
#include "core/routing/ppmfit.h"
#include "core/routing/scorecsv.h"
#include "core/storage/featurestore.h"
#include "core/storage/ppmstore.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QStandardPaths>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonObject>
#include <cmath>

namespace hyper::cli {

namespace {

QJsonValue number(std::optional<double> v)
{
    return v && std::isfinite(*v) ? QJsonValue(*v) : QJsonValue(QJsonValue::Null);
}

QJsonValue number(double v)
{
    return number(std::optional<double>(v));
}

QJsonArray idArray(const std::vector<qint64> &ids)
{
    QJsonArray a;
    for (qint64 id : ids)
        a.append(id);
    return a;
}

/** The single FILE argument of import-scores and predict. */
QString fileArgument(const QCommandLineParser &p)
{
    if (p.positionalArguments().size() != 1)
        throw UsageError("exactly one FILE.csv is required");
    return p.positionalArguments().first();
}

void addSeedOption(QCommandLineParser &p, const QString &what)
{
    p.addOption({ QStringLiteral("seed"), what, QStringLiteral("S"), QStringLiteral("1") });
}

QJsonObject statusJson(const routing::SlurmStatus &s)
{
    return { { QStringLiteral("tasks"), s.tasks }, { QStringLiteral("done"), s.done }, { QStringLiteral("failed"), s.failed },
        { QStringLiteral("missing"), s.missing }, { QStringLiteral("problems"), QJsonArray::fromStringList(s.problems) } };
}

int ppmCollectSlurm(const QCommandLineParser &p, ProjectStore &project, const routing::CollectParams &params, Feedback &feedback)
{
    routing::SlurmOptions o;
    o.dir = p.value(QStringLiteral("slurm-dir"));
    o.partition = p.value(QStringLiteral("partition"));
    o.gres = p.value(QStringLiteral("gres"));
    o.time = p.value(QStringLiteral("time"));
    o.mem = p.value(QStringLiteral("mem"));
    if (p.isSet(QStringLiteral("cpus-per-task")))
        o.cpusPerTask = intOption(p, QStringLiteral("cpus-per-task"), 1, 1024);
    if (p.isSet(QStringLiteral("array-limit")))
        o.arrayLimit = intOption(p, QStringLiteral("array-limit"), 1, 1000000);
    o.trainCommand = trainCommandOption(p);
    routing::SlurmJob job;
    try {
        job = routing::writeSlurmJob(project, params, o, feedback);
    } catch (const routing::CollectError &e) {
        throw BadInput(QStringLiteral("hyper ppm collect: %1").arg(QString::fromUtf8(e.what())).toStdString());
    }
    for (const QString &e : job.errors)
        say(QStringLiteral("hyper ppm collect: %1").arg(e));
    if (p.isSet(QStringLiteral("json"))) {
        printJson({ { QStringLiteral("dir"), job.dir }, { QStringLiteral("script"), job.script },
            { QStringLiteral("sbatch"), job.sbatch }, { QStringLiteral("tasks"), job.tasks },
            { QStringLiteral("stored"), job.stored }, { QStringLiteral("bytes"), job.bytes },
            { QStringLiteral("errors"), QJsonArray::fromStringList(job.errors) } });
    } else {
        say(QStringLiteral("wrote %1 tasks into %2 (%3 MB); %4 candidates are stored already. Run:")
                .arg(job.tasks).arg(job.dir).arg(double(job.bytes) / 1e6, 0, 'f', 1).arg(job.stored));
        std::printf("%s\n", qUtf8Printable(job.sbatch));
    }
    return 0;
}

int ppmCollectStatus(const QCommandLineParser &p)
{
    routing::SlurmStatus s;
    try {
        s = routing::slurmStatus(p.value(QStringLiteral("status")));
    } catch (const routing::CollectError &e) {
        throw BadInput(QStringLiteral("hyper ppm collect: %1").arg(QString::fromUtf8(e.what())).toStdString());
    }
    if (p.isSet(QStringLiteral("json"))) {
        printJson(statusJson(s));
    } else {
        std::printf("%d tasks: %d done, %d failed, %d missing\n", s.tasks, s.done, s.failed, s.missing);
        for (const QString &line : s.problems)
            std::printf("  %s\n", qUtf8Printable(line));
    }
    return 0;
}

int ppmCollectImport(const QCommandLineParser &p)
{
    const auto project = openProject(p);
    Feedback feedback = stderrFeedback(QStringLiteral("ppm collect"));
    routing::SlurmImport r;
    try {
        r = routing::importSlurmResults(*project, p.value(QStringLiteral("import-results")), feedback);
    } catch (const routing::CollectError &e) {
        throw BadInput(QStringLiteral("hyper ppm collect: %1").arg(QString::fromUtf8(e.what())).toStdString());
    }
    if (p.isSet(QStringLiteral("json"))) {
        QJsonObject o = statusJson(r.status);
        o.insert(QStringLiteral("dataset"), r.datasetId);
        o.insert(QStringLiteral("imported"), r.imported);
        o.insert(QStringLiteral("already"), r.already);
        printJson(o);
    } else {
        say(QStringLiteral("dataset %1: %2 rows imported, %3 already there; %4 tasks: %5 done, %6 failed, %7 missing")
                .arg(r.datasetId).arg(r.imported).arg(r.already).arg(r.status.tasks).arg(r.status.done)
                .arg(r.status.failed).arg(r.status.missing));
        for (const QString &line : r.status.problems)
            say(QStringLiteral("  %1").arg(line));
    }
    return 0;
}

int ppmCollect(const QStringList &args)
{
    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral(
        "Sample K candidate mixes (Algorithm 1) and measure each: a proxy reward model trained on "
        "the mix (--metric rm) or the mix labels' agreement with a label source (agreement:gold|human|lm). "
        "Rows are stored as they are measured; a rerun with the same options resumes, a larger K extends."));
    addProjectOption(p);
    addJsonOption(p);
    p.addOption(
        { QStringLiteral("candidates"), QStringLiteral("Number of candidates K."), QStringLiteral("K") });
    addSeedOption(p, QStringLiteral("Seed of the candidates and proxy RMs."));
    p.addOption({ QStringLiteral("metric"),
        QStringLiteral("rm (default) | agreement:gold | agreement:human | agreement:lm"),
        QStringLiteral("METRIC"), QStringLiteral("rm") });
    p.addOption({ QStringLiteral("model"), QStringLiteral("Proxy RM: bag (default) | transformer"),
        QStringLiteral("MODEL"), QStringLiteral("bag") });
    p.addOption({ QStringLiteral("epochs"), QStringLiteral("Proxy RM epochs (model default if unset)."),
        QStringLiteral("E") });
    p.addOption({ QStringLiteral("device"), QStringLiteral("auto | cpu | cuda"), QStringLiteral("DEVICE"),
        QStringLiteral("auto") });
    p.addOption({ QStringLiteral("workers"), QStringLiteral("Proxy RMs trained at once (0: one per core)."),
        QStringLiteral("W"), QStringLiteral("0") });
    p.addOption({ QStringLiteral("count-mode"), QStringLiteral("default (the workbench's counts) | reference (as "
        "the reference's get_instances counts a mix; docs/ROUTING.md). A PPM fitted on the rows carries it."),
        QStringLiteral("MODE"), QStringLiteral("default") });
    // A Slurm cluster instead of this machine (docs/CLUSTER.md).
    addSlurmOptions(p);
    p.addOption({ QStringLiteral("array-limit"), QStringLiteral("With --slurm-dir: tasks running at once (--array=...%L)."), QStringLiteral("L") });
    p.addOption({ QStringLiteral("status"), QStringLiteral("Count the done, failed and missing tasks of a job folder."), QStringLiteral("DIR") });
    parseOrThrow(p, args);
    if (p.isSet(QStringLiteral("status")))
        return ppmCollectStatus(p);
    requireProject(p);
    if (p.isSet(QStringLiteral("import-results")))
        return ppmCollectImport(p);
    if (!p.isSet(QStringLiteral("candidates")))
        throw UsageError("--candidates K is required");
    routing::CollectParams params;
    params.candidates = intOption(p, QStringLiteral("candidates"), 0, 10000000);
    params.seed = seedOption(p);
    params.metric = p.value(QStringLiteral("metric"));
    const QString model = p.value(QStringLiteral("model"));
    if (model != QLatin1String("bag") && model != QLatin1String("transformer"))
        throw UsageError("--model must be bag or transformer");
    params.rm = ml::TrainConfig::defaults(model.toStdString());
    if (p.isSet(QStringLiteral("epochs")))
        params.rm.epochs = intOption(p, QStringLiteral("epochs"), 1, 1000);
    params.rm.device = p.value(QStringLiteral("device")).toStdString();
    params.workers = intOption(p, QStringLiteral("workers"), 0, 1024);
    const std::optional<routing::CountMode> mode = routing::parseCountMode(p.value(QStringLiteral("count-mode")));
    if (!mode)
        throw UsageError("--count-mode must be default or reference");
    params.countMode = *mode;

    const auto project = openProject(p);
    Feedback feedback = stderrFeedback(QStringLiteral("ppm collect"));
    if (p.isSet(QStringLiteral("slurm-dir")))
        return ppmCollectSlurm(p, *project, params, feedback);
    routing::CollectResult r;
    try {
        r = routing::collectPpmData(*project, params, feedback);
    } catch (const routing::CollectError &e) {
        throw BadInput(
            QStringLiteral("hyper ppm collect: %1").arg(QString::fromUtf8(e.what())).toStdString());
    }
    for (const QString &e : r.errors)
        say(QStringLiteral("hyper ppm collect: %1").arg(e));
    if (p.isSet(QStringLiteral("json"))) {
        printJson({ { QStringLiteral("dataset"), r.datasetId }, { QStringLiteral("candidates"), r.requested },
            { QStringLiteral("measured"), r.measured }, { QStringLiteral("reused"), r.reused },
            { QStringLiteral("failed"), r.failed }, { QStringLiteral("seconds"), r.seconds },
            { QStringLiteral("errors"), QJsonArray::fromStringList(r.errors) } });
    } else {
        say(QStringLiteral("dataset %1: %2 candidates, %3 measured, %4 already stored, %5 failed (%6 s)")
                .arg(r.datasetId)
                .arg(r.requested)
                .arg(r.measured)
                .arg(r.reused)
                .arg(r.failed)
                .arg(r.seconds, 0, 'f', 1));
    }
    return 0;
}

int ppmImportScores(const QStringList &args)
{
    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral(
        "Import PPM training rows from a CSV: a header row, one count column per feature (named as the "
        "project's features; without features every numeric column) and the score in 'Overall'. "
        "Other columns are ignored. All rows or none. The rows are marked as counted the reference's way "
        "(its CSVs come from generate_instances), and rows with a missing value in any column are dropped "
        "first, as its pd.read_csv().dropna(); --count-mode default marks counts made as the workbench's "
        "and refuses incomplete rows."));
    addProjectOption(p);
    addJsonOption(p);
    p.addOption({ QStringLiteral("count-mode"), QStringLiteral("reference (default) | default: how the file's "
        "counts were made."), QStringLiteral("MODE"), QStringLiteral("reference") });
    p.addPositionalArgument(QStringLiteral("FILE"), QStringLiteral("The CSV file."));
    parseOrThrow(p, args);
    requireProject(p);
    const QString countMode = p.value(QStringLiteral("count-mode"));
    if (!routing::parseCountMode(countMode))
        throw UsageError("--count-mode must be reference or default");
    const QString file = fileArgument(p);
    const auto project = openProject(p);
    const QStringList known = FeatureStore(*project).featureNames();
    const bool reference = countMode == QLatin1String("reference");
    const routing::ScoreCsv csv = routing::readScoreCsv(file, known, /*requireAll=*/false,
        /*requireScore=*/true, /*integral=*/true, /*dropNa=*/reference);
    std::vector<PpmRow> rows;
    rows.reserve(csv.counts.size());
    for (std::size_t i = 0; i < csv.counts.size(); ++i) {
        PpmRow r;
        r.index = int(i);
        for (double c : csv.counts[i])
            r.counts.push_back(qint64(c));
        r.score = csv.scores[i];
        rows.push_back(std::move(r));
    }
    const qint64 id = importPpmDataset(*project, QFileInfo(file).fileName(), csv.features, rows, countMode);
    if (p.isSet(QStringLiteral("json"))) {
        printJson({ { QStringLiteral("dataset"), id }, { QStringLiteral("rows"), qint64(rows.size()) },
            { QStringLiteral("count_mode"), countMode },
            { QStringLiteral("dropped"), qint64(csv.dropped.size()) },
            { QStringLiteral("dropped_lines"), [&] {
                 QJsonArray a;
                 for (qint64 l : csv.dropped)
                     a.append(l);
                 return a;
             }() },
            { QStringLiteral("features"), QJsonArray::fromStringList(csv.features) },
            { QStringLiteral("ignored_columns"), QJsonArray::fromStringList(csv.ignored) } });
    } else {
        say(QStringLiteral("dataset %1: %2 rows of %3 counts (%4 count mode)")
                .arg(id)
                .arg(rows.size())
                .arg(csv.features.size())
                .arg(countMode));
        if (!csv.ignored.isEmpty())
            say(QStringLiteral("ignored columns: %1").arg(csv.ignored.join(QStringLiteral(", "))));
        if (!csv.dropped.empty()) {
            QStringList lines;
            for (qint64 l : csv.dropped)
                lines << QString::number(l);
            say(QStringLiteral("dropped %1 row(s) with a missing value, as pandas' dropna: line(s) %2")
                    .arg(csv.dropped.size())
                    .arg(lines.join(QStringLiteral(", "))));
        }
    }
    return 0;
}

int ppmFit(const QStringList &args)
{
    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral(
        "Fit the PPM on stored rows (default: the newest dataset and all with the same features), "
        "report its k-fold cross-validated Spearman and RMSE, and store it as the current PPM. "
        "--protocol reference scores it as the reference's train_regressor.py does instead: rows with a "
        "missing value dropped, one 80/20 split (sklearn's train_test_split, random_state --seed, 42 by "
        "default), the model fitted on the 80 %, MSE and RMSE on the 20 %."));
    addProjectOption(p);
    addJsonOption(p);
    p.addOption({ QStringLiteral("model"), QStringLiteral("linear | quadratic"), QStringLiteral("MODEL") });
    p.addOption({ QStringLiteral("ridge"), QStringLiteral("Ridge penalty (0: minimum-norm least squares), or "
        "'auto': chosen by the k-fold CV RMSE over a grid scaled to the counts."),
        QStringLiteral("A"), QStringLiteral("0") });
    p.addOption({ QStringLiteral("folds"), QStringLiteral("Cross-validation folds."), QStringLiteral("K"),
        QStringLiteral("10") });
    p.addOption({ QStringLiteral("dataset"), QStringLiteral("A dataset to fit on (repeatable)."),
        QStringLiteral("ID") });
    addSeedOption(p, QStringLiteral("Seed of the row shuffle before the folds (kfold, default 1), or the "
        "split's random_state (reference, default 42)."));
    p.addOption({ QStringLiteral("protocol"), QStringLiteral("kfold (default): k-fold CV on all rows; reference: the "
        "reference's 80/20 split, MSE and RMSE."), QStringLiteral("P"), QStringLiteral("kfold") });
    p.addOption({ QStringLiteral("curve-points"), QStringLiteral("Learning-curve sizes (0: none)."),
        QStringLiteral("N"), QStringLiteral("5") });
    parseOrThrow(p, args);
    requireProject(p);
    const std::optional<PpmModel> model = routing::parsePpmModel(p.value(QStringLiteral("model")));
    if (!model)
        throw UsageError("--model linear|quadratic is required");
    routing::PpmFitParams params;
    params.model = *model;
    bool ok = false;
    if (p.value(QStringLiteral("ridge")) == QLatin1String("auto")) {
        params.ridgeAuto = true;
    } else {
        params.ridge = p.value(QStringLiteral("ridge")).toDouble(&ok);
        if (!ok || !(params.ridge >= 0) || !std::isfinite(params.ridge))
            throw UsageError("--ridge must be a number >= 0 or auto");
    }
    params.folds = intOption(p, QStringLiteral("folds"), 2, 1000000);
    params.seed = seedOption(p);
    const QString protocol = p.value(QStringLiteral("protocol"));
    if (protocol == QLatin1String("reference")) {
        params.protocol = routing::PpmProtocol::Reference;
        if (p.isSet(QStringLiteral("seed"))) {
            if (params.seed > 0xffffffffULL)
                throw UsageError("--seed of the reference's split must be below 2^32 (numpy's RandomState)");
            params.splitSeed = std::uint32_t(params.seed);
        }
    } else if (protocol != QLatin1String("kfold")) {
        throw UsageError("--protocol must be kfold or reference");
    }
    params.curvePoints = intOption(p, QStringLiteral("curve-points"), 0, 100);
    for (const QString &d : p.values(QStringLiteral("dataset"))) {
        const qint64 id = d.toLongLong(&ok);
        if (!ok)
            throw UsageError("--dataset must be a dataset id (see 'hyper ppm list')");
        params.datasets.push_back(id);
    }

    const auto project = openProject(p);
    routing::PpmFitResult r;
    try {
        r = routing::fitPpm(*project, params);
    } catch (const routing::PpmFitError &e) {
        throw BadInput(QStringLiteral("hyper ppm fit: %1").arg(QString::fromUtf8(e.what())).toStdString());
    }
    const PpmModelRecord &m = r.record;
    if (r.holdout) {
        const PpmHoldout &h = *r.holdout;
        const int dropped = r.dropped;
        if (p.isSet(QStringLiteral("json"))) {
            QJsonArray curve;
            for (const PpmHoldout::Point &pt : h.curve)
                curve.append(QJsonObject { { QStringLiteral("train_size"), pt.trainSize },
                    { QStringLiteral("mse"), number(pt.mse) }, { QStringLiteral("rmse"), number(pt.rmse) },
                    { QStringLiteral("spearman"), number(pt.spearman) } });
            printJson({ { QStringLiteral("id"), m.id }, { QStringLiteral("model"), m.model },
                { QStringLiteral("protocol"), QStringLiteral("reference") }, { QStringLiteral("ridge"), m.ridge },
                { QStringLiteral("count_mode"), m.countMode },
                { QStringLiteral("seed"), qint64(params.splitSeed) }, { QStringLiteral("dropped"), dropped },
                { QStringLiteral("train_rows"), h.trainRows }, { QStringLiteral("test_rows"), h.testRows },
                { QStringLiteral("mse"), number(h.mse) }, { QStringLiteral("rmse"), number(h.rmse) },
                { QStringLiteral("spearman"), number(h.spearman) }, { QStringLiteral("terms"), m.terms },
                { QStringLiteral("seconds"), r.seconds }, { QStringLiteral("datasets"), idArray(m.datasets) },
                { QStringLiteral("learning_curve"), curve } });
        } else {
            say(QStringLiteral("PPM %1 (%2, %3 terms), the reference's protocol: %4 rows (%5 with a missing value "
                               "dropped), split 80/20 with random_state %6; fitted on %7, tested on %8: MSE %9, "
                               "RMSE %10, Spearman %11 (%12 s)")
                    .arg(m.id)
                    .arg(m.model)
                    .arg(m.terms)
                    .arg(h.trainRows + h.testRows)
                    .arg(dropped)
                    .arg(params.splitSeed)
                    .arg(h.trainRows)
                    .arg(h.testRows)
                    .arg(h.mse, 0, 'g', 6)
                    .arg(h.rmse, 0, 'g', 6)
                    .arg(h.spearman, 0, 'f', 4)
                    .arg(r.seconds, 0, 'f', 2));
            for (const PpmHoldout::Point &pt : h.curve)
                say(QStringLiteral("  %1 training rows: MSE %2, RMSE %3").arg(pt.trainSize).arg(pt.mse, 0, 'g', 6)
                        .arg(pt.rmse, 0, 'g', 6));
        }
        return 0;
    }
    if (p.isSet(QStringLiteral("json"))) {
        QJsonArray curve;
        for (const PpmLearningPoint &pt : r.curve)
            curve.append(QJsonObject { { QStringLiteral("train_size"), pt.trainSize },
                { QStringLiteral("spearman"), number(pt.cv.spearman) },
                { QStringLiteral("rmse"), number(pt.cv.rmse) } });
        printJson({ { QStringLiteral("id"), m.id }, { QStringLiteral("model"), m.model },
            { QStringLiteral("ridge"), m.ridge }, { QStringLiteral("spearman"), number(m.spearman) },
            { QStringLiteral("rmse"), number(m.rmse) }, { QStringLiteral("n"), m.n },
            { QStringLiteral("terms"), m.terms }, { QStringLiteral("folds"), m.folds },
            { QStringLiteral("seconds"), r.seconds }, { QStringLiteral("datasets"), idArray(m.datasets) },
            { QStringLiteral("learning_curve"), curve }, { QStringLiteral("ridge_auto"), params.ridgeAuto },
            { QStringLiteral("count_mode"), m.countMode } });
    } else {
        if (params.ridgeAuto)
            say(QStringLiteral("ridge chosen by CV: %1 (grid of %2)").arg(m.ridge, 0, 'g', 4).arg(r.ridgePath.size()));
        say(QStringLiteral("PPM %1 (%2, %3 terms) on %4 rows: %5-fold CV Spearman %6, RMSE %7 (%8 s)")
                .arg(m.id)
                .arg(m.model)
                .arg(m.terms)
                .arg(m.n)
                .arg(m.folds)
                .arg(m.spearman ? QString::number(*m.spearman, 'f', 4) : QStringLiteral("n/a"))
                .arg(m.rmse ? QString::number(*m.rmse, 'g', 4) : QStringLiteral("n/a"))
                .arg(r.seconds, 0, 'f', 2));
        for (const PpmLearningPoint &pt : r.curve)
            say(QStringLiteral("  %1 training rows: Spearman %2, RMSE %3")
                    .arg(pt.trainSize)
                    .arg(pt.cv.spearman, 0, 'f', 4)
                    .arg(pt.cv.rmse, 0, 'g', 4));
    }
    return 0;
}

int ppmPredict(const QStringList &args)
{
    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral(
        "Predictions of the current PPM (or --model-id) for each row of a CSV with a count column per "
        "feature of the model ('Overall' optional, other columns ignored)."));
    addProjectOption(p);
    addJsonOption(p);
    p.addPositionalArgument(QStringLiteral("FILE"), QStringLiteral("The CSV file."));
    p.addOption({ QStringLiteral("model-id"), QStringLiteral("A stored PPM (default: the latest fitted)."),
        QStringLiteral("ID") });
    parseOrThrow(p, args);
    requireProject(p);
    const QString file = fileArgument(p);
    const auto project = openProject(p);
    std::optional<PpmModelRecord> model;
    if (p.isSet(QStringLiteral("model-id"))) {
        bool ok = false;
        const qint64 id = p.value(QStringLiteral("model-id")).toLongLong(&ok);
        if (!ok)
            throw UsageError("--model-id must be a model id (see 'hyper ppm list')");
        model = ppmModel(*project, id);
        if (!model)
            throw BadInput(QStringLiteral("hyper ppm predict: no PPM model %1 (see 'hyper ppm list')")
                               .arg(id)
                               .toStdString());
    } else {
        model = currentPpmModel(*project);
        if (!model)
            throw BadInput("hyper ppm predict: the project has no fitted PPM: run 'hyper ppm fit' first");
    }
    const routing::ScoreCsv csv = routing::readScoreCsv(file, model->features, /*requireAll=*/true,
        /*requireScore=*/false, /*integral=*/false);
    std::vector<double> rows;
    rows.reserve(csv.counts.size() * std::size_t(model->features.size()));
    for (const std::vector<double> &r : csv.counts)
        rows.insert(rows.end(), r.begin(), r.end());
    std::vector<double> predictions;
    try {
        predictions = routing::predictPpm(*model, rows, int(csv.counts.size()));
    } catch (const routing::PpmFitError &e) {
        throw BadInput(
            QStringLiteral("hyper ppm predict: %1").arg(QString::fromUtf8(e.what())).toStdString());
    }
    if (p.isSet(QStringLiteral("json"))) {
        QJsonArray a;
        for (double v : predictions)
            a.append(number(v));
        printJson({ { QStringLiteral("predictions"), a }, { QStringLiteral("model"), model->id } });
    } else {
        for (std::size_t i = 0; i < predictions.size(); ++i)
            say(QStringLiteral("%1:%2\t%3").arg(file).arg(csv.lines[i]).arg(predictions[i], 0, 'g', 10));
    }
    return 0;
}

int ppmList(const QStringList &args)
{
    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral("The project's PPM datasets, fitted PPMs and routing plans."));
    addProjectOption(p);
    addJsonOption(p);
    parseOrThrow(p, args);
    requireProject(p);
    const auto project = openProject(p);
    const std::vector<PpmDataset> datasets = listPpmDatasets(*project);
    const std::vector<PpmModelRecord> models = listPpmModels(*project);
    const std::vector<RoutePlanRecord> plans = listRoutePlans(*project);
    if (p.isSet(QStringLiteral("json"))) {
        QJsonArray d, m, r;
        for (const PpmDataset &x : datasets)
            d.append(QJsonObject { { QStringLiteral("id"), x.id }, { QStringLiteral("kind"), x.kind },
                { QStringLiteral("metric"), x.metric }, { QStringLiteral("seed"), QString::number(x.seed) },
                { QStringLiteral("rows"), x.rows }, { QStringLiteral("features"), qint64(x.features.size()) },
                { QStringLiteral("instances"), x.instances },
                { QStringLiteral("count_mode"), datasetCountMode(x) },
                { QStringLiteral("created_at"), x.createdAt } });
        for (const PpmModelRecord &x : models)
            m.append(QJsonObject { { QStringLiteral("id"), x.id }, { QStringLiteral("model"), x.model },
                { QStringLiteral("ridge"), x.ridge }, { QStringLiteral("folds"), x.folds },
                { QStringLiteral("n"), x.n }, { QStringLiteral("terms"), x.terms },
                { QStringLiteral("spearman"), number(x.spearman) },
                { QStringLiteral("rmse"), number(x.rmse) },
                { QStringLiteral("datasets"), idArray(x.datasets) },
                { QStringLiteral("count_mode"), x.countMode },
                { QStringLiteral("created_at"), x.createdAt } });
        for (const RoutePlanRecord &x : plans)
            r.append(QJsonObject { { QStringLiteral("id"), x.id },
                { QStringLiteral("model"), x.modelId ? QJsonValue(*x.modelId) : QJsonValue() },
                { QStringLiteral("strategy"), x.strategy }, { QStringLiteral("budget"), x.budget },
                { QStringLiteral("human"), x.human }, { QStringLiteral("predicted"), number(x.predicted) },
                { QStringLiteral("applied_at"),
                    x.appliedAt.isEmpty() ? QJsonValue() : QJsonValue(x.appliedAt) } });
        printJson({ { QStringLiteral("datasets"), d }, { QStringLiteral("models"), m },
            { QStringLiteral("plans"), r },
            { QStringLiteral("current_model"),
                models.empty() ? QJsonValue() : QJsonValue(models.back().id) } });
        return 0;
    }
    say(QStringLiteral("datasets:"));
    for (const PpmDataset &x : datasets)
        say(QStringLiteral("  %1  %2 %3  %4 rows x %5 features  %6 counts")
                .arg(x.id)
                .arg(x.kind, x.metric)
                .arg(x.rows)
                .arg(x.features.size())
                .arg(datasetCountMode(x)));
    say(QStringLiteral("models:"));
    for (const PpmModelRecord &x : models)
        say(QStringLiteral("  %1  %2  n %3  Spearman %4  RMSE %5  %6 counts")
                .arg(x.id)
                .arg(x.model)
                .arg(x.n)
                .arg(x.spearman ? QString::number(*x.spearman, 'f', 4) : QStringLiteral("n/a"))
                .arg(x.rmse ? QString::number(*x.rmse, 'g', 4) : QStringLiteral("n/a"))
                .arg(x.countMode));
    say(QStringLiteral("plans:"));
    for (const RoutePlanRecord &x : plans)
        say(QStringLiteral("  %1  %2  %3 human of budget %4%5")
                .arg(x.id)
                .arg(x.strategy)
                .arg(x.human)
                .arg(x.budget)
                .arg(x.appliedAt.isEmpty() ? QString() : QStringLiteral("  (applied)")));
    return 0;
}

} // namespace

int cmdPpm(const QStringList &args)
{
    const QString kWhich = QStringLiteral("collect | import-scores | fit | predict | importance | list");
    if (args.size() < 2 || args[1].startsWith(QLatin1Char('-'))) {
        if (args.size() >= 2 && (args[1] == QLatin1String("--help") || args[1] == QLatin1String("-h"))) {
            say(QStringLiteral("usage: hyper ppm %1 --project FILE [options]").arg(kWhich));
            return 0;
        }
        throw UsageError(QStringLiteral("which one? %1").arg(kWhich).toStdString());
    }
    QStringList rest = args;
    const QString what = rest.takeAt(1);
    rest[0] += QLatin1Char(' ') + what;
    if (what == QLatin1String("collect"))
        return ppmCollect(rest);
    if (what == QLatin1String("import-scores"))
        return ppmImportScores(rest);
    if (what == QLatin1String("fit"))
        return ppmFit(rest);
    if (what == QLatin1String("predict"))
        return ppmPredict(rest);
    if (what == QLatin1String("list"))
        return ppmList(rest);
    if (what == QLatin1String("importance"))
        return ppmImportance(rest);
    throw UsageError(QStringLiteral("unknown subcommand '%1' (%2)").arg(what, kWhich).toStdString());
}

} // namespace hyper::cli
