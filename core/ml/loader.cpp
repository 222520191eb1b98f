// SPDX-License-Identifier: GPL-3.0-or-later
// The program side of the ML module (mlmodule.h): finds and loads libhyper-ml.so on first
// use and forwards the engine's LibTorch functions to it. Linked into every program in
// place of the LibTorch sources, which are compiled into the module only.
#include "core/ml/leastsquares.h"
#include "core/ml/mlmodule.h"
#include "core/ml/moduleapi.h"
#include "core/ml/scorer.h"

#include <atomic>
#include <cstdlib>
#include <dlfcn.h>
#include <filesystem>
#include <mutex>
#include <thread>
#include <cstdio>

namespace hyper::ml {
namespace {

std::mutex loadMutex;
std::atomic<const MlModuleApi *> loadedApi{nullptr};
std::string loadedPath;

// configureThreads() before the module is loaded is kept and applied when it loads.
bool threadsRequested = false;
int requestedBlasThreads = 0;
int requestedIntraOpThreads = 1;

std::filesystem::path programDir()
{
    std::error_code error;
    const std::filesystem::path exe = std::filesystem::read_symlink("/proc/self/exe", error);
    return error ? std::filesystem::path() : exe.parent_path();
}

const MlModuleApi &api()
{
    if (const MlModuleApi *a = loadedApi.load(std::memory_order_acquire))
        return *a;
    loadMlModule();
    return *loadedApi.load(std::memory_order_acquire);
}

} // namespace

std::vector<std::string> mlModuleCandidates()
{
    if (const char *env = std::getenv("HYPER_ML_MODULE"); env && *env)
        return {env};
    std::vector<std::string> files;
    if (const std::filesystem::path dir = programDir(); !dir.empty())
        files.push_back((dir / HYPER_ML_MODULE_FROM_BIN).lexically_normal().string());
#ifdef HYPER_ML_MODULE_BUILD_PATH
    files.push_back(HYPER_ML_MODULE_BUILD_PATH);
#endif
    return files;
}

void loadMlModule()
{
    if (loadedApi.load(std::memory_order_acquire))
        return;
    const std::lock_guard lock(loadMutex);
    if (loadedApi.load(std::memory_order_acquire))
        return;
    const std::vector<std::string> files = mlModuleCandidates();
    std::string file;
    for (const std::string &f : files) {
        std::error_code error;
        if (std::filesystem::exists(f, error)) {
            // A name without a slash would make dlopen search the library path instead.
            file = std::filesystem::absolute(f, error).string();
            break;
        }
    }
    if (file.empty()) {
        std::string list;
        for (const std::string &f : files)
            list += (list.empty() ? "" : ", ") + f;
        throw MlModuleError("the ML module (LibTorch) is not installed: " + (list.empty() ? "no file to try" : list)
                            + (files.size() == 1 ? " does not exist" : ": none of these exists"));
    }
    void *handle = dlopen(file.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!handle) {
        const char *why = dlerror();
        throw MlModuleError("cannot load the ML module " + file + ": " + (why ? why : "unknown reason"));
    }
    using Entry = const MlModuleApi *(*)();
    const auto entry = reinterpret_cast<Entry>(dlsym(handle, kMlModuleEntry));
    // A handle is never closed, also not on the errors below: the library's static
    // initializers (LibTorch's among them) have run and do not survive a dlclose.
    if (!entry) {
        throw MlModuleError("cannot load the ML module " + file + ": it is not a HyPER ML module (no "
                            + std::string(kMlModuleEntry) + ")");
    }
    const MlModuleApi *a = entry();
    if (!a || a->abi != kMlModuleAbi || std::string(a->version ? a->version : "") != HYPER_VERSION) {
        const std::string theirs = a ? std::string(a->version ? a->version : "?") + " (module ABI "
                                           + std::to_string(a->abi) + ")"
                                     : "an unknown version";
        throw MlModuleError("cannot use the ML module " + file + ": it was built for HyPER " + theirs
                            + ", this program is " + HYPER_VERSION + " (module ABI " + std::to_string(kMlModuleAbi)
                            + ")");
    }
    if (threadsRequested)
        a->configureThreads(requestedBlasThreads, requestedIntraOpThreads);
    loadedPath = file;
    loadedApi.store(a, std::memory_order_release);
}

bool mlModuleLoaded()
{
    return loadedApi.load(std::memory_order_acquire) != nullptr;
}

std::string mlModulePath()
{
    // loadedPath is written once, before loadedApi is published.
    return loadedApi.load(std::memory_order_acquire) ? loadedPath : std::string();
}

bool gpuDriverPresent()
{
    std::error_code error;
    return std::filesystem::exists("/proc/driver/nvidia/version", error);
}

// ---- trainer.h ------------------------------------------------------------------------

TrainResult trainBundle(const Bundle &bundle, const TrainCallbacks &callbacks, bool keepWeights)
{
    return api().trainBundle(bundle, callbacks, keepWeights);
}

std::string resolveDevice(const std::string &requested)
{
    return api().resolveDevice(requested);
}

std::string metricsJson(const TrainResult &result)
{
    return api().metricsJson(result);
}

// ---- runtime.h ------------------------------------------------------------------------

RuntimeInfo runtimeInfo()
{
    return api().runtimeInfo();
}

int configureThreads(int blasThreads, int intraOpThreads)
{
    if (const char *preload = std::getenv("HYPER_ML_PRELOAD"); preload && *preload && *preload != '0') {
        try {
            loadMlModule(); // the baseline of `hyper bench startup`: LibTorch mapped at start
        } catch (const MlModuleError &e) {
            std::fprintf(stderr, "warning: HYPER_ML_PRELOAD: %s\n", e.what()); // a job that needs it says so again
        }
    }
    {
        const std::lock_guard lock(loadMutex);
        if (!loadedApi.load(std::memory_order_acquire)) {
            threadsRequested = true;
            requestedBlasThreads = blasThreads;
            requestedIntraOpThreads = intraOpThreads;
            // What the module will set (runtime.cpp): <= 0 is one per hardware thread.
            return intraOpThreads > 0 ? intraOpThreads : int(std::max(1u, std::thread::hardware_concurrency()));
        }
    }
    return api().configureThreads(blasThreads, intraOpThreads);
}

SingleThreadedBlas::SingleThreadedBlas()
{
    api().enterSingleThreadedBlas();
}

SingleThreadedBlas::~SingleThreadedBlas()
{
    api().leaveSingleThreadedBlas();
}

// ---- leastsquares.h -------------------------------------------------------------------

double leastSquaresRcond(int n, int p)
{
    return api().leastSquaresRcond(n, p);
}

std::vector<double> solveLeastSquares(const std::vector<double> &X, int n, int p, const std::vector<double> &y,
                                      double ridge)
{
    return api().solveLeastSquares(X, n, p, y, ridge);
}

std::vector<std::vector<double>> ridgePath(const std::vector<double> &X, int n, int p, const std::vector<double> &y,
                                           const std::vector<double> &alphas)
{
    return api().ridgePath(X, n, p, y, alphas);
}

// ---- bundle.h -------------------------------------------------------------------------

void saveBundle(const Bundle &bundle, const std::string &path)
{
    api().saveBundle(bundle, path);
}

Bundle loadBundle(const std::string &path)
{
    return api().loadBundle(path);
}

// ---- scorer.h -------------------------------------------------------------------------

struct RewardScorer::Impl {
    std::unique_ptr<ScorerBackend> backend;
};

RewardScorer::RewardScorer(const std::string &path, const std::string &device, int threads)
    : d(std::make_unique<Impl>())
{
    d->backend = api().openScorer(path, device, threads);
}

RewardScorer::~RewardScorer() = default;

const ModelFile &RewardScorer::file() const
{
    return d->backend->file();
}

const std::string &RewardScorer::device() const
{
    return d->backend->device();
}

void RewardScorer::score(const TokenizedPairs &pairs, std::vector<float> &a, std::vector<float> &b)
{
    d->backend->score(pairs, a, b);
}

void RewardScorer::score(const std::vector<PairText> &pairs, std::vector<float> &a, std::vector<float> &b)
{
    score(tokenizePairs(pairs, d->backend->file().config), a, b);
}

SectionScores RewardScorer::evaluate(const TokenizedPairs &pairs)
{
    return d->backend->evaluate(pairs);
}

SectionScores RewardScorer::evaluate(const std::vector<PairText> &pairs)
{
    return evaluate(tokenizePairs(pairs, d->backend->file().config));
}

} // namespace hyper::ml
