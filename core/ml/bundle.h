// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Torch-free: the plain C++ face of the reward-model engine (safe to include from Qt
// code). A Bundle is everything one training run needs: tokenized pairs and the config;
// it trains in-process (trainer.h) or is written to a file for `hyper-train`.
#include "core/ml/tokenizer.h"

#include <cstdint>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace hyper::ml {

/** Any failure of the engine (bad config, empty data, divergence, unreadable bundle);
 *  what() is a message fit for a user. */
class TrainError : public std::runtime_error
{
public:
    using std::runtime_error::runtime_error;
};

/** One preference pair as text. margin > 0 asks the loss for r(chosen) - r(rejected) to
 *  exceed it (a "clearly" label); subset is the eval category ("" for train pairs). */
struct PairText {
    std::string prompt, chosen, rejected;
    float margin = 0;
    std::string subset;
    std::int64_t id = 0;   // the project's instance id (0: none)
};

struct TrainConfig {
    std::string model = "bag";       // "bag" | "transformer"
    int epochs = 4;
    int batchSize = 64;
    double lr = 3e-3;
    double weightDecay = 0.01;
    std::uint64_t seed = 1;
    std::string device = "auto";     // "auto" | "cpu" | "cuda"
    bool useMargin = false;          // subtract PairText::margin inside the sigmoid
    bool evalEachEpoch = true;       // eval accuracy per epoch (for curves); else at the end
    int threads = 0;                 // intra-op threads; <= 0: 1 for bag, else one per hardware thread
    TokenizerConfig tokenizer;       // maxIds: per text (bag) / per prompt+response (transformer)

    /** Model defaults: the transformer reads word sequences of at most 256 tokens. */
    static TrainConfig defaults(const std::string &model);
    /** Throws TrainError naming the first bad field. */
    void validate() const;
};

/** Ragged id lists in CSR form: the ids of text i are ids[offsets[i] .. offsets[i+1]). */
struct Ragged {
    std::vector<std::int64_t> ids;
    std::vector<std::int64_t> offsets{0};
    std::size_t size() const { return offsets.size() - 1; }
    void append(const std::vector<std::int64_t> &text);
    bool operator==(const Ragged &) const = default;
};

/** Tokenized pairs of one split. subset[i] indexes subsetNames. */
struct TokenizedPairs {
    Ragged prompt, chosen, rejected;
    std::vector<float> margin;
    std::vector<std::int64_t> subset;
    std::vector<std::string> subsetNames;
    std::size_t size() const { return margin.size(); }
    bool operator==(const TokenizedPairs &) const = default;
};

struct Bundle {
    /** 2 added the instance ids and the info entries; version 1 files still load. */
    static constexpr int kFormatVersion = 2;
    TrainConfig config;
    TokenizedPairs train, eval;
    /** The project's instance id of each pair (parallel to train / eval), so that a pair
     *  can be traced; empty when unknown (a version 1 file). */
    std::vector<std::int64_t> trainIds, evalIds;
    /** Provenance: "mix", "project_uuid", "tool_version" (strings). */
    std::map<std::string, std::string> info;
};

/** Tokenizes with config.tokenizer (bag ids for "bag", word sequences for "transformer"). */
TokenizedPairs tokenizePairs(const std::vector<PairText> &pairs, const TrainConfig &config);
Bundle makeBundle(const std::vector<PairText> &train, const std::vector<PairText> &eval,
                  const TrainConfig &config);

/** Writes the bundle as a torch.save zip archive holding one plain dict (no TorchScript
 *  type tags, so Python's torch.load(path, weights_only=True) reads it; docs/TRAINING.md
 *  lists the keys). Throws TrainError. */
void saveBundle(const Bundle &bundle, const std::string &path);
Bundle loadBundle(const std::string &path);

/** The config as a compact JSON object (stored with each run). */
std::string configJson(const TrainConfig &config);

} // namespace hyper::ml
