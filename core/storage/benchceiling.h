// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/storage/importrecord.h"

#include <QString>
#include <vector>

namespace hyper {

/**
 * The ceiling an importer is measured against: SQLite itself inserting the same rows
 * (one plain table with the pair's columns, in a fresh project file with the project's
 * pragmas), in one WAL transaction, through one plain prepared statement, from records
 * already in memory. Returns seconds taken, commit included.
 */
double measureInsertCeiling(const QString &path, const std::vector<ImportRecord> &records);

/**
 * The full-text ceiling: SQLite's own FTS5 'rebuild' of the ceiling table that
 * measureInsertCeiling left in path, over the same columns as an external-content table,
 * in one transaction: with the project's prefix indexes ('2 3') when withPrefixes, else
 * FTS5's defaults. Returns seconds taken, commit included.
 */
double measureIndexCeiling(const QString &path, bool withPrefixes);

} // namespace hyper
