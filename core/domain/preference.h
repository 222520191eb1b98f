// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>
#include <QStringList>
#include <optional>
#include <string_view>

namespace hyper {

/** The 5-point preference scale of METHOD.md §1, in the A/B frame of the data.
 *  Stored as the integer value (-2..2); negative prefers A. */
enum class Preference : int {
    AClearly = -2,
    ASlightly = -1,
    Tie = 0,
    BSlightly = 1,
    BClearly = 2,
};

/** The canonical scale strings, e.g. "A-is-clearly-better". */
QString preferenceName(Preference p);
const char *preferenceNameUtf8(Preference p);

/** All five canonical strings, A-clearly first. */
QStringList preferenceNames();

/** Parses the canonical strings only (case-sensitive, exact). */
std::optional<Preference> parsePreference(std::string_view text);
std::optional<Preference> parsePreference(const QString &text);

/** Folds "slightly" into "clearly" (METHOD.md §1): -1 -> -2, 1 -> 2. */
Preference foldSlightly(Preference p);

/** The same judgement seen with A and B exchanged. */
Preference swapSides(Preference p);

inline int toInt(Preference p) { return static_cast<int>(p); }
std::optional<Preference> preferenceFromInt(int v);

} // namespace hyper

namespace hyper {
/** Majority after folding "slightly" into "clearly" (METHOD.md §1). Votes are scale
 *  integers (-2..2). Returns -2 (A), 2 (B) or 0 (Tie: the majority says Tie, or the top
 *  counts are equal); none when there are no votes. */
std::optional<int> foldedMajority(const int *votes, size_t n);
} // namespace hyper
