// hyper-train: the Qt-free trainer. Links hyper_ml only, so it builds on a GPU node
// against any LibTorch (-DHYPER_ML_ONLY=ON -DTorch_DIR=...).
#include "core/ml/runtime.h"

#include <cstdio>
#include <cstring>
#include <string>

namespace {

void printInfo()
{
    const hyper::ml::RuntimeInfo i = hyper::ml::runtimeInfo();
    std::printf("{\"torch\": \"%s\", \"cuda_available\": %s, \"cuda_devices\": %d, \"threads\": %d}\n",
                i.torchVersion.c_str(), i.cudaAvailable ? "true" : "false", i.cudaDevices,
                i.intraOpThreads);
}

int usage(FILE *to)
{
    std::fprintf(to, "usage: hyper-train BUNDLE --out METRICS.json [--device auto|cpu|cuda]\n"
                     "       hyper-train --info   (LibTorch version, CUDA availability, threads)\n");
    return to == stderr ? 2 : 0;
}

} // namespace

int main(int argc, char **argv)
{
    hyper::ml::configureThreads();
    if (argc < 2)
        return usage(stderr);
    if (!std::strcmp(argv[1], "--help") || !std::strcmp(argv[1], "-h"))
        return usage(stdout);
    if (!std::strcmp(argv[1], "--info")) {
        printInfo();
        return 0;
    }
    // Training bundles are written by the reward-model engine, which is not part of this
    // build yet: say so plainly rather than pretend.
    std::fprintf(stderr, "hyper-train: %s: training bundles are not supported by this build yet "
                         "(the reward-model engine is still to come)\n", argv[1]);
    return 1;
}
