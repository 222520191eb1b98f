// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Torch-free: trains and evaluates one reward model from a Bundle (trainer.cpp has the
// LibTorch side). Synchronous and thread-unaware: call it from a worker thread; LibTorch
// grad mode is thread-local and is set inside.
#include "core/ml/bundle.h"
#include "core/ml/modelfile.h"
#include "core/ml/sections.h"

#include <functional>

namespace hyper::ml {

/** One progress report: after every optimizer step (stepEnd) and at every epoch end
 *  (epochEnd, with the epoch's mean loss and, when evaluated, the eval accuracy). */
struct EpochStats {
    int epoch = 0;            // 1-based
    int epochs = 0;
    int step = 0;             // 1-based within the epoch
    int steps = 0;            // per epoch
    double loss = 0;          // this batch's loss, or the epoch mean when epochEnd
    double evalAccuracy = -1; // Overall on the eval split; -1 when not evaluated
    double seconds = 0;       // since training started
    bool epochEnd = false;
};

/** Plain callbacks: the core side bridges them to hyper::Feedback. Either may be empty.
 *  canceled is polled before every batch. */
struct TrainCallbacks {
    std::function<void(const EpochStats &)> onProgress;
    std::function<bool()> canceled;
};

struct TrainResult {
    enum class Status { Done, Canceled };
    Status status = Status::Done;
    SectionScores scores;              // eval of the final model (empty when canceled)
    std::vector<EpochStats> epochs;    // the epochEnd reports, in order
    std::size_t trainPairs = 0, evalPairs = 0;
    std::string device;                // "cpu" | "cuda"
    double seconds = 0;                // training + evaluation wall time
    std::int64_t parameters = 0;
    std::vector<NamedTensor> weights;  // the final model's, when asked for (keepWeights)
};

/** Trains the bundle's model. Throws TrainError on an empty train or eval set, a bad
 *  config, an unavailable device or a non-finite loss. Deterministic on CPU for a seed. */
TrainResult trainBundle(const Bundle &bundle, const TrainCallbacks &callbacks = {}, bool keepWeights = false);

/** "auto" -> "cuda" when available else "cpu"; "cuda" without CUDA throws TrainError. */
std::string resolveDevice(const std::string &requested);

/** METRICS.json of a run: {"overall", "sections", "subsets", "train_pairs", "eval_pairs",
 *  "seconds", "device", "status", "epochs": [{"epoch", "loss", "eval_accuracy"}]}. */
std::string metricsJson(const TrainResult &result);

} // namespace hyper::ml
