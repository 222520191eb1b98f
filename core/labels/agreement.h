// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Agreement statistics on plain vectors: percent agreement, Cohen's kappa (plain and
// weighted), Krippendorff's alpha (nominal, ordinal, interval), an exact binomial test.
// No SQL and no Qt here; docs/AGREEMENT.md gives the definitions.
//
// Ratings are integers: the 5-point scale's -2..2 (Preference), the folded classes
// -1/0/1 (fold3), or any category codes. An undefined statistic (no data, or no
// variation to measure agreement against) is NaN.

#include <cstdint>
#include <limits>
#include <utility>
#include <vector>

namespace hyper::labels {

inline constexpr double kUndefined = std::numeric_limits<double>::quiet_NaN();

/** Folds a scale value to three classes: -1 (A better), 0 (tie), 1 (B better). */
inline int fold3(int v) { return (v > 0) - (v < 0); }

/** Two raters' ratings of the same items: (rating of the first, rating of the second). */
using RatingPairs = std::vector<std::pair<int, int>>;

struct KappaResult {
    std::int64_t n = 0;          // items rated by both
    double percent = kUndefined; // observed agreement p_o, in [0, 1]
    double expected = kUndefined;// chance agreement p_e from the two raters' marginals
    double kappa = kUndefined;   // (p_o - p_e) / (1 - p_e); NaN when p_e = 1 or n = 0
};

/** Percent agreement and Cohen's (unweighted) kappa. Categories are the distinct values
 *  that occur; kappa is NaN when both raters used one and the same category only
 *  (p_e = 1: nothing to tell agreement from chance). */
KappaResult cohenKappa(const RatingPairs &pairs);

enum class KappaWeights { Linear, Quadratic };

/** Weighted Cohen's kappa, 1 - sum(w * observed) / sum(w * expected), with disagreement
 *  weights from the rating values themselves: |x - y| (linear) or (x - y)^2
 *  (quadratic). The values' distances count, not their ranks among the values that
 *  occur. NaN when there are no pairs or the expected weighted disagreement is 0. */
double weightedKappa(const RatingPairs &pairs, KappaWeights weights);

enum class AlphaMetric { Nominal, Ordinal, Interval };

struct AlphaResult {
    double alpha = kUndefined;   // 1 - D_o / D_e; NaN when there is no pairable value or D_e = 0
    std::int64_t units = 0;      // units with at least two values (pairable)
    std::int64_t values = 0;     // n: the pairable values, summed over those units
    double observed = kUndefined;// D_o
    double expected = kUndefined;// D_e
};

/**
 * Krippendorff's alpha (Krippendorff 2011, "Computing Krippendorff's Alpha-
 * Reliability"). units[u] holds the values that unit u received (one per coder who
 * coded it; missing values are simply absent); units with fewer than two values are
 * not pairable and left out. Coincidences o_ck = sum_u (pairs c-k in u) / (m_u - 1).
 * Difference functions over the values c, k that occur, with n_g the marginal count
 * of value g:
 *   nominal   delta^2 = [c != k]
 *   ordinal   delta^2 = (sum_{g=c..k} n_g - (n_c + n_k) / 2)^2   (g over values in order)
 *   interval  delta^2 = (c - k)^2
 */
AlphaResult krippendorffAlpha(const std::vector<std::vector<int>> &units, AlphaMetric metric);

/** Exact two-sided binomial test of k successes in n trials against p = 1/2: the sum
 *  of the probabilities of all outcomes no more likely than k (1 when n = 0). */
double binomialTwoSidedP(std::int64_t k, std::int64_t n);

} // namespace hyper::labels
