// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/io/rowsource.h"

namespace hyper {

/**
 * CSV (RFC 4180) with a header row: fields separated by `delimiter` (',', '\t' or ';'),
 * optionally in double quotes, "" for a quote inside quotes, line breaks allowed inside
 * quotes (read as "\n"). Each record becomes a JSON object of strings keyed by the
 * header; its line is the physical line where it starts. Blank lines between records are
 * skipped.
 */
std::unique_ptr<RowSource> makeCsvSource(std::unique_ptr<LineReader> reader, const QString &displayName,
                                         char delimiter = ',');

/** The delimiter of a header line: the most frequent of tab, comma and semicolon outside
 *  quotes (ties prefer tab, then comma); ',' when there is none. */
char sniffDelimiter(std::string_view headerLine);

} // namespace hyper
