#pragma once

// Torch-free header: safe to include from Qt code.
#include <string>

namespace hyper::ml {

struct RuntimeInfo {
    std::string torchVersion;
    bool cudaAvailable = false;
    int cudaDevices = 0;
    int intraOpThreads = 0;
};

/** What the LibTorch this binary was built against offers here. */
RuntimeInfo runtimeInfo();

/** Sets LibTorch's intra-op thread count once at start-up (its default here is 1).
 *  n <= 0 means one per hardware thread. Returns the count in force. */
int configureThreads(int n = 0);

} // namespace hyper::ml
