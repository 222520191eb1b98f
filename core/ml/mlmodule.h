// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// The LibTorch half of the reward-model engine lives in a module, libhyper-ml.so, that is
// loaded on first use (dlopen): training, scoring, bundle files, least squares and the
// thread settings. Everything else in hyper_ml (tokenizer, bundles in memory, model files,
// jobs) and every program's start stay free of LibTorch, so `hyper info` or opening the
// workbench does not map it (docs/ARCHITECTURE.md "The ML module").
//
// The functions declared in trainer.h, scorer.h, runtime.h, leastsquares.h and
// bundle.h (saveBundle, loadBundle) load the module themselves; call loadMlModule() first
// only to report the wait or to fail early. configureThreads() (runtime.h), which every
// program calls at start, keeps its settings until the module loads; with
// HYPER_ML_PRELOAD=1 in the environment it loads the module at once (the baseline that
// `hyper bench startup` compares with).
#include "core/ml/bundle.h"

#include <string>
#include <vector>

namespace hyper::ml {

/** The module is missing, cannot be loaded (a library it needs is absent, it is not an
 *  ELF file) or was built for another version. what() names the file and the reason. */
class MlModuleError : public TrainError
{
public:
    using TrainError::TrainError;
};

/** Loads the module unless it is loaded (thread-safe). A failure is not remembered: the
 *  next call tries again. Throws MlModuleError. */
void loadMlModule();

/** Whether the module is loaded in this process. */
bool mlModuleLoaded();

/** The files tried, in order: $HYPER_ML_MODULE alone when set; else the installed
 *  location beside the program (../lib/hyper-workbench/libhyper-ml.so) and the build
 *  tree's. */
std::vector<std::string> mlModuleCandidates();

/** The file loaded; empty while none is. */
std::string mlModulePath();

/** A cheap guess, without LibTorch, whether a CUDA device may be there (an NVIDIA
 *  driver is loaded). Once the module is loaded, runtimeInfo() is the answer. */
bool gpuDriverPresent();

} // namespace hyper::ml
