// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Row-level helpers of the label tables, shared by the writers in core/storage (not a
// public API: callers own the transaction).
#include "core/domain/types.h"

#include <QString>
#include <cstdint>

struct sqlite3;

namespace hyper {

/** Throws StoreError "no instance with id N" unless the instance exists. */
void requireInstance(sqlite3 *db, std::int64_t instanceId);

/** The id of the named annotator, created (origin 'workbench') when new. */
std::int64_t annotatorId(sqlite3 *db, const QString &name, const QString &kind);

/** Keeps instances.n_human / n_lm / human_pref / lm_pref in step with the label tables. */
void refreshInstanceStats(sqlite3 *db, std::int64_t instanceId);

/** Inserts one human label (with the given id when id > 0, else a new one), refreshes the
 *  instance's statistics and returns the id. Throws StoreError on bad input. */
std::int64_t insertHumanLabelRow(sqlite3 *db, const HumanLabel &label, std::int64_t id);

} // namespace hyper
