// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/labels/agreement.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>

namespace hyper::labels {

namespace {

/** Sorted distinct values. */
std::vector<int> categoriesOf(const RatingPairs &pairs)
{
    std::vector<int> c;
    c.reserve(pairs.size() * 2);
    for (const auto &[x, y] : pairs) {
        c.push_back(x);
        c.push_back(y);
    }
    std::sort(c.begin(), c.end());
    c.erase(std::unique(c.begin(), c.end()), c.end());
    return c;
}

std::size_t indexOf(const std::vector<int> &categories, int v)
{
    return std::size_t(std::lower_bound(categories.begin(), categories.end(), v) - categories.begin());
}

/** The confusion matrix (rows: first rater) over the given categories. */
std::vector<std::int64_t> confusion(const RatingPairs &pairs, const std::vector<int> &categories)
{
    const std::size_t k = categories.size();
    std::vector<std::int64_t> m(k * k, 0);
    for (const auto &[x, y] : pairs)
        ++m[indexOf(categories, x) * k + indexOf(categories, y)];
    return m;
}

} // namespace

KappaResult cohenKappa(const RatingPairs &pairs)
{
    KappaResult r;
    r.n = std::int64_t(pairs.size());
    if (pairs.empty())
        return r;
    const std::vector<int> cats = categoriesOf(pairs);
    const std::size_t k = cats.size();
    const std::vector<std::int64_t> m = confusion(pairs, cats);
    std::vector<std::int64_t> rows(k, 0), cols(k, 0);
    std::int64_t diagonal = 0;
    for (std::size_t i = 0; i < k; ++i) {
        diagonal += m[i * k + i];
        for (std::size_t j = 0; j < k; ++j) {
            rows[i] += m[i * k + j];
            cols[j] += m[i * k + j];
        }
    }
    // In counts: p_o = diag / n, p_e = sum(row * col) / n^2, so
    // kappa = (n * diag - sum(row * col)) / (n^2 - sum(row * col)), exact up to the division.
    const double n = double(r.n);
    double chance = 0; // sum(row * col)
    for (std::size_t i = 0; i < k; ++i)
        chance += double(rows[i]) * double(cols[i]);
    r.percent = double(diagonal) / n;
    r.expected = chance / (n * n);
    const double denominator = n * n - chance;
    if (denominator > 0)
        r.kappa = (n * double(diagonal) - chance) / denominator;
    return r;
}

double weightedKappa(const RatingPairs &pairs, KappaWeights weights)
{
    if (pairs.empty())
        return kUndefined;
    const std::vector<int> cats = categoriesOf(pairs);
    const std::size_t k = cats.size();
    const std::vector<std::int64_t> m = confusion(pairs, cats);
    std::vector<std::int64_t> rows(k, 0), cols(k, 0);
    for (std::size_t i = 0; i < k; ++i)
        for (std::size_t j = 0; j < k; ++j) {
            rows[i] += m[i * k + j];
            cols[j] += m[i * k + j];
        }
    double observed = 0, expected = 0; // sum(w * count), sum(w * row * col)
    for (std::size_t i = 0; i < k; ++i)
        for (std::size_t j = 0; j < k; ++j) {
            const double d = std::abs(double(cats[i]) - double(cats[j]));
            const double w = weights == KappaWeights::Linear ? d : d * d;
            observed += w * double(m[i * k + j]);
            expected += w * double(rows[i]) * double(cols[j]);
        }
    if (!(expected > 0))
        return kUndefined;
    // expected counts are row * col / n
    return 1.0 - double(pairs.size()) * observed / expected;
}

AlphaResult krippendorffAlpha(const std::vector<std::vector<int>> &units, AlphaMetric metric)
{
    AlphaResult r;
    std::vector<int> cats;
    for (const std::vector<int> &u : units)
        if (u.size() >= 2)
            cats.insert(cats.end(), u.begin(), u.end());
    std::sort(cats.begin(), cats.end());
    cats.erase(std::unique(cats.begin(), cats.end()), cats.end());
    const std::size_t k = cats.size();
    if (k == 0)
        return r;

    // Coincidence matrix o[c][k].
    std::vector<double> o(k * k, 0.0);
    std::vector<std::int64_t> counts(k, 0);
    std::vector<std::size_t> present;
    for (const std::vector<int> &u : units) {
        const std::size_t m = u.size();
        if (m < 2)
            continue;
        ++r.units;
        r.values += std::int64_t(m);
        present.clear();
        for (int v : u) {
            const std::size_t i = indexOf(cats, v);
            if (counts[i]++ == 0)
                present.push_back(i);
        }
        const double scale = 1.0 / double(m - 1);
        for (std::size_t a : present)
            for (std::size_t b : present) {
                const double pairs = a == b ? double(counts[a]) * double(counts[a] - 1)
                                            : double(counts[a]) * double(counts[b]);
                o[a * k + b] += pairs * scale;
            }
        for (std::size_t a : present)
            counts[a] = 0;
    }

    // Marginals n_c (the number of pairable values c) and n.
    std::vector<double> marg(k, 0.0);
    for (const std::vector<int> &u : units)
        if (u.size() >= 2)
            for (int v : u)
                marg[indexOf(cats, v)] += 1.0;
    const double n = double(r.values);

    auto delta2 = [&](std::size_t a, std::size_t b) -> double {
        if (a == b)
            return 0.0;
        switch (metric) {
        case AlphaMetric::Nominal:
            return 1.0;
        case AlphaMetric::Interval: {
            const double d = double(cats[a]) - double(cats[b]);
            return d * d;
        }
        case AlphaMetric::Ordinal: {
            const std::size_t lo = std::min(a, b), hi = std::max(a, b);
            double s = 0;
            for (std::size_t g = lo; g <= hi; ++g)
                s += marg[g];
            s -= (marg[lo] + marg[hi]) / 2.0;
            return s * s;
        }
        }
        return 0.0;
    };

    double observed = 0, expected = 0;
    for (std::size_t a = 0; a < k; ++a)
        for (std::size_t b = 0; b < k; ++b) {
            const double d = delta2(a, b);
            observed += o[a * k + b] * d;
            expected += marg[a] * marg[b] * d;
        }
    r.observed = observed / n;
    if (n > 1)
        r.expected = expected / (n * (n - 1));
    if (n > 1 && expected > 0)
        r.alpha = 1.0 - (n - 1) * observed / expected;
    return r;
}

double binomialTwoSidedP(std::int64_t k, std::int64_t n)
{
    if (n <= 0 || k < 0 || k > n)
        return 1.0;
    // With p = 1/2, P(j) <= P(k) exactly when |j - n/2| >= |k - n/2|: both tails beyond
    // min(k, n-k) and max(k, n-k); twice the lower tail, capped at 1.
    const std::int64_t m = std::min(k, n - k);
    if (2 * m >= n)
        return 1.0;
    const double logHalfN = double(n) * std::log(0.5);
    const double lgN = std::lgamma(double(n) + 1);
    double tail = 0;
    for (std::int64_t j = 0; j <= m; ++j)
        tail += std::exp(lgN - std::lgamma(double(j) + 1) - std::lgamma(double(n - j) + 1) + logHalfN);
    return std::min(1.0, 2.0 * tail);
}

} // namespace hyper::labels
