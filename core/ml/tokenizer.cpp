// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/ml/tokenizer.h"

#include <string>

namespace hyper::ml {

namespace {

// Salts per feature kind; arbitrary distinct 64-bit constants.
constexpr std::uint64_t kUnigramSalt = 0x9e3779b97f4a7c15ull;
constexpr std::uint64_t kBigramSalt = 0xc2b2ae3d27d4eb4full;
constexpr std::uint64_t kCharSalt = 0x165667b19e3779f9ull;
constexpr std::uint64_t kFnvOffset = 0xcbf29ce484222325ull;
constexpr std::uint64_t kFnvPrime = 0x100000001b3ull;

std::int64_t bucketOf(std::uint64_t h, std::int64_t buckets)
{
    // 0 is the padding id, so real features use 1..buckets-1.
    return 1 + std::int64_t(h % std::uint64_t(buckets - 1));
}

bool isWordByte(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c >= 0x80;
}

} // namespace

std::uint64_t hashFeature(std::string_view text, std::uint64_t salt)
{
    std::uint64_t h = kFnvOffset ^ salt;
    for (unsigned char c : text) {
        h ^= c;
        h *= kFnvPrime;
    }
    // A final avalanche step: FNV's low bits are weak for short keys, and the bucket is
    // taken modulo a power of two minus one.
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdull;
    h ^= h >> 33;
    return h;
}

std::vector<std::string_view> splitWords(std::string_view text, std::string &lowered)
{
    lowered.assign(text);
    for (char &c : lowered) {
        if (c >= 'A' && c <= 'Z')
            c = char(c - 'A' + 'a');
    }
    std::vector<std::string_view> words;
    const std::string_view all(lowered);
    std::size_t i = 0;
    while (i < all.size()) {
        while (i < all.size() && !isWordByte(static_cast<unsigned char>(all[i])))
            ++i;
        const std::size_t start = i;
        while (i < all.size() && isWordByte(static_cast<unsigned char>(all[i])))
            ++i;
        if (i > start)
            words.push_back(all.substr(start, i - start));
    }
    return words;
}

std::vector<std::int64_t> bagIds(std::string_view text, const TokenizerConfig &config)
{
    std::string lowered;
    const std::vector<std::string_view> words = splitWords(text, lowered);
    std::vector<std::int64_t> ids;
    const std::size_t cap = config.maxIds > 0 ? std::size_t(config.maxIds) : SIZE_MAX;
    auto push = [&](std::uint64_t h) {
        if (ids.size() < cap)
            ids.push_back(bucketOf(h, config.buckets));
    };
    for (std::string_view w : words)
        push(hashFeature(w, kUnigramSalt));
    std::string pair;
    for (std::size_t i = 1; i < words.size() && ids.size() < cap; ++i) {
        pair.assign(words[i - 1]);
        pair += ' ';
        pair += words[i];
        push(hashFeature(pair, kBigramSalt));
    }
    const int n = config.charNgram;
    if (n > 0) {
        std::string marked;
        for (std::string_view w : words) {
            if (ids.size() >= cap)
                break;
            marked.assign(1, '<');
            marked += w;
            marked += '>';
            if (marked.size() <= std::size_t(n)) {
                push(hashFeature(marked, kCharSalt));
                continue;
            }
            for (std::size_t i = 0; i + std::size_t(n) <= marked.size(); ++i)
                push(hashFeature(std::string_view(marked).substr(i, std::size_t(n)), kCharSalt));
        }
    }
    return ids;
}

std::vector<std::int64_t> sequenceIds(std::string_view text, const TokenizerConfig &config)
{
    std::string lowered;
    const std::vector<std::string_view> words = splitWords(text, lowered);
    std::vector<std::int64_t> ids;
    ids.reserve(words.size());
    for (std::string_view w : words) {
        if (config.maxIds > 0 && ids.size() >= std::size_t(config.maxIds))
            break;
        ids.push_back(bucketOf(hashFeature(w, kUnigramSalt), config.buckets));
    }
    return ids;
}

} // namespace hyper::ml
