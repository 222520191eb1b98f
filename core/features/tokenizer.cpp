// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/features/tokenizer.h"

namespace hyper::features {

namespace {

// Word characters: letters, combining marks (so "e" + U+0301 stays one word) and digits.
bool isWordChar(char32_t c)
{
    if (c < 0x80)
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    return QChar::isLetterOrNumber(c) || QChar::isMark(c);
}

bool isDigit(char32_t c)
{
    if (c < 0x80)
        return c >= '0' && c <= '9';
    return QChar::isDigit(c);
}

bool isSpace(char32_t c)
{
    if (c < 0x80)
        return c == ' ' || (c >= 0x09 && c <= 0x0d);
    return QChar::isSpace(c);
}

} // namespace

TokenizedText::TokenizedText(const QString &text) : m_original(text), m_lower(text)
{
    const int n = int(text.size());
    const QChar *src = text.constData();
    QChar *low = m_lower.data();
    m_tokens.reserve(size_t(n / 5 + 1));

    int wordStart = -1;
    bool wordAllDigits = true;
    auto closeWord = [&](int end) {
        if (wordStart >= 0)
            m_tokens.push_back({wordStart, end - wordStart, wordAllDigits ? TokenKind::Number : TokenKind::Word});
        wordStart = -1;
        wordAllDigits = true;
    };

    for (int i = 0; i < n;) {
        char32_t c = src[i].unicode();
        int width = 1;
        if (QChar::isHighSurrogate(c) && i + 1 < n && src[i + 1].isLowSurrogate()) {
            c = QChar::surrogateToUcs4(src[i], src[i + 1]);
            width = 2;
        }
        // Lowercase in place, keeping the UTF-16 width so that offsets stay shared.
        if (c < 0x80) {
            if (c >= 'A' && c <= 'Z')
                low[i] = QChar(char16_t(c + 32));
        } else {
            const char32_t l = QChar::toLower(c);
            if (l != c && QChar::requiresSurrogates(l) == (width == 2)) {
                if (width == 1) {
                    low[i] = QChar(char16_t(l));
                } else {
                    low[i] = QChar(QChar::highSurrogate(l));
                    low[i + 1] = QChar(QChar::lowSurrogate(l));
                }
            }
        }
        if (isWordChar(c)) {
            if (wordStart < 0)
                wordStart = i;
            wordAllDigits = wordAllDigits && isDigit(c);
        } else {
            closeWord(i);
            if (!isSpace(c))
                m_tokens.push_back({i, width, TokenKind::Punct});
        }
        i += width;
    }
    closeWord(n);
}

int TokenizedText::wordCount() const
{
    int n = 0;
    for (const Token &t : m_tokens)
        n += t.kind != TokenKind::Punct;
    return n;
}

int tokenCount(const QString &text)
{
    return TokenizedText(text).size();
}

} // namespace hyper::features
