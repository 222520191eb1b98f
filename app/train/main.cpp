// SPDX-License-Identifier: GPL-3.0-or-later
// hyper-train: the Qt-free trainer. Links hyper_ml only, so it builds on a GPU node
// against any LibTorch (-DHYPER_ML_ONLY=ON -DTorch_DIR=...). It runs one training bundle
// written by `hyper train-rm --bundle-out` and writes the metrics as JSON (and the model,
// with --model-out), or scores a bundle with a saved model (--model --eval).
#include "core/ml/bundle.h"
#include "core/ml/job.h"
#include "core/ml/mlmodule.h"
#include "core/ml/modelfile.h"
#include "core/ml/runtime.h"
#include "core/ml/scorer.h"
#include "core/ml/trainer.h"

#include <chrono>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>

namespace {

void printInfo()
{
    const hyper::ml::RuntimeInfo i = hyper::ml::runtimeInfo();
    std::printf("{\"torch\": \"%s\", \"cuda_available\": %s, \"cuda_devices\": %d, \"threads\": %d, "
                "\"module\": \"%s\"}\n",
                i.torchVersion.c_str(), i.cudaAvailable ? "true" : "false", i.cudaDevices, i.intraOpThreads,
                hyper::ml::mlModulePath().c_str());
}

int usage(FILE *to)
{
    std::fprintf(to, "usage: hyper-train BUNDLE --out METRICS.json [--model-out MODEL.safetensors]\n"
                     "                   [--device auto|cpu|cuda] [--quiet]\n"
                     "       hyper-train --job DIR [--task N] [--model-out MODEL.safetensors] [--device auto|cpu|cuda] [--quiet]\n"
                     "         (one task of a job folder; N from SLURM_ARRAY_TASK_ID when not given)\n"
                     "       hyper-train --model MODEL.safetensors --eval BUNDLE [--split eval|train] [--device ...]\n"
                     "         (scores a bundle's pairs with a saved model: Overall and pairs per second, as JSON)\n"
                     "       hyper-train --info   (LibTorch version, CUDA availability, threads)\n"
                     "       hyper-train --version\n");
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
    if (!std::strcmp(argv[1], "--version")) {
        std::printf("hyper-train %s\n", HYPER_VERSION);
        return 0;
    }
    if (!std::strcmp(argv[1], "--info")) {
        try {
            printInfo();
            return 0;
        } catch (const std::exception &e) {
            std::fprintf(stderr, "hyper-train: %s\n", e.what());
            return 1;
        }
    }
    std::string bundlePath, outPath, device, jobDir, task, modelOut, model, evalBundle, split = "eval";
    bool quiet = false;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        std::string *target = a == "--out"         ? &outPath
                              : a == "--device"    ? &device
                              : a == "--job"       ? &jobDir
                              : a == "--task"      ? &task
                              : a == "--model-out" ? &modelOut
                              : a == "--model"     ? &model
                              : a == "--eval"      ? &evalBundle
                              : a == "--split"     ? &split
                                                   : nullptr;
        if (target && i + 1 < argc) {
            *target = argv[++i];
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
    if (!model.empty() || !evalBundle.empty()) {
        if (model.empty() || evalBundle.empty() || (split != "eval" && split != "train")) {
            std::fprintf(stderr, "hyper-train: scoring needs --model FILE --eval BUNDLE [--split eval|train]\n");
            return 2;
        }
        try {
            hyper::ml::RewardScorer scorer(model, device.empty() ? "auto" : device);
            const hyper::ml::Bundle bundle = hyper::ml::loadBundle(evalBundle);
            const hyper::ml::TrainConfig &c = scorer.config();
            if (c.model != bundle.config.model || c.tokenizer.buckets != bundle.config.tokenizer.buckets
                || c.tokenizer.charNgram != bundle.config.tokenizer.charNgram
                || c.tokenizer.maxIds != bundle.config.tokenizer.maxIds) {
                std::fprintf(stderr, "hyper-train: %s was tokenized for another model or tokenizer than %s\n",
                             evalBundle.c_str(), model.c_str());
                return 2;
            }
            const hyper::ml::TokenizedPairs &pairs = split == "eval" ? bundle.eval : bundle.train;
            const auto t0 = std::chrono::steady_clock::now();
            const hyper::ml::SectionScores s = scorer.evaluate(pairs);
            const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
            std::printf("{\"overall\": %.17g, \"pairs\": %zu, \"seconds\": %.6f, \"pairs_per_second\": %.1f, "
                        "\"device\": \"%s\", \"model\": \"%s\"}\n",
                        s.overall, pairs.size(), seconds, seconds > 0 ? double(pairs.size()) / seconds : 0.0,
                        scorer.device().c_str(), c.model.c_str());
            return 0;
        } catch (const std::exception &e) {
            std::fprintf(stderr, "hyper-train: %s\n", e.what());
            return 1;
        }
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
        return hyper::ml::runJobTask(jobDir, int(n), device, quiet, modelOut);
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
        const hyper::ml::TrainResult result = hyper::ml::trainBundle(bundle, callbacks, !modelOut.empty());
        if (!modelOut.empty())
            hyper::ml::saveTrainedModel(modelOut, bundle, result);
        const std::string json = hyper::ml::metricsJson(result) + "\n";
        std::ofstream out(outPath, std::ios::trunc);
        out << json;
        out.close();
        if (!out) {
            std::fprintf(stderr, "hyper-train: cannot write %s\n", outPath.c_str());
            return 1;
        }
        if (!quiet) {
            std::fprintf(stderr, "overall %.4f on %zu eval pairs (%s, %.1f s)\n", result.scores.overall,
                         result.evalPairs, result.device.c_str(), result.seconds);
            if (!modelOut.empty())
                std::fprintf(stderr, "model saved to %s\n", modelOut.c_str());
        }
        return 0;
    } catch (const std::exception &e) {
        std::fprintf(stderr, "hyper-train: %s\n", e.what());
        return 1;
    }
}
