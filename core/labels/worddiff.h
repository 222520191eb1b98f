// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// A word-level diff of two texts (Myers' O((N+M)D) algorithm on word tokens), for the
// Label tab's diff toggle. Pure function: no Qt GUI, no SQL.
//
// Tokens are maximal runs of letters, digits, marks and '_' (a "word"), or any other
// single non-space character (punctuation, symbols); white space separates tokens and is
// never part of the diff. Tokens compare exactly (case-sensitive).

#include <QString>
#include <vector>

namespace hyper::labels {

/** A token of a text: [start, start + length) in UTF-16 code units. */
struct TextRange {
    int start = 0;
    int length = 0;
    bool operator==(const TextRange &) const = default;
};

/** The tokens of text, in order. */
std::vector<TextRange> wordTokens(const QString &text);

struct WordDiff {
    /** Tokens of the first text that are not in the common subsequence ("deleted"). */
    std::vector<TextRange> onlyInA;
    /** Tokens of the second text that are not in the common subsequence ("inserted"). */
    std::vector<TextRange> onlyInB;
    int tokensA = 0;
    int tokensB = 0;
    /** Length of the longest common token subsequence found. */
    int common = 0;
    /** False when the edit distance exceeded maxEdits: every differing token of the
     *  middle part (after the common prefix and suffix) is then marked. */
    bool exact = true;
};

/** The diff of a against b: a minimal set of token deletions from a and insertions
 *  into b (edit distance D = onlyInA + onlyInB), computed in O((N+M)·D) time and
 *  O(D²) memory after stripping the common prefix and suffix. Beyond maxEdits edits the
 *  search stops (exact = false) and the whole middle part counts as different. */
WordDiff wordDiff(const QString &a, const QString &b, int maxEdits = 4000);

} // namespace hyper::labels
