// SPDX-License-Identifier: GPL-3.0-or-later
// hyper ppm fit / predict: the PPM on stored (counts, score) rows.
#include "core/routing/ppmfit.h"

#include "core/routing/candidates.h"
#include "core/storage/projectstore.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <algorithm>
#include <cmath>
#include <random>

namespace hyper::routing {

namespace {

QJsonValue finite(double v)
{
    return std::isfinite(v) ? QJsonValue(v) : QJsonValue(QJsonValue::Null);
}

std::optional<double> finiteOpt(double v)
{
    return std::isfinite(v) ? std::optional<double>(v) : std::nullopt;
}

/** sklearn learning_curve's default sizes, linspace(0.1, 1.0, points) of the smallest
 *  training set, truncated and deduplicated. */
std::vector<int> curveSizes(int n, int folds, int points)
{
    std::vector<int> sizes;
    if (points <= 0)
        return sizes;
    const int largestTest = (n + folds - 1) / folds;
    const int maxTrain = n - largestTest;
    for (int i = 0; i < points; ++i) {
        const double f = points == 1 ? 1.0 : 0.1 + 0.9 * double(i) / double(points - 1);
        const int m = int(f * double(maxTrain) + 1e-9);
        if (m >= 1 && (sizes.empty() || sizes.back() != m))
            sizes.push_back(m);
    }
    return sizes;
}

} // namespace

QString ppmModelName(PpmModel model);

namespace {

/** The reference's protocol on the gathered rows (fitPpm with PpmProtocol::Reference). */
PpmFitResult fitReference(ProjectStore &store, const PpmFitParams &params, const std::vector<qint64> &ids,
                          const QStringList &features, const QString &countMode, const std::vector<double> &x,
                          const std::vector<double> &y, const QElapsedTimer &timer)
{
    const int p = int(features.size());
    // pandas' dropna(): a row with a missing value anywhere is dropped; the rest keep
    // their order, which the split's permutation indexes.
    std::vector<double> xs, ys;
    for (std::size_t i = 0; i < y.size(); ++i) {
        const auto row = x.begin() + std::ptrdiff_t(i) * p;
        if (!std::isfinite(y[i]) || !std::all_of(row, row + p, [](double v) { return std::isfinite(v); }))
            continue;
        xs.insert(xs.end(), row, row + p);
        ys.push_back(y[i]);
    }
    const int n = int(ys.size());
    PpmFitResult result;
    try {
        result.holdout = referenceHoldout(params.model, params.ridge, xs, n, p, ys, params.splitSeed);
    } catch (const std::invalid_argument &e) {
        throw PpmFitError(std::string("too few rows for the reference's split: ") + e.what());
    }
    const PpmHoldout &h = *result.holdout;
    result.dropped = int(y.size()) - n;
    QJsonArray actual, predicted, curve;
    for (std::size_t i = 0; i < h.actual.size(); ++i) {
        actual.append(h.actual[i]);
        predicted.append(finite(h.predicted[i]));
    }
    for (const PpmHoldout::Point &pt : h.curve)
        curve.append(QJsonObject { { QStringLiteral("train_size"), pt.trainSize },
            { QStringLiteral("spearman"), finite(pt.spearman) }, { QStringLiteral("rmse"), finite(pt.rmse) },
            { QStringLiteral("mse"), finite(pt.mse) } });
    const QJsonObject cv { { QStringLiteral("protocol"), QStringLiteral("reference") },
        { QStringLiteral("seed"), QString::number(params.splitSeed) }, { QStringLiteral("test_size"), 0.2 },
        { QStringLiteral("rows"), n }, { QStringLiteral("dropped"), int(y.size()) - n },
        { QStringLiteral("train_rows"), h.trainRows }, { QStringLiteral("test_rows"), h.testRows },
        { QStringLiteral("mse"), finite(h.mse) }, { QStringLiteral("rmse"), finite(h.rmse) },
        { QStringLiteral("actual"), actual }, { QStringLiteral("predicted"), predicted },
        { QStringLiteral("learning_curve"), curve } };

    PpmModelRecord &rec = result.record;
    rec.model = ppmModelName(params.model);
    rec.ridge = params.ridge;
    rec.folds = 0;
    rec.countMode = countMode;
    rec.datasets = ids;
    rec.features = features;
    rec.n = h.trainRows;
    rec.terms = Ppm::expandedWidth(params.model, p) + 1;
    rec.intercept = h.model.intercept();
    rec.coef = h.model.coefficients();
    rec.spearman = finiteOpt(h.spearman);
    rec.rmse = finiteOpt(h.rmse);
    rec.cv = QString::fromUtf8(QJsonDocument(cv).toJson(QJsonDocument::Compact));
    rec.id = insertPpmModel(store, rec);
    result.seconds = double(timer.nsecsElapsed()) / 1e9;
    return result;
}

} // namespace

QString ppmModelName(PpmModel model)
{
    return model == PpmModel::Quadratic ? QStringLiteral("quadratic") : QStringLiteral("linear");
}

std::optional<PpmModel> parsePpmModel(const QString &name)
{
    if (name == QLatin1String("linear"))
        return PpmModel::Linear;
    if (name == QLatin1String("quadratic"))
        return PpmModel::Quadratic;
    return std::nullopt;
}

std::vector<qint64> defaultFitDatasets(ProjectStore &store)
{
    const std::vector<PpmDataset> all = listPpmDatasets(store);
    const PpmDataset *newest = nullptr;
    for (const PpmDataset &d : all)
        if (d.rows > 0)
            newest = &d;
    std::vector<qint64> out;
    if (!newest)
        return out;
    for (const PpmDataset &d : all)
        if (d.rows > 0 && d.features == newest->features && datasetCountMode(d) == datasetCountMode(*newest))
            out.push_back(d.id);
    return out;
}

PpmFitResult fitPpm(ProjectStore &store, const PpmFitParams &params)
{
    QElapsedTimer timer;
    timer.start();
    const bool reference = params.protocol == PpmProtocol::Reference;
    if (!reference && params.folds < 2)
        throw PpmFitError("--folds must be at least 2");
    if (reference && (params.ridgeAuto || params.ridge != 0))
        throw PpmFitError("the reference protocol fits sklearn's LinearRegression, without a ridge: leave --ridge "
                          "at 0");
    if (!(params.ridge >= 0) || !std::isfinite(params.ridge))
        throw PpmFitError("--ridge must be a number >= 0");
    std::vector<qint64> ids = params.datasets.empty() ? defaultFitDatasets(store) : params.datasets;
    if (ids.empty())
        throw PpmFitError("no PPM data: run 'hyper ppm collect' or 'hyper ppm import-scores' first");
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());

    QStringList features;
    QString countMode;
    std::vector<double> x, y;
    int n = 0;
    for (qint64 id : ids) {
        const std::optional<PpmDataset> d = ppmDataset(store, id);
        if (!d)
            throw PpmFitError("no PPM dataset " + std::to_string(id) + " (see 'hyper ppm list')");
        // A PPM expects one count definition: its datasets must share it (issue 20).
        if (countMode.isEmpty())
            countMode = datasetCountMode(*d);
        else if (datasetCountMode(*d) != countMode)
            throw PpmFitError("PPM dataset " + std::to_string(id) + " was counted in " + datasetCountMode(*d).toStdString()
                + " mode, dataset " + std::to_string(ids.front()) + " in " + countMode.toStdString()
                + " mode: fit them separately");
        if (features.isEmpty())
            features = d->features;
        else if (d->features != features)
            throw PpmFitError("PPM dataset " + std::to_string(id) + " has other features than dataset "
                + std::to_string(ids.front()) + ": fit them separately");
        for (const PpmRow &r : ppmRows(store, id)) {
            for (qint64 c : r.counts)
                x.push_back(double(c));
            y.push_back(r.score);
            ++n;
        }
    }
    const int p = int(features.size());
    if (reference)
        return fitReference(store, params, ids, features, countMode, x, y, timer);
    if (n < params.folds || n < 2)
        throw PpmFitError("too few rows to fit: " + std::to_string(n) + " row(s), and "
            + std::to_string(params.folds) + "-fold cross-validation needs at least "
            + std::to_string(std::max(params.folds, 2)));

    // Seeded shuffle (the rows come in dataset and candidate order; KFold does not shuffle).
    std::vector<int> order(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i)
        order[std::size_t(i)] = i;
    std::mt19937_64 rng(params.seed);
    for (int i = n - 1; i > 0; --i)
        std::swap(order[std::size_t(i)], order[boundedDraw(rng, std::uint64_t(i + 1))]);
    std::vector<double> xs(x.size()), ys(y.size());
    for (int i = 0; i < n; ++i) {
        const int from = order[std::size_t(i)];
        std::copy_n(x.begin() + std::ptrdiff_t(from) * p, p, xs.begin() + std::ptrdiff_t(i) * p);
        ys[std::size_t(i)] = y[std::size_t(from)];
    }

    PpmFitResult result;
    double ridge = params.ridge;
    QJsonArray path;
    if (params.ridgeAuto) {
        const std::vector<double> grid = ridgeGrid(params.model, xs, n, p);
        const std::vector<PpmCvResult> cvs = crossValidateRidgePath(params.model, grid, xs, n, p, ys, params.folds);
        std::size_t best = 0;
        for (std::size_t a = 0; a < grid.size(); ++a) {
            result.ridgePath.emplace_back(grid[a], cvs[a]);
            path.append(QJsonObject { { QStringLiteral("alpha"), grid[a] },
                { QStringLiteral("spearman"), finite(cvs[a].spearman) }, { QStringLiteral("rmse"), finite(cvs[a].rmse) } });
            if (std::isfinite(cvs[a].rmse) && !(cvs[a].rmse > cvs[best].rmse))
                best = a;
        }
        ridge = grid[best];
        result.cv = cvs[best];
    } else {
        result.cv = crossValidate(params.model, ridge, xs, n, p, ys, params.folds);
    }
    result.curve = learningCurve(params.model, ridge, xs, n, p, ys,
        curveSizes(n, params.folds, params.curvePoints), params.folds);
    Ppm ppm(params.model, ridge);
    ppm.fit(xs, n, p, ys);

    QJsonArray actual, predicted, curve;
    for (int i = 0; i < n; ++i) {
        actual.append(ys[std::size_t(i)]);
        predicted.append(finite(result.cv.predictions[std::size_t(i)]));
    }
    for (const PpmLearningPoint &pt : result.curve)
        curve.append(QJsonObject { { QStringLiteral("train_size"), pt.trainSize },
            { QStringLiteral("spearman"), finite(pt.cv.spearman) },
            { QStringLiteral("rmse"), finite(pt.cv.rmse) } });
    QJsonObject cv { { QStringLiteral("seed"), QString::number(params.seed) },
        { QStringLiteral("actual"), actual }, { QStringLiteral("predicted"), predicted },
        { QStringLiteral("learning_curve"), curve } };
    if (params.ridgeAuto)
        cv.insert(QStringLiteral("ridge_path"), path);

    PpmModelRecord &rec = result.record;
    rec.model = ppmModelName(params.model);
    rec.ridge = ridge;
    rec.folds = params.folds;
    rec.countMode = countMode;
    rec.datasets = ids;
    rec.features = features;
    rec.n = n;
    rec.terms = Ppm::expandedWidth(params.model, p) + 1;
    rec.intercept = ppm.intercept();
    rec.coef = ppm.coefficients();
    rec.spearman = finiteOpt(result.cv.spearman);
    rec.rmse = finiteOpt(result.cv.rmse);
    rec.cv = QString::fromUtf8(QJsonDocument(cv).toJson(QJsonDocument::Compact));
    rec.id = insertPpmModel(store, rec);
    result.seconds = double(timer.nsecsElapsed()) / 1e9;
    return result;
}

Ppm toPpm(const PpmModelRecord &record)
{
    const std::optional<PpmModel> model = parsePpmModel(record.model);
    if (!model)
        throw PpmFitError("PPM model " + std::to_string(record.id) + " has an unknown kind '"
            + record.model.toStdString() + "'");
    try {
        return Ppm::fromCoefficients(
            *model, record.ridge, int(record.features.size()), record.intercept, record.coef);
    } catch (const std::invalid_argument &e) {
        throw PpmFitError("PPM model " + std::to_string(record.id) + " is inconsistent: " + e.what());
    }
}

std::vector<double> predictPpm(const PpmModelRecord &record, const std::vector<double> &rows, int n)
{
    return toPpm(record).predict(rows, n);
}

} // namespace hyper::routing
