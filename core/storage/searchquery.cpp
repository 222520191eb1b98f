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

    // Check the shape: an operand (word, phrase or a group) on each side of every binary
    // operator, NOT between two operands (FTS5's NOT is "a NOT b"), balanced parentheses.
    int depth = 0;
    bool afterOperand = false; // the previous token ends an operand
    bool negated = false;      // the operand being read follows NOT
    int negatedDepth = -1;
    const Token *lastOperator = nullptr;
    for (const Token &t : tokens) {
        switch (t.kind) {
        case Token::Word:
        case Token::Phrase:
            if (!(negated && depth >= negatedDepth))
                q.terms << t.text;
            afterOperand = true;
            lastOperator = nullptr;
            break;
        case Token::Open:
            ++depth;
            afterOperand = false;
            lastOperator = nullptr;
            break;
        case Token::Close:
            if (depth == 0)
                throw SearchSyntaxError("search: ')' without '('" + where(t));
            if (!afterOperand)
                throw SearchSyntaxError(lastOperator ? "search: " + std::string(lastOperator->kind == Token::Or ? "OR"
                                                                                : lastOperator->kind == Token::And ? "AND"
                                                                                                                   : "NOT")
                                                           + " needs a word after it" + where(*lastOperator)
                                                     : "search: empty parentheses" + where(t));
            --depth;
            if (negated && depth < negatedDepth)
                negated = false;
            afterOperand = true;
            break;
        case Token::Or:
        case Token::And:
        case Token::Not: {
            const char *name = t.kind == Token::Or ? "OR" : t.kind == Token::And ? "AND" : "NOT";
            if (!afterOperand)
                throw SearchSyntaxError("search: " + std::string(name) + " needs a word before it" + where(t)
                                        + (t.kind == Token::Not ? "; NOT excludes: write 'apple NOT pie'" : ""));
            afterOperand = false;
            lastOperator = &t;
            if (t.kind == Token::Not) {
                negated = true;
                negatedDepth = depth;
            } else if (depth <= negatedDepth) {
                negated = false;
            }
            break;
        }
        }
    }
    if (lastOperator)
        throw SearchSyntaxError("search: " + std::string(lastOperator->kind == Token::Or ? "OR"
                                                         : lastOperator->kind == Token::And ? "AND"
                                                                                            : "NOT")
                                + " needs a word after it" + where(*lastOperator));
    if (depth > 0)
        throw SearchSyntaxError("search: a '(' is not closed");

    QStringList parts, scan;
    bool operandBefore = false; // for the implicit AND between two operands
    for (const Token &t : tokens) {
        const bool startsOperand = t.kind == Token::Word || t.kind == Token::Phrase || t.kind == Token::Open;
        if (startsOperand && operandBefore)
            scan << QStringLiteral("AND");
        switch (t.kind) {
        case Token::Word:
        case Token::Phrase: {
            parts << quoted(t.text) + (t.prefix ? QStringLiteral("*") : QString());
            QString like = t.text;
            like.replace(QLatin1Char('\\'), QStringLiteral("\\\\"))
                .replace(QLatin1Char('%'), QStringLiteral("\\%"))
                .replace(QLatin1Char('_'), QStringLiteral("\\_"));
            like = QLatin1Char('%') + like + QLatin1Char('%');
            scan << QStringLiteral("(prompt LIKE ? ESCAPE '\\' OR response_a LIKE ? ESCAPE '\\'"
                                   " OR response_b LIKE ? ESCAPE '\\')");
            q.scanPatterns << like << like << like;
            break;
        }
        case Token::Or: parts << QStringLiteral("OR"); scan << QStringLiteral("OR"); break;
        case Token::And: parts << QStringLiteral("AND"); scan << QStringLiteral("AND"); break;
        // FTS5's binary "a NOT b" is "a AND NOT b"; the precedences agree (NOT, AND, OR).
        case Token::Not: parts << QStringLiteral("NOT"); scan << QStringLiteral("AND NOT"); break;
        case Token::Open: parts << QStringLiteral("("); scan << QStringLiteral("("); break;
        case Token::Close: parts << QStringLiteral(")"); scan << QStringLiteral(")"); break;
        }
        operandBefore = t.kind == Token::Word || t.kind == Token::Phrase || t.kind == Token::Close;
    }
    q.fts = parts.join(QLatin1Char(' '));
    q.scanSql = scan.join(QLatin1Char(' '));
    return q;
}

} // namespace hyper
