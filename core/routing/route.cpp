// SPDX-License-Identifier: GPL-3.0-or-later
// Routing strategies, feature importance, budget curve and the routing throughput bench
// (METHOD.md §5; docs/ROUTING.md "Routing strategies").
#include "core/routing/route.h"

#include "core/jobs/feedback.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <exception>
#include <limits>
#include <mutex>
#include <numeric>
#include <stdexcept>
#include <string>
#include <thread>

namespace hyper::routing {

namespace {

using Clock = std::chrono::steady_clock;

double secondsSince(Clock::time_point t0)
{
    return std::chrono::duration<double>(Clock::now() - t0).count();
}

/** Uniform double in [0, 1) from 53 bits of the generator (same with every library). */
double unitDraw(std::mt19937_64 &rng)
{
    return double(rng() >> 11) * 0x1.0p-53;
}

/** Dot product with four independent partial sums (lets the compiler pipeline/vectorize
 *  without -ffast-math). */
inline double dot(const double *a, const double *b, std::size_t n)
{
    double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    std::size_t k = 0;
    for (; k + 4 <= n; k += 4) {
        s0 += a[k] * b[k];
        s1 += a[k + 1] * b[k + 1];
        s2 += a[k + 2] * b[k + 2];
        s3 += a[k + 3] * b[k + 3];
    }
    for (; k < n; ++k)
        s0 += a[k] * b[k];
    return (s0 + s1) + (s2 + s3);
}

void checkInputs(const FeatureMatrix &matrix, const Ppm &ppm, const char *what)
{
    if (!ppm.isFitted())
        throw std::logic_error(std::string(what) + ": the PPM is not fitted");
    if (ppm.inputs() != matrix.features())
        throw std::invalid_argument(std::string(what) + ": the PPM takes " + std::to_string(ppm.inputs()) +
                                    " counts but the matrix has " + std::to_string(matrix.features()) +
                                    " features");
}

void checkBudget(const FeatureMatrix &matrix, std::int64_t budget, const char *what)
{
    if (budget < 0 || budget > matrix.instances())
        throw std::invalid_argument(std::string(what) + ": budget " + std::to_string(budget) + " outside 0.." +
                                    std::to_string(matrix.instances()));
}

std::vector<double> gainsFrom(const std::vector<std::vector<int>> &rows, const PpmScorer &scorer)
{
    std::vector<double> gains(rows.size());
    std::vector<std::int64_t> x(std::size_t(scorer.inputs()), 0);
    for (std::size_t i = 0; i < rows.size(); ++i) {
        for (int f : rows[i])
            x[std::size_t(f)] = 1;
        gains[i] = scorer.terms(x.data());
        for (int f : rows[i])
            x[std::size_t(f)] = 0;
    }
    return gains;
}

/** Instance indices by decreasing gain, ties (and NaN, last) by increasing index. */
std::vector<std::int64_t> byGain(const std::vector<double> &gains)
{
    std::vector<std::int64_t> order(gains.size());
    std::iota(order.begin(), order.end(), std::int64_t(0));
    const auto key = [&](std::int64_t i) {
        const double g = gains[std::size_t(i)];
        return std::isnan(g) ? -std::numeric_limits<double>::infinity() : g;
    };
    std::stable_sort(order.begin(), order.end(), [&](std::int64_t a, std::int64_t b) { return key(a) > key(b); });
    return order;
}

bool referenceMode(const FeatureMatrix &matrix)
{
    return matrix.countMode() == CountMode::ReferenceCompat;
}

/** counted: the instances the counts are of (simulated reference candidates bring
 *  theirs); null: S, or in reference mode what its mix keeps of S, the subsample drawn
 *  from Python's generator seeded with the mix's seed. */
RoutingResult finish(const FeatureMatrix &matrix, const PpmScorer &scorer, Bits human, const char *strategy,
                     Clock::time_point t0, const Bits *counted = nullptr)
{
    RoutingResult r;
    r.human = std::move(human);
    r.human.resize(matrix.words(), 0);
    r.size = popcount(r.human);
    if (referenceMode(matrix)) {
        Bits kept;
        if (counted) {
            kept = *counted;
        } else {
            PyRandom rng(matrix.referenceMix().seed);
            kept = referenceCounted(matrix, r.human, &rng);
        }
        r.counted = popcount(kept);
        r.counts = countVector(matrix, kept, CountMode::ReferenceCompat);
    } else {
        r.counted = r.size;
        r.counts = countVector(matrix, r.human);
    }
    r.predicted = scorer.score(r.counts);
    r.strategy = QString::fromLatin1(strategy);
    r.seconds = secondsSince(t0);
    return r;
}

double meanOf(const std::vector<double> &v)
{
    return v.empty() ? 0.0 : std::accumulate(v.begin(), v.end(), 0.0) / double(v.size());
}

/** Population standard deviation (numpy.std, ddof = 0). */
double stdOf(const std::vector<double> &v, double mean)
{
    if (v.empty())
        return 0;
    double s = 0;
    for (double x : v)
        s += (x - mean) * (x - mean);
    return std::sqrt(s / double(v.size()));
}

// --- Simulated routing: the parallel best-of-n ------------------------------------

struct SimOutcome {
    std::int64_t bestK = -1;
    double bestTerms = 0;
    Bits bits;
    std::uint64_t checksum = 0; // unscored runs: sum of all counts, so nothing is optimized away
    std::int64_t sizeSum = 0;
};

/** Better candidate: higher score, ties (and NaN) to the lower index. */
bool better(double v, std::int64_t k, double bestV, std::int64_t bestK)
{
    if (bestK < 0)
        return true;
    if (std::isnan(v))
        return std::isnan(bestV) && k < bestK;
    if (std::isnan(bestV))
        return true;
    return v > bestV || (v == bestV && k < bestK);
}

/** n candidates at `budget`, candidate k from sample(candidateSeed(seed, k)); with a
 *  scorer keeps the best, without one only samples and counts. Progress on fb in
 *  [lo, hi], reported by the calling thread; throws Canceled. */
SimOutcome simulate(const FeatureMatrix &matrix, const PpmScorer *scorer, std::int64_t budget, std::int64_t n,
                    std::uint64_t seed, int threads, Feedback *fb, double lo, double hi)
{
    if (threads <= 0)
        threads = int(std::max(1u, std::thread::hardware_concurrency()));
    constexpr std::int64_t kChunk = 64;
    threads = int(std::max<std::int64_t>(1, std::min<std::int64_t>(threads, (n + kChunk - 1) / kChunk)));

    std::atomic<std::int64_t> next{0}, done{0};
    std::atomic<bool> stop{false};
    std::mutex errorMutex;
    std::exception_ptr error;
    std::vector<SimOutcome> local(static_cast<std::size_t>(threads));
    const int features = matrix.features();

    auto work = [&](int t) {
        try {
            SimOutcome &mine = local[std::size_t(t)];
            CandidateSampler sampler(matrix);
            Bits s;
            std::vector<std::int64_t> counts(static_cast<std::size_t>(features));
            for (;;) {
                if (stop.load(std::memory_order_relaxed))
                    break;
                if (fb && fb->isCanceled()) {
                    stop.store(true);
                    break;
                }
                const std::int64_t begin = next.fetch_add(kChunk);
                if (begin >= n)
                    break;
                const std::int64_t end = std::min(n, begin + kChunk);
                for (std::int64_t k = begin; k < end; ++k) {
                    mine.sizeSum += sampler.sample(candidateSeed(seed, k), s, budget);
                    countInto(matrix, s, counts.data());
                    if (scorer) {
                        const double v = scorer->terms(counts.data());
                        if (better(v, k, mine.bestTerms, mine.bestK)) {
                            mine.bestK = k;
                            mine.bestTerms = v;
                            std::swap(mine.bits, s); // s is overwritten by the next sample
                        }
                    } else {
                        for (std::int64_t c : counts)
                            mine.checksum += std::uint64_t(c);
                    }
                }
                const std::int64_t d = done.fetch_add(end - begin) + (end - begin);
                if (t == 0 && fb)
                    fb->setProgress(lo + (hi - lo) * double(d) / double(n),
                                    QStringLiteral("candidate %1 of %2").arg(d).arg(n));
            }
        } catch (...) {
            std::lock_guard<std::mutex> lock(errorMutex);
            if (!error)
                error = std::current_exception();
            stop.store(true);
        }
    };
    std::vector<std::thread> pool;
    pool.reserve(std::size_t(threads - 1));
    for (int t = 1; t < threads; ++t)
        pool.emplace_back(work, t);
    work(0);
    for (auto &th : pool)
        th.join();
    if (error)
        std::rethrow_exception(error);
    if (fb && fb->isCanceled())
        throw Canceled{};

    SimOutcome out;
    for (SimOutcome &o : local) {
        out.checksum += o.checksum;
        out.sizeSum += o.sizeSum;
        if (o.bestK >= 0 && better(o.bestTerms, o.bestK, out.bestTerms, out.bestK)) {
            out.bestK = o.bestK;
            out.bestTerms = o.bestTerms;
            out.bits = std::move(o.bits);
        }
    }
    if (fb)
        fb->setProgress(hi, QStringLiteral("%1 candidates").arg(n));
    return out;
}

/** The reference's simulated routing: the best of its candidates (ties: the lowest k). */
RoutingResult referenceSimulated(const FeatureMatrix &matrix, const PpmScorer &scorer, std::int64_t budget,
                                 std::int64_t n, std::uint64_t seed, Feedback *fb, double lo, double hi,
                                 Clock::time_point t0)
{
    std::int64_t bestK = -1;
    double bestTerms = 0;
    Bits bestHuman(matrix.words(), 0), bestCounted(matrix.words(), 0);
    std::vector<std::int64_t> counts;
    const auto visit = [&](std::int64_t k, const Bits &human, const Bits &counted) {
        counts = countVector(matrix, counted, CountMode::ReferenceCompat);
        const double v = scorer.terms(counts.data());
        if (better(v, k, bestTerms, bestK)) {
            bestK = k;
            bestTerms = v;
            bestHuman = human;
            bestCounted = counted;
        }
        if (fb && (k + 1) % 16 == 0)
            fb->setProgress(lo + (hi - lo) * double(k + 1) / double(n),
                            QStringLiteral("candidate %1 of %2").arg(k + 1).arg(n));
    };
    PyRandom rng(seed);
    referenceCandidates(matrix, std::vector<std::int64_t>(std::size_t(n), budget), rng, visit, fb);
    RoutingResult r = finish(matrix, scorer, std::move(bestHuman), "simulated", t0, &bestCounted);
    r.candidates = n;
    return r;
}

RoutingResult simulatedResult(const FeatureMatrix &matrix, const PpmScorer &scorer, std::int64_t budget,
                              std::int64_t n, std::uint64_t seed, int threads, Feedback *fb, double lo,
                              double hi, Clock::time_point t0)
{
    if (n < 1)
        throw std::invalid_argument("simulated routing: need at least one candidate");
    checkBudget(matrix, budget, "simulated routing");
    if (referenceMode(matrix))
        return referenceSimulated(matrix, scorer, budget, n, seed, fb, lo, hi, t0);
    Bits human(matrix.words(), 0);
    std::int64_t evaluated = 0;
    if (budget > 0 && matrix.instances() > 0) {
        SimOutcome o = simulate(matrix, &scorer, budget, n, seed, threads, fb, lo, hi);
        human = std::move(o.bits);
        evaluated = n;
    }
    RoutingResult r = finish(matrix, scorer, std::move(human), "simulated", t0);
    r.candidates = evaluated;
    return r;
}

} // namespace

// --- PpmScorer -------------------------------------------------------------------

PpmScorer::PpmScorer(const Ppm &ppm) : m_model(ppm.model())
{
    if (!ppm.isFitted())
        throw std::logic_error("PpmScorer: the PPM is not fitted");
    m_p = ppm.inputs();
    m_intercept = ppm.intercept();
    const std::vector<double> &coef = ppm.coefficients();
    m_linear.assign(coef.begin(), coef.begin() + m_p);
    if (m_model == PpmModel::Quadratic) {
        // After the p linear columns, sklearn's PolynomialFeatures order is the upper
        // triangle row by row (x0x0, x0x1, ..., x0x{p-1}, x1x1, ...): keep it packed.
        m_quad.assign(coef.begin() + m_p, coef.end());
        m_rowStart.resize(std::size_t(m_p));
        std::size_t at = 0;
        for (int i = 0; i < m_p; ++i) {
            m_rowStart[std::size_t(i)] = at;
            at += std::size_t(m_p - i);
        }
        if (at != m_quad.size())
            throw std::logic_error("PpmScorer: unexpected number of quadratic coefficients");
    }
}

double PpmScorer::termsDouble(const double *c) const
{
    const std::size_t p = std::size_t(m_p);
    const double *w = m_linear.data();
    if (m_model == PpmModel::Linear)
        return dot(w, c, p);
    const double *q = m_quad.data();
    double s = 0;
    for (std::size_t i = 0; i < p; ++i) {
        const double ci = c[i];
        if (ci == 0)
            continue;
        s += ci * (w[i] + dot(q + m_rowStart[i], c + i, p - i));
    }
    return s;
}

double PpmScorer::terms(const std::int64_t *counts) const
{
    constexpr int kStack = 256;
    if (m_p <= kStack) {
        double c[kStack];
        for (int i = 0; i < m_p; ++i)
            c[i] = double(counts[i]);
        return termsDouble(c);
    }
    std::vector<double> c(counts, counts + m_p);
    return termsDouble(c.data());
}

void PpmScorer::scoreBatch(const std::int64_t *counts, std::int64_t n, double *out) const
{
    for (std::int64_t r = 0; r < n; ++r)
        out[r] = score(counts + r * m_p);
}

// --- Gains and the deterministic strategies --------------------------------------

std::vector<double> instanceGains(const FeatureMatrix &matrix, const Ppm &ppm)
{
    checkInputs(matrix, ppm, "instance gains");
    // Default mode: the stored 0/1 rows (inclusive bins). Reference mode: the rows as the
    // reference's top-k recomputes them (exclusive bins; instanceRows).
    return gainsFrom(instanceRows(matrix), PpmScorer(ppm));
}

std::int64_t budgetFromArg(double b, std::int64_t n, bool floorFraction)
{
    if (n < 0)
        throw std::invalid_argument("budget: negative instance count");
    if (!std::isfinite(b) || b <= 0)
        throw std::invalid_argument("budget must be a fraction in (0, 1] or a whole number of instances "
                                    "above 1, not " + std::to_string(b));
    if (b <= 1)
        return b == 1 ? n : floorFraction ? std::int64_t(std::floor(b * double(n))) : std::llround(b * double(n));
    if (b != std::floor(b))
        throw std::invalid_argument("a budget above 1 is a number of instances and must be whole, not " +
                                    std::to_string(b));
    if (b > double(n))
        throw std::invalid_argument("budget of " + std::to_string(std::int64_t(b)) + " instances is more than the " +
                                    std::to_string(n) + " instances");
    return std::int64_t(b);
}

RoutingResult routeTopK(const FeatureMatrix &matrix, const Ppm &ppm, std::int64_t budget)
{
    const auto t0 = Clock::now();
    checkInputs(matrix, ppm, "top-k routing");
    checkBudget(matrix, budget, "top-k routing");
    const PpmScorer scorer(ppm);
    const std::vector<std::int64_t> order = byGain(gainsFrom(instanceRows(matrix), scorer));
    Bits human(matrix.words(), 0);
    for (std::int64_t k = 0; k < budget; ++k)
        setBit(human, order[std::size_t(k)]);
    return finish(matrix, scorer, std::move(human), "top-k", t0);
}

RoutingResult routeAllPositive(const FeatureMatrix &matrix, const Ppm &ppm)
{
    const auto t0 = Clock::now();
    checkInputs(matrix, ppm, "all-positive routing");
    const PpmScorer scorer(ppm);
    const std::vector<double> gains = gainsFrom(instanceRows(matrix), scorer);
    Bits human(matrix.words(), 0);
    for (std::size_t i = 0; i < gains.size(); ++i)
        if (gains[i] > 0)
            setBit(human, std::int64_t(i));
    return finish(matrix, scorer, std::move(human), "all-positive", t0);
}

RoutingResult routeEpsilon(const FeatureMatrix &matrix, const Ppm &ppm, std::int64_t budget, double epsilon)
{
    const auto t0 = Clock::now();
    checkInputs(matrix, ppm, "epsilon routing");
    checkBudget(matrix, budget, "epsilon routing");
    if (std::isnan(epsilon))
        throw std::invalid_argument("epsilon routing: epsilon is NaN");
    const PpmScorer scorer(ppm);
    const std::vector<std::vector<int>> rows = instanceRows(matrix);
    const std::vector<std::int64_t> order = byGain(gainsFrom(rows, scorer));
    std::vector<std::int64_t> c(std::size_t(matrix.features()), 0);
    Bits human(matrix.words(), 0);
    double current = 0; // PPM(c(S)) - PPM(0)
    for (std::int64_t k = 0; k < budget; ++k) {
        const std::int64_t i = order[std::size_t(k)];
        for (int f : rows[std::size_t(i)])
            ++c[std::size_t(f)];
        const double next = scorer.terms(c.data());
        if (!(next - current > epsilon))
            break; // the mix would not grow by more than epsilon: stop here
        current = next;
        setBit(human, i);
    }
    return finish(matrix, scorer, std::move(human), "epsilon", t0);
}

RoutingResult routeOptimalGrad(const FeatureMatrix &matrix, const Ppm &ppm, double epsilon)
{
    const auto t0 = Clock::now();
    checkInputs(matrix, ppm, "optimal_grad routing");
    if (std::isnan(epsilon))
        throw std::invalid_argument("optimal_grad routing: epsilon is NaN");
    const PpmScorer scorer(ppm);
    const std::vector<double> gains = gainsFrom(instanceRows(matrix), scorer);
    Bits human(matrix.words(), 0);
    // The reference's loop as written: in order of gain, an instance is kept when it adds
    // more than epsilon to the running sum (floating point as it is), with no budget.
    double cumulative = 0;
    for (const std::int64_t i : byGain(gains)) {
        const double g = gains[std::size_t(i)];
        if (g + cumulative > cumulative + epsilon) {
            setBit(human, i);
            cumulative += g;
        }
    }
    return finish(matrix, scorer, std::move(human), "epsilon", t0);
}

// --- The reference's mixes and simulated candidates -------------------------------

std::vector<std::int64_t> referenceBudgets(PyRandom &rng, std::int64_t n, std::int64_t k)
{
    if (n < 0 || k < 0 || k > n)
        throw std::invalid_argument("reference budgets: need 0 <= k <= n");
    std::vector<std::int64_t> out;
    out.reserve(std::size_t(k));
    for (std::size_t pos : rng.sample(std::size_t(n), std::size_t(k)))
        out.push_back(std::int64_t(pos) + 1);
    return out;
}

void referenceCandidates(const FeatureMatrix &matrix, const std::vector<std::int64_t> &budgets, PyRandom &rng,
                         const std::function<void(std::int64_t, const Bits &, const Bits &)> &visit, Feedback *fb)
{
    for (std::int64_t b : budgets)
        checkBudget(matrix, b, "reference candidates");
    const int features = matrix.features();
    // feat_instance_map: each feature's instances in instance order, shuffled in place by
    // every candidate after; all of get_all_features() that the project has, whichever
    // columns the PPM reads.
    std::vector<std::vector<std::int32_t>> lists = matrix.referenceMix().candidateLists;
    if (lists.empty())
        for (int f = 0; f < features; ++f)
            lists.push_back(matrix.members(f));
    std::vector<int> keys(lists.size());
    Bits human(matrix.words(), 0);
    for (std::size_t k = 0; k < budgets.size(); ++k) {
        if (fb && fb->isCanceled())
            throw Canceled{};
        const std::int64_t budget = budgets[k];
        // run_knapsack(capacity=budget, items=feat_instance_map)
        std::iota(keys.begin(), keys.end(), 0);
        rng.shuffle(keys);
        std::fill(human.begin(), human.end(), 0);
        std::int64_t total = 0;
        bool full = false;
        for (int key : keys) {
            std::vector<std::int32_t> &items = lists[std::size_t(key)];
            rng.shuffle(items);
            for (std::int32_t item : items) {
                if (total + 1 > budget) {
                    full = true;
                    break;
                }
                if (!testBit(human, item)) {
                    setBit(human, item);
                    ++total;
                }
            }
            if (full)
                break;
        }
        const Bits counted = referenceCounted(matrix, human, &rng);
        visit(std::int64_t(k), human, counted);
    }
}

// --- Simulated routing -----------------------------------------------------------

std::uint64_t candidateSeed(std::uint64_t seed, std::int64_t k)
{
    return splitmix64(splitmix64(seed) ^ (std::uint64_t(k) * 0xD1B54A32D192ED03ull));
}

RoutingResult routeSimulated(const FeatureMatrix &matrix, const Ppm &ppm, std::int64_t budget, std::int64_t n,
                             std::uint64_t seed, int threads, Feedback *fb)
{
    const auto t0 = Clock::now();
    checkInputs(matrix, ppm, "simulated routing");
    const PpmScorer scorer(ppm);
    return simulatedResult(matrix, scorer, budget, n, seed, threads, fb, 0.0, 1.0, t0);
}

double predictAllLm(const Ppm &ppm)
{
    if (!ppm.isFitted())
        throw std::logic_error("predictAllLm: the PPM is not fitted");
    return ppm.intercept();
}

double predictAllHuman(const FeatureMatrix &matrix, const Ppm &ppm)
{
    checkInputs(matrix, ppm, "predictAllHuman");
    // Every instance to humans, counted in the matrix's mode (in reference mode the
    // human ties leave the mix; no subsample).
    Bits all(matrix.words(), 0);
    for (std::int64_t i = 0; i < matrix.instances(); ++i)
        setBit(all, i);
    std::vector<std::int64_t> c(std::size_t(matrix.features()));
    countFor(matrix, all, c.data());
    return PpmScorer(ppm).score(c);
}

// --- Feature importance ----------------------------------------------------------

namespace {

/** sim_actual: the carriers of each feature are the instances whose recomputed row has it
 *  (exclusive bins, as get_ids); trial by trial, feature by feature, random.sample of them
 *  from one generator; the set counted as it is (no ties dropped). */
std::vector<FeatureImportance> referenceImportance(const FeatureMatrix &matrix, const PpmScorer &scorer,
                                                   int perTrial, int trials, std::uint64_t seed)
{
    const int features = matrix.features();
    std::vector<std::vector<std::int32_t>> carriers(static_cast<std::size_t>(features));
    const std::vector<std::vector<int>> rows = instanceRows(matrix);
    for (std::size_t i = 0; i < rows.size(); ++i)
        for (int f : rows[i])
            carriers[std::size_t(f)].push_back(std::int32_t(i));
    PyRandom rng(seed);
    Bits s(matrix.words(), 0);
    std::vector<std::vector<double>> trialGains(static_cast<std::size_t>(features));
    for (int t = 0; t < trials; ++t)
        for (int f = 0; f < features; ++f) {
            const std::vector<std::int32_t> &c = carriers[std::size_t(f)];
            const std::size_t k = std::min(std::size_t(perTrial), c.size());
            std::fill(s.begin(), s.end(), 0);
            for (std::size_t pos : rng.sample(c.size(), k))
                setBit(s, c[pos]);
            trialGains[std::size_t(f)].push_back(
                scorer.terms(countVector(matrix, s, CountMode::ReferenceCompat).data()));
        }
    std::vector<FeatureImportance> out;
    for (int f = 0; f < features; ++f) {
        FeatureImportance fi;
        fi.feature = matrix.names()[f];
        fi.carriers = int(carriers[std::size_t(f)].size());
        fi.sampled = std::min(perTrial, fi.carriers);
        fi.gain = meanOf(trialGains[std::size_t(f)]);
        fi.stddev = stdOf(trialGains[std::size_t(f)], fi.gain);
        out.push_back(fi);
    }
    return out;
}

/** The workbench's importance: feature f's trials from a generator seeded by (seed, f). */
std::vector<FeatureImportance> defaultImportance(const FeatureMatrix &matrix, const PpmScorer &scorer,
                                                 int perTrial, int trials, std::uint64_t seed)
{
    const int features = matrix.features();
    std::vector<FeatureImportance> out;
    out.reserve(std::size_t(features));
    Bits s(matrix.words(), 0);
    std::vector<std::int64_t> counts(static_cast<std::size_t>(features));
    std::vector<double> gains;
    for (int f = 0; f < features; ++f) {
        FeatureImportance fi;
        fi.feature = matrix.names()[f];
        std::vector<std::int32_t> carriers = matrix.members(f);
        fi.carriers = int(carriers.size());
        fi.sampled = std::min(perTrial, fi.carriers);
        if (fi.carriers <= perTrial) {
            // Every trial routes all carriers: one evaluation, no spread.
            countInto(matrix, matrix.bits(f), counts.data());
            fi.gain = scorer.terms(counts.data());
            fi.stddev = 0;
            out.push_back(fi);
            continue;
        }
        std::mt19937_64 rng(candidateSeed(seed ^ 0x5EEDF00DCAFEBABEull, f));
        gains.clear();
        for (int t = 0; t < trials; ++t) {
            // A partial Fisher-Yates: the first perTrial entries are a uniform subset
            // (whatever order the list was left in by the previous trial).
            const std::size_t len = carriers.size();
            for (std::size_t i = 0; i < std::size_t(perTrial); ++i) {
                std::swap(carriers[i], carriers[i + std::size_t(boundedDraw(rng, len - i))]);
                setBit(s, carriers[i]);
            }
            countInto(matrix, s, counts.data());
            gains.push_back(scorer.terms(counts.data()));
            for (std::size_t i = 0; i < std::size_t(perTrial); ++i)
                s[std::size_t(carriers[i]) >> 6] = 0;
        }
        fi.gain = meanOf(gains);
        fi.stddev = stdOf(gains, fi.gain);
        out.push_back(fi);
    }
    return out;
}

} // namespace

std::vector<FeatureImportance> featureImportance(const FeatureMatrix &matrix, const Ppm &ppm, int perTrial,
                                                 int trials, std::uint64_t seed)
{
    checkInputs(matrix, ppm, "feature importance");
    if (perTrial < 1 || trials < 1)
        throw std::invalid_argument("feature importance: need perTrial >= 1 and trials >= 1");
    const PpmScorer scorer(ppm);
    std::vector<FeatureImportance> out = referenceMode(matrix)
                                             ? referenceImportance(matrix, scorer, perTrial, trials, seed)
                                             : defaultImportance(matrix, scorer, perTrial, trials, seed);
    // Stable: equal gains keep the feature order. NaN last.
    const auto key = [](const FeatureImportance &x) {
        return std::isnan(x.gain) ? -std::numeric_limits<double>::infinity() : x.gain;
    };
    std::stable_sort(out.begin(), out.end(),
                     [&](const FeatureImportance &a, const FeatureImportance &b) { return key(a) > key(b); });
    return out;
}

std::vector<std::pair<QString, double>> linearCoefficients(const FeatureMatrix &matrix, const Ppm &ppm)
{
    checkInputs(matrix, ppm, "linear coefficients");
    if (ppm.model() != PpmModel::Linear)
        throw std::invalid_argument("linear coefficients: the PPM is not linear");
    std::vector<std::pair<QString, double>> out;
    out.reserve(std::size_t(matrix.features()));
    for (int f = 0; f < matrix.features(); ++f)
        out.emplace_back(matrix.names()[f], ppm.coefficients()[std::size_t(f)]);
    std::stable_sort(out.begin(), out.end(), [](const auto &a, const auto &b) { return a.second > b.second; });
    return out;
}

// --- Budget curve ----------------------------------------------------------------

std::vector<BudgetPoint> budgetCurve(const FeatureMatrix &matrix, const Ppm &ppm,
                                     const std::vector<std::int64_t> &budgets, int candidatesPerBudget,
                                     std::uint64_t seed, int threads, Feedback *fb, int randomDraws)
{
    checkInputs(matrix, ppm, "budget curve");
    if (candidatesPerBudget < 1 || randomDraws < 1)
        throw std::invalid_argument("budget curve: need at least one candidate and one random draw per budget");
    for (std::int64_t b : budgets)
        checkBudget(matrix, b, "budget curve");
    const PpmScorer scorer(ppm);
    const std::int64_t n = matrix.instances();
    std::vector<BudgetPoint> out;
    out.reserve(budgets.size());
    std::vector<std::int32_t> pool(static_cast<std::size_t>(n));
    std::iota(pool.begin(), pool.end(), 0);
    Bits s(matrix.words(), 0);
    std::vector<std::int64_t> counts(std::size_t(matrix.features()));
    std::vector<double> scores;
    const double steps = double(std::max<std::size_t>(1, budgets.size()));
    for (std::size_t bi = 0; bi < budgets.size(); ++bi) {
        const std::int64_t b = budgets[bi];
        const double lo = double(bi) / steps, mid = (double(bi) + 0.9) / steps, hi = double(bi + 1) / steps;
        BudgetPoint pt;
        pt.budget = b;
        pt.simulatedBest = simulatedResult(matrix, scorer, b, candidatesPerBudget, seed, threads, fb, lo, mid,
                                           Clock::now())
                               .predicted;
        // Uniformly random subsets of exactly b instances (any instance, not Algorithm 1).
        std::mt19937_64 rng(candidateSeed(seed ^ 0xA5A5A5A5F00DF00Dull, b));
        scores.clear();
        for (int d = 0; d < randomDraws; ++d) {
            if (fb && fb->isCanceled())
                throw Canceled{};
            for (std::int64_t i = 0; i < b; ++i) {
                std::swap(pool[std::size_t(i)],
                          pool[std::size_t(i) + std::size_t(boundedDraw(rng, std::uint64_t(n - i)))]);
                setBit(s, pool[std::size_t(i)]);
            }
            countFor(matrix, s, counts.data()); // reference mode: the human ties leave the mix
            scores.push_back(scorer.score(counts.data()));
            std::fill(s.begin(), s.end(), 0);
        }
        pt.randomMean = meanOf(scores);
        pt.randomStd = stdOf(scores, pt.randomMean);
        out.push_back(pt);
        if (fb)
            fb->setProgress(hi, QStringLiteral("budget %1 of %2").arg(bi + 1).arg(budgets.size()));
    }
    return out;
}

// --- Synthetic PPM and the bench -------------------------------------------------

Ppm syntheticPpm(const FeatureMatrix &matrix, int rows, std::uint64_t seed, PpmModel model)
{
    const int p = matrix.features();
    const std::int64_t n = matrix.instances();
    if (rows < 2 || p < 1 || n < 1)
        throw std::invalid_argument("synthetic PPM: need >= 2 rows and a non-empty matrix");
    std::mt19937_64 rng(splitmix64(seed ^ 0x7070707070707070ull));
    // The target: a linear term and a few pairwise terms of the count shares c_f / N,
    // a penalty on the human share away from 40 %, and noise.
    std::vector<double> a(static_cast<std::size_t>(p));
    for (double &v : a)
        v = 2 * unitDraw(rng) - 1;
    std::vector<std::pair<int, int>> pairs;
    std::vector<double> pairWeight;
    for (int k = 0; k < p; ++k) {
        pairs.emplace_back(int(boundedDraw(rng, std::uint64_t(p))), int(boundedDraw(rng, std::uint64_t(p))));
        pairWeight.push_back(4 * unitDraw(rng) - 2);
    }
    CandidateSampler sampler(matrix);
    const std::vector<std::int64_t> budgets = drawBudgets(rng, rows, n);
    std::vector<double> X(std::size_t(rows) * std::size_t(p));
    std::vector<double> y(static_cast<std::size_t>(rows));
    Bits s;
    std::vector<std::int64_t> counts(static_cast<std::size_t>(p));
    for (int r = 0; r < rows; ++r) {
        const std::int64_t size = sampler.sample(rng, s, budgets[std::size_t(r)]);
        countInto(matrix, s, counts.data());
        double *x = X.data() + std::size_t(r) * std::size_t(p);
        double t = 0.6;
        for (int f = 0; f < p; ++f) {
            x[f] = double(counts[std::size_t(f)]);
            t += 0.05 * a[std::size_t(f)] * x[f] / double(n);
        }
        for (std::size_t k = 0; k < pairs.size(); ++k)
            t += 0.05 * pairWeight[k] * (x[pairs[k].first] / double(n)) * (x[pairs[k].second] / double(n));
        const double share = double(size) / double(n) - 0.4;
        t -= 0.1 * share * share;
        y[std::size_t(r)] = t + 0.01 * (2 * unitDraw(rng) - 1);
    }
    Ppm ppm(model);
    ppm.fit(X, rows, p, y);
    return ppm;
}

RouteBench benchRouting(std::int64_t instances, std::int64_t candidates, double budgetFraction, int threads,
                        std::uint64_t seed)
{
    if (instances < 1 || candidates < 1 || !(budgetFraction > 0 && budgetFraction <= 1))
        throw std::invalid_argument("route bench: need instances >= 1, candidates >= 1, budget in (0, 1]");
    RouteBench r;
    r.instances = instances;
    r.candidates = candidates;
    r.budgetFraction = budgetFraction;
    r.budget = std::max<std::int64_t>(1, budgetFromArg(budgetFraction, instances));
    r.threads = threads <= 0 ? int(std::max(1u, std::thread::hardware_concurrency())) : threads;
    const FeatureMatrix matrix = syntheticMatrix(instances, seed);
    r.features = matrix.features();

    auto t0 = Clock::now();
    const Ppm ppm = syntheticPpm(matrix, 300, seed);
    r.fitSeconds = secondsSince(t0);
    r.columns = Ppm::expandedWidth(ppm.model(), ppm.inputs());
    for (double c : ppm.coefficients())
        r.nonzeroCoefficients += c != 0;
    const PpmScorer scorer(ppm);

    t0 = Clock::now();
    const SimOutcome scored = simulate(matrix, &scorer, r.budget, candidates, seed, r.threads, nullptr, 0, 1);
    r.seconds = secondsSince(t0);
    r.candidatesPerSecond = r.seconds > 0 ? double(candidates) / r.seconds : 0;
    r.best = scorer.intercept() + scored.bestTerms;
    r.bestSize = popcount(scored.bits);

    t0 = Clock::now();
    const SimOutcome unscored = simulate(matrix, nullptr, r.budget, candidates, seed, r.threads, nullptr, 0, 1);
    r.unscoredSeconds = secondsSince(t0);
    r.scoreShare = r.seconds > 0 ? 1 - r.unscoredSeconds / r.seconds : 0;
    if (unscored.sizeSum != scored.sizeSum) // the same candidates: a cheap self-check
        throw std::logic_error("route bench: scored and unscored runs sampled different candidates");
    r.allLm = predictAllLm(ppm);
    r.allHuman = predictAllHuman(matrix, ppm);
    return r;
}

} // namespace hyper::routing
