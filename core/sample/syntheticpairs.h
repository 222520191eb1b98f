// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/storage/importrecord.h"

#include <QString>
#include <cstdint>
#include <vector>

namespace hyper::synth {

/** Deterministic filler pairs for benchmarks and load tests (not the sample project):
 *  pseudo-words from a fixed syllable table; about `bytesPerPair` bytes of text each. */
std::vector<ImportRecord> makePairs(std::int64_t n, std::uint64_t seed, int bytesPerPair = 2000);

/** Writes records as generic-format JSONL (id, prompt, response_a, response_b, model_a,
 *  model_b, source). Returns bytes written; throws std::runtime_error on I/O failure. */
std::int64_t writeJsonl(const QString &path, const std::vector<ImportRecord> &records);

} // namespace hyper::synth
