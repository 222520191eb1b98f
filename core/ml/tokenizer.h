// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Torch-free: the deterministic hashing tokenizer of the reward models. No vocabulary is
// downloaded or learnt: every feature is hashed into a fixed number of buckets, so the
// same text gives the same ids on every machine (docs/TRAINING.md, "Tokenizer").
#include <cstdint>
#include <string_view>
#include <vector>

namespace hyper::ml {

struct TokenizerConfig {
    /** Hash buckets (embedding rows). Id 0 is reserved for padding; features hash into
     *  1..buckets-1. */
    std::int64_t buckets = std::int64_t(1) << 18;
    /** Character n-gram length inside each word (with '<' '>' boundaries); 0 = none. */
    int charNgram = 3;
    /** At most this many ids per text (a bag keeps its first ids: unigrams come first). */
    int maxIds = 2048;
};

/** FNV-1a 64 of the bytes, with a salt that separates feature kinds (a unigram "ab" and a
 *  character trigram "ab" must not share a bucket by construction). */
std::uint64_t hashFeature(std::string_view text, std::uint64_t salt);

/** Words: ASCII letters and digits lower-cased, bytes >= 0x80 kept (UTF-8 stays whole),
 *  everything else separates. */
std::vector<std::string_view> splitWords(std::string_view text, std::string &lowered);

/** Bag features of one text: word unigrams, then word bigrams, then char n-grams. */
std::vector<std::int64_t> bagIds(std::string_view text, const TokenizerConfig &config);

/** Sequence features of one text (for the transformer): one id per word, in order. */
std::vector<std::int64_t> sequenceIds(std::string_view text, const TokenizerConfig &config);

} // namespace hyper::ml
