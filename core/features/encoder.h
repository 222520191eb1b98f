// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/features/tokenizer.h"

#include <QString>
#include <memory>
#include <vector>

namespace hyper::features {

/** Token vectors of one text: rows x dim floats, row-major, each row L2-normalised
 *  (a zero row stays zero). */
struct TokenMatrix {
    int rows = 0;
    int dim = 0;
    std::vector<float> data;
    const float *row(int i) const { return data.data() + size_t(i) * size_t(dim); }
};

/**
 * Local text vectors for cosine_sim and bertscore. A better model (a sentence
 * transformer run through LibTorch, say) can be plugged in behind this interface; the
 * feature names do not change, but name() goes into the inputs hash so that switching
 * encoders recomputes the scores.
 *
 * Thread safety: fit() is called once, before any other call, from one thread; after
 * that embed() and tokenVectors() are const and may be called from several threads.
 */
class Encoder
{
public:
    virtual ~Encoder() = default;

    /** Identifies the encoder and its settings (stored with the scores). */
    virtual QString name() const = 0;
    /** Learns corpus statistics (IDF) from the project's texts; may do nothing. */
    virtual void fit(const std::vector<const QString *> &documents) { Q_UNUSED(documents); }

    /** One vector for the whole text; all-zero for a text without tokens. */
    virtual std::vector<float> embed(const TokenizedText &text) const = 0;
    std::vector<float> embed(const QString &text) const { return embed(TokenizedText(text)); }

    /** One vector per token of text, in token order; at most maxTokens rows. */
    virtual TokenMatrix tokenVectors(const TokenizedText &text, int maxTokens) const = 0;
};

/**
 * The default encoder (docs/FEATURES.md, "Encoder"): every token contributes its word
 * unigram and the character 3- and 4-grams of "<token>". Each of these is hashed once
 * (64 bits); 18 bits pick an IDF bucket (2^18 buckets, smoothed IDF fitted on the
 * responses), other bits pick a dimension and a sign (feature hashing, a random
 * projection). Text vectors: 512 dims, tf x idf. Token vectors: 64 dims, unweighted.
 */
class HashedNgramEncoder final : public Encoder
{
public:
    static constexpr int kTextDim = 512;      // dims of embed()
    static constexpr int kTokenDim = 64;      // dims of tokenVectors(): bertscore cost is n*m*dim
    static constexpr int kIdfBits = 18;       // 2^18 IDF buckets

    HashedNgramEncoder();
    QString name() const override;
    void fit(const std::vector<const QString *> &documents) override;
    std::vector<float> embed(const TokenizedText &text) const override;
    TokenMatrix tokenVectors(const TokenizedText &text, int maxTokens) const override;

private:
    std::vector<float> m_idf; // per bucket; 1.0 everywhere before fit()
};

} // namespace hyper::features
