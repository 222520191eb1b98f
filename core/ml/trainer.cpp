// SPDX-License-Identifier: GPL-3.0-or-later
// The training loop: Bradley-Terry loss, AdamW, seeded shuffles, per-epoch evaluation,
// cancel between batches, and a hard stop on a non-finite loss.
#include "core/ml/trainer.h"
#include "core/ml/jsonwriter.h"
#include "core/ml/models.h"
#include "core/ml/runtime.h"

#include <torch/cuda.h>
#include <torch/nn/functional/activation.h>
#include <torch/optim/adamw.h>
#include <torch/utils.h>

#include <algorithm>
#include <sstream>
#include <chrono>
#include <cmath>
#include <numeric>
#include <random>

// OpenBLAS (Debian's LibTorch does its matmuls through it) keeps its own thread pool,
// which at::set_num_threads does not size; its idle threads spin in sched_yield. Weak, so
// that a LibTorch on another BLAS (MKL, a GPU node's build) simply lacks it.

namespace hyper::ml {

namespace {

/** Rows per micro-batch of a dense-only model on the CPU (see the training loop): small
 *  enough that a cancel lands within a second on a quiet 2-core box (~0.35 s a micro-batch
 *  for the default transformer), large enough to keep most of the batching speed. */
constexpr std::size_t kCpuMicroBatch = 4;

std::string formatNumber(double v)
{
    std::ostringstream out;
    out << v;
    return out.str();
}


using Clock = std::chrono::steady_clock;

double secondsSince(Clock::time_point t0)
{
    return std::chrono::duration<double>(Clock::now() - t0).count();
}

SectionScores evaluate(RewardModelImpl &model, const TokenizedPairs &eval, const torch::Device &device)
{
    const SectionScores s = evaluateModel(model, eval, device);
    model.train();
    return s;
}

/** Fisher-Yates with our own index draw, so a seed gives the same order with every
 *  standard library (std::shuffle's algorithm is unspecified). */
void shuffle(std::vector<std::int64_t> &v, std::mt19937_64 &rng)
{
    for (std::size_t i = v.size(); i > 1; --i)
        std::swap(v[i - 1], v[std::size_t(rng() % i)]);
}

/** One row of the lazy AdamW (the arrays do not overlap); built for AVX2 too, picked at
 *  run time where the CPU has it. */
__attribute__((target_clones("avx2", "default"))) void adamwRow(float *__restrict w, float *__restrict m,
                                                                 float *__restrict v, const float *__restrict g,
                                                                 std::int64_t dim, float b1, float b2, float decay,
                                                                 float step, float vScale, float eps)
{
    for (std::int64_t d = 0; d < dim; ++d) {
        const float mi = m[d] = b1 * m[d] + (1 - b1) * g[d];
        const float vi = v[d] = b2 * v[d] + (1 - b2) * g[d] * g[d];
        w[d] = w[d] * decay - step * mi / (std::sqrt(vi * vScale) + eps);
    }
}

/**
 * AdamW for parameters with sparse gradients (the bag's embedding table): only the rows a
 * batch touched get their moments, weight decay and update, like PyTorch's SparseAdam
 * plus decoupled decay. A dense AdamW would rewrite all 2^18 rows every step, which is
 * most of a CPU step's time; LibTorch's AdamW refuses sparse gradients anyway.
 */
class LazyAdamW
{
public:
    /** threads: of the CPU loop; loops false: the tensor code only (the baseline). */
    LazyAdamW(const std::vector<torch::Tensor> &tables, double lr, double weightDecay, int threads, bool loops)
        : m_lr(lr), m_weightDecay(weightDecay), m_threads(threads), m_loops(loops)
    {
        for (const torch::Tensor &t : tables)
            m_state.push_back({t, torch::zeros_like(t), torch::zeros_like(t)});
    }

    void step(const std::vector<RewardModelImpl::SparseSlice> &slices)
    {
        torch::NoGradGuard noGrad;
        ++m_step;
        const double bc1 = 1.0 - std::pow(kBeta1, double(m_step));
        const double bc2 = 1.0 - std::pow(kBeta2, double(m_step));
        for (const RewardModelImpl::SparseSlice &s : slices) {
            if (!s.grad.defined())
                continue;
            State *st = nullptr;
            for (State &candidate : m_state)
                st = candidate.table.is_same(s.table) ? &candidate : st;
            if (!st)
                continue;
            if (m_loops && s.table.is_cpu() && s.table.is_contiguous() && s.grad.is_contiguous()
                && s.table.scalar_type() == torch::kFloat32) {
                stepCpu(*st, s, bc1, bc2);
                continue;
            }
            const torch::Tensor &g = s.grad;
            torch::Tensor m = st->m.index_select(0, s.rows).mul_(kBeta1).add_(g, 1.0 - kBeta1);
            torch::Tensor v = st->v.index_select(0, s.rows).mul_(kBeta2).addcmul_(g, g, 1.0 - kBeta2);
            torch::Tensor w = st->table.index_select(0, s.rows).mul_(1.0 - m_lr * m_weightDecay);
            w.addcdiv_(m, (v / bc2).sqrt_().add_(kEps), -m_lr / bc1);
            st->m.index_copy_(0, s.rows, m);
            st->v.index_copy_(0, s.rows, v);
            st->table.index_copy_(0, s.rows, w);
        }
    }

private:
    // AdamW's defaults (torch.optim.AdamW).
    static constexpr double kBeta1 = 0.9;
    static constexpr double kBeta2 = 0.999;
    static constexpr double kEps = 1e-8;
    struct State {
        torch::Tensor table, m, v;
    };

    /** The same update as the tensor code above, as one loop over the touched rows. */
    void stepCpu(State &st, const RewardModelImpl::SparseSlice &s, double bc1, double bc2)
    {
        const std::int64_t dim = st.table.size(1);
        const std::int64_t *rows = s.rows.data_ptr<std::int64_t>();
        const float *g = s.grad.data_ptr<float>();
        float *w = st.table.data_ptr<float>(), *m = st.m.data_ptr<float>(), *v = st.v.data_ptr<float>();
        const float b1 = float(kBeta1), b2 = float(kBeta2), decay = float(1.0 - m_lr * m_weightDecay);
        const float step = float(m_lr / bc1), vScale = float(1.0 / bc2), eps = float(kEps);
        parallelRanges(s.rows.numel(), m_threads, 4096, [&](std::int64_t first, std::int64_t last) {
            for (std::int64_t i = first; i < last; ++i) {
                const std::int64_t at = rows[i] * dim;
                adamwRow(w + at, m + at, v + at, g + i * dim, dim, b1, b2, decay, step, vScale, eps);
            }
        });
    }
    std::vector<State> m_state;
    double m_lr, m_weightDecay;
    int m_threads = 1;
    bool m_loops = true;
    std::int64_t m_step = 0;
};

} // namespace

std::string resolveDevice(const std::string &requested)
{
    const bool cuda = torch::cuda::is_available();
    if (requested == "cuda" && !cuda)
        throw TrainError("--device cuda: this LibTorch build has no usable CUDA device "
                         "(use --device auto or cpu)");
    if (requested == "cpu")
        return "cpu";
    return cuda ? "cuda" : "cpu";
}

TrainResult trainBundle(const Bundle &bundle, const TrainCallbacks &callbacks, bool keepWeights)
{
    const TrainConfig &config = bundle.config;
    config.validate();
    if (bundle.train.size() == 0)
        throw TrainError("no training pairs: the mix gives no train instance a usable "
                         "(non-tie) label");
    if (bundle.eval.size() == 0)
        throw TrainError("no evaluation pairs: the eval split has no labelled (non-tie) instance");

    const auto t0 = Clock::now();
    // The bag's kernels are small: on CPU, OpenMP's fork/join and spin-waiting cost more
    // than a second thread gains, catastrophically so on a loaded machine (measured on the
    // 2-core box, 5.6k pairs x 4 epochs: 1 thread 9.6 s, 2 threads 86 s at load 4.4).
    int threads = config.threads;
    if (threads <= 0 && config.model == "bag")
        threads = 1;
    threads = configureThreads(threads, threads);
    // Grad mode is thread-local: a GUI worker thread starts with its own default.
    torch::AutoGradMode gradMode(/*enabled=*/true);
    TrainResult result;
    result.trainPairs = bundle.train.size();
    result.evalPairs = bundle.eval.size();
    result.device = resolveDevice(config.device);
    const torch::Device device(result.device == "cuda" ? torch::kCUDA : torch::kCPU);

    torch::manual_seed(config.seed);
    std::shared_ptr<RewardModelImpl> model = makeRewardModel(config);
    model->to(device);
    model->train();
    for (const torch::Tensor &p : model->parameters())
        result.parameters += p.numel();
    const std::vector<torch::Tensor> sparse = model->sparseTables();
    std::vector<torch::Tensor> dense;
    for (const torch::Tensor &p : model->parameters()) {
        if (std::none_of(sparse.begin(), sparse.end(), [&](const torch::Tensor &s) { return s.is_same(p); }))
            dense.push_back(p);
    }
    torch::optim::AdamW optimizer(dense, torch::optim::AdamWOptions(config.lr).weight_decay(config.weightDecay));
    // The bag's own CPU kernels (pooling, its gradient, the lazy AdamW) run on plain
    // threads, one per core unless config.threads says otherwise; LibTorch's pool stays
    // at `threads` (see above). A collect gives each of its workers one.
    const int kernelThreads = config.threads > 0 ? config.threads : usableCpus();
    auto *bag = dynamic_cast<BagRewardModelImpl *>(model.get());
    if (bag)
        bag->setKernelThreads(kernelThreads);
    LazyAdamW sparseOptimizer(sparse, config.lr, config.weightDecay, kernelThreads, /*loops=*/!(bag && bag->baseline()));

    std::mt19937_64 rng(config.seed);
    std::vector<std::int64_t> order(bundle.train.size());
    std::iota(order.begin(), order.end(), 0);
    const std::size_t batch = std::size_t(config.batchSize);
    const int steps = int((order.size() + batch - 1) / batch);
    std::vector<std::int64_t> rows;
    std::vector<float> margins;

    for (int epoch = 1; epoch <= config.epochs; ++epoch) {
        shuffle(order, rng);
        double lossSum = 0;
        for (int step = 1; step <= steps; ++step) {
            if (callbacks.canceled && callbacks.canceled()) {
                result.status = TrainResult::Status::Canceled;
                result.seconds = secondsSince(t0);
                return result;
            }
            const std::size_t begin = std::size_t(step - 1) * batch;
            rows.assign(order.begin() + std::ptrdiff_t(begin),
                        order.begin() + std::ptrdiff_t(std::min(order.size(), begin + batch)));
            // Dense-only models on the CPU (the transformer: seconds a batch) accumulate
            // the batch's gradient over micro-batches and look at cancel between them, so a
            // cancel lands within a fraction of a second. The gradient is the batch's mean
            // either way. The bag model's lazy sparse update needs the whole batch at once.
            const bool split = sparse.empty() && device.is_cpu();
            const std::size_t micro = split ? std::min<std::size_t>(kCpuMicroBatch, rows.size()) : rows.size();
            optimizer.zero_grad();
            double value = 0;
            for (std::size_t m = 0; m < rows.size(); m += micro) {
                if (m > 0 && callbacks.canceled && callbacks.canceled()) {
                    result.status = TrainResult::Status::Canceled;
                    result.seconds = secondsSince(t0);
                    return result;
                }
                const std::vector<std::int64_t> part(rows.begin() + std::ptrdiff_t(m),
                                                     rows.begin() + std::ptrdiff_t(std::min(rows.size(), m + micro)));
                auto [chosen, rejected] = model->score(bundle.train, part, device);
                torch::Tensor diff = chosen - rejected;
                if (config.useMargin) {
                    margins.clear();
                    for (std::int64_t r : part)
                        margins.push_back(bundle.train.margin[std::size_t(r)]);
                    diff = diff - torch::tensor(margins, torch::kFloat32).to(device);
                }
                // Bradley-Terry: -log sigmoid(r(chosen) - r(rejected) [- margin]), as a
                // share of the batch mean.
                const torch::Tensor loss =
                    -torch::nn::functional::logsigmoid(diff).sum() / double(rows.size());
                value += loss.item<double>();
                if (!std::isfinite(value))
                    throw TrainError("training diverged: the loss became " + std::string(std::isnan(value) ? "NaN" : "infinite")
                                     + " at epoch " + std::to_string(epoch) + ", step " + std::to_string(step)
                                     + " (learning rate " + formatNumber(config.lr) + " is probably too high)");
                loss.backward();
            }
            optimizer.step();
            sparseOptimizer.step(model->lastSlices());
            lossSum += value;
            if (callbacks.onProgress) {
                EpochStats s;
                s.epoch = epoch;
                s.epochs = config.epochs;
                s.step = step;
                s.steps = steps;
                s.loss = value;
                s.seconds = secondsSince(t0);
                callbacks.onProgress(s);
            }
        }
        EpochStats s;
        s.epoch = epoch;
        s.epochs = config.epochs;
        s.step = steps;
        s.steps = steps;
        s.loss = lossSum / steps;
        s.epochEnd = true;
        if (config.evalEachEpoch || epoch == config.epochs) {
            result.scores = evaluate(*model, bundle.eval, device);
            s.evalAccuracy = result.scores.overall;
        }
        s.seconds = secondsSince(t0);
        result.epochs.push_back(s);
        if (callbacks.onProgress)
            callbacks.onProgress(s);
    }
    result.seconds = secondsSince(t0);
    if (keepWeights)
        result.weights = exportWeights(*model);
    return result;
}

std::string metricsJson(const TrainResult &r)
{
    JsonWriter w;
    w.beginObject();
    w.key("status").value(r.status == TrainResult::Status::Done ? "done" : "canceled");
    w.key("overall").value(r.scores.overall);
    w.key("sections").beginObject();
    for (const auto &[name, acc] : r.scores.sections)
        w.key(name).value(acc);
    w.endObject();
    w.key("subsets").beginObject();
    for (const auto &[name, acc] : r.scores.subsets)
        w.key(name).value(acc);
    w.endObject();
    w.key("train_pairs").value(std::int64_t(r.trainPairs));
    w.key("eval_pairs").value(std::int64_t(r.evalPairs));
    w.key("seconds").value(r.seconds);
    w.key("device").value(r.device);
    w.key("parameters").value(r.parameters);
    w.key("epochs").beginArray();
    for (const EpochStats &e : r.epochs) {
        w.beginObject();
        w.key("epoch").value(std::int64_t(e.epoch));
        w.key("loss").value(e.loss);
        if (e.evalAccuracy >= 0)
            w.key("eval_accuracy").value(e.evalAccuracy);
        w.key("seconds").value(e.seconds);
        w.endObject();
    }
    w.endArray();
    w.endObject();
    return w.str();
}

} // namespace hyper::ml
