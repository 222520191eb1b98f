// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <string>
#include <string_view>

namespace hyper::features {

/** Which Porter stemmer. */
enum class PorterMode {
    /** NLTK's PorterStemmer in its default mode (NLTK_EXTENSIONS), the one rouge_score
     *  stems with, so the ROUGE feature's: the paper's steps with NLTK's changes (a few
     *  irregular forms, "ies"/"ied" -> "ie" in four-letter words, y -> i only after a
     *  consonant, BLI, FULLI, LOGI and ALLI in step 2, and "*o" true for a two-letter
     *  vowel-consonant stem). */
    Nltk,
    /** As published in 1980 (M.F. Porter, "An algorithm for suffix stripping", Program
     *  14(3)), steps 1a-5b, without later revisions (so ABLI -> ABLE, no LOGI rule). */
    Original,
};

/**
 * Stems one word of lowercase ASCII letters and digits (digits count as consonants, as
 * in NLTK: 1990s -> 1990); anything else (upper case, non-ASCII, punctuation) is returned
 * unchanged, as are words of one or two characters. tst_features checks both modes
 * against NLTK 3.8 on 7,470 words (tests/data/stem).
 */
std::string porterStem(std::string_view word, PorterMode mode = PorterMode::Nltk);

} // namespace hyper::features
