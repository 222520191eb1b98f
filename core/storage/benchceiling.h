#pragma once

#include "core/storage/importrecord.h"

#include <QString>
#include <vector>

namespace hyper {

/**
 * The ceiling an importer is measured against: SQLite itself inserting the same rows
 * into a fresh project's instances table, in one WAL transaction, through one plain
 * prepared statement, from records already in memory. Returns seconds taken.
 */
double measureInsertCeiling(const QString &path, const std::vector<ImportRecord> &records);

} // namespace hyper
