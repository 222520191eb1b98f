// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/ml/models.h"
#include "core/ml/architecture.h"

#include <torch/nn/functional/activation.h>
#include <torch/nn/functional/embedding.h>
#include <torch/nn/modules/transformerlayer.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <sched.h>
#include <numeric>

namespace hyper::ml {

using namespace arch;

BagRewardModelImpl::BagRewardModelImpl(const TrainConfig &config)
{
    // A small init: with mean pooling the text vector starts near zero either way, but
    // N(0,1) makes the first steps noisy. The table is trained row-wise by the trainer
    // (lazy AdamW), so autograd never builds a gradient of all its rows.
    m_table = register_parameter("table", torch::randn({config.tokenizer.buckets, kBagDim}) * 0.1,
                                 /*requires_grad=*/false);
    m_hidden = register_module("hidden", torch::nn::Linear(3 * kBagDim + 1, kBagHidden));
    m_out = register_module("out", torch::nn::Linear(kBagHidden, 1));
    m_baseline = bagBaselineRequested();
}

torch::Tensor BagRewardModelImpl::head(const torch::Tensor &prompt, const torch::Tensor &response,
                                       const torch::Tensor &logLength)
{
    const torch::Tensor x = torch::cat({prompt, response, prompt * response, logLength}, /*dim=*/1);
    return m_out->forward(torch::relu(m_hidden->forward(x))).squeeze(1);
}

namespace {

/** cpuSlice adds the gradient of each half of the batch's texts into its own buffer
 *  (one per thread, no two threads writing a row) and then the halves: always these two
 *  parts in this order, so the sums do not depend on the thread count. */
constexpr std::int64_t kScatterParts = 2;

/** How many ids ahead poolCpu prefetches a table row. */
constexpr std::ptrdiff_t kPrefetchAhead = 8;

// The inner loops of pooling and its gradient, built for AVX2 too and picked at run time
// where the CPU has it (the default build targets plain x86-64).

/** out = mean of the table rows of ids [begin, end) (zeros when empty). */
__attribute__((target_clones("avx2", "default"))) void poolText(const float *__restrict table,
                                                                 const std::int64_t *begin, const std::int64_t *end,
                                                                 float *__restrict out)
{
    float acc[kBagDim] = {};
    for (const std::int64_t *id = begin; id != end; ++id) {
        // The rows are random: ask for one a few ids ahead while adding this one.
        if (end - id > kPrefetchAhead)
            __builtin_prefetch(table + id[kPrefetchAhead] * kBagDim);
        const float *__restrict src = table + *id * kBagDim;
        for (std::int64_t d = 0; d < kBagDim; ++d)
            acc[d] += src[d];
    }
    const float scale = end > begin ? 1.0f / float(end - begin) : 0.0f;
    for (std::int64_t d = 0; d < kBagDim; ++d)
        out[d] = acc[d] * scale;
}

/** to += from, n floats. */
__attribute__((target_clones("avx2", "default"))) void addInto(float *__restrict to, const float *__restrict from,
                                                                std::int64_t n)
{
    for (std::int64_t i = 0; i < n; ++i)
        to[i] += from[i];
}

/** grad[slot[id]] += share for the ids of one text. */
__attribute__((target_clones("avx2", "default"))) void scatterText(const std::int64_t *begin,
                                                                    const std::int64_t *end,
                                                                    const std::int32_t *__restrict slots,
                                                                    const float *__restrict share,
                                                                    float *__restrict grad)
{
    for (const std::int64_t *id = begin; id != end; ++id) {
        float *__restrict dst = grad + std::int64_t(slots[*id]) * kBagDim;
        for (std::int64_t d = 0; d < kBagDim; ++d)
            dst[d] += share[d];
    }
}

/** The ids of text t of a batch, in pooling order: the prompts, the chosen, then the
 *  rejected responses of `rows`. */
struct BatchTexts {
    const TokenizedPairs &pairs;
    const std::vector<std::int64_t> &rows;
    std::int64_t size() const { return 3 * std::int64_t(rows.size()); }
    std::pair<const std::int64_t *, const std::int64_t *> operator[](std::int64_t t) const
    {
        const std::int64_t n = std::int64_t(rows.size());
        const Ragged &texts = t < n ? pairs.prompt : t < 2 * n ? pairs.chosen : pairs.rejected;
        const std::size_t row = std::size_t(rows[std::size_t(t % n)]);
        return {texts.ids.data() + texts.offsets[row], texts.ids.data() + texts.offsets[row + 1]};
    }
};

} // namespace

torch::Tensor BagRewardModelImpl::poolCpu(const TokenizedPairs &pairs, const std::vector<std::int64_t> &rows)
{
    const BatchTexts texts{pairs, rows};
    torch::Tensor bags = torch::empty({texts.size(), kBagDim}, torch::kFloat32);
    float *out = bags.data_ptr<float>();
    const float *table = m_table.data_ptr<float>();
    parallelRanges(texts.size(), m_kernelThreads, 16, [&](std::int64_t first, std::int64_t last) {
        for (std::int64_t t = first; t < last; ++t) {
            const auto [begin, end] = texts[t];
            poolText(table, begin, end, out + t * kBagDim); // EmbeddingBag's mean
        }
    });
    return bags;
}

RewardModelImpl::SparseSlice BagRewardModelImpl::cpuSlice()
{
    const torch::Tensor bags = std::exchange(m_lastBags, {});
    const TokenizedPairs *pairs = std::exchange(m_lastPairs, nullptr);
    if (!bags.grad().defined())
        return {};
    const torch::Tensor gradBags = bags.grad().contiguous();
    const float *g = gradBags.data_ptr<float>();
    const BatchTexts texts{*pairs, m_lastBatch};
    const std::size_t buckets = std::size_t(m_table.size(0));
    if (m_slot.size() != buckets) {
        m_slot.assign(buckets, -1);
        m_touched.assign((buckets + 63) / 64, 0);
    }
    // The batch's distinct rows, ascending: a bit per row, then the set bits in order.
    for (std::int64_t t = 0; t < texts.size(); ++t)
        for (auto [id, end] = texts[t]; id != end; ++id)
            m_touched[std::size_t(*id) >> 6] |= std::uint64_t(1) << (*id & 63);
    m_distinct.clear();
    for (std::size_t w = 0; w < m_touched.size(); ++w)
        for (std::uint64_t bits = std::exchange(m_touched[w], 0); bits; bits &= bits - 1) {
            const std::int64_t id = std::int64_t(w * 64 + std::size_t(__builtin_ctzll(bits)));
            m_slot[std::size_t(id)] = std::int32_t(m_distinct.size());
            m_distinct.push_back(id);
        }
    const std::int64_t rows = std::int64_t(m_distinct.size());
    const std::int64_t size = rows * kBagDim;
    m_rowsGrad.assign(std::size_t(kScatterParts * size), 0.0f);
    float *rowsGrad = m_rowsGrad.data();
    // d mean / d row = 1/length for each occurrence of the row in a text.
    parallelRanges(kScatterParts, m_kernelThreads, 1, [&](std::int64_t firstPart, std::int64_t lastPart) {
        float share[kBagDim];
        for (std::int64_t part = firstPart; part < lastPart; ++part)
            for (std::int64_t t = texts.size() * part / kScatterParts, last = texts.size() * (part + 1) / kScatterParts;
                 t < last; ++t) {
                const auto [begin, end] = texts[t];
                if (end == begin)
                    continue;
                const float scale = 1.0f / float(end - begin);
                for (std::int64_t d = 0; d < kBagDim; ++d)
                    share[d] = g[t * kBagDim + d] * scale;
                scatterText(begin, end, m_slot.data(), share, rowsGrad + part * size);
            }
    });
    for (std::int64_t part = 1; part < kScatterParts; ++part)
        addInto(rowsGrad, rowsGrad + part * size, size);
    // m_slot is only read for the rows set above, so it needs no reset.
    return {m_table, torch::from_blob(m_distinct.data(), {rows}, torch::kInt64),
            torch::from_blob(rowsGrad, {rows, kBagDim}, torch::kFloat32)};
}

std::vector<RewardModelImpl::SparseSlice> BagRewardModelImpl::lastSlices()
{
    if (m_lastPairs) {
        const SparseSlice slice = cpuSlice();
        return slice.grad.defined() ? std::vector<SparseSlice>{slice} : std::vector<SparseSlice>{};
    }
    const torch::Tensor leaf = std::exchange(m_lastLeaf, {});
    if (!leaf.defined() || !leaf.grad().defined())
        return {};
    return {{m_table, m_lastRows, leaf.grad()}};
}

int usableCpus()
{
    cpu_set_t set;
    CPU_ZERO(&set);
    if (sched_getaffinity(0, sizeof set, &set) == 0)
        return std::max(1, CPU_COUNT(&set));
    return int(std::max(1u, std::thread::hardware_concurrency()));
}

bool bagBaselineRequested()
{
    const char *v = std::getenv("HYPER_BAG_BASELINE");
    return v && *v && *v != '0';
}

std::pair<torch::Tensor, torch::Tensor> BagRewardModelImpl::score(const TokenizedPairs &pairs,
                                                                  const std::vector<std::int64_t> &rows,
                                                                  const torch::Device &device)
{
    const std::int64_t n = std::int64_t(rows.size());
    std::vector<float> logLength;
    logLength.reserve(std::size_t(2 * n));
    for (const Ragged *texts : {&pairs.chosen, &pairs.rejected})
        for (std::int64_t row : rows)
            logLength.push_back(float(std::log1p(double(texts->offsets[std::size_t(row) + 1] - texts->offsets[std::size_t(row)]))));
    const bool training = is_training() && torch::GradMode::is_enabled();
    torch::Tensor bags;
    if (device.is_cpu() && m_table.device().is_cpu() && !m_baseline) {
        bags = poolCpu(pairs, rows);
        if (training) {
            bags.requires_grad_(true);
            m_lastBags = bags;
            m_lastPairs = &pairs;
            m_lastBatch = rows;
        }
    } else {
        // One EmbeddingBag call for prompts, chosen and rejected responses (in that
        // order): one gradient per step instead of three. The prompt is shared by both
        // responses, so it is embedded once. The batch's distinct rows are gathered into a
        // small leaf tensor and pooled from it: the gradient is then (distinct rows x dim),
        // not (every id x dim) as a sparse EmbeddingBag gradient is.
        std::vector<std::int64_t> ids, offsets;
        offsets.reserve(std::size_t(3 * n));
        const BatchTexts texts{pairs, rows};
        for (std::int64_t t = 0; t < texts.size(); ++t) {
            const auto [begin, end] = texts[t];
            offsets.push_back(std::int64_t(ids.size()));
            ids.insert(ids.end(), begin, end);
        }
        const auto [rowsUsed, local] = torch::_unique(torch::tensor(ids, torch::kInt64).to(device),
                                                      /*sorted=*/true, /*return_inverse=*/true);
        torch::Tensor leaf = m_table.index_select(0, rowsUsed);
        if (training) {
            leaf.requires_grad_(true);
            m_lastRows = rowsUsed;
            m_lastLeaf = leaf;
        }
        bags = torch::nn::functional::embedding_bag(
            local, leaf,
            torch::nn::functional::EmbeddingBagFuncOptions()
                .offsets(torch::tensor(offsets, torch::kInt64).to(device))
                .mode(torch::kMean));
    }
    const torch::Tensor lengths = torch::tensor(logLength, torch::kFloat32).unsqueeze(1).to(device);
    const torch::Tensor prompt = bags.narrow(0, 0, n);
    return {head(prompt, bags.narrow(0, n, n), lengths.narrow(0, 0, n)),
            head(prompt, bags.narrow(0, 2 * n, n), lengths.narrow(0, n, n))};
}

TransformerRewardModelImpl::TransformerRewardModelImpl(const TrainConfig &config)
    : m_maxTokens(std::max(2, config.tokenizer.maxIds))
{
    m_tokens = register_module(
        "tokens", torch::nn::Embedding(torch::nn::EmbeddingOptions(config.tokenizer.buckets, kModelDim)
                                           .padding_idx(0)));
    m_positions = register_module("positions", torch::nn::Embedding(m_maxTokens, kModelDim));
    m_segments = register_module("segments", torch::nn::Embedding(2, kModelDim));
    const auto layer = torch::nn::TransformerEncoderLayerOptions(kModelDim, kHeads)
                           .dim_feedforward(kFeedForward)
                           .dropout(kDropout);
    m_encoder = register_module(
        "encoder", torch::nn::TransformerEncoder(torch::nn::TransformerEncoderOptions(layer, kLayers)));
    m_out = register_module("out", torch::nn::Linear(kModelDim, 1));
}

torch::Tensor TransformerRewardModelImpl::encode(const TokenizedPairs &pairs, const Ragged &responses,
                                                 const std::vector<std::int64_t> &rows,
                                                 const torch::Device &device)
{
    const std::int64_t n = std::int64_t(rows.size());
    const std::int64_t promptCap = std::max<std::int64_t>(1, std::int64_t(kPromptShare * m_maxTokens));
    std::vector<std::int64_t> ids(std::size_t(n * m_maxTokens), 0), segments(ids.size(), 0);
    std::int64_t longest = 1;
    for (std::int64_t b = 0; b < n; ++b) {
        const std::size_t row = std::size_t(rows[std::size_t(b)]);
        const std::int64_t pBegin = pairs.prompt.offsets[row], pEnd = pairs.prompt.offsets[row + 1];
        const std::int64_t rBegin = responses.offsets[row], rEnd = responses.offsets[row + 1];
        const std::int64_t pLen = std::min(pEnd - pBegin, promptCap);
        const std::int64_t rLen = std::min(rEnd - rBegin, m_maxTokens - pLen);
        std::int64_t *out = ids.data() + b * m_maxTokens;
        std::copy_n(pairs.prompt.ids.begin() + pBegin, pLen, out);
        std::copy_n(responses.ids.begin() + rBegin, rLen, out + pLen);
        std::fill_n(segments.begin() + b * m_maxTokens + pLen, rLen, 1);
        longest = std::max(longest, pLen + rLen);
    }
    // Trim the batch to its longest sequence: attention costs the square of the length.
    const torch::Tensor all = torch::tensor(ids, torch::kInt64).view({n, m_maxTokens});
    const torch::Tensor tok = all.narrow(1, 0, longest).to(device);
    const torch::Tensor seg = torch::tensor(segments, torch::kInt64).view({n, m_maxTokens}).narrow(1, 0, longest).to(device);
    const torch::Tensor pad = tok.eq(0);                         // (N, S), true = padding
    const torch::Tensor pos = torch::arange(longest, torch::TensorOptions().dtype(torch::kInt64).device(device));
    torch::Tensor x = m_tokens->forward(tok) + m_segments->forward(seg) + m_positions->forward(pos).unsqueeze(0);
    // An all-padding row (empty prompt and response) would make attention NaN: keep one
    // position visible; its embedding is the zero padding vector.
    torch::Tensor mask = pad.clone();
    mask.select(1, 0).fill_(false);
    x = m_encoder->forward(x.transpose(0, 1), /*src_mask=*/{}, /*src_key_padding_mask=*/mask).transpose(0, 1);
    const torch::Tensor keep = mask.logical_not().unsqueeze(2).to(x.dtype());
    const torch::Tensor pooled = (x * keep).sum(1) / keep.sum(1).clamp_min(1.0);
    return m_out->forward(pooled).squeeze(1);
}

std::pair<torch::Tensor, torch::Tensor> TransformerRewardModelImpl::score(const TokenizedPairs &pairs,
                                                                          const std::vector<std::int64_t> &rows,
                                                                          const torch::Device &device)
{
    return {encode(pairs, pairs.chosen, rows, device), encode(pairs, pairs.rejected, rows, device)};
}

std::size_t RewardModelImpl::evalBatch(const torch::Device &) const
{
    return kEvalBatch;
}

std::shared_ptr<RewardModelImpl> makeRewardModel(const TrainConfig &config)
{
    if (config.model == "transformer")
        return TransformerRewardModel(config).ptr();
    return BagRewardModel(config).ptr();
}

namespace {

/** Calls fn(first row, chosen scores, rejected scores) per batch of the model's
 *  evalBatch() pairs, the scores on the CPU. */
template <typename Fn>
void forEachBatch(RewardModelImpl &model, const TokenizedPairs &pairs, const torch::Device &device, Fn fn)
{
    torch::NoGradGuard noGrad;
    model.eval();
    std::vector<std::int64_t> rows;
    const std::size_t batch = model.evalBatch(device);
    for (std::size_t begin = 0; begin < pairs.size(); begin += batch) {
        const std::size_t end = std::min(pairs.size(), begin + batch);
        rows.resize(end - begin);
        std::iota(rows.begin(), rows.end(), std::int64_t(begin));
        const auto [chosen, rejected] = model.score(pairs, rows, device);
        fn(begin, chosen.to(torch::kCPU).contiguous(), rejected.to(torch::kCPU).contiguous());
    }
}

} // namespace

SectionScores evaluateModel(RewardModelImpl &model, const TokenizedPairs &pairs, const torch::Device &device)
{
    std::vector<PairOutcome> outcomes;
    outcomes.reserve(pairs.size());
    forEachBatch(model, pairs, device, [&](std::size_t begin, const torch::Tensor &chosen, const torch::Tensor &rejected) {
        const torch::Tensor correct = chosen.gt(rejected);
        const bool *c = correct.data_ptr<bool>();
        for (std::int64_t i = 0; i < correct.numel(); ++i)
            outcomes.push_back({pairs.subsetNames[std::size_t(pairs.subset[begin + std::size_t(i)])], c[i]});
    });
    return scoreSections(outcomes);
}

void scoreAll(RewardModelImpl &model, const TokenizedPairs &pairs, const torch::Device &device,
              std::vector<float> &chosenOut, std::vector<float> &rejectedOut)
{
    chosenOut.clear();
    rejectedOut.clear();
    chosenOut.reserve(pairs.size());
    rejectedOut.reserve(pairs.size());
    forEachBatch(model, pairs, device, [&](std::size_t, const torch::Tensor &chosen, const torch::Tensor &rejected) {
        const float *c = chosen.data_ptr<float>(), *r = rejected.data_ptr<float>();
        chosenOut.insert(chosenOut.end(), c, c + chosen.numel());
        rejectedOut.insert(rejectedOut.end(), r, r + rejected.numel());
    });
}

std::vector<NamedTensor> exportWeights(RewardModelImpl &model)
{
    std::vector<NamedTensor> out;
    for (const auto &item : model.named_parameters()) {
        const torch::Tensor t = item.value().detach().to(torch::kCPU, torch::kFloat32).contiguous();
        NamedTensor nt;
        nt.name = item.key();
        nt.shape = t.sizes().vec();
        nt.data.assign(t.data_ptr<float>(), t.data_ptr<float>() + t.numel());
        out.push_back(std::move(nt));
    }
    return out;
}

void importWeights(RewardModelImpl &model, const std::vector<NamedTensor> &weights, const std::string &path)
{
    torch::NoGradGuard noGrad;
    auto params = model.named_parameters();
    std::size_t used = 0;
    for (const NamedTensor &w : weights) {
        torch::Tensor *p = params.find(w.name);
        if (!p)
            throw ModelFileError(path + ": tensor '" + w.name + "' is not a parameter of a " + "model of this kind");
        if (p->sizes().vec() != w.shape)
            throw ModelFileError(path + ": tensor '" + w.name + "' has the wrong shape for this model's config");
        const torch::Tensor src = torch::from_blob(const_cast<float *>(w.data.data()), w.shape, torch::kFloat32);
        p->copy_(src);
        ++used;
    }
    if (used != params.size()) {
        for (const auto &item : params) {
            if (std::none_of(weights.begin(), weights.end(), [&](const NamedTensor &w) { return w.name == item.key(); }))
                throw ModelFileError(path + ": tensor '" + item.key() + "' is missing");
        }
    }
}

} // namespace hyper::ml
