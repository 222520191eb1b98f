// SPDX-License-Identifier: GPL-3.0-or-later
// The stand-in named-entity detector (docs/FEATURES.md, "Entities"). spaCy's statistical
// NER is not available offline; these rules catch the entity kinds that matter most when
// two responses are compared: proper names, numbers and dates.
#include "core/features/lexical.h"

#include <QSet>
#include <algorithm>

namespace hyper::features {

namespace {

const char *const kMonths[] = {"january", "february", "march", "april", "may", "june", "july",
                               "august", "september", "october", "november", "december"};

// Full month names and their 3-letter abbreviations ("sep" and "sept" both).
bool isMonth(QStringView lower)
{
    if (lower == QLatin1String("sept"))
        return true;
    for (const char *m : kMonths) {
        const QLatin1String full(m);
        if (lower == full || (lower.size() == 3 && full.startsWith(lower)))
            return true;
    }
    return false;
}

bool startsUpper(QStringView token)
{
    if (token.isEmpty())
        return false;
    const char32_t c = token.front().isHighSurrogate() && token.size() > 1
                           ? QChar::surrogateToUcs4(token[0], token[1])
                           : token.front().unicode();
    return QChar::isUpper(c) || QChar::isTitleCase(c);
}

bool allUpper(QStringView token)
{
    int letters = 0;
    for (QChar c : token) {
        if (c.isLetter()) {
            ++letters;
            if (!c.isUpper())
                return false;
        }
    }
    return letters >= 2;
}

// Leading determiners dropped from a name ("The United Nations" == "United Nations"),
// as the reference strips "the" from spaCy's entity text.
bool isDeterminer(QStringView lower)
{
    return lower == QLatin1String("the") || lower == QLatin1String("a") || lower == QLatin1String("an");
}

class Detector
{
public:
    explicit Detector(const TokenizedText &t) : m_t(t), m_toks(t.tokens()) {}

    QStringList run()
    {
        const int n = int(m_toks.size());
        bool sentenceStart = true;
        for (int i = 0; i < n;) {
            if (i > 0 && gapHasNewline(i))
                sentenceStart = true;
            const Token &tok = m_toks[size_t(i)];
            if (tok.kind == TokenKind::Punct) {
                const QChar c = m_t.original()[tok.start];
                if (c == QLatin1Char('.') || c == QLatin1Char('!') || c == QLatin1Char('?'))
                    sentenceStart = true;
                ++i;
                continue;
            }
            int next = date(i);
            if (next == i)
                next = number(i, sentenceStart);
            if (next == i)
                next = name(i, sentenceStart);
            if (next == i)
                next = i + 1;
            sentenceStart = false;
            i = next;
        }
        QStringList out(m_found.begin(), m_found.end());
        std::sort(out.begin(), out.end());
        return out;
    }

private:
    const TokenizedText &m_t;
    const std::vector<Token> &m_toks;
    QSet<QString> m_found;

    int count() const { return int(m_toks.size()); }
    QStringView lower(int i) const { return m_t.lowerToken(i); }
    QStringView orig(int i) const { return m_t.originalToken(i); }
    bool isKind(int i, TokenKind k) const { return i < count() && m_toks[size_t(i)].kind == k; }
    bool isPunct(int i, char c) const { return isKind(i, TokenKind::Punct) && m_t.original()[m_toks[size_t(i)].start] == QLatin1Char(c); }
    // Characters between token i-1 and token i.
    int gap(int i) const { return m_toks[size_t(i)].start - (m_toks[size_t(i - 1)].start + m_toks[size_t(i - 1)].length); }
    bool gapHasNewline(int i) const
    {
        const int from = m_toks[size_t(i - 1)].start + m_toks[size_t(i - 1)].length;
        return QStringView(m_t.original()).mid(from, m_toks[size_t(i)].start - from).contains(QLatin1Char('\n'));
    }
    bool digits(int i, int minLen, int maxLen) const
    {
        return isKind(i, TokenKind::Number) && lower(i).size() >= minLen && lower(i).size() <= maxLen;
    }
    void add(int from, int to, QChar sep = QLatin1Char(' '))
    {
        QString s;
        for (int k = from; k < to; ++k) {
            if (m_toks[size_t(k)].kind == TokenKind::Punct)
                continue;
            if (!s.isEmpty())
                s += sep;
            s += lower(k);
        }
        if (!s.isEmpty())
            m_found.insert(s);
    }

    // 2024-05-17; May 17[,] [2024]; 17 May [2024]. Returns the index after the date.
    int date(int i)
    {
        if (digits(i, 4, 4) && isPunct(i + 1, '-') && digits(i + 2, 1, 2) && isPunct(i + 3, '-')
            && digits(i + 4, 1, 2) && gap(i + 1) == 0 && gap(i + 2) == 0 && gap(i + 3) == 0 && gap(i + 4) == 0) {
            add(i, i + 5, QLatin1Char('-'));
            return i + 5;
        }
        if (isKind(i, TokenKind::Word) && isMonth(lower(i)) && digits(i + 1, 1, 2)) {
            int end = i + 2;
            if (isPunct(end, ',') && digits(end + 1, 4, 4))
                end += 2;
            else if (digits(end, 4, 4))
                end += 1;
            add(i, end);
            return end;
        }
        if (digits(i, 1, 2) && isKind(i + 1, TokenKind::Word) && isMonth(lower(i + 1))) {
            int end = i + 2;
            if (digits(end, 4, 4))
                end += 1;
            add(i, end);
            return end;
        }
        return i;
    }

    // 42, 3.14, 10,000 (commas dropped). A number that opens a line and is followed by
    // '.' or ')' is a list marker, not an entity.
    int number(int i, bool sentenceStart)
    {
        if (!isKind(i, TokenKind::Number))
            return i;
        const bool lineStart = i == 0 || gapHasNewline(i);
        if (sentenceStart && lineStart && (isPunct(i + 1, '.') || isPunct(i + 1, ')'))
            && (i + 2 >= count() || gap(i + 2) > 0))
            return i + 1;
        QString s = lower(i).toString();
        int end = i + 1;
        while ((isPunct(end, '.') || isPunct(end, ',')) && isKind(end + 1, TokenKind::Number) && gap(end) == 0
               && gap(end + 1) == 0) {
            if (isPunct(end, '.'))
                s += QLatin1Char('.');
            s += lower(end + 1);
            end += 2;
        }
        m_found.insert(s);
        return end;
    }

    // A run of capitalised words separated by single spaces. Not a name: the pronoun
    // "I", or a single ordinary word that merely opens a sentence (acronyms count).
    int name(int i, bool sentenceStart)
    {
        if (!isKind(i, TokenKind::Word) || !startsUpper(orig(i)))
            return i;
        if (orig(i) == QLatin1String("I"))
            return i + 1;
        int end = i + 1;
        while (isKind(end, TokenKind::Word) && startsUpper(orig(end)) && orig(end) != QLatin1String("I")
               && gap(end) == 1 && m_t.original()[m_toks[size_t(end)].start - 1] == QLatin1Char(' '))
            ++end;
        int from = i;
        while (from < end - 1 && isDeterminer(lower(from)))
            ++from;
        const int words = end - from;
        if (words == 1 && isDeterminer(lower(from)))
            return end;
        if (words == 1 && sentenceStart && from == i && !allUpper(orig(from)))
            return end;
        add(from, end);
        return end;
    }
};

} // namespace

QStringList detectEntities(const TokenizedText &text)
{
    return Detector(text).run();
}

} // namespace hyper::features
