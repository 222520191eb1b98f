// SPDX-License-Identifier: GPL-3.0-or-later
// Candidate mixes, Algorithm 1 and count vectors (METHOD.md §3; docs/ROUTING.md says
// which reference quirk is reproduced where).
#include "core/routing/candidates.h"

#include "core/features/featureset.h"
#include "core/storage/featurestore.h"
#include "core/storage/projectstore.h"
#include "core/storage/sqlite.h"

#include <QHash>
#include <algorithm>
#include <bit>
#include <chrono>
#include <cmath>
#include <numeric>
#include <stdexcept>
#include <thread>
#include <unordered_map>
#if defined(__GNUC__) && defined(__x86_64__)
#include <immintrin.h>
#endif

namespace hyper::routing {

std::int64_t popcount(const Bits &b)
{
    std::int64_t n = 0;
    for (std::uint64_t w : b)
        n += std::popcount(w);
    return n;
}

namespace {

/** Lemire, "Fast random integer generation in an interval" (2019): unbiased. */
template <typename Generator>
std::uint64_t drawBelow(Generator &rng, std::uint64_t bound)
{
    if (bound <= 1)
        return 0;
    std::uint64_t x = rng();
    unsigned __int128 m = static_cast<unsigned __int128>(x) * bound;
    auto low = static_cast<std::uint64_t>(m);
    if (low < bound) {
        const std::uint64_t threshold = (0 - bound) % bound;
        while (low < threshold) {
            x = rng();
            m = static_cast<unsigned __int128>(x) * bound;
            low = static_cast<std::uint64_t>(m);
        }
    }
    return static_cast<std::uint64_t>(m >> 64);
}

/**
 * xoshiro256** (Blackman and Vigna, "Scrambled linear pseudorandom number generators",
 * 2021) for the sampler's inner draws: thousands per candidate, where mt19937_64 took
 * half of the time. Seeded per candidate from four outputs of the caller's generator, so
 * a candidate still depends only on that generator's state.
 */
class Xoshiro256
{
public:
    explicit Xoshiro256(std::mt19937_64 &seed)
    {
        for (std::uint64_t &s : m_s)
            s = seed();
        if ((m_s[0] | m_s[1] | m_s[2] | m_s[3]) == 0)
            m_s[0] = 1; // the one state it must not have
    }
    /** From one 64-bit seed, through the splitmix64 sequence (as its authors recommend). */
    explicit Xoshiro256(std::uint64_t seed)
    {
        for (std::uint64_t &s : m_s) {
            s = splitmix64(seed);
            seed += 0x9E3779B97F4A7C15ull;
        }
    }
    std::uint64_t operator()()
    {
        const std::uint64_t result = std::rotl(m_s[1] * 5, 7) * 9;
        const std::uint64_t t = m_s[1] << 17;
        m_s[2] ^= m_s[0];
        m_s[3] ^= m_s[1];
        m_s[1] ^= m_s[2];
        m_s[0] ^= m_s[3];
        m_s[2] ^= t;
        m_s[3] = std::rotl(m_s[3], 45);
        return result;
    }

private:
    std::uint64_t m_s[4];
};

} // namespace

std::uint64_t boundedDraw(std::mt19937_64 &rng, std::uint64_t bound)
{
    return drawBelow(rng, bound);
}

// --- FeatureMatrix ---------------------------------------------------------------

FeatureMatrix::FeatureMatrix(QStringList names, std::vector<std::int64_t> ids,
                             const std::vector<std::vector<int>> &rows)
    : m_names(std::move(names)), m_ids(std::move(ids))
{
    const std::size_t f = std::size_t(m_names.size());
    const std::size_t w = words();
    m_bits.assign(f, Bits(w, 0));
    m_members.assign(f, {});
    for (std::size_t i = 0; i < rows.size() && i < m_ids.size(); ++i) {
        bool any = false;
        for (int k : rows[i]) {
            if (k < 0 || std::size_t(k) >= f || testBit(m_bits[std::size_t(k)], std::int64_t(i)))
                continue;
            setBit(m_bits[std::size_t(k)], std::int64_t(i));
            m_members[std::size_t(k)].push_back(std::int32_t(i));
            any = true;
        }
        m_reachable += any;
    }
}

FeatureMatrix FeatureMatrix::fromStore(ProjectStore &store, bool withScores)
{
    FeatureStore fstore(store);
    std::vector<std::int64_t> ids;
    {
        sql::Stmt s(store.handle(), "SELECT id FROM instances WHERE split = 'train' ORDER BY id");
        while (s.step())
            ids.push_back(s.i64(0));
    }
    std::unordered_map<std::int64_t, std::size_t> index;
    index.reserve(ids.size());
    for (std::size_t i = 0; i < ids.size(); ++i)
        index.emplace(ids[i], i);
    std::vector<std::vector<int>> rows(ids.size());
    for (auto &[id, feats] : fstore.matrix()) {
        const auto it = index.find(id);
        if (it != index.end())
            rows[it->second] = std::move(feats);
    }
    FeatureMatrix m(fstore.featureNames(), std::move(ids), rows);
    if (withScores) {
        QHash<QString, std::vector<double>> columns;
        sql::Stmt s(store.handle(), "SELECT instance_id, score, value FROM instance_scores");
        while (s.step()) {
            const auto it = index.find(s.i64(0));
            if (it == index.end())
                continue;
            auto col = columns.find(s.text(1));
            if (col == columns.end())
                col = columns.insert(s.text(1), std::vector<double>(m.m_ids.size(), std::nan("")));
            (*col)[it->second] = s.isNull(2) ? std::nan("") : s.f64(2);
        }
        for (auto it = columns.begin(); it != columns.end(); ++it)
            m.setScores(it.key(), std::move(it.value()));
    }
    return m;
}

std::int64_t FeatureMatrix::indexOf(std::int64_t id) const
{
    const auto it = std::lower_bound(m_ids.begin(), m_ids.end(), id);
    return it != m_ids.end() && *it == id ? std::int64_t(it - m_ids.begin()) : -1;
}

void FeatureMatrix::setScores(const QString &score, std::vector<double> values)
{
    values.resize(m_ids.size(), std::nan(""));
    const qsizetype k = m_scoreNames.indexOf(score);
    if (k >= 0) {
        m_scores[std::size_t(k)] = std::move(values);
    } else {
        m_scoreNames << score;
        m_scores.push_back(std::move(values));
    }
    if (m_countMode == CountMode::ReferenceCompat)
        resolveLexical();
}

void FeatureMatrix::setCountMode(CountMode mode)
{
    m_countMode = mode;
    if (mode == CountMode::ReferenceCompat)
        resolveLexical();
    else
        m_lexical.clear();
}

namespace {

std::vector<FeatureMatrix::LexicalColumn> resolveColumns(const QStringList &names, const QStringList &scoreNames)
{
    using namespace hyper::features;
    std::vector<FeatureMatrix::LexicalColumn> out(std::size_t(names.size()));
    for (qsizetype f = 0; f < names.size(); ++f) {
        const FeatureDef *d = findFeature(names[f]);
        if (!d || d->kind != FeatureKind::Lexical)
            continue; // metadata: score -2
        FeatureMatrix::LexicalColumn &c = out[std::size_t(f)];
        c.scoreName = scoreName(d->score);
        c.score = int(scoreNames.indexOf(c.scoreName));
        c.minVal = d->minVal;
        c.maxVal = d->maxVal;
        c.length = isLengthScore(d->score);
    }
    return out;
}

} // namespace

void FeatureMatrix::resolveLexical()
{
    m_lexical = resolveColumns(m_names, m_scoreNames);
    m_valueOrder.assign(std::size_t(m_scoreNames.size()), {});
    for (const LexicalColumn &c : m_lexical) {
        if (c.score < 0 || !c.length || !m_valueOrder[std::size_t(c.score)].empty())
            continue;
        const std::vector<double> &v = m_scores[std::size_t(c.score)];
        std::vector<std::int32_t> &order = m_valueOrder[std::size_t(c.score)];
        for (std::size_t i = 0; i < v.size(); ++i)
            if (!std::isnan(v[i]))
                order.push_back(std::int32_t(i));
        std::stable_sort(order.begin(), order.end(), [&](std::int32_t a, std::int32_t b) { return v[std::size_t(a)] < v[std::size_t(b)]; });
    }
}

void FeatureMatrix::setMembers(int feature, std::vector<std::int32_t> members)
{
    if (feature < 0 || feature >= features())
        throw std::out_of_range("setMembers: no feature " + std::to_string(feature));
    std::sort(members.begin(), members.end());
    members.erase(std::unique(members.begin(), members.end()), members.end());
    members.erase(std::remove_if(members.begin(), members.end(),
                                 [&](std::int32_t i) { return i < 0 || i >= instances(); }),
                  members.end());
    Bits bits(words(), 0);
    for (std::int32_t i : members)
        setBit(bits, i);
    m_bits[std::size_t(feature)] = std::move(bits);
    m_members[std::size_t(feature)] = std::move(members);
}

void FeatureMatrix::recountReachable()
{
    // Instances carrying any feature.
    Bits any(words(), 0);
    for (const Bits &b : m_bits)
        for (std::size_t w = 0; w < any.size(); ++w)
            any[w] |= b[w];
    m_reachable = popcount(any);
}

const std::vector<double> *FeatureMatrix::scores(const QString &score) const
{
    const qsizetype k = m_scoreNames.indexOf(score);
    return k < 0 ? nullptr : &m_scores[std::size_t(k)];
}

Bits FeatureMatrix::subset(const std::vector<std::int64_t> &indices) const
{
    Bits b(words(), 0);
    for (std::int64_t i : indices)
        if (i >= 0 && i < instances())
            setBit(b, i);
    return b;
}

// --- Algorithm 1 -----------------------------------------------------------------

namespace {

// Hot loops, compiled twice (hardware popcnt and plain x86-64) and picked at load time.
#if defined(__GNUC__) && defined(__x86_64__) && !defined(__clang__)
#define HYPER_POPCNT_CLONES __attribute__((target_clones("popcnt", "default")))
#else
#define HYPER_POPCNT_CLONES
#endif

/** popcount(feature AND NOT chosen). */
HYPER_POPCNT_CLONES std::int64_t countFresh(const std::uint64_t *feature, const std::uint64_t *chosen,
                                            std::size_t n)
{
    std::int64_t c = 0;
    for (std::size_t k = 0; k < n; ++k)
        c += __builtin_popcountll(feature[k] & ~chosen[k]);
    return c;
}

HYPER_POPCNT_CLONES std::int64_t countAndScalar(const std::uint64_t *a, const std::uint64_t *b, std::size_t n)
{
    std::int64_t c = 0;
    for (std::size_t k = 0; k < n; ++k)
        c += __builtin_popcountll(a[k] & b[k]);
    return c;
}

#if defined(__GNUC__) && defined(__x86_64__)
/** Eight words a step where the CPU counts bits in vectors (AVX-512 VPOPCNTDQ: Ice Lake,
 *  Zen 4 and later). */
__attribute__((target("avx512f,avx512vpopcntdq"))) std::int64_t countAndAvx512(const std::uint64_t *a,
                                                                              const std::uint64_t *b,
                                                                              std::size_t n)
{
    __m512i acc = _mm512_setzero_si512();
    std::size_t k = 0;
    for (; k + 8 <= n; k += 8)
        acc = _mm512_add_epi64(acc, _mm512_popcnt_epi64(_mm512_and_si512(_mm512_loadu_si512(a + k),
                                                                          _mm512_loadu_si512(b + k))));
    alignas(64) std::int64_t lanes[8];
    _mm512_store_si512(lanes, acc);
    std::int64_t c = 0;
    for (std::int64_t lane : lanes)
        c += lane;
    for (; k < n; ++k)
        c += __builtin_popcountll(a[k] & b[k]);
    return c;
}

const bool kVectorPopcount = [] {
    __builtin_cpu_init(); // may run before libgcc's own constructor
    return __builtin_cpu_supports("avx512vpopcntdq") != 0;
}();
#endif

std::int64_t countAnd(const std::uint64_t *a, const std::uint64_t *b, std::size_t n)
{
#if defined(__GNUC__) && defined(__x86_64__)
    if (kVectorPopcount)
        return countAndAvx512(a, b, n);
#endif
    return countAndScalar(a, b, n);
}

void orInto(std::uint64_t *dst, const std::uint64_t *src, std::size_t n)
{
    for (std::size_t k = 0; k < n; ++k)
        dst[k] |= src[k];
}

} // namespace

CandidateSampler::CandidateSampler(const FeatureMatrix &matrix)
    : m_matrix(matrix), m_order(std::size_t(matrix.features()))
{
    m_lists.reserve(std::size_t(matrix.features()));
    for (int f = 0; f < matrix.features(); ++f)
        m_lists.push_back(matrix.members(f));
}

template <typename Generator>
bool CandidateSampler::start(Generator &rng, Bits &out, std::int64_t budget)
{
    const std::int64_t n = m_matrix.instances();
    out.assign(m_matrix.words(), 0);
    m_lastBudget = n == 0 ? 0 : budget > 0 ? budget : std::int64_t(1 + drawBelow(rng, std::uint64_t(n)));
    return n > 0;
}

std::int64_t CandidateSampler::sample(std::mt19937_64 &rng, Bits &out, std::int64_t budget)
{
    if (!start(rng, out, budget))
        return 0;
    if (m_baseline)
        return fill(rng, out, m_lastBudget);
    Xoshiro256 fast(rng);
    return fill(fast, out, m_lastBudget);
}

std::int64_t CandidateSampler::sample(std::uint64_t seed, Bits &out, std::int64_t budget)
{
    Xoshiro256 rng(seed);
    return start(rng, out, budget) ? fill(rng, out, m_lastBudget) : 0;
}

template <typename Generator>
std::int64_t CandidateSampler::fill(Generator &rng, Bits &out, std::int64_t b)
{
    // The feature order: a fresh Fisher-Yates shuffle of 0..F-1.
    std::iota(m_order.begin(), m_order.end(), 0);
    for (std::size_t i = m_order.size(); i > 1; --i)
        std::swap(m_order[i - 1], m_order[drawBelow(rng, i)]);

    std::int64_t size = 0;
    std::uint64_t *words = out.data();
    const std::size_t nw = out.size();
    for (int f : m_order) {
        // When all of the feature's not yet chosen instances fit in the budget, the
        // shuffle cannot change which are added: take them all at once (same
        // distribution as the reference, no draws).
        const std::uint64_t *fb = m_matrix.bits(f).data();
        const std::int64_t fresh = countFresh(fb, words, nw);
        if (fresh <= b - size) {
            orInto(words, fb, nw);
            size += fresh;
            if (size >= b)
                break;
            continue;
        }
        // Otherwise shuffle the feature's instances lazily: a partial Fisher-Yates
        // yields the prefix of a uniform permutation, and we stop as soon as |S| = b.
        // (Choosing b - |S| of the fresh ones directly takes a pass over the whole list:
        // measured twice as slow, as the budget usually ends early in a long list.)
        std::int32_t *list = m_lists[std::size_t(f)].data();
        const std::size_t len = m_lists[std::size_t(f)].size();
        if (m_swaps.size() < len)
            m_swaps.resize(len);
        std::uint32_t *swaps = m_swaps.data(); // in registers: no vector bookkeeping a draw
        std::size_t i = 0;
        for (; i < len && size < b; ++i) {
            const std::size_t j = i + std::size_t(drawBelow(rng, len - i));
            std::swap(list[i], list[j]);
            swaps[i] = std::uint32_t(j);
            const std::int32_t x = list[i];
            std::uint64_t &w = words[x >> 6];
            const std::uint64_t bit = std::uint64_t(1) << (x & 63);
            size += (w & bit) == 0;
            w |= bit;
        }
        // Undo, so the next candidate starts from the same lists.
        while (i > 0) {
            --i;
            std::swap(list[i], list[swaps[i]]);
        }
        if (size >= b)
            break;
    }
    return size;
}

std::vector<std::int64_t> drawBudgets(std::mt19937_64 &rng, std::int64_t k, std::int64_t n)
{
    std::vector<std::int64_t> out;
    if (n <= 0 || k <= 0)
        return out;
    out.reserve(std::size_t(k));
    const std::int64_t distinct = std::min(k, n);
    // Floyd's algorithm would avoid O(n) memory; n is an instance count, so this is fine.
    std::vector<std::int64_t> pool(static_cast<std::size_t>(n));
    std::iota(pool.begin(), pool.end(), 1);
    for (std::int64_t i = 0; i < distinct; ++i) {
        const std::size_t j = std::size_t(i) + std::size_t(boundedDraw(rng, std::uint64_t(n - i)));
        std::swap(pool[std::size_t(i)], pool[j]);
        out.push_back(pool[std::size_t(i)]);
    }
    for (std::int64_t i = distinct; i < k; ++i)
        out.push_back(1 + std::int64_t(boundedDraw(rng, std::uint64_t(n))));
    return out;
}

// --- Count vectors ---------------------------------------------------------------

void countInto(const FeatureMatrix &matrix, const Bits &subset, std::int64_t *out, bool scalar)
{
    const std::size_t w = std::min(matrix.words(), subset.size());
    const std::uint64_t *s = subset.data();
    for (int f = 0; f < matrix.features(); ++f)
        out[f] = scalar ? countAndScalar(matrix.bits(f).data(), s, w) : countAnd(matrix.bits(f).data(), s, w);
}

QString countModeName(CountMode mode)
{
    return mode == CountMode::ReferenceCompat ? QStringLiteral("reference") : QStringLiteral("default");
}

std::optional<CountMode> parseCountMode(const QString &name)
{
    if (name == QLatin1String("default"))
        return CountMode::Default;
    if (name == QLatin1String("reference"))
        return CountMode::ReferenceCompat;
    return std::nullopt;
}

namespace {

/** The matrix's lexical columns: resolved once by setCountMode(ReferenceCompat), or here
 *  for a default-mode matrix asked for reference counts (hyper counts). */
const std::vector<FeatureMatrix::LexicalColumn> &columnsOf(const FeatureMatrix &matrix,
                                                          std::vector<FeatureMatrix::LexicalColumn> &holder)
{
    if (!matrix.hasScores())
        throw std::invalid_argument("reference-compatible counts need the raw scores");
    if (matrix.lexicalColumns().size() == std::size_t(matrix.features()))
        return matrix.lexicalColumns();
    holder = resolveColumns(matrix.names(), matrix.scoreNames());
    return holder;
}

/** A lexical column's score values over `members` (all instances when null), as the
 *  reference bins them: percentile ranks among those instances for a length score
 *  (pandas rank(pct=True), NaN left out), raw otherwise. */
std::vector<double> binnedValues(const FeatureMatrix &matrix, const FeatureMatrix::LexicalColumn &c,
                                 const std::vector<std::int64_t> *members)
{
    if (c.score < 0)
        throw std::invalid_argument("reference-compatible counts need the score " + c.scoreName.toStdString());
    const std::vector<double> &raw = *matrix.scores(matrix.scoreNames()[c.score]);
    std::vector<double> values;
    if (members) {
        values.reserve(members->size());
        for (std::int64_t i : *members)
            values.push_back(raw[std::size_t(i)]);
    } else {
        values = raw;
    }
    return c.length ? hyper::features::percentileRanks(values) : values;
}

/** The same values as binnedValues(matrix, c, members) for a length score, not in member
 *  order (the counts do not need it): one pass over the score's instances in value order,
 *  keeping those of S; a run of equal values in S gets their mean 1-based rank / n, the
 *  formula percentileRanks uses. */
std::vector<double> ranksInside(const FeatureMatrix &matrix, const FeatureMatrix::LexicalColumn &c,
                                const std::vector<std::int32_t> &order, const Bits &subset, std::size_t members)
{
    const std::vector<double> &raw = *matrix.scores(matrix.scoreNames()[c.score]);
    std::vector<std::int32_t> in;
    in.reserve(members);
    for (std::int32_t i : order)
        if (std::size_t(i >> 6) < subset.size() && testBit(subset, i))
            in.push_back(i);
    std::vector<double> out;
    out.reserve(in.size());
    const double n = double(in.size());
    for (std::size_t i = 0; i < in.size();) {
        std::size_t j = i;
        while (j < in.size() && raw[std::size_t(in[j])] == raw[std::size_t(in[i])])
            ++j;
        const double rank = (double(i + 1) + double(j)) / 2.0;
        out.insert(out.end(), j - i, rank / n);
        i = j;
    }
    return out;
}

} // namespace

std::vector<std::vector<int>> instanceRows(const FeatureMatrix &matrix)
{
    std::vector<std::vector<int>> rows(std::size_t(matrix.instances()));
    if (matrix.countMode() != CountMode::ReferenceCompat) {
        for (int f = 0; f < matrix.features(); ++f)
            for (std::int32_t i : matrix.members(f))
                rows[std::size_t(i)].push_back(f);
        return rows;
    }
    std::vector<FeatureMatrix::LexicalColumn> holder;
    const auto &cols = columnsOf(matrix, holder);
    std::vector<std::vector<double>> values(std::size_t(matrix.scoreNames().size())); // per score, computed once
    for (int f = 0; f < matrix.features(); ++f) {
        const FeatureMatrix::LexicalColumn &c = cols[std::size_t(f)];
        if (c.score == -2) {
            for (std::int32_t i : matrix.members(f))
                rows[std::size_t(i)].push_back(f);
            continue;
        }
        if (c.score < 0)
            binnedValues(matrix, c, nullptr); // throws: the score is missing
        if (values[std::size_t(c.score)].empty())
            values[std::size_t(c.score)] = binnedValues(matrix, c, nullptr); // whole-split ranks
        const std::vector<double> &v = values[std::size_t(c.score)];
        // The exclusive test of the reference's top-k gains (convert_to_binary).
        for (std::size_t i = 0; i < v.size(); ++i)
            if (hyper::features::inBin(v[i], c.minVal, c.maxVal, hyper::features::BinTest::Exclusive))
                rows[i].push_back(f);
    }
    return rows;
}

Bits referenceCounted(const FeatureMatrix &matrix, const Bits &human, PyRandom *rng)
{
    const FeatureMatrix::ReferenceMix &mix = matrix.referenceMix();
    const std::size_t words = matrix.words();
    const auto word = [](const Bits &b, std::size_t w) { return w < b.size() ? b[w] : std::uint64_t(0); };
    Bits counted(words, 0);
    if (!rng || mix.subsample <= 0) {
        // convert_to_dpo_format: a routed instance takes its human label; a tie leaves.
        for (std::size_t w = 0; w < words; ++w)
            counted[w] = word(human, w) & ~word(mix.humanTie, w);
        return counted;
    }
    // The population random.sample draws from: every instance whose label (human when
    // routed, LM otherwise) is not a tie, in instance order.
    std::vector<std::int64_t> kept;
    kept.reserve(std::size_t(matrix.instances()));
    for (std::size_t w = 0; w < words; ++w) {
        const std::uint64_t h = word(human, w);
        std::uint64_t in = (h & ~word(mix.humanTie, w)) | (~h & ~word(mix.lmTie, w));
        if (w + 1 == words && matrix.instances() % 64)
            in &= (std::uint64_t(1) << (matrix.instances() % 64)) - 1;
        for (; in; in &= in - 1)
            kept.push_back(std::int64_t(w * 64 + std::size_t(std::countr_zero(in))));
    }
    const auto keep = [&](std::int64_t i) {
        if (testBit(human, i))
            setBit(counted, i);
    };
    if (mix.subsample < std::int64_t(kept.size())) {
        // random.sample(converted_annotations, n_samples), when more than n_samples are left
        for (std::size_t pos : rng->sample(kept.size(), std::size_t(mix.subsample)))
            keep(kept[pos]);
    } else {
        for (std::int64_t i : kept)
            keep(i);
    }
    return counted;
}

void countFor(const FeatureMatrix &matrix, const Bits &subset, std::int64_t *out)
{
    if (matrix.countMode() == CountMode::Default) {
        countInto(matrix, subset, out);
        return;
    }
    const std::vector<std::int64_t> c =
        countVector(matrix, referenceCounted(matrix, subset, nullptr), CountMode::ReferenceCompat);
    std::copy(c.begin(), c.end(), out);
}

std::vector<std::int64_t> countVector(const FeatureMatrix &matrix, const Bits &subset, CountMode mode)
{
    std::vector<std::int64_t> out(std::size_t(matrix.features()), 0);
    countInto(matrix, subset, out.data());
    if (mode == CountMode::Default)
        return out;

    // Reference-compatible: recompute the 27 lexical features of the instances of S.
    std::vector<FeatureMatrix::LexicalColumn> holder;
    const auto &cols = columnsOf(matrix, holder);
    std::vector<std::int64_t> members;
    for (std::size_t w = 0; w < std::min(subset.size(), matrix.words()); ++w)
        for (std::uint64_t x = subset[w]; x; x &= x - 1)
            members.push_back(std::int64_t(w * 64 + std::size_t(std::countr_zero(x))));
    // Binned values per score inside S, computed once per score.
    std::vector<std::vector<double>> binned(std::size_t(matrix.scoreNames().size()));
    std::vector<char> done(binned.size(), 0);
    for (int f = 0; f < matrix.features(); ++f) {
        const FeatureMatrix::LexicalColumn &c = cols[std::size_t(f)];
        if (c.score == -2)
            continue; // metadata: membership as the matrix holds it
        if (c.score < 0)
            binnedValues(matrix, c, &members); // throws: the score is missing
        if (!done[std::size_t(c.score)]) {
            // Quirk: the reference recomputes the length percentile ranks inside the
            // routed subset S (pandas rank(pct=True), NaN left out), so each length bin
            // holds about |S|/3. Similarity scores stay raw.
            const std::vector<std::int32_t> *order = c.length ? matrix.valueOrder(c.score) : nullptr;
            if (order && members.size() * 16 > order->size())
                binned[std::size_t(c.score)] = ranksInside(matrix, c, *order, subset, members.size());
            else
                binned[std::size_t(c.score)] = binnedValues(matrix, c, &members);
            done[std::size_t(c.score)] = 1;
        }
        // Quirk: inclusive test on both ends, so a value of exactly 0.33 (or 0.67) is in
        // two bins and a value outside [0, 1] in none.
        std::int64_t n = 0;
        for (double v : binned[std::size_t(c.score)])
            n += hyper::features::inBin(v, c.minVal, c.maxVal, hyper::features::BinTest::Inclusive);
        out[std::size_t(f)] = n;
    }
    return out;
}

// --- Bench -----------------------------------------------------------------------

FeatureMatrix syntheticMatrix(std::int64_t instances, std::uint64_t seed)
{
    const std::vector<features::FeatureDef> &table = features::featureTable();
    QStringList names;
    for (const auto &d : table)
        names << d.name;
    std::mt19937_64 rng(seed);
    std::vector<std::int64_t> ids(std::size_t(std::max<std::int64_t>(instances, 0)));
    std::iota(ids.begin(), ids.end(), 1);
    std::vector<std::vector<int>> rows(ids.size());
    const int subjects = 46;
    const int lexical = features::kLexicalFeatureCount;
    // Metadata layout (featureset.h): 46 subjects, English, 3 + 4 + 4 + 3 scalar values,
    // 2 open-set features = 63.
    const int scalarGroups[4] = {3, 4, 4, 3};
    for (auto &row : rows) {
        for (int s = 0; s < 9; ++s)
            row.push_back(s * 3 + int(boundedDraw(rng, 3)));
        const int k = 1 + int(boundedDraw(rng, 3));
        for (int j = 0; j < k; ++j)
            row.push_back(lexical + int(boundedDraw(rng, subjects)));
        int at = lexical + subjects;
        if (boundedDraw(rng, 10) < 9)
            row.push_back(at);
        ++at;
        for (int g : scalarGroups) {
            row.push_back(at + int(boundedDraw(rng, std::uint64_t(g))));
            at += g;
        }
        for (int j = 0; j < 2; ++j, ++at)
            if (boundedDraw(rng, 10) < 3)
                row.push_back(at);
    }
    return FeatureMatrix(names, std::move(ids), rows);
}

CandidateBench benchCandidates(const FeatureMatrix &matrix, std::int64_t k, double budgetFraction,
                               std::uint64_t seed, int threads, bool baseline)
{
    CandidateBench r;
    r.instances = matrix.instances();
    r.candidates = k;
    r.budget = budgetFraction;
    if (threads <= 0)
        threads = int(std::max(1u, std::thread::hardware_concurrency()));
    threads = int(std::max<std::int64_t>(1, std::min<std::int64_t>(threads, k)));
    r.threads = threads;
    const std::int64_t b =
        std::max<std::int64_t>(1, std::llround(budgetFraction * double(matrix.instances())));
    std::vector<std::uint64_t> checksums(std::size_t(threads), 0);
    std::vector<std::int64_t> sizes(std::size_t(threads), 0);
    const auto start = std::chrono::steady_clock::now();
    auto work = [&](int t) {
        std::mt19937_64 rng(seed + 0x9E3779B97F4A7C15ull * std::uint64_t(t));
        CandidateSampler sampler(matrix);
        sampler.setBaseline(baseline);
        Bits s;
        std::vector<std::int64_t> counts(std::size_t(matrix.features()));
        const std::int64_t mine = k / threads + (t < k % threads ? 1 : 0);
        for (std::int64_t c = 0; c < mine; ++c) {
            sizes[std::size_t(t)] += sampler.sample(rng, s, b);
            countInto(matrix, s, counts.data(), baseline);
            for (std::int64_t v : counts)
                checksums[std::size_t(t)] += std::uint64_t(v);
        }
    };
    std::vector<std::thread> pool;
    for (int t = 1; t < threads; ++t)
        pool.emplace_back(work, t);
    if (k > 0)
        work(0);
    for (auto &th : pool)
        th.join();
    r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::int64_t total = 0;
    for (int t = 0; t < threads; ++t) {
        r.checksum += checksums[std::size_t(t)];
        total += sizes[std::size_t(t)];
    }
    r.meanSize = k > 0 ? double(total) / double(k) : 0;
    r.candidatesPerSecond = r.seconds > 0 ? double(k) / r.seconds : 0;
    return r;
}

} // namespace hyper::routing
