// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Hand-written JSON output for the exporters: QJsonDocument per row costs a UTF-16
// round trip of every text, which the export's hot loop cannot afford.
#include <optional>
#include <string>
#include <string_view>

namespace hyper::exporting {

/** Appends utf8 as a JSON string literal (with the quotes): '"' and '\' escaped, control
 *  characters (< 0x20) as \n, \r, \t, \b, \f or \u00XX, DEL and non-ASCII kept as UTF-8.
 *  Invalid UTF-8 bytes become U+FFFD, so the output is always valid JSON. */
void appendJsonString(std::string &out, std::string_view utf8);

/** Appends an integer. */
void appendJsonInt(std::string &out, long long v);

/** Appends a number (shortest round-trip form); null when not finite. */
void appendJsonDouble(std::string &out, double v);

/** Appends the number or null. */
void appendJsonOptDouble(std::string &out, const std::optional<double> &v);

/** The ways of writing a field in an RFC 4180 CSV: quoted ("" for a quote) when it holds
 *  a comma, a quote, CR or LF, or starts or ends with a space; as is otherwise. */
void appendCsvField(std::string &out, std::string_view utf8);

} // namespace hyper::exporting
