#pragma once

// Internal to core/storage: shared by the label writers (labelwrites.cpp, lmstore.cpp).
#include <cstdint>

struct sqlite3;

namespace hyper::detail {

/** Recomputes instances.n_human, n_lm, human_pref and lm_pref of one instance from the
 *  label tables. Call inside the transaction that changed its labels. */
void refreshInstanceStats(sqlite3 *db, std::int64_t instanceId);

} // namespace hyper::detail
