// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Routing: which instances go to humans under a budget (METHOD.md §5, docs/ROUTING.md
// "Routing strategies"). Torch-free: the PPM is only evaluated here (PpmScorer), never fit,
// except by syntheticPpm / benchRouting which fit one through Ppm::fit.
//
// Strategies: top-k gain, all positive gains, epsilon (marginal gain on the mix), and
// simulated (the best of n Algorithm 1 candidates at the budget, multi-threaded and
// deterministic for a seed). Also feature importance as the paper computes it, a budget
// curve for a plot, and a throughput bench.

#include "core/routing/candidates.h"
#include "core/routing/ppm.h"

#include <QString>
#include <cstdint>
#include <functional>
#include <utility>
#include <vector>

namespace hyper {
class Feedback;
}

namespace hyper::routing {

/**
 * Evaluates a fitted Ppm on integer count vectors, fast.
 *
 * linear:    b + sum_i w_i c_i.
 * quadratic: b + sum_i c_i (w_i + sum_{j>=i} q_ij c_j), the q_ij packed as the upper
 *            triangle row by row, which is exactly scikit-learn's PolynomialFeatures order
 *            after the p linear columns. Rows with c_i = 0 are skipped; the inner sum is a
 *            dot product with four independent accumulators.
 * Agrees with Ppm::predict to rounding (the summation order differs). Thread-safe (const).
 */
class PpmScorer
{
public:
    /** Throws std::logic_error when ppm is not fitted. */
    explicit PpmScorer(const Ppm &ppm);

    int inputs() const { return m_p; }
    PpmModel model() const { return m_model; }
    double intercept() const { return m_intercept; }

    /** PPM(c): counts holds inputs() values. */
    double score(const std::int64_t *counts) const { return m_intercept + terms(counts); }
    double score(const std::vector<std::int64_t> &counts) const { return score(counts.data()); }
    /** PPM(c) - PPM(0): the score without the intercept (exact 0 for c = 0). */
    double terms(const std::int64_t *counts) const;
    /** n count vectors, row-major n x inputs(), into out[0..n). */
    void scoreBatch(const std::int64_t *counts, std::int64_t n, double *out) const;

private:
    double termsDouble(const double *c) const;

    PpmModel m_model;
    int m_p = 0;
    double m_intercept = 0;
    std::vector<double> m_linear;       // w_i
    std::vector<double> m_quad;         // q_ij, j >= i, row by row
    std::vector<std::size_t> m_rowStart; // offset of q_ii in m_quad
};

/** g_i = PPM(x_i) - PPM(0) for every instance i, x_i its 0/1 feature row (for a linear
 *  PPM the coefficient sum over its features). Uses the stored binary rows of the
 *  matrix, so the reference's exclusive bin test for per-instance gains (METHOD.md §3)
 *  does not apply here. Throws std::invalid_argument when the PPM's input count differs
 *  from the matrix's feature count. */
std::vector<double> instanceGains(const FeatureMatrix &matrix, const Ppm &ppm);

struct RoutingResult {
    Bits human;                       ///< the instances routed to humans (matrix.words() words)
    std::int64_t size = 0;            ///< |S|
    double predicted = 0;             ///< PPM(c(S))
    std::vector<std::int64_t> counts; ///< c(S) in the matrix's count mode
    /** The routed instances the counts are of: S itself, or in reference mode what the
     *  reference's mix keeps of S (referenceCounted). */
    std::int64_t counted = 0;
    std::int64_t candidates = 0;      ///< candidates evaluated (simulated: n; other strategies: 0)
    double seconds = 0;
    QString strategy;                 ///< "top-k", "all-positive", "epsilon", "simulated"
};

/** A budget argument as an instance count: b in (0, 1] is a fraction of n (round(b * n);
 *  floor with floorFraction, as the reference's int(N * b); exactly 1 means all n), b > 1
 *  an integral count <= n. Anything else (<= 0, NaN, a non-integral b > 1, b > n) throws
 *  std::invalid_argument. */
std::int64_t budgetFromArg(double b, std::int64_t n, bool floorFraction = false);

/** The `budget` instances of highest gain (ties: lower index first). 0 <= budget <= N,
 *  else std::invalid_argument. */
RoutingResult routeTopK(const FeatureMatrix &matrix, const Ppm &ppm, std::int64_t budget);
/** Every instance with g_i > 0. */
RoutingResult routeAllPositive(const FeatureMatrix &matrix, const Ppm &ppm);
/** Adds instances in decreasing gain order (ties: lower index first), at most `budget`,
 *  while each addition raises the predicted score of the mix, PPM(c(S + i)) - PPM(c(S)),
 *  by more than epsilon; stops at the first one that does not. The marginal gain is taken
 *  on the count vector (with a quadratic PPM it differs from g_i). */
RoutingResult routeEpsilon(const FeatureMatrix &matrix, const Ppm &ppm, std::int64_t budget, double epsilon);

/** The reference's optimal_grad (sample_best_subset.py get_optimal_subset, lines 373-394):
 *  in order of per-instance gain, every instance whose gain adds more than epsilon to the
 *  running sum, with no budget (reference-mode PPMs; the reference's epsilon is 1e-4 for a
 *  linear PPM, 1e-5 for a quadratic one). */
RoutingResult routeOptimalGrad(const FeatureMatrix &matrix, const Ppm &ppm, double epsilon);

/** The reference's candidates, one per budget (generate_instances -> run_knapsack, draw
 *  for draw, from rng: Python's generator): per candidate the feature order is shuffled,
 *  then each feature's instance list (shuffled in place, so its order carries over to the
 *  next candidate) adds the instances not yet chosen until the budget is reached; the mix
 *  is then counted as referenceCounted does, with the same generator. visit(k, S,
 *  counted) for each. One thread. fb: cancel (throws hyper::Canceled). */
void referenceCandidates(const FeatureMatrix &matrix, const std::vector<std::int64_t> &budgets, PyRandom &rng,
                         const std::function<void(std::int64_t, const Bits &, const Bits &)> &visit,
                         Feedback *fb = nullptr);

/** The budgets generate_instances draws when given none: random.sample(range(1, n + 1),
 *  k) from rng (get_count_feats.py 91-93). */
std::vector<std::int64_t> referenceBudgets(PyRandom &rng, std::int64_t n, std::int64_t k);

/** Seed of the generator that draws candidate k of a simulated routing with `seed`
 *  (splitmix64 mixing), so candidate k is the same whatever the thread count. */
std::uint64_t candidateSeed(std::uint64_t seed, std::int64_t k);

/** The best of n Algorithm 1 candidates at exactly this budget. A reference-mode matrix
 *  draws them as the reference does (referenceCandidates; one thread, each counted as
 *  its mix). Otherwise candidate k is
 *  CandidateSampler::sample(candidateSeed(seed, k), budget), counted and
 *  scored; the highest PPM wins, ties to the lowest k. Deterministic for a seed whatever
 *  `threads` (0: all cores). |S| < budget only when fewer instances carry a feature.
 *  Budget 0 gives the empty routing. fb: progress, and cancel (throws hyper::Canceled).
 *  Throws std::invalid_argument for n < 1 or a budget outside 0..N. */
RoutingResult routeSimulated(const FeatureMatrix &matrix, const Ppm &ppm, std::int64_t budget,
                             std::int64_t n = 500, std::uint64_t seed = 1, int threads = 0,
                             Feedback *fb = nullptr);

/** PPM(0): every label from the LM. */
double predictAllLm(const Ppm &ppm);
/** PPM(c(all instances)): every label from humans. */
double predictAllHuman(const FeatureMatrix &matrix, const Ppm &ppm);

struct FeatureImportance {
    QString feature;
    double gain = 0;   ///< mean over trials of PPM(c(S)) - PPM(0)
    double stddev = 0; ///< population standard deviation over trials (numpy.std)
    int carriers = 0;  ///< instances that carry the feature
    int sampled = 0;   ///< instances routed to humans per trial: min(perTrial, carriers)
};

/** Feature importance as the paper. A reference-mode matrix follows simulate.py's
 *  sim_actual and get_ids (lines 131-188, 252-273) draw for draw: Python's generator
 *  seeded with `seed`; for each trial, for each feature, random.sample of min(perTrial,
 *  carriers) of its carriers (the exclusive-bin rows, instanceRows), counted inside that
 *  set, no ties dropped. Otherwise: for each feature, each of `trials` trials routes
 *  perTrial random carriers of the feature (all of them when fewer; then every trial is
 *  the same) to humans and everything else to the LM; gain = PPM(c(S)) - PPM(0).
 *  Feature f's trials draw from a generator seeded by (seed, f). Sorted by gain
 *  descending (ties: feature order). */
std::vector<FeatureImportance> featureImportance(const FeatureMatrix &matrix, const Ppm &ppm,
                                                 int perTrial = 100, int trials = 50,
                                                 std::uint64_t seed = 1);
/** (feature name, coefficient) of a linear PPM, sorted by coefficient descending (ties:
 *  feature order). Throws std::invalid_argument for a quadratic PPM or a size mismatch. */
std::vector<std::pair<QString, double>> linearCoefficients(const FeatureMatrix &matrix, const Ppm &ppm);

struct BudgetPoint {
    std::int64_t budget = 0;
    double simulatedBest = 0; ///< routeSimulated(budget, candidatesPerBudget, seed).predicted
    double randomMean = 0;    ///< mean PPM over uniformly random subsets of size budget
    double randomStd = 0;     ///< their population standard deviation
};

/** For each budget: the simulated best (identical to routeSimulated with the same n, seed)
 *  and the mean/std of the PPM over `randomDraws` uniformly random subsets of exactly that
 *  size (any instance, not Algorithm 1). fb: progress over all budgets, cancel. */
std::vector<BudgetPoint> budgetCurve(const FeatureMatrix &matrix, const Ppm &ppm,
                                     const std::vector<std::int64_t> &budgets, int candidatesPerBudget,
                                     std::uint64_t seed = 1, int threads = 0, Feedback *fb = nullptr,
                                     int randomDraws = 50);

/** A quadratic PPM fitted on `rows` Algorithm 1 candidates of the matrix (budgets drawn
 *  from 1..N) against a synthetic target (linear and pairwise terms of the count shares
 *  plus noise): a real, dense set of coefficients for benches and tests. */
Ppm syntheticPpm(const FeatureMatrix &matrix, int rows = 300, std::uint64_t seed = 1,
                 PpmModel model = PpmModel::Quadratic);

struct RouteBench {
    std::int64_t instances = 0;
    std::int64_t candidates = 0;
    double budgetFraction = 0;
    std::int64_t budget = 0;
    int threads = 1;
    int features = 0;
    int columns = 0;              ///< PPM columns (quadratic: p + p(p+1)/2)
    std::int64_t nonzeroCoefficients = 0;
    double fitSeconds = 0;        ///< syntheticPpm
    double seconds = 0;           ///< sample + count + score all candidates
    double candidatesPerSecond = 0;
    double best = 0;              ///< PPM of the best candidate
    std::int64_t bestSize = 0;
    double unscoredSeconds = 0;   ///< the same candidates, sampled + counted, not scored
    double scoreShare = 0;        ///< 1 - unscoredSeconds / seconds
    double allLm = 0, allHuman = 0;
};

/** Throughput of simulated routing on syntheticMatrix(instances, seed) with a quadratic
 *  syntheticPpm: `candidates` candidates at round(budgetFraction * N), sampled, counted
 *  and scored (then again without scoring, for the ratio). threads 0: all cores. Issue
 *  target: 1,000,000 candidates in <= 60 s at N = 10,000, budget 50 %, on 2 cores. */
RouteBench benchRouting(std::int64_t instances = 10000, std::int64_t candidates = 1000000,
                        double budgetFraction = 0.5, int threads = 0, std::uint64_t seed = 1);

} // namespace hyper::routing
