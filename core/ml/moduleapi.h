// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// The table of functions libhyper-ml.so hands to the loader (mlmodule.h). Both sides are
// built from the same sources by the same compiler in one build, so the table passes C++
// types; kMlModuleAbi and the version string guard against a module of another build.
#include "core/ml/bundle.h"
#include "core/ml/modelfile.h"
#include "core/ml/runtime.h"
#include "core/ml/sections.h"
#include "core/ml/trainer.h"

#include <memory>
#include <string>
#include <vector>

namespace hyper::ml {

/** Raise when the table below or a type it passes changes. */
inline constexpr int kMlModuleAbi = 1;

/** A loaded reward model (RewardScorer's engine). */
class ScorerBackend
{
public:
    virtual ~ScorerBackend() = default;
    virtual const ModelFile &file() const = 0;
    virtual const std::string &device() const = 0;
    virtual void score(const TokenizedPairs &pairs, std::vector<float> &a, std::vector<float> &b) = 0;
    virtual SectionScores evaluate(const TokenizedPairs &pairs) = 0;
};

struct MlModuleApi {
    int abi = 0;
    const char *version = nullptr;
    TrainResult (*trainBundle)(const Bundle &, const TrainCallbacks &, bool) = nullptr;
    std::string (*resolveDevice)(const std::string &) = nullptr;
    std::string (*metricsJson)(const TrainResult &) = nullptr;
    RuntimeInfo (*runtimeInfo)() = nullptr;
    int (*configureThreads)(int, int) = nullptr;
    void (*enterSingleThreadedBlas)() = nullptr;
    void (*leaveSingleThreadedBlas)() = nullptr;
    double (*leastSquaresRcond)(int, int) = nullptr;
    std::vector<double> (*solveLeastSquares)(const std::vector<double> &, int, int, const std::vector<double> &,
                                             double) = nullptr;
    std::vector<std::vector<double>> (*ridgePath)(const std::vector<double> &, int, int, const std::vector<double> &,
                                                  const std::vector<double> &) = nullptr;
    void (*saveBundle)(const Bundle &, const std::string &) = nullptr;
    Bundle (*loadBundle)(const std::string &) = nullptr;
    /** Throws as RewardScorer's constructor. */
    std::unique_ptr<ScorerBackend> (*openScorer)(const std::string &path, const std::string &device,
                                                 int threads) = nullptr;
};

/** Implemented in runtime.cpp (module side): the scope count behind SingleThreadedBlas,
 *  whose constructor and destructor (loader.cpp) call them through the table. */
void enterSingleThreadedBlasScope();
void leaveSingleThreadedBlasScope();

} // namespace hyper::ml

/** The module's one exported symbol. */
extern "C" const hyper::ml::MlModuleApi *hyper_ml_module_api();
inline constexpr const char *kMlModuleEntry = "hyper_ml_module_api";
