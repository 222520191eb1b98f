// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/ml/runtime.h"
#include "core/ml/moduleapi.h"

#include <ATen/Parallel.h>
#include <mutex>
#include <thread>
#include <torch/cuda.h>
#include <torch/version.h>

extern "C" void openblas_set_num_threads(int) __attribute__((weak));
extern "C" int openblas_get_num_threads(void) __attribute__((weak));

namespace hyper::ml {

RuntimeInfo runtimeInfo()
{
    RuntimeInfo info;
    info.torchVersion = TORCH_VERSION;
    info.cudaAvailable = torch::cuda::is_available();
    info.cudaDevices = info.cudaAvailable ? int(torch::cuda::device_count()) : 0;
    info.intraOpThreads = at::get_num_threads();
    return info;
}

int configureThreads(int blasThreads, int intraOpThreads)
{
    const int cores = int(std::max(1u, std::thread::hardware_concurrency()));
    at::set_num_threads(intraOpThreads <= 0 ? cores : intraOpThreads);
    if (openblas_set_num_threads)
        openblas_set_num_threads(blasThreads <= 0 ? cores : blasThreads);
    return at::get_num_threads();
}

namespace {
std::mutex blasScopeMutex;
int blasScopes = 0;
int blasThreadsBefore = 0;
} // namespace

void enterSingleThreadedBlasScope()
{
    const std::lock_guard lock(blasScopeMutex);
    if (blasScopes++ == 0 && openblas_set_num_threads && openblas_get_num_threads) {
        blasThreadsBefore = openblas_get_num_threads();
        openblas_set_num_threads(1);
    }
}

void leaveSingleThreadedBlasScope()
{
    const std::lock_guard lock(blasScopeMutex);
    if (--blasScopes == 0 && openblas_set_num_threads && blasThreadsBefore > 0)
        openblas_set_num_threads(blasThreadsBefore);
}

} // namespace hyper::ml
