// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <string>
#include <string_view>

namespace hyper::features {

/**
 * The Porter stemmer as published in 1980 (M.F. Porter, "An algorithm for suffix
 * stripping", Program 14(3)), steps 1a-5b, without later revisions (so ABLI -> ABLE,
 * no LOGI rule). Input: one lowercase ASCII word; anything else (upper case, non-ASCII,
 * digits) is returned unchanged, as are words of one or two letters.
 */
std::string porterStem(std::string_view word);

} // namespace hyper::features
