// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Torch-free header: a saved reward model, loaded for scoring (scorer.cpp has the
// LibTorch side). Synchronous; use one scorer from one thread at a time.
#include "core/ml/bundle.h"
#include "core/ml/modelfile.h"
#include "core/ml/sections.h"

#include <memory>
#include <string>
#include <vector>

namespace hyper::ml {

class RewardScorer
{
public:
    /** Reads the model file (readModelFile: every check) and loads its weights on
     *  `device` ("auto" | "cpu" | "cuda"). threads as TrainConfig::threads (<= 0: 1 for
     *  the bag, one per hardware thread for the transformer). Throws ModelFileError,
     *  TrainError (no CUDA). */
    explicit RewardScorer(const std::string &path, const std::string &device = "auto", int threads = 0);
    ~RewardScorer();
    RewardScorer(const RewardScorer &) = delete;
    RewardScorer &operator=(const RewardScorer &) = delete;

    /** The file's metadata and config (its tensors are released once loaded). */
    const ModelFile &file() const;
    const TrainConfig &config() const { return file().config; }
    /** "cpu" | "cuda". */
    const std::string &device() const;

    /** r(prompt, A) and r(prompt, B) per pair, with PairText's chosen as A and rejected
     *  as B. Tokenized with the file's tokenizer. */
    void score(const std::vector<PairText> &pairs, std::vector<float> &a, std::vector<float> &b);
    void score(const TokenizedPairs &pairs, std::vector<float> &a, std::vector<float> &b);

    /** Accuracy r(chosen) > r(rejected) by subset and section, as a training run
     *  evaluates (same batches: the same numbers on the same device). */
    SectionScores evaluate(const std::vector<PairText> &pairs);
    SectionScores evaluate(const TokenizedPairs &pairs);

private:
    struct Impl;
    std::unique_ptr<Impl> d;
};

} // namespace hyper::ml
