// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Performance prediction model (METHOD.md §4): predicts a reward model's metric from the
// count vector c(S) of its training mix. Torch-free; the solve is hyper::ml::solveLeastSquares.
//
// Conventions (matching scikit-learn, checked against it by tests/core/tst_ppm.cpp):
//  - linear:    LinearRegression on the p counts.
//  - quadratic: PolynomialFeatures(degree=2, include_bias=False) then LinearRegression:
//               the p inputs, then x_i * x_j for all i <= j in sklearn's order
//               (x0x0, x0x1, ..., x0x{p-1}, x1x1, ...): p + p(p+1)/2 columns. For p = 90
//               that is 90 + 4095 = 4185 columns; with the intercept (the bias column
//               sklearn leaves to LinearRegression) 4186 = C(92, 2) terms, METHOD.md's count.
//  - intercept as LinearRegression(fit_intercept=True): center the columns and y, solve
//    (minimum-norm when under-determined), intercept = mean(y) - mean(x) . w.
//  - ridge > 0: Ridge(alpha = ridge) on the same centered data (intercept not penalised).
//  - rows are row-major n x p arrays of doubles.

#include <cstdint>
#include <utility>
#include <vector>

namespace hyper {

enum class PpmModel { Linear, Quadratic };

class Ppm
{
public:
    explicit Ppm(PpmModel model = PpmModel::Linear, double ridge = 0);

    PpmModel model() const { return m_model; }
    double ridge() const { return m_ridge; }

    /** Number of regression columns (intercept excluded) for p inputs. */
    static int expandedWidth(PpmModel model, int p);
    /** The regression columns of n rows of p inputs, row-major n x expandedWidth(model, p). */
    static std::vector<double> expand(PpmModel model, const std::vector<double> &rows, int n, int p);

    /** A fitted model from stored parameters (core/storage/ppmstore.h): coef in expand()
     *  order, expandedWidth(model, inputs) of them. Throws std::invalid_argument on bad
     *  sizes. */
    static Ppm fromCoefficients(PpmModel model, double ridge, int inputs, double intercept,
                                std::vector<double> coef);

    /** Fits on n rows of p inputs. Throws std::invalid_argument on bad sizes. */
    void fit(const std::vector<double> &rows, int n, int p, const std::vector<double> &y);
    /** Predictions for n rows of inputs() inputs. Throws std::logic_error before fit(). */
    std::vector<double> predict(const std::vector<double> &rows, int n) const;

    bool isFitted() const { return m_inputs > 0; }
    int inputs() const { return m_inputs; }
    double intercept() const { return m_intercept; }
    /** Coefficients of the expanded columns, in expand()'s order. */
    const std::vector<double> &coefficients() const { return m_coef; }

private:
    PpmModel m_model;
    double m_ridge;
    int m_inputs = 0;
    double m_intercept = 0;
    std::vector<double> m_coef;
};

/** Ranks 1..n, ties get the average of their ranks (scipy.stats.rankdata "average"). */
std::vector<double> averageRanks(const std::vector<double> &v);
/** Spearman's rho: Pearson correlation of the average ranks. NaN when either side is
 *  constant or the sizes differ or are below 2. */
double spearman(const std::vector<double> &a, const std::vector<double> &b);
/** Root mean squared error; NaN for empty or mismatched input. */
double rmse(const std::vector<double> &predicted, const std::vector<double> &actual);

/** sklearn KFold(n_splits = k, shuffle = False): contiguous test ranges [begin, end);
 *  the first n % k folds have n / k + 1 rows, the rest n / k. Needs 2 <= k <= n. */
std::vector<std::pair<int, int>> kFoldRanges(int n, int k);

struct PpmCvResult
{
    double spearman = 0; ///< over the pooled out-of-fold predictions (sklearn cross_val_predict)
    double rmse = 0;     ///< likewise
    int folds = 0;
    int rows = 0;        ///< rows predicted (all n)
    int trainRows = 0;   ///< largest training set of a fold
    std::vector<double> predictions; ///< out-of-fold prediction of every row
};

/** k-fold cross-validation with contiguous folds (no shuffle: rows in the caller's order;
 *  shuffle them first, seeded, if their order means anything). Each fold fits a fresh
 *  Ppm(model, ridge) on the other rows; metrics are computed once over all n out-of-fold
 *  predictions. */
PpmCvResult crossValidate(PpmModel model, double ridge, const std::vector<double> &rows, int n, int p,
                          const std::vector<double> &y, int folds = 10);

/** Ridge over a grid of alphas (each > 0) by k-fold CV, as crossValidate with
 *  Ppm(model, alpha) for each alpha, but with one SVD per fold for the whole grid. One
 *  result per alpha, in order. */
std::vector<PpmCvResult> crossValidateRidgePath(PpmModel model, const std::vector<double> &alphas,
                                                const std::vector<double> &rows, int n, int p,
                                                const std::vector<double> &y, int folds = 10);

/** The alpha grid `hyper ppm fit --ridge auto` searches: 10^k times the mean squared norm
 *  of the centered expanded rows, k = -12, -11.5, ..., 1 (27 values), so the grid follows
 *  the scale of the counts (raw counts in the thousands make quadratic columns ~1e6). */
std::vector<double> ridgeGrid(PpmModel model, const std::vector<double> &rows, int n, int p);

struct PpmLearningPoint
{
    int trainSize = 0;
    PpmCvResult cv;
};

/** Learning curve as sklearn.model_selection.learning_curve with KFold(folds): for each
 *  size m, every fold trains on the first m rows of its training set (in row order) and
 *  predicts its whole test fold; metrics over the pooled test predictions. Sizes above the
 *  smallest training set (n - ceil(n / folds)) or below 1 throw std::invalid_argument. */
std::vector<PpmLearningPoint> learningCurve(PpmModel model, double ridge, const std::vector<double> &rows,
                                            int n, int p, const std::vector<double> &y,
                                            const std::vector<int> &trainSizes, int folds = 10);

/** numpy's legacy `RandomState(seed).permutation(n)`: MT19937 seeded by init_genrand (PyRandom::numpyLegacy),
 *  then a Fisher-Yates shuffle from the end whose draws are masked 32-bit outputs, redrawn
 *  above the bound. What sklearn's train_test_split(random_state=seed) permutes with. */
std::vector<int> numpyPermutation(int n, std::uint32_t seed);

/** sklearn's train_test_split(test_size, random_state=seed) as indices: the test rows are
 *  the first ceil(test_size * n) of numpyPermutation(n, seed), the training rows the rest,
 *  both in permutation order. */
struct PpmSplit
{
    std::vector<int> train;
    std::vector<int> test;
};
PpmSplit referenceSplit(int n, std::uint32_t seed, double testSize = 0.2);

/** The reference's protocol (scripts/train_regressor.py of allenai/hybrid-preferences @
 *  7a17ed3): one referenceSplit, a fit on the training rows, mean squared error and RMSE
 *  on the test rows; and its training curve: fits on the first int(m * f) training rows,
 *  f = 0.25, 0.5, 0.75, 1, scored on the same test rows. */
struct PpmHoldout
{
    int trainRows = 0;
    int testRows = 0;
    double mse = 0;
    double rmse = 0;
    double spearman = 0;            ///< on the test rows (not in the reference's output)
    std::vector<double> actual;     ///< test rows, in split order
    std::vector<double> predicted;
    struct Point { int trainSize = 0; double mse = 0; double rmse = 0; double spearman = 0; };
    std::vector<Point> curve;
    Ppm model;                      ///< fitted on the training rows (what the reference saves)
};
/** Throws std::invalid_argument when either side of the split would be empty. */
PpmHoldout referenceHoldout(PpmModel model, double ridge, const std::vector<double> &rows, int n, int p,
                            const std::vector<double> &y, std::uint32_t seed = 42, double testSize = 0.2);

struct PpmBenchFigures
{
    int candidates = 0;
    int features = 0;
    int columns = 0;
    int folds = 0;
    double cvSeconds = 0;  ///< k-fold CV (k fits + predictions)
    double fitSeconds = 0; ///< one fit on all candidates
    double spearman = 0;
    double rmse = 0;
};

/** Times the quadratic PPM on synthetic data: `candidates` count vectors of `features`
 *  counts (0..200, seeded), a target with linear + pairwise terms + noise; k-fold CV, then
 *  one fit on everything. Target (METHOD.md): 500 x 90, 10 folds in <= 2 s on 2 cores. */
PpmBenchFigures benchPpmFit(int candidates, int features, int folds, std::uint64_t seed,
                            PpmModel model = PpmModel::Quadratic);

} // namespace hyper
