// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>
#include <QStringView>
#include <cstdint>
#include <vector>

namespace hyper::features {

/** What a token is made of (docs/FEATURES.md, "Tokenizer"). */
enum class TokenKind : std::uint8_t {
    Word,   // a maximal run of Unicode letters, marks and digits, not all digits
    Number, // a maximal run of digits only
    Punct,  // any other single non-space code point (punctuation, symbols, emoji)
};

struct Token {
    int start = 0;   // offset in UTF-16 code units, into both original() and lower()
    int length = 0;  // UTF-16 code units
    TokenKind kind = TokenKind::Word;
};

/**
 * A text split into tokens. lower() is the text lowercased code point by code point
 * (simple case mapping, so offsets stay valid in both strings); the original keeps the
 * case that the entity detector needs. Value type; no thread affinity.
 */
class TokenizedText
{
public:
    TokenizedText() = default;
    explicit TokenizedText(const QString &text);

    const QString &original() const { return m_original; }
    const QString &lower() const { return m_lower; }
    const std::vector<Token> &tokens() const { return m_tokens; }
    int size() const { return int(m_tokens.size()); }
    bool isEmpty() const { return m_tokens.empty(); }

    /** The i-th token, lowercased. */
    QStringView lowerToken(int i) const
    {
        return QStringView(m_lower).mid(m_tokens[size_t(i)].start, m_tokens[size_t(i)].length);
    }
    QStringView originalToken(int i) const
    {
        return QStringView(m_original).mid(m_tokens[size_t(i)].start, m_tokens[size_t(i)].length);
    }
    /** Tokens that are words or numbers (punctuation left out). */
    int wordCount() const;

private:
    QString m_original;
    QString m_lower;
    std::vector<Token> m_tokens;
};

/** Number of tokens of text (all kinds): the project's stand-in for the reference's
 *  Llama-tokenizer counts. */
int tokenCount(const QString &text);

} // namespace hyper::features
