#include "core/ml/runtime.h"

#include <ATen/Parallel.h>
#include <thread>
#include <torch/cuda.h>
#include <torch/version.h>

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

int configureThreads(int n)
{
    if (n <= 0)
        n = int(std::max(1u, std::thread::hardware_concurrency()));
    at::set_num_threads(n);
    return at::get_num_threads();
}

} // namespace hyper::ml
