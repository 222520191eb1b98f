// SPDX-License-Identifier: GPL-3.0-or-later
// A saved reward model, loaded for scoring: the model file's weights in the module the
// trainer builds, evaluated with the trainer's own evaluation code.
#include "core/ml/scorer.h"
#include "core/ml/models.h"
#include "core/ml/runtime.h"
#include "core/ml/trainer.h"

namespace hyper::ml {

struct RewardScorer::Impl {
    ModelFile file;
    std::string device;
    std::shared_ptr<RewardModelImpl> model;
    torch::Device torchDevice{torch::kCPU};
};

RewardScorer::RewardScorer(const std::string &path, const std::string &device, int threads)
    : d(std::make_unique<Impl>())
{
    d->file = readModelFile(path, /*withTensors=*/true);
    d->device = resolveDevice(device);
    d->torchDevice = torch::Device(d->device == "cuda" ? torch::kCUDA : torch::kCPU);
    if (threads <= 0 && d->file.config.model == "bag")
        threads = 1; // as in training: the bag's kernels are too small for a second thread
    configureThreads(threads, threads);
    torch::manual_seed(d->file.config.seed); // the initial values are overwritten anyway
    d->model = makeRewardModel(d->file.config);
    importWeights(*d->model, d->file.tensors, path);
    d->file.tensors.clear();
    d->file.tensors.shrink_to_fit();
    d->model->to(d->torchDevice);
    d->model->eval();
}

RewardScorer::~RewardScorer() = default;

const ModelFile &RewardScorer::file() const
{
    return d->file;
}

const std::string &RewardScorer::device() const
{
    return d->device;
}

void RewardScorer::score(const TokenizedPairs &pairs, std::vector<float> &a, std::vector<float> &b)
{
    scoreAll(*d->model, pairs, d->torchDevice, a, b);
}

void RewardScorer::score(const std::vector<PairText> &pairs, std::vector<float> &a, std::vector<float> &b)
{
    score(tokenizePairs(pairs, d->file.config), a, b);
}

SectionScores RewardScorer::evaluate(const TokenizedPairs &pairs)
{
    return evaluateModel(*d->model, pairs, d->torchDevice);
}

SectionScores RewardScorer::evaluate(const std::vector<PairText> &pairs)
{
    return evaluate(tokenizePairs(pairs, d->file.config));
}

} // namespace hyper::ml
