// SPDX-License-Identifier: GPL-3.0-or-later
// The entry point of libhyper-ml.so: the table of the LibTorch functions (moduleapi.h).
// Everything else in the module is hidden (CXX_VISIBILITY_PRESET hidden).
#include "core/ml/leastsquares.h"
#include "core/ml/moduleapi.h"
#include "core/ml/scorer.h"

namespace hyper::ml {
namespace {

class TorchScorer final : public ScorerBackend
{
public:
    TorchScorer(const std::string &path, const std::string &device, int threads) : m_scorer(path, device, threads) {}
    const ModelFile &file() const override { return m_scorer.file(); }
    const std::string &device() const override { return m_scorer.device(); }
    void score(const TokenizedPairs &pairs, std::vector<float> &a, std::vector<float> &b) override
    {
        m_scorer.score(pairs, a, b);
    }
    SectionScores evaluate(const TokenizedPairs &pairs) override { return m_scorer.evaluate(pairs); }

private:
    RewardScorer m_scorer;
};

MlModuleApi makeApi()
{
    MlModuleApi api;
    api.abi = kMlModuleAbi;
    api.version = HYPER_VERSION;
    api.trainBundle = &trainBundle;
    api.resolveDevice = &resolveDevice;
    api.metricsJson = &metricsJson;
    api.runtimeInfo = &runtimeInfo;
    api.configureThreads = &configureThreads;
    api.enterSingleThreadedBlas = &enterSingleThreadedBlasScope;
    api.leaveSingleThreadedBlas = &leaveSingleThreadedBlasScope;
    api.leastSquaresRcond = &leastSquaresRcond;
    api.solveLeastSquares = &solveLeastSquares;
    api.ridgePath = &ridgePath;
    api.saveBundle = &saveBundle;
    api.loadBundle = &loadBundle;
    api.openScorer = [](const std::string &path, const std::string &device, int threads) -> std::unique_ptr<ScorerBackend> {
        return std::make_unique<TorchScorer>(path, device, threads);
    };
    return api;
}

} // namespace
} // namespace hyper::ml

extern "C" __attribute__((visibility("default"))) const hyper::ml::MlModuleApi *hyper_ml_module_api()
{
    static const hyper::ml::MlModuleApi api = hyper::ml::makeApi();
    return &api;
}
