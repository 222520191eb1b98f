// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/domain/preference.h"

#include <QString>
#include <optional>

namespace hyper {

/** Short texts for preferences and numbers in tables: "A ≫ B", "A > B", "tie", ...
 *  Pure functions; any thread. */
namespace labelformat {

/** "A >> B", "A > B", "tie", "B > A", "B >> A". */
QString shortText(Preference p);
/** shortText, or an empty string for none. */
QString shortText(const std::optional<Preference> &p);
/** In words, for people: "A is clearly better" (the canonical scale name,
 *  "A-is-clearly-better", is for files and the command line). */
QString longText(Preference p);
/** longText, or an empty string for none. */
QString longText(const std::optional<Preference> &p);
/** "1.2 k chars"-style length of a text. */
QString lengthText(qsizetype characters);
/** Seconds as "42 s" or "3 min 5 s"; empty for none. */
QString durationText(const std::optional<double> &seconds);

} // namespace labelformat
} // namespace hyper
