// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/storage/searchquery.h"

#include <vector>

namespace hyper {

namespace {

struct Token {
    enum Kind { Word, Phrase, Or, And, Not, Open, Close } kind;
    QString text;   // Word / Phrase: the text (quotes doubled for FTS5 later)
    bool prefix = false;
    int at = 0;     // 1-based character position, for messages
};

std::string where(const Token &t)
{
    return " (character " + std::to_string(t.at) + ")";
}

std::vector<Token> tokenize(const QString &s)
{
    std::vector<Token> out;
    int i = 0;
    const int n = int(s.size());
    while (i < n) {
        const QChar c = s.at(i);
        if (c.isSpace()) {
            ++i;
            continue;
        }
        if (c == QLatin1Char('(') || c == QLatin1Char(')')) {
            out.push_back({c == QLatin1Char('(') ? Token::Open : Token::Close, {}, false, i + 1});
            ++i;
            continue;
        }
        if (c == QLatin1Char('"')) {
            const int close = int(s.indexOf(QLatin1Char('"'), i + 1));
            if (close < 0)
                throw SearchSyntaxError("search: the quote at character " + std::to_string(i + 1)
                                        + " is not closed");
            Token t{Token::Phrase, s.mid(i + 1, close - i - 1), false, i + 1};
            i = close + 1;
            if (i < n && s.at(i) == QLatin1Char('*')) {
                t.prefix = true;
                ++i;
            }
            if (!t.text.trimmed().isEmpty())
                out.push_back(std::move(t));
            continue;
        }
        const int start = i;
        while (i < n && !s.at(i).isSpace() && s.at(i) != QLatin1Char('"') && s.at(i) != QLatin1Char('(')
               && s.at(i) != QLatin1Char(')'))
            ++i;
        QString word = s.mid(start, i - start);
        if (word == QLatin1String("OR") || word == QLatin1String("AND") || word == QLatin1String("NOT")) {
            out.push_back({word == QLatin1String("OR") ? Token::Or : word == QLatin1String("AND") ? Token::And : Token::Not,
                           {}, false, start + 1});
            continue;
        }
        Token t{Token::Word, {}, false, start + 1};
        while (word.endsWith(QLatin1Char('*'))) {
            word.chop(1);
            t.prefix = true;
        }
        t.text = word;
        if (!word.isEmpty())
            out.push_back(std::move(t));
    }
    return out;
}

QString quoted(const QString &text)
{
    QString q = text;
    q.replace(QLatin1Char('"'), QStringLiteral("\"\""));
    return QLatin1Char('"') + q + QLatin1Char('"');
}

const char *operatorName(Token::Kind kind)
{
    return kind == Token::Or ? "OR" : kind == Token::And ? "AND" : "NOT";
}

SearchSyntaxError needsWordAfter(const Token &op)
{
    return SearchSyntaxError("search: " + std::string(operatorName(op.kind)) + " needs a word after it" + where(op));
}

} // namespace

SearchQuery parseSearch(const QString &text)
{
    std::vector<Token> tokens = tokenize(text);
    SearchQuery q;
    if (tokens.empty())
        return q;
    // The last plain word is a prefix: results follow the typing.
    if (tokens.back().kind == Token::Word)
        tokens.back().prefix = true;

    // One pass checks the shape (an operand, a word, phrase or group, on each side of
    // every operator, FTS5's NOT being binary "a NOT b"; balanced parentheses) and writes
    // the FTS5 expression and the scan's SQL beside it.
    QStringList fts, scan;
    int depth = 0;
    bool afterOperand = false; // the previous token ends an operand
    const Token *lastOperator = nullptr;
    for (const Token &t : tokens) {
        switch (t.kind) {
        case Token::Word:
        case Token::Phrase: {
            if (afterOperand)
                scan << QStringLiteral("AND"); // FTS5 ANDs adjacent operands
            fts << quoted(t.text) + (t.prefix ? QStringLiteral("*") : QString());
            QString like = t.text;
            like.replace(QLatin1Char('\\'), QStringLiteral("\\\\"))
                .replace(QLatin1Char('%'), QStringLiteral("\\%"))
                .replace(QLatin1Char('_'), QStringLiteral("\\_"));
            like = QLatin1Char('%') + like + QLatin1Char('%');
            scan << QStringLiteral("(prompt LIKE ? ESCAPE '\\' OR response_a LIKE ? ESCAPE '\\'"
                                   " OR response_b LIKE ? ESCAPE '\\')");
            q.scanPatterns << like << like << like;
            afterOperand = true;
            lastOperator = nullptr;
            break;
        }
        case Token::Open:
            if (afterOperand)
                scan << QStringLiteral("AND");
            fts << QStringLiteral("(");
            scan << QStringLiteral("(");
            ++depth;
            afterOperand = false;
            lastOperator = nullptr;
            break;
        case Token::Close:
            if (depth == 0)
                throw SearchSyntaxError("search: ')' without '('" + where(t));
            if (!afterOperand)
                throw lastOperator ? needsWordAfter(*lastOperator) : SearchSyntaxError("search: empty parentheses" + where(t));
            fts << QStringLiteral(")");
            scan << QStringLiteral(")");
            --depth;
            afterOperand = true;
            break;
        case Token::Or:
        case Token::And:
        case Token::Not:
            if (!afterOperand)
                throw SearchSyntaxError("search: " + std::string(operatorName(t.kind)) + " needs a word before it" + where(t)
                                        + (t.kind == Token::Not ? "; NOT excludes: write 'apple NOT pie'" : ""));
            fts << QString::fromLatin1(operatorName(t.kind));
            // FTS5's binary "a NOT b" is "a AND NOT b"; the precedences agree (NOT, AND, OR).
            scan << (t.kind == Token::Not ? QStringLiteral("AND NOT") : QString::fromLatin1(operatorName(t.kind)));
            afterOperand = false;
            lastOperator = &t;
            break;
        }
    }
    if (lastOperator)
        throw needsWordAfter(*lastOperator);
    if (depth > 0)
        throw SearchSyntaxError("search: a '(' is not closed");
    q.fts = fts.join(QLatin1Char(' '));
    q.scanSql = scan.join(QLatin1Char(' '));
    return q;
}

} // namespace hyper
