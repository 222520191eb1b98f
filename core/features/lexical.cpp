// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/features/lexical.h"

#include "core/features/porter.h"

#include <algorithm>
#include <cmath>
#include <unordered_map>

namespace hyper::features {

namespace {

const char *const kScoreNames[kScoreCount] = {
    "bertscore", "bertscore_length", "cosine_sim", "entity_sim", "len_longer",
    "len_shorter", "prompt_len", "rouge", "token_len_diff",
};

std::uint64_t hashView(QStringView v)
{
    std::uint64_t h = 0xcbf29ce484222325ULL;
    for (QChar c : v) {
        h ^= c.unicode();
        h *= 0x100000001b3ULL;
    }
    return h ^ (h >> 29);
}

std::uint64_t hashBytes(std::string_view s)
{
    std::uint64_t h = 0xcbf29ce484222325ULL;
    for (char c : s) {
        h ^= static_cast<unsigned char>(c);
        h *= 0x100000001b3ULL;
    }
    return h ^ (h >> 29);
}

// Stemming the same word again and again is most of rouge's cost; each thread keeps
// its own token -> stem hash cache (bounded, cleared when large).
std::uint64_t stemHash(QStringView token)
{
    thread_local std::unordered_map<std::uint64_t, std::uint64_t> cache;
    const std::uint64_t key = hashView(token);
    if (const auto it = cache.find(key); it != cache.end())
        return it->second;
    std::uint64_t value = key;
    if (token.size() > 3) {
        std::string ascii;
        ascii.reserve(size_t(token.size()));
        bool isAscii = true;
        for (QChar c : token) {
            if (c.unicode() >= 0x80) {
                isAscii = false;
                break;
            }
            ascii += char(c.unicode());
        }
        if (isAscii)
            value = hashBytes(porterStem(ascii));
    }
    if (cache.size() > (1u << 20))
        cache.clear();
    cache.emplace(key, value);
    return value;
}

std::vector<std::uint64_t> sortedStems(const TokenizedText &t)
{
    std::vector<std::uint64_t> out;
    out.reserve(size_t(t.size()));
    for (int i = 0; i < t.size(); ++i)
        if (t.tokens()[size_t(i)].kind != TokenKind::Punct)
            out.push_back(stemHash(t.lowerToken(i)));
    std::sort(out.begin(), out.end());
    return out;
}

} // namespace

QString scoreName(Score s)
{
    return QLatin1String(kScoreNames[int(s)]);
}

bool isLengthScore(Score s)
{
    return s == Score::LenLonger || s == Score::LenShorter || s == Score::PromptLen
           || s == Score::TokenLenDiff;
}

double rouge1(const TokenizedText &a, const TokenizedText &b)
{
    const std::vector<std::uint64_t> sa = sortedStems(a), sb = sortedStems(b);
    if (sa.empty() || sb.empty())
        return 0.0;
    // Overlap with multiplicity: sum over unigrams of min(count in a, count in b).
    size_t i = 0, j = 0, overlap = 0;
    while (i < sa.size() && j < sb.size()) {
        if (sa[i] < sb[j])
            ++i;
        else if (sb[j] < sa[i])
            ++j;
        else {
            ++overlap;
            ++i;
            ++j;
        }
    }
    if (overlap == 0)
        return 0.0;
    const double p = double(overlap) / double(sa.size());
    const double r = double(overlap) / double(sb.size());
    return 2 * p * r / (p + r);
}

MatchScore greedyMatch(const TokenMatrix &a, const TokenMatrix &b)
{
    if (a.rows == 0 && b.rows == 0)
        return {1.0, 1.0, 1.0};
    if (a.rows == 0 || b.rows == 0)
        return {};
    const int dim = a.dim;
    // b transposed (dim x b.rows) so that the inner loop runs over b's rows with unit
    // stride and no reduction: the compiler vectorises it without -ffast-math.
    std::vector<float> bt(size_t(dim) * size_t(b.rows));
    for (int j = 0; j < b.rows; ++j)
        for (int k = 0; k < dim; ++k)
            bt[size_t(k) * size_t(b.rows) + size_t(j)] = b.row(j)[k];
    std::vector<float> sims(size_t(b.rows));
    std::vector<float> colMax(size_t(b.rows), -2.0f);
    double rowSum = 0;
    for (int i = 0; i < a.rows; ++i) {
        const float *ar = a.row(i);
        std::fill(sims.begin(), sims.end(), 0.0f);
        float *s = sims.data();
        for (int k = 0; k < dim; ++k) {
            const float x = ar[k];
            if (x == 0.0f)
                continue;
            const float *col = bt.data() + size_t(k) * size_t(b.rows);
            for (int j = 0; j < b.rows; ++j)
                s[j] += x * col[j];
        }
        float best = -2.0f;
        float *cm = colMax.data();
        for (int j = 0; j < b.rows; ++j) {
            best = std::max(best, s[j]);
            cm[j] = std::max(cm[j], s[j]);
        }
        rowSum += best;
    }
    double colSum = 0;
    for (float v : colMax)
        colSum += v;
    MatchScore m;
    m.precision = rowSum / a.rows;
    m.recall = colSum / b.rows;
    m.f1 = m.precision + m.recall > 0 ? 2 * m.precision * m.recall / (m.precision + m.recall) : 0.0;
    return m;
}

double lengthPenalty(int tokensA, int tokensB)
{
    const int shorter = std::min(tokensA, tokensB), longer = std::max(tokensA, tokensB);
    if (shorter <= 0)
        return 0.0;
    return std::exp(1.0 - double(longer) / double(shorter));
}

double cosine(const std::vector<float> &a, const std::vector<float> &b)
{
    double dot = 0, na = 0, nb = 0;
    const size_t n = std::min(a.size(), b.size());
    for (size_t i = 0; i < n; ++i) {
        dot += double(a[i]) * b[i];
        na += double(a[i]) * a[i];
        nb += double(b[i]) * b[i];
    }
    if (na == 0 && nb == 0)
        return 1.0;
    if (na == 0 || nb == 0)
        return 0.0;
    return std::clamp(dot / std::sqrt(na * nb), -1.0, 1.0);
}

double entityIoU(const QStringList &a, const QStringList &b)
{
    // Both lists are sorted and unique (detectEntities' contract).
    if (a.isEmpty() && b.isEmpty())
        return 1.0;
    qsizetype i = 0, j = 0, inter = 0;
    while (i < a.size() && j < b.size()) {
        const int c = a[i].compare(b[j]);
        if (c < 0)
            ++i;
        else if (c > 0)
            ++j;
        else {
            ++inter;
            ++i;
            ++j;
        }
    }
    return double(inter) / double(a.size() + b.size() - inter);
}

ScoreVector lexicalScores(const QString &prompt, const QString &responseA, const QString &responseB,
                          const Encoder &encoder)
{
    const TokenizedText p(prompt), a(responseA), b(responseB);
    ScoreVector s{};
    const int la = a.size(), lb = b.size();
    s[int(Score::PromptLen)] = p.size();
    s[int(Score::LenShorter)] = std::min(la, lb);
    s[int(Score::LenLonger)] = std::max(la, lb);
    s[int(Score::TokenLenDiff)] = std::abs(la - lb);
    s[int(Score::Rouge)] = rouge1(a, b);
    // Signed feature hashing can make unrelated texts slightly anti-similar; that means
    // "unrelated", so similarities are reported in [0, 1] (docs/FEATURES.md).
    s[int(Score::CosineSim)] = std::clamp(cosine(encoder.embed(a), encoder.embed(b)), 0.0, 1.0);
    const MatchScore m = greedyMatch(encoder.tokenVectors(a, kMaxMatchTokens),
                                     encoder.tokenVectors(b, kMaxMatchTokens));
    const double f1 = std::clamp(m.f1, 0.0, 1.0);
    s[int(Score::Bertscore)] = f1;
    s[int(Score::BertscoreLength)] = f1 * lengthPenalty(la, lb);
    s[int(Score::EntitySim)] = entityIoU(detectEntities(a), detectEntities(b));
    return s;
}

} // namespace hyper::features
