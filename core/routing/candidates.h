// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Candidate mixes (routings) and their count vectors: METHOD.md §3, docs/ROUTING.md.
//
// A candidate is the set S of instances routed to humans, kept as a bitset over the
// instances of a FeatureMatrix. Its count vector c(S) has one exact integer per feature:
// popcount(feature bits AND S bits).

#include "core/routing/pyrandom.h"

#include <QString>
#include <QStringList>
#include <optional>
#include <array>
#include <cstdint>
#include <random>
#include <vector>

namespace hyper {
class ProjectStore;
}

namespace hyper::routing {

using Bits = std::vector<std::uint64_t>;

inline std::size_t wordsFor(std::int64_t n) { return std::size_t((n + 63) / 64); }
inline bool testBit(const Bits &b, std::int64_t i) { return (b[std::size_t(i >> 6)] >> (i & 63)) & 1u; }
inline void setBit(Bits &b, std::int64_t i) { b[std::size_t(i >> 6)] |= std::uint64_t(1) << (i & 63); }
std::int64_t popcount(const Bits &b);

/** splitmix64 (Steele, Lea and Flood): x + the golden gamma, mixed. Seeds derived from a
 *  seed, and the states of the sampler's inner generator. */
inline std::uint64_t splitmix64(std::uint64_t x)
{
    x += 0x9E3779B97F4A7C15ull;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
    return x ^ (x >> 31);
}

/** Uniform integer in [0, bound) from the generator (Lemire's multiply-and-reject;
 *  no std distribution, so the stream is the same with every standard library). */
std::uint64_t boundedDraw(std::mt19937_64 &rng, std::uint64_t bound);

enum class CountMode {
    /** Features as stored: percentile ranks over the whole dataset, inclusive bins. */
    Default,
    /** As the reference counts a mix (METHOD.md §3): length percentile ranks recomputed
     *  inside S (pandas rank(pct=True)), inclusive bin test; similarity bins on the raw
     *  scores with the inclusive test (0.33 is in two bins, values outside [0, 1] in
     *  none); metadata features as stored. Needs the matrix's scores. No 7,000-row
     *  subsample. */
    ReferenceCompat,
};

/** "default" | "reference" (the names stored with PPM datasets and models). */
QString countModeName(CountMode mode);
std::optional<CountMode> parseCountMode(const QString &name);

/**
 * The binary feature matrix of the train split: N instances (ordered by id) x F
 * features, one bitset of wordsFor(N) words per feature, plus per feature the list of
 * instance indices that carry it (Algorithm 1 shuffles those). Optionally the raw
 * scores per instance, which the reference-compatible count needs.
 */
class FeatureMatrix
{
public:
    FeatureMatrix() = default;
    /** rows[i]: 0-based feature indices of instance i (ids[i]). */
    FeatureMatrix(QStringList names, std::vector<std::int64_t> ids,
                  const std::vector<std::vector<int>> &rows);

    /** The stored matrix of a project: every train instance (also those carrying no
     *  feature), and with withScores the raw scores. Throws StoreError. */
    static FeatureMatrix fromStore(ProjectStore &store, bool withScores);

    std::int64_t instances() const { return std::int64_t(m_ids.size()); }
    int features() const { return int(m_bits.size()); }
    std::size_t words() const { return wordsFor(instances()); }
    const QStringList &names() const { return m_names; }
    const std::vector<std::int64_t> &ids() const { return m_ids; }
    const Bits &bits(int feature) const { return m_bits[std::size_t(feature)]; }
    const std::vector<std::int32_t> &members(int feature) const { return m_members[std::size_t(feature)]; }
    /** Index of an instance id, -1 when it is not in the matrix. */
    std::int64_t indexOf(std::int64_t id) const;
    /** Instances that carry at least one feature (all Algorithm 1 can reach). */
    std::int64_t reachable() const { return m_reachable; }

    /** Raw scores, by score name ("prompt_len", "rouge", ...): one value per instance,
     *  NaN where missing. Empty unless loaded or set. */
    void setScores(const QString &score, std::vector<double> values);
    const std::vector<double> *scores(const QString &score) const;
    bool hasScores() const { return !m_scoreNames.isEmpty(); }
    const QStringList &scoreNames() const { return m_scoreNames; }

    /** How a mix of this matrix is counted (countFor): the count mode of the PPM it was
     *  loaded for (core/routing/planner.cpp). ReferenceCompat needs the scores; the
     *  lexical columns (score, bin) are resolved once here, for every count after. */
    void setCountMode(CountMode mode);
    CountMode countMode() const { return m_countMode; }

    /** One feature of the matrix as the reference-compatible count sees it: a lexical
     *  feature's score (an index into scoreNames(), -1 when the matrix lacks it) and bin,
     *  or score -2 for a metadata feature (membership as the matrix holds it). */
    struct LexicalColumn {
        int score = -2;
        QString scoreName;
        double minVal = 0, maxVal = 0;
        bool length = false; // a length score: percentile ranks, not raw values
    };
    /** Resolved by setCountMode(ReferenceCompat) and setScores; empty otherwise. */
    const std::vector<LexicalColumn> &lexicalColumns() const { return m_lexical; }
    /** For a length score (an index into scoreNames()) of a reference-mode matrix: its
     *  instances with a value, ascending by value (ties by index), so that ranks inside a
     *  large S take one pass instead of a sort. Null otherwise. */
    const std::vector<std::int32_t> *valueOrder(int score) const
    {
        return std::size_t(score) < m_valueOrder.size() && !m_valueOrder[std::size_t(score)].empty()
                   ? &m_valueOrder[std::size_t(score)]
                   : nullptr;
    }

    /** Replaces which instances carry a feature (indices out of range are dropped): the
     *  reference mode's strict tag matching (core/routing/planner.cpp). Call
     *  recountReachable() after the last one. */
    void setMembers(int feature, std::vector<std::int32_t> members);
    void recountReachable();

    /** What the reference's mixes drop before counting (issue 20): convert_to_dpo_format
     *  returns None for a tie, so a routed instance whose human label is a tie, and an
     *  unrouted one whose LM label is a tie, leave the mix; then random.sample keeps
     *  `subsample` of what is left (0: all) with Python's generator seeded by `seed`. */
    struct ReferenceMix {
        Bits humanTie, lmTie; // instances whose human / LM label is a tie; empty: none known
        std::int64_t subsample = 0;
        std::uint64_t seed = 1;
        /** The reference's feat_instance_map: every feature of get_all_features() that the
         *  project has, in that order, with its carriers (strict tags), whatever columns
         *  the PPM uses; the simulated candidates draw from these. Empty: the matrix's
         *  own features. */
        std::vector<std::vector<std::int32_t>> candidateLists;
    };
    void setReferenceMix(ReferenceMix mix) { m_mix = std::move(mix); }
    const ReferenceMix &referenceMix() const { return m_mix; }

    /** Bitset of the given instance indices. */
    Bits subset(const std::vector<std::int64_t> &indices) const;

private:
    QStringList m_names;
    std::vector<std::int64_t> m_ids;
    std::vector<Bits> m_bits;
    std::vector<std::vector<std::int32_t>> m_members;
    std::int64_t m_reachable = 0;
    QStringList m_scoreNames;
    std::vector<std::vector<double>> m_scores;
    CountMode m_countMode = CountMode::Default;
    std::vector<LexicalColumn> m_lexical;
    std::vector<std::vector<std::int32_t>> m_valueOrder; // per score; length scores only
    ReferenceMix m_mix;

    void resolveLexical();
};

/**
 * Algorithm 1 (the reference's get_count_feats.py): draw a budget b uniformly from
 * 1..N (or take the given one); shuffle the feature order; for each feature in turn,
 * shuffle its instances and add those not yet chosen until |S| = b. Only instances that
 * carry a feature are reachable, so |S| < b when fewer than b do (reference quirk, kept
 * in both modes: it is what the algorithm is).
 *
 * A feature whose not yet chosen instances all fit is taken whole without draws; the
 * feature that fills the budget is shuffled lazily and undone afterwards. The inner draws
 * come from a xoshiro256** seeded from the caller's generator (issue 17).
 *
 * Deterministic: the candidate depends only on the generator state (or seed) and the
 * matrix; earlier candidates leave no trace. One sampler per thread; the matrix is
 * shared read-only.
 */
class CandidateSampler
{
public:
    explicit CandidateSampler(const FeatureMatrix &matrix);

    /** Samples one candidate into out (resized to matrix.words()); returns |S|.
     *  budget <= 0: drawn uniformly from 1..N. */
    std::int64_t sample(std::mt19937_64 &rng, Bits &out, std::int64_t budget = 0);
    /** The same from a 64-bit seed (expanded with splitmix64 into the inner generator's
     *  state), for callers that seed every candidate: cheaper than seeding an
     *  mt19937_64 (312 words) per candidate. */
    std::int64_t sample(std::uint64_t seed, Bits &out, std::int64_t budget);
    /** The budget of the last sample (drawn or given). */
    std::int64_t lastBudget() const { return m_lastBudget; }
    /** Every draw from the caller's mt19937_64, as before issue 17 (about half of the time
     *  went to it): the baseline of `hyper bench candidates`. By default the inner draws
     *  come from a xoshiro256** seeded by four outputs of it. Applies to the
     *  mt19937_64 overload of sample() only. */
    void setBaseline(bool on) { m_baseline = on; }

private:
    /** Clears out and sets lastBudget (given, or drawn from rng); false when the matrix
     *  has no instance. */
    template <typename Generator>
    bool start(Generator &rng, Bits &out, std::int64_t budget);
    template <typename Generator>
    std::int64_t fill(Generator &rng, Bits &out, std::int64_t budget);

    const FeatureMatrix &m_matrix;
    std::vector<int> m_order;
    std::vector<std::vector<std::int32_t>> m_lists;  // per feature, permuted in place
    std::vector<std::uint32_t> m_swaps;               // to undo the partial shuffles
    std::int64_t m_lastBudget = 0;
    bool m_baseline = false;
};

/** k budgets from 1..n, distinct while k <= n (the reference draws distinct budgets),
 *  then with repetition for the rest. */
std::vector<std::int64_t> drawBudgets(std::mt19937_64 &rng, std::int64_t k, std::int64_t n);



/** c(S): per feature the number of instances of S carrying it. Default mode only uses
 *  the bitsets (popcount of AND); ReferenceCompat recomputes the lexical features from
 *  the raw scores (throws std::invalid_argument when the matrix has none). */
std::vector<std::int64_t> countVector(const FeatureMatrix &matrix, const Bits &subset,
                                      CountMode mode = CountMode::Default);
/** The feature indices of every instance (ascending): the matrix's members; in
 *  ReferenceCompat mode the lexical features recomputed as the reference's top-k gains
 *  test them (sample_best_subset.py convert_to_binary, lines 346-370): length percentile
 *  ranks over the whole matrix, similarity scores raw, and the exclusive bin test
 *  min < v < max (so 1.0 and exactly 0.33 fall in no bin). Metadata as stored. */
std::vector<std::vector<int>> instanceRows(const FeatureMatrix &matrix);

/** Default-mode count into a caller-owned vector (no allocation; the hot path). Eight
 *  words a step where the CPU has AVX-512 VPOPCNTDQ, unless scalar (the baseline of
 *  `hyper bench candidates`). */
void countInto(const FeatureMatrix &matrix, const Bits &subset, std::int64_t *out, bool scalar = false);
/** The routed instances that the reference's mix of S counts (a reference-mode matrix;
 *  scripts/get_count_feats.py 106-145 and sample_best_subset.py 234-279 @ 7a17ed3): every
 *  instance takes its human label when routed and its LM label otherwise; ties leave the
 *  mix (convert_to_dpo_format returns None); when matrix.referenceMix().subsample is set
 *  and more instances than that are left, rng draws that many of them with random.sample
 *  (the population in instance order); the routed ones left are returned. rng null: no
 *  subsample. */
Bits referenceCounted(const FeatureMatrix &matrix, const Bits &human, PyRandom *rng);

/** The count of the mix that routes S to humans, in the matrix's countMode(), into out
 *  (features() values): countInto for Default; for ReferenceCompat, countVector of what
 *  the reference's mix keeps of S (referenceCounted, no subsample), the lexical features
 *  recomputed inside it. */
void countFor(const FeatureMatrix &matrix, const Bits &subset, std::int64_t *out);

struct CandidateBench {
    std::int64_t instances = 0;
    std::int64_t candidates = 0;
    double budget = 0;
    double meanSize = 0;
    double seconds = 0;
    double candidatesPerSecond = 0;
    int threads = 1;
    std::uint64_t checksum = 0;  // sum of all counts, so nothing is optimized away
};

/** A synthetic matrix like a real one: 27 lexical bins (each instance in one bin of
 *  each of 9 scores), 63 metadata features with varied frequencies. */
FeatureMatrix syntheticMatrix(std::int64_t instances, std::uint64_t seed);

/** Samples k candidates of budget round(budgetFraction * N) with Algorithm 1 and counts
 *  them (default mode), on threads threads (0: all cores); baseline: as before issue 17
 *  (CandidateSampler::setBaseline, scalar counts). */
CandidateBench benchCandidates(const FeatureMatrix &matrix, std::int64_t k, double budgetFraction,
                               std::uint64_t seed, int threads, bool baseline = false);

} // namespace hyper::routing
