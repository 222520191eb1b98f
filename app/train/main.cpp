// hyper-train: the Qt-free trainer. Links hyper_ml only, so it builds on a GPU node
// against any LibTorch (-DHYPER_ML_ONLY=ON -DTorch_DIR=...). It runs one training bundle
// written by `hyper train-rm --bundle-out` and writes the metrics as JSON.
#include "core/ml/bundle.h"
#include "core/ml/job.h"
#include "core/ml/runtime.h"
#include "core/ml/trainer.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
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
    std::fprintf(to, "usage: hyper-train BUNDLE --out METRICS.json [--device auto|cpu|cuda] [--quiet]\n"
                     "       hyper-train --job DIR [--task N] [--device auto|cpu|cuda] [--quiet]\n"
                     "         (one task of a job folder; N from SLURM_ARRAY_TASK_ID when not given)\n"
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
    std::string bundlePath, outPath, device, jobDir, task;
    bool quiet = false;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if ((a == "--out" || a == "--device" || a == "--job" || a == "--task") && i + 1 < argc) {
            (a == "--out" ? outPath : a == "--device" ? device : a == "--job" ? jobDir : task) = argv[++i];
        } else if (a == "--quiet") {
            quiet = true;
        } else if (!a.empty() && a[0] != '-' && bundlePath.empty()) {
            bundlePath = a;
        } else {
            std::fprintf(stderr, "hyper-train: unexpected argument '%s'\n", a.c_str());
            return usage(stderr);
        }
    }
    if (!device.empty() && device != "auto" && device != "cpu" && device != "cuda") {
        std::fprintf(stderr, "hyper-train: --device must be auto, cpu or cuda\n");
        return 2;
    }
    if (!jobDir.empty()) {
        if (task.empty())
            if (const char *id = std::getenv("SLURM_ARRAY_TASK_ID"))
                task = id;
        char *end = nullptr;
        const long n = task.empty() ? -1 : std::strtol(task.c_str(), &end, 10);
        if (n < 0 || (end && *end)) {
            std::fprintf(stderr, "hyper-train: --job needs --task N or SLURM_ARRAY_TASK_ID (a task number)\n");
            return 2;
        }
        return hyper::ml::runJobTask(jobDir, int(n), device, quiet);
    }
    if (bundlePath.empty() || outPath.empty())
        return usage(stderr);
    try {
        hyper::ml::Bundle bundle = hyper::ml::loadBundle(bundlePath);
        if (!device.empty())
            bundle.config.device = device;
        hyper::ml::TrainCallbacks callbacks;
        if (!quiet) {
            callbacks.onProgress = [](const hyper::ml::EpochStats &s) {
                if (!s.epochEnd)
                    return;
                std::fprintf(stderr, "epoch %d/%d  loss %.4f", s.epoch, s.epochs, s.loss);
                if (s.evalAccuracy >= 0)
                    std::fprintf(stderr, "  eval %.4f", s.evalAccuracy);
                std::fprintf(stderr, "  %.1f s\n", s.seconds);
            };
        }
        const hyper::ml::TrainResult result = hyper::ml::trainBundle(bundle, callbacks);
        const std::string json = hyper::ml::metricsJson(result) + "\n";
        std::ofstream out(outPath, std::ios::trunc);
        out << json;
        out.close();
        if (!out) {
            std::fprintf(stderr, "hyper-train: cannot write %s\n", outPath.c_str());
            return 1;
        }
        if (!quiet)
            std::fprintf(stderr, "overall %.4f on %zu eval pairs (%s, %.1f s)\n", result.scores.overall,
                         result.evalPairs, result.device.c_str(), result.seconds);
        return 0;
    } catch (const std::exception &e) {
        std::fprintf(stderr, "hyper-train: %s\n", e.what());
        return 1;
    }
}
