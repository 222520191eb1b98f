#pragma once

// INTERNAL to hyper_ml: LibTorch types. Include only from core/ml/*.cpp, never from a
// header that Qt code includes (ARCHITECTURE.md).
#include "core/ml/bundle.h"
#include "core/ml/modelfile.h"
#include "core/ml/sections.h"

#include <torch/nn/module.h>
#include <torch/nn/modules/embedding.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/modules/transformercoder.h>
#include <torch/types.h>

#include <memory>
#include <utility>

namespace hyper::ml {

/** A reward model r(prompt, response) -> scalar. score() returns r(prompt, chosen) and
 *  r(prompt, rejected) for the given rows of a split, on `device`. */
class RewardModelImpl : public torch::nn::Module
{
public:
    virtual std::pair<torch::Tensor, torch::Tensor>
    score(const TokenizedPairs &pairs, const std::vector<std::int64_t> &rows,
          const torch::Device &device) = 0;
    /** A table updated row-wise: after backward, `leaf.grad()` holds the gradient of the
     *  rows `rows` of `table` (sorted, unique) that the last training batch touched. */
    struct SparseSlice {
        torch::Tensor table, rows, leaf;
    };
    /** Tables that the trainer updates with a lazy (row-wise) AdamW instead of the dense
     *  one; they are not trained by autograd directly (requires_grad is off). */
    virtual std::vector<torch::Tensor> sparseTables() { return {}; }
    virtual std::vector<SparseSlice> lastSlices() { return {}; }
    /** Pairs per forward pass when evaluating or scoring on `device` (no gradients kept). */
    virtual std::size_t evalBatch(const torch::Device &device) const;
};

/** Mean of hashed-feature embeddings for prompt and response, their product, and the
 *  response's log length, through a small MLP. Fast on CPU: the default. */
class BagRewardModelImpl : public RewardModelImpl
{
public:
    explicit BagRewardModelImpl(const TrainConfig &config);
    std::pair<torch::Tensor, torch::Tensor> score(const TokenizedPairs &pairs,
                                                  const std::vector<std::int64_t> &rows,
                                                  const torch::Device &device) override;
    std::vector<torch::Tensor> sparseTables() override { return {m_table}; }
    std::vector<SparseSlice> lastSlices() override { return {m_last}; }

private:
    torch::Tensor head(const torch::Tensor &prompt, const torch::Tensor &response,
                       const torch::Tensor &logLength);

    torch::Tensor m_table;   // (buckets, dim) embedding rows
    SparseSlice m_last;
    torch::nn::Linear m_hidden{nullptr}, m_out{nullptr};
};
TORCH_MODULE(BagRewardModel);

/** A small transformer encoder over [prompt; response] word ids with segment and
 *  position embeddings, mean-pooled to a scalar. Meant for a GPU; runs (slowly) on CPU. */
class TransformerRewardModelImpl : public RewardModelImpl
{
public:
    explicit TransformerRewardModelImpl(const TrainConfig &config);
    std::pair<torch::Tensor, torch::Tensor> score(const TokenizedPairs &pairs,
                                                  const std::vector<std::int64_t> &rows,
                                                  const torch::Device &device) override;

    /** Attention holds batch x heads x length^2 floats (512 pairs of 256 tokens would be
     *  0.5 GB), and a small batch is trimmed to a shorter length: on the CPU 8 pairs a
     *  pass scored 2-5x faster than 32 or 512 (hyper bench score); a GPU takes 256. */
    std::size_t evalBatch(const torch::Device &device) const override { return device.is_cuda() ? 256 : 8; }

private:
    torch::Tensor encode(const TokenizedPairs &pairs, const Ragged &responses,
                         const std::vector<std::int64_t> &rows, const torch::Device &device);

    int m_maxTokens = 0;
    torch::nn::Embedding m_tokens{nullptr}, m_positions{nullptr}, m_segments{nullptr};
    torch::nn::TransformerEncoder m_encoder{nullptr};
    torch::nn::Linear m_out{nullptr};
};
TORCH_MODULE(TransformerRewardModel);

/** Builds the model the config names (torch::manual_seed must be set before). */
std::shared_ptr<RewardModelImpl> makeRewardModel(const TrainConfig &config);

/** The bag's pairs per forward pass when scoring or evaluating (RewardModelImpl::
 *  evalBatch): no gradients are kept, so it can be larger than a training batch. Saved
 *  models are evaluated in the same batches as the run's own evaluation, so the numbers
 *  are the same bit for bit on the same device. */
inline constexpr std::size_t kEvalBatch = 512;

/** Accuracy r(chosen) > r(rejected) per subset, scored into sections (METHOD.md §6), in
 *  eval mode without gradients; the model is left in eval mode. */
SectionScores evaluateModel(RewardModelImpl &model, const TokenizedPairs &pairs, const torch::Device &device);

/** r(prompt, chosen) and r(prompt, rejected) of every pair, in order (eval mode). */
void scoreAll(RewardModelImpl &model, const TokenizedPairs &pairs, const torch::Device &device,
              std::vector<float> &chosen, std::vector<float> &rejected);

/** The model's parameters by name, on the CPU (what a model file stores). */
std::vector<NamedTensor> exportWeights(RewardModelImpl &model);
/** Copies weights into the model's parameters; every parameter must be there with its
 *  shape and no other tensor may be. Throws ModelFileError naming `path`. */
void importWeights(RewardModelImpl &model, const std::vector<NamedTensor> &weights, const std::string &path);

} // namespace hyper::ml
