// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

struct sqlite3;

namespace hyper::schema {

/** PRAGMA application_id of a HyPER project file ("HYPR"). */
inline constexpr int kApplicationId = 0x48595052;

/** Brings a database from its PRAGMA user_version up to `target`, one step per
 *  version, each step in its own transaction. Throws StoreError. */
void migrate(sqlite3 *db, int from, int target);

} // namespace hyper::schema
