// SPDX-License-Identifier: GPL-3.0-or-later
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

#include <algorithm>
#include <memory>
#include <thread>
#include <utility>
#include <vector>

namespace hyper::ml {

/** A reward model r(prompt, response) -> scalar. score() returns r(prompt, chosen) and
 *  r(prompt, rejected) for the given rows of a split, on `device`. */
class RewardModelImpl : public torch::nn::Module
{
public:
    virtual std::pair<torch::Tensor, torch::Tensor>
    score(const TokenizedPairs &pairs, const std::vector<std::int64_t> &rows,
          const torch::Device &device) = 0;
    /** A table updated row-wise: `grad` holds the gradient of the rows `rows` of `table`
     *  (unique, in no particular order) that the last training batch touched. */
    struct SparseSlice {
        torch::Tensor table, rows, grad;
    };
    /** Tables that the trainer updates with a lazy (row-wise) AdamW instead of the dense
     *  one; they are not trained by autograd directly (requires_grad is off). */
    virtual std::vector<torch::Tensor> sparseTables() { return {}; }
    /** The last training batch's slices; call once after its backward pass. The tensors
     *  may share memory with the model's buffers: use them before the next step. */
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
    std::vector<SparseSlice> lastSlices() override;
    /** Threads of the CPU pooling kernels (plain std::threads, not LibTorch's pool); the
     *  numbers do not depend on it. */
    void setKernelThreads(int threads) { m_kernelThreads = std::max(1, threads); }
    /** Built with HYPER_BAG_BASELINE set (bagBaselineRequested): no CPU kernels. */
    bool baseline() const { return m_baseline; }

private:
    torch::Tensor head(const torch::Tensor &prompt, const torch::Tensor &response,
                       const torch::Tensor &logLength);
    /** The CPU path: mean pooling and its gradient written as plain loops over the table
     *  (no id copies, no unique, no EmbeddingBag); the same numbers up to float rounding. */
    torch::Tensor poolCpu(const TokenizedPairs &pairs, const std::vector<std::int64_t> &rows);
    /** The gradient of the rows the last batch touched, in ascending row order (so that
     *  the optimizer walks the tables forwards). */
    SparseSlice cpuSlice();

    torch::Tensor m_table;   // (buckets, dim) embedding rows
    // The last training batch: on a GPU the leaf of its distinct rows; on the CPU its
    // pooled vectors (a leaf) and the texts they came from (the pairs outlive the step).
    torch::Tensor m_lastRows, m_lastLeaf;
    torch::Tensor m_lastBags;
    const TokenizedPairs *m_lastPairs = nullptr;
    std::vector<std::int64_t> m_lastBatch;
    // cpuSlice's buffers, kept between steps: a bit per table row, the slot of each
    // distinct row, the distinct rows in ascending order and their gradient.
    std::vector<std::uint64_t> m_touched;
    std::vector<std::int32_t> m_slot;
    std::vector<std::int64_t> m_distinct;
    std::vector<float> m_rowsGrad;
    int m_kernelThreads = 1;
    bool m_baseline = false; // bagBaselineRequested()
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

/** Calls fn(begin, end) on up to `threads` contiguous parts of [0, n), each of at least
 *  `minPart` items, the first part on this thread. For the CPU kernels of the bag model
 *  and its optimizer, whose parts write disjoint memory. */
template <typename Fn>
void parallelRanges(std::int64_t n, int threads, std::int64_t minPart, Fn fn)
{
    const std::int64_t parts =
        std::min<std::int64_t>(std::max(1, threads), std::max<std::int64_t>(1, n / std::max<std::int64_t>(1, minPart)));
    if (parts <= 1) {
        fn(std::int64_t(0), n);
        return;
    }
    // jthreads join when destroyed, also when a thread cannot be started or fn throws here.
    std::vector<std::jthread> others;
    others.reserve(std::size_t(parts - 1));
    for (std::int64_t k = 1; k < parts; ++k)
        others.emplace_back(fn, n * k / parts, n * (k + 1) / parts);
    fn(std::int64_t(0), n / parts);
}

/** The CPUs this process may run on (its affinity mask: a Slurm allocation or taskset),
 *  at least 1; hardware_concurrency counts the whole machine. */
int usableCpus();

/** HYPER_BAG_BASELINE=1: the bag model and its optimizer run as before their CPU kernels
 *  (LibTorch's EmbeddingBag over the batch's unique rows, the tensor AdamW) also on the
 *  CPU: the baseline `hyper bench rm` measures in the same run. Read when a model is
 *  built. */
bool bagBaselineRequested();

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
