// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/features/encoder.h"
#include "core/features/tokenizer.h"

#include <QStringList>
#include <array>

namespace hyper::features {

/** The nine lexical scores, in the reference's feature order (alphabetical, as
 *  Python's inspect.getmembers lists the extractors). */
enum class Score : int {
    Bertscore,
    BertscoreLength,
    CosineSim,
    EntitySim,
    LenLonger,
    LenShorter,
    PromptLen,
    Rouge,
    TokenLenDiff,
};
inline constexpr int kScoreCount = 9;

/** The reference's name of a score ("bertscore", ..., "token_len_diff"). */
QString scoreName(Score s);
/** True for the four length scores, which are binned on their percentile rank. */
bool isLengthScore(Score s);

using ScoreVector = std::array<double, kScoreCount>;

/** BERTScore-style greedy matching result. */
struct MatchScore {
    double precision = 0, recall = 0, f1 = 0;
};

/** Max tokens per response that bertscore matches (BERT's 512 minus [CLS]/[SEP]). */
inline constexpr int kMaxMatchTokens = 510;

/** ROUGE-1 F between a and b over word and number tokens, Porter-stemmed when ASCII
 *  and longer than 3 characters (as rouge_score's use_stemmer); 0 when either is
 *  empty. Thread-safe. */
double rouge1(const TokenizedText &a, const TokenizedText &b);

/** Greedy matching: each row of a to its most similar row of b (precision) and vice
 *  versa (recall), F1 of the two. Both empty: 1; one empty: 0. */
MatchScore greedyMatch(const TokenMatrix &a, const TokenMatrix &b);

/** exp(1 - longer/shorter) over token counts; 0 when the shorter has no tokens
 *  (the reference's ZeroDivisionError branch). */
double lengthPenalty(int tokensA, int tokensB);

/** Cosine of two vectors; 1 when both are zero, 0 when exactly one is. */
double cosine(const std::vector<float> &a, const std::vector<float> &b);

/** The stand-in NER (docs/FEATURES.md, "Entities"): lowercased entity strings, unique,
 *  sorted. */
QStringList detectEntities(const TokenizedText &text);

/** |A n B| / |A u B| of the entity sets; 1 when neither has any. */
double entityIoU(const QStringList &a, const QStringList &b);

/** All nine scores of one instance. Thread-safe for a fitted encoder. */
ScoreVector lexicalScores(const QString &prompt, const QString &responseA, const QString &responseB,
                          const Encoder &encoder);

} // namespace hyper::features
