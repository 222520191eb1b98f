// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/routing/ppm.h"

#include "core/ml/leastsquares.h"
#include "core/ml/runtime.h"
#include "core/routing/pyrandom.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <numeric>
#include <stdexcept>
#include <string>
#include <atomic>
#include <exception>
#include <mutex>
#include <thread>
#include <chrono>
#include <cmath>
#include <limits>
#include <numeric>
#include <random>
#include <stdexcept>
#include <string>

namespace hyper {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

void checkRows(const std::vector<double> &rows, int n, int p, const char *what)
{
    if (n < 1 || p < 1)
        throw std::invalid_argument(std::string(what) + ": need at least one row and one input");
    if (rows.size() != static_cast<size_t>(n) * static_cast<size_t>(p))
        throw std::invalid_argument(std::string(what) + ": " + std::to_string(rows.size()) +
                                    " values for " + std::to_string(n) + " rows of " + std::to_string(p));
}

struct Solution
{
    double intercept = 0;
    std::vector<double> coef;
};

/** LinearRegression / Ridge with intercept on expanded columns Z (n x q). */
Solution solveCentered(const std::vector<double> &Z, int n, int q, const std::vector<double> &y, double ridge)
{
    std::vector<double> mean(static_cast<size_t>(q), 0.0);
    for (int i = 0; i < n; ++i) {
        const double *row = Z.data() + static_cast<size_t>(i) * q;
        for (int j = 0; j < q; ++j)
            mean[j] += row[j];
    }
    for (double &m : mean)
        m /= n;
    const double ymean = std::accumulate(y.begin(), y.end(), 0.0) / n;
    std::vector<double> Zc(Z.size());
    for (int i = 0; i < n; ++i) {
        const size_t o = static_cast<size_t>(i) * q;
        for (int j = 0; j < q; ++j)
            Zc[o + j] = Z[o + j] - mean[j];
    }
    std::vector<double> yc(y.size());
    for (int i = 0; i < n; ++i)
        yc[i] = y[i] - ymean;
    Solution s;
    s.coef = ml::solveLeastSquares(Zc, n, q, yc, ridge);
    s.intercept = ymean - std::inner_product(mean.begin(), mean.end(), s.coef.begin(), 0.0);
    return s;
}

std::vector<double> predictExpanded(const Solution &s, const std::vector<double> &Z, int n)
{
    const size_t q = s.coef.size();
    std::vector<double> out(static_cast<size_t>(n));
    for (int i = 0; i < n; ++i) {
        const double *row = Z.data() + static_cast<size_t>(i) * q;
        out[i] = s.intercept + std::inner_product(row, row + q, s.coef.begin(), 0.0);
    }
    return out;
}

/** Rows `idx` of the row-major matrix Z (width q). */
std::vector<double> gatherRows(const std::vector<double> &Z, int q, const std::vector<int> &idx)
{
    std::vector<double> out(idx.size() * static_cast<size_t>(q));
    for (size_t r = 0; r < idx.size(); ++r)
        std::copy_n(Z.begin() + static_cast<ptrdiff_t>(idx[r]) * q, q, out.begin() + static_cast<ptrdiff_t>(r) * q);
    return out;
}

std::vector<double> gather(const std::vector<double> &v, const std::vector<int> &idx)
{
    std::vector<double> out(idx.size());
    for (size_t r = 0; r < idx.size(); ++r)
        out[r] = v[idx[r]];
    return out;
}

/** Runs fold(f) for f in [0, count) on one thread per core (folds are independent and
 *  each writes only its own outputs), with a single-threaded BLAS: faster than one fold at
 *  a time on a threaded BLAS, and immune to the pool's wake-up stalls on a busy machine.
 *  The first exception is rethrown after all threads end. */
void parallelFolds(size_t count, const std::function<void(size_t)> &fold)
{
    const ml::SingleThreadedBlas blas;
    std::atomic<size_t> next{0};
    std::exception_ptr error;
    std::mutex errorMutex;
    const auto work = [&] {
        try {
            for (size_t f = next++; f < count; f = next++)
                fold(f);
        } catch (...) {
            const std::lock_guard lock(errorMutex);
            if (!error)
                error = std::current_exception();
            next = count;
        }
    };
    const size_t threads = std::min<size_t>(count, std::max(1u, std::thread::hardware_concurrency()));
    std::vector<std::thread> pool;
    for (size_t t = 1; t < threads; ++t)
        pool.emplace_back(work);
    work();
    for (std::thread &t : pool)
        t.join();
    if (error)
        std::rethrow_exception(error);
}

/** The training rows of a fold: all rows outside [begin, end), at most trainLimit (< 0: all). */
std::vector<int> trainingRows(int n, int begin, int end, int trainLimit)
{
    std::vector<int> train;
    train.reserve(static_cast<size_t>(n - (end - begin)));
    for (int i = 0; i < n; ++i)
        if (i < begin || i >= end)
            train.push_back(i);
    if (trainLimit >= 0 && static_cast<int>(train.size()) > trainLimit)
        train.resize(static_cast<size_t>(trainLimit));
    return train;
}

void checkCv(const std::vector<double> &rows, int n, int p, const std::vector<double> &y)
{
    checkRows(rows, n, p, "Ppm cross-validation");
    if (y.size() != static_cast<size_t>(n))
        throw std::invalid_argument("Ppm cross-validation: y size differs from the row count");
}

/** Out-of-fold predictions where fold f trains on (at most) the first `trainLimit` rows of
 *  its training set; trainLimit < 0: all of them. */
PpmCvResult runFolds(PpmModel model, double ridge, const std::vector<double> &rows, int n, int p,
                     const std::vector<double> &y, int folds, int trainLimit)
{
    checkCv(rows, n, p, y);
    const int q = Ppm::expandedWidth(model, p);
    const std::vector<double> Z = Ppm::expand(model, rows, n, p);
    PpmCvResult r;
    r.folds = folds;
    r.rows = n;
    r.predictions.assign(static_cast<size_t>(n), kNaN);
    const std::vector<std::pair<int, int>> ranges = kFoldRanges(n, folds);
    std::vector<int> trainRows(ranges.size(), 0);
    parallelFolds(ranges.size(), [&](size_t f) {
        const auto [begin, end] = ranges[f];
        const std::vector<int> train = trainingRows(n, begin, end, trainLimit);
        trainRows[f] = static_cast<int>(train.size());
        const Solution s = solveCentered(gatherRows(Z, q, train), static_cast<int>(train.size()), q,
                                         gather(y, train), ridge);
        std::vector<int> test(static_cast<size_t>(end - begin));
        std::iota(test.begin(), test.end(), begin);
        const std::vector<double> pred = predictExpanded(s, gatherRows(Z, q, test), end - begin);
        std::copy(pred.begin(), pred.end(), r.predictions.begin() + begin);
    });
    r.trainRows = *std::max_element(trainRows.begin(), trainRows.end());
    r.spearman = spearman(r.predictions, y);
    r.rmse = rmse(r.predictions, y);
    return r;
}

} // namespace

Ppm::Ppm(PpmModel model, double ridge) : m_model(model), m_ridge(ridge)
{
    if (!(ridge >= 0))
        throw std::invalid_argument("Ppm: ridge must be >= 0");
}

int Ppm::expandedWidth(PpmModel model, int p)
{
    return model == PpmModel::Linear ? p : p + p * (p + 1) / 2;
}

std::vector<double> Ppm::expand(PpmModel model, const std::vector<double> &rows, int n, int p)
{
    checkRows(rows, n, p, "Ppm::expand");
    if (model == PpmModel::Linear)
        return rows;
    const int q = expandedWidth(model, p);
    std::vector<double> Z(static_cast<size_t>(n) * q);
    for (int r = 0; r < n; ++r) {
        const double *x = rows.data() + static_cast<size_t>(r) * p;
        double *z = Z.data() + static_cast<size_t>(r) * q;
        z = std::copy_n(x, p, z);
        for (int i = 0; i < p; ++i)
            for (int j = i; j < p; ++j)
                *z++ = x[i] * x[j];
    }
    return Z;
}

void Ppm::fit(const std::vector<double> &rows, int n, int p, const std::vector<double> &y)
{
    checkRows(rows, n, p, "Ppm::fit");
    if (y.size() != static_cast<size_t>(n))
        throw std::invalid_argument("Ppm::fit: " + std::to_string(y.size()) + " targets for " +
                                    std::to_string(n) + " rows");
    const int q = expandedWidth(m_model, p);
    const ml::SingleThreadedBlas blas; // see runFolds
    Solution s = solveCentered(expand(m_model, rows, n, p), n, q, y, m_ridge);
    m_intercept = s.intercept;
    m_coef = std::move(s.coef);
    m_inputs = p;
}

Ppm Ppm::fromCoefficients(PpmModel model, double ridge, int inputs, double intercept, std::vector<double> coef)
{
    if (inputs < 1 || coef.size() != static_cast<size_t>(expandedWidth(model, inputs)))
        throw std::invalid_argument("Ppm::fromCoefficients: " + std::to_string(coef.size()) + " coefficients for "
                                    + std::to_string(inputs) + " inputs");
    Ppm p(model, ridge);
    p.m_inputs = inputs;
    p.m_intercept = intercept;
    p.m_coef = std::move(coef);
    return p;
}

std::vector<double> Ppm::predict(const std::vector<double> &rows, int n) const
{
    if (!isFitted())
        throw std::logic_error("Ppm::predict before fit");
    if (n == 0)
        return {};
    checkRows(rows, n, m_inputs, "Ppm::predict");
    return predictExpanded(Solution{m_intercept, m_coef}, expand(m_model, rows, n, m_inputs), n);
}

std::vector<double> averageRanks(const std::vector<double> &v)
{
    const size_t n = v.size();
    std::vector<size_t> order(n);
    std::iota(order.begin(), order.end(), size_t(0));
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return v[a] < v[b]; });
    std::vector<double> ranks(n);
    for (size_t i = 0; i < n;) {
        size_t j = i + 1;
        while (j < n && v[order[j]] == v[order[i]])
            ++j;
        const double rank = (static_cast<double>(i + 1) + static_cast<double>(j)) / 2.0; // mean of i+1..j
        for (size_t k = i; k < j; ++k)
            ranks[order[k]] = rank;
        i = j;
    }
    return ranks;
}

double spearman(const std::vector<double> &a, const std::vector<double> &b)
{
    if (a.size() != b.size() || a.size() < 2)
        return kNaN;
    const std::vector<double> ra = averageRanks(a), rb = averageRanks(b);
    const double n = static_cast<double>(a.size());
    const double ma = std::accumulate(ra.begin(), ra.end(), 0.0) / n;
    const double mb = std::accumulate(rb.begin(), rb.end(), 0.0) / n;
    double sab = 0, saa = 0, sbb = 0;
    for (size_t i = 0; i < ra.size(); ++i) {
        sab += (ra[i] - ma) * (rb[i] - mb);
        saa += (ra[i] - ma) * (ra[i] - ma);
        sbb += (rb[i] - mb) * (rb[i] - mb);
    }
    if (saa == 0 || sbb == 0)
        return kNaN;
    return sab / std::sqrt(saa * sbb);
}

std::vector<int> numpyPermutation(int n, std::uint32_t seed)
{
    routing::PyRandom mt = routing::PyRandom::numpyLegacy(seed); // MT19937 as numpy's legacy seeding leaves it
    std::vector<int> v(static_cast<std::size_t>(std::max(n, 0)));
    std::iota(v.begin(), v.end(), 0);
    // numpy's random_interval(i): the smallest all-ones mask covering i, redraw above i.
    for (int i = n - 1; i > 0; --i) {
        std::uint32_t mask = std::uint32_t(i);
        mask |= mask >> 1;
        mask |= mask >> 2;
        mask |= mask >> 4;
        mask |= mask >> 8;
        mask |= mask >> 16;
        std::uint32_t j;
        do
            j = mt.next32() & mask;
        while (j > std::uint32_t(i));
        std::swap(v[std::size_t(i)], v[j]);
    }
    return v;
}

PpmSplit referenceSplit(int n, std::uint32_t seed, double testSize)
{
    const int nTest = int(std::ceil(testSize * double(n)));
    if (n < 2 || nTest < 1 || nTest >= n)
        throw std::invalid_argument("an 80/20 split needs at least 2 rows (" + std::to_string(n) + " given)");
    const std::vector<int> perm = numpyPermutation(n, seed);
    PpmSplit s;
    s.test.assign(perm.begin(), perm.begin() + nTest);
    s.train.assign(perm.begin() + nTest, perm.end());
    return s;
}

PpmHoldout referenceHoldout(PpmModel model, double ridge, const std::vector<double> &rows, int n, int p,
                            const std::vector<double> &y, std::uint32_t seed, double testSize)
{
    if (int(y.size()) != n || rows.size() != std::size_t(n) * std::size_t(p))
        throw std::invalid_argument("referenceHoldout: sizes do not match");
    const PpmSplit split = referenceSplit(n, seed, testSize);
    auto gather = [&](const std::vector<int> &idx, std::size_t count, std::vector<double> &x, std::vector<double> &t) {
        x.clear();
        t.clear();
        for (std::size_t k = 0; k < count; ++k) {
            const int i = idx[k];
            x.insert(x.end(), rows.begin() + std::ptrdiff_t(i) * p, rows.begin() + std::ptrdiff_t(i + 1) * p);
            t.push_back(y[std::size_t(i)]);
        }
    };
    PpmHoldout h;
    std::vector<double> xTest;
    gather(split.test, split.test.size(), xTest, h.actual);
    h.trainRows = int(split.train.size());
    h.testRows = int(split.test.size());
    auto score = [&](std::size_t trainCount, Ppm &fitted, std::vector<double> &predicted) {
        std::vector<double> xTrain, yTrain;
        gather(split.train, trainCount, xTrain, yTrain);
        fitted = Ppm(model, ridge);
        fitted.fit(xTrain, int(trainCount), p, yTrain);
        predicted = fitted.predict(xTest, h.testRows);
        const double e = rmse(predicted, h.actual);
        return std::make_pair(e * e, e);
    };
    for (const double f : {0.25, 0.5, 0.75, 1.0}) {
        const auto count = std::size_t(double(h.trainRows) * f); // Python's int(): truncation
        if (count < 1)
            continue;
        Ppm fitted;
        std::vector<double> predicted;
        const auto [mse, e] = score(count, fitted, predicted);
        h.curve.push_back({int(count), mse, e, spearman(predicted, h.actual)});
    }
    const auto [mse, e] = score(split.train.size(), h.model, h.predicted);
    h.mse = mse;
    h.rmse = e;
    h.spearman = spearman(h.predicted, h.actual);
    return h;
}

double rmse(const std::vector<double> &predicted, const std::vector<double> &actual)
{
    if (predicted.empty() || predicted.size() != actual.size())
        return kNaN;
    double s = 0;
    for (size_t i = 0; i < predicted.size(); ++i)
        s += (predicted[i] - actual[i]) * (predicted[i] - actual[i]);
    return std::sqrt(s / static_cast<double>(predicted.size()));
}

std::vector<std::pair<int, int>> kFoldRanges(int n, int k)
{
    if (k < 2 || k > n)
        throw std::invalid_argument("k-fold: need 2 <= folds <= rows (folds " + std::to_string(k) +
                                    ", rows " + std::to_string(n) + ")");
    std::vector<std::pair<int, int>> out;
    int begin = 0;
    for (int f = 0; f < k; ++f) {
        const int size = n / k + (f < n % k ? 1 : 0);
        out.emplace_back(begin, begin + size);
        begin += size;
    }
    return out;
}

PpmCvResult crossValidate(PpmModel model, double ridge, const std::vector<double> &rows, int n, int p,
                          const std::vector<double> &y, int folds)
{
    return runFolds(model, ridge, rows, n, p, y, folds, -1);
}

std::vector<PpmCvResult> crossValidateRidgePath(PpmModel model, const std::vector<double> &alphas,
                                                const std::vector<double> &rows, int n, int p,
                                                const std::vector<double> &y, int folds)
{
    checkCv(rows, n, p, y);
    if (alphas.empty())
        return {};
    const int q = Ppm::expandedWidth(model, p);
    const std::vector<double> Z = Ppm::expand(model, rows, n, p);
    const std::vector<std::pair<int, int>> ranges = kFoldRanges(n, folds);
    std::vector<PpmCvResult> out(alphas.size());
    for (PpmCvResult &r : out) {
        r.folds = folds;
        r.rows = n;
        r.predictions.assign(static_cast<size_t>(n), kNaN);
    }
    parallelFolds(ranges.size(), [&](size_t f) {
        const auto [begin, end] = ranges[f];
        const std::vector<int> train = trainingRows(n, begin, end, -1);
        const int m = static_cast<int>(train.size());
        // Center as solveCentered does, then one SVD for every alpha.
        std::vector<double> Zt = gatherRows(Z, q, train);
        std::vector<double> yt = gather(y, train);
        std::vector<double> mean(static_cast<size_t>(q), 0.0);
        for (int i = 0; i < m; ++i)
            for (int j = 0; j < q; ++j)
                mean[j] += Zt[static_cast<size_t>(i) * q + j];
        for (double &v : mean)
            v /= m;
        const double ymean = std::accumulate(yt.begin(), yt.end(), 0.0) / m;
        for (int i = 0; i < m; ++i) {
            for (int j = 0; j < q; ++j)
                Zt[static_cast<size_t>(i) * q + j] -= mean[j];
            yt[i] -= ymean;
        }
        const std::vector<std::vector<double>> path = ml::ridgePath(Zt, m, q, yt, alphas);
        std::vector<int> test(static_cast<size_t>(end - begin));
        std::iota(test.begin(), test.end(), begin);
        const std::vector<double> Ztest = gatherRows(Z, q, test);
        for (size_t a = 0; a < alphas.size(); ++a) {
            Solution s;
            s.coef = path[a];
            s.intercept = ymean - std::inner_product(mean.begin(), mean.end(), s.coef.begin(), 0.0);
            const std::vector<double> pred = predictExpanded(s, Ztest, end - begin);
            std::copy(pred.begin(), pred.end(), out[a].predictions.begin() + begin);
        }
    });
    for (PpmCvResult &r : out) {
        r.trainRows = n - (n / folds); // the largest training set (the smallest fold is n / k rows)
        r.spearman = spearman(r.predictions, y);
        r.rmse = rmse(r.predictions, y);
    }
    return out;
}

std::vector<double> ridgeGrid(PpmModel model, const std::vector<double> &rows, int n, int p)
{
    checkRows(rows, n, p, "ridgeGrid");
    const int q = Ppm::expandedWidth(model, p);
    const std::vector<double> Z = Ppm::expand(model, rows, n, p);
    // Mean squared norm of the centered rows = the sum of the column variances.
    double scale = 0;
    for (int j = 0; j < q; ++j) {
        double mean = 0, sq = 0;
        for (int i = 0; i < n; ++i)
            mean += Z[static_cast<size_t>(i) * q + j];
        mean /= n;
        for (int i = 0; i < n; ++i) {
            const double d = Z[static_cast<size_t>(i) * q + j] - mean;
            sq += d * d;
        }
        scale += sq / n;
    }
    if (!(scale > 0))
        scale = 1;
    std::vector<double> grid;
    for (int k = -24; k <= 2; ++k)
        grid.push_back(scale * std::pow(10.0, k / 2.0));
    return grid;
}

std::vector<PpmLearningPoint> learningCurve(PpmModel model, double ridge, const std::vector<double> &rows,
                                            int n, int p, const std::vector<double> &y,
                                            const std::vector<int> &trainSizes, int folds)
{
    const auto ranges = kFoldRanges(n, folds);
    const int largestTest = ranges.front().second - ranges.front().first;
    const int smallestTrain = n - largestTest;
    std::vector<PpmLearningPoint> out;
    for (const int m : trainSizes) {
        if (m < 1 || m > smallestTrain)
            throw std::invalid_argument("learning curve: training size " + std::to_string(m) +
                                        " outside 1.." + std::to_string(smallestTrain));
        out.push_back({m, runFolds(model, ridge, rows, n, p, y, folds, m)});
    }
    return out;
}

PpmBenchFigures benchPpmFit(int candidates, int features, int folds, std::uint64_t seed, PpmModel model)
{
    if (candidates < 2 || features < 1 || folds < 2 || folds > candidates)
        throw std::invalid_argument("PPM bench: need candidates >= folds >= 2 and features >= 1");
    std::mt19937_64 rng(seed);
    std::uniform_int_distribution<int> count(0, 200);
    std::normal_distribution<double> normal(0.0, 1.0);
    std::vector<double> w(static_cast<size_t>(features));
    for (double &v : w)
        v = normal(rng) * 1e-3;
    std::vector<double> X(static_cast<size_t>(candidates) * features);
    std::vector<double> y(static_cast<size_t>(candidates));
    for (int r = 0; r < candidates; ++r) {
        double t = 0;
        for (int j = 0; j < features; ++j) {
            const double c = count(rng);
            X[static_cast<size_t>(r) * features + j] = c;
            t += w[j] * c;
        }
        const double *x = X.data() + static_cast<size_t>(r) * features;
        for (int j = 0; j + 1 < features; j += 2)
            t += 1e-6 * x[j] * x[j + 1];
        y[r] = 0.6 + t + 0.05 * normal(rng);
    }

    PpmBenchFigures f;
    f.candidates = candidates;
    f.features = features;
    f.columns = Ppm::expandedWidth(model, features);
    f.folds = folds;
    using Clock = std::chrono::steady_clock;
    const auto t0 = Clock::now();
    const PpmCvResult cv = crossValidate(model, 0, X, candidates, features, y, folds);
    const auto t1 = Clock::now();
    Ppm ppm(model);
    ppm.fit(X, candidates, features, y);
    const auto t2 = Clock::now();
    f.cvSeconds = std::chrono::duration<double>(t1 - t0).count();
    f.fitSeconds = std::chrono::duration<double>(t2 - t1).count();
    f.spearman = cv.spearman;
    f.rmse = cv.rmse;
    return f;
}

} // namespace hyper
