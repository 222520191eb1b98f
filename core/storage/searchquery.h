// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>
#include <QStringList>
#include <stdexcept>

namespace hyper {

/** A search the user typed could not be read; what() says where and why, for people. */
struct SearchSyntaxError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

/** What the Dataset tab's search box (and `hyper list --search`) asks of the full-text
 *  index. */
struct SearchQuery {
    /** An FTS5 MATCH expression. */
    QString fts;
    /** The same query for the scan of rows the index has not reached yet: an SQL boolean
     *  expression over instance_texts with the operators and groups of the query, where
     *  each word or phrase is "one of prompt, response_a, response_b contains it"
     *  (LIKE, three placeholders a term, ESCAPE '\'), and scanPatterns the LIKE pattern
     *  of each placeholder in order. Substrings, not tokens: "quick" also finds
     *  "quickly" there, until the index catches up. */
    QString scanSql;
    QStringList scanPatterns;
};

/**
 * Reads a search: plain words must all occur (in any of prompt and responses);
 * "a quoted phrase" occurs as written; word* is a prefix; OR, AND and NOT (upper case)
 * combine, NOT binds tightest, then AND, then OR, as in FTS5; parentheses group. The last
 * plain word is also a prefix, so the results follow as one types. Anything else in a word
 * (quotes aside) is literal text, never FTS5 syntax: `prompt:x` is the word "prompt x".
 * Throws SearchSyntaxError for an unclosed quote or parenthesis, an operator without a
 * word on each side, or empty parentheses.
 */
SearchQuery parseSearch(const QString &text);

} // namespace hyper
