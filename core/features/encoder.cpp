// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/features/encoder.h"

#include <cmath>

namespace hyper::features {

namespace {

// splitmix64's finaliser: spreads FNV's weak low bits over the whole word.
inline std::uint64_t mix(std::uint64_t x)
{
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ULL;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebULL;
    x ^= x >> 31;
    return x;
}

constexpr std::uint64_t kFnvOffset = 0xcbf29ce484222325ULL;
constexpr std::uint64_t kFnvPrime = 0x100000001b3ULL;

inline std::uint64_t fnvStep(std::uint64_t h, char16_t c)
{
    h ^= c;
    return h * kFnvPrime;
}

void normalise(float *v, int dim)
{
    double s = 0;
    for (int i = 0; i < dim; ++i)
        s += double(v[i]) * v[i];
    if (s <= 0)
        return;
    const float inv = float(1.0 / std::sqrt(s));
    for (int i = 0; i < dim; ++i)
        v[i] *= inv;
}

// Calls fn(hash) for each hashed feature of one lowercased token.
template <typename Fn> void forEachFeature(QStringView token, Fn &&fn)
{
    // The word itself, salted so that "the" the word and "the" a 3-gram differ.
    std::uint64_t h = fnvStep(kFnvOffset, u'W');
    for (QChar c : token)
        h = fnvStep(h, c.unicode());
    fn(mix(h));
    // Character n-grams of "<token>", with '<' and '>' marking the word boundaries.
    const int n = int(token.size()) + 2;
    auto at = [&](int i) -> char16_t {
        return i == 0 ? u'<' : i == n - 1 ? u'>' : token[i - 1].unicode();
    };
    for (int len = 3; len <= 4; ++len) {
        if (n < len)
            continue;
        for (int s = 0; s + len <= n; ++s) {
            std::uint64_t g = fnvStep(kFnvOffset, char16_t(u'0' + len));
            for (int k = 0; k < len; ++k)
                g = fnvStep(g, at(s + k));
            fn(mix(g));
        }
    }
}

} // namespace

HashedNgramEncoder::HashedNgramEncoder() : m_idf(size_t(1) << kIdfBits, 1.0f) {}

QString HashedNgramEncoder::name() const
{
    return QStringLiteral("hashed-ngram-v1(text=%1,token=%2,idf=2^%3)").arg(kTextDim).arg(kTokenDim).arg(kIdfBits);
}

void HashedNgramEncoder::fit(const std::vector<const QString *> &documents)
{
    const size_t buckets = size_t(1) << kIdfBits;
    const std::uint64_t mask = buckets - 1;
    std::vector<std::uint32_t> df(buckets, 0);
    // lastDoc de-duplicates buckets within one document without clearing a set per doc.
    std::vector<std::uint32_t> lastDoc(buckets, 0);
    std::uint32_t doc = 0;
    for (const QString *text : documents) {
        ++doc;
        const TokenizedText t(*text);
        for (int i = 0; i < t.size(); ++i)
            forEachFeature(t.lowerToken(i), [&](std::uint64_t h) {
                const size_t b = size_t(h & mask);
                if (lastDoc[b] != doc) {
                    lastDoc[b] = doc;
                    ++df[b];
                }
            });
    }
    // Smoothed IDF as scikit-learn's TfidfVectorizer: ln((1 + N) / (1 + df)) + 1.
    const double n = double(documents.size());
    for (size_t b = 0; b < buckets; ++b)
        m_idf[b] = float(std::log((1.0 + n) / (1.0 + df[b])) + 1.0);
}

std::vector<float> HashedNgramEncoder::embed(const TokenizedText &text) const
{
    std::vector<float> v(kTextDim, 0.0f);
    const std::uint64_t mask = (std::uint64_t(1) << kIdfBits) - 1;
    for (int i = 0; i < text.size(); ++i)
        forEachFeature(text.lowerToken(i), [&](std::uint64_t h) {
            const float w = m_idf[size_t(h & mask)];
            const int d = int((h >> 32) % kTextDim);
            v[size_t(d)] += (h >> 63) ? -w : w;
        });
    normalise(v.data(), kTextDim);
    return v;
}

TokenMatrix HashedNgramEncoder::tokenVectors(const TokenizedText &text, int maxTokens) const
{
    TokenMatrix m;
    m.rows = std::min(text.size(), maxTokens);
    m.dim = kTokenDim;
    m.data.assign(size_t(m.rows) * kTokenDim, 0.0f);
    for (int i = 0; i < m.rows; ++i) {
        float *row = m.data.data() + size_t(i) * kTokenDim;
        forEachFeature(text.lowerToken(i), [&](std::uint64_t h) {
            const int d = int((h >> 24) % kTokenDim);
            row[d] += (h >> 62 & 1) ? -1.0f : 1.0f;
        });
        normalise(row, kTokenDim);
    }
    return m;
}

} // namespace hyper::features
