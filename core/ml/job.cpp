// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/ml/job.h"
#include "core/ml/modelfile.h"

#include "core/ml/trainer.h"

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace hyper::ml {

namespace fs = std::filesystem;

TokenizedPairs assembleTaskPairs(const TokenizedPairs &instances, const std::vector<TaskChoice> &choices)
{
    auto text = [](const Ragged &r, std::int64_t i) {
        return std::vector<std::int64_t>(r.ids.begin() + r.offsets[std::size_t(i)],
                                         r.ids.begin() + r.offsets[std::size_t(i) + 1]);
    };
    TokenizedPairs t;
    t.margin.reserve(choices.size());
    t.subset.reserve(choices.size());
    for (const TaskChoice &c : choices) {
        if (c.index < 0 || std::size_t(c.index) >= instances.size())
            throw TrainError("task: instance index " + std::to_string(c.index) + " out of range");
        t.prompt.append(text(instances.prompt, c.index));
        t.chosen.append(text(c.aBetter ? instances.chosen : instances.rejected, c.index));
        t.rejected.append(text(c.aBetter ? instances.rejected : instances.chosen, c.index));
        t.margin.push_back(c.margin);
        t.subset.push_back(0);
    }
    if (!choices.empty())
        t.subsetNames.push_back(std::string()); // train pairs have subset ""
    return t;
}

void writeTaskSpec(const TaskSpec &spec, const std::string &path)
{
    std::ofstream out(path, std::ios::trunc);
    out << "hyper-task " << TaskSpec::kFormatVersion << "\n"
        << "task " << spec.task << "\nseed " << spec.seed << "\nbudget " << spec.budget << "\nsize " << spec.size
        << "\nchoices " << spec.choices.size() << "\n";
    char line[64];
    for (const TaskChoice &c : spec.choices) {
        std::snprintf(line, sizeof line, "%lld %c %.9g\n", static_cast<long long>(c.index), c.aBetter ? 'A' : 'B',
                      double(c.margin));
        out << line;
    }
    out.close();
    if (!out)
        throw TrainError("cannot write " + path);
}

TaskSpec readTaskSpec(const std::string &path)
{
    std::ifstream in(path);
    if (!in)
        throw TrainError("cannot open " + path);
    TaskSpec spec;
    std::string line;
    int lineNo = 0;
    auto bad = [&](const std::string &what) { return TrainError(path + ":" + std::to_string(lineNo) + ": " + what); };
    auto next = [&](const char *key) {
        ++lineNo;
        if (!std::getline(in, line))
            throw bad(std::string("truncated: expected '") + key + "'");
        std::istringstream s(line);
        std::string k;
        long long v = 0;
        if (!(s >> k >> v) || k != key)
            throw bad(std::string("expected '") + key + " N', got '" + line + "'");
        return v;
    };
    if (next("hyper-task") != TaskSpec::kFormatVersion)
        throw bad("unknown task format version (this hyper-train reads 1)");
    spec.task = int(next("task"));
    {
        ++lineNo;
        std::getline(in, line);
        std::istringstream s(line);
        std::string k;
        if (!(s >> k >> spec.seed) || k != "seed")
            throw bad("expected 'seed N'");
    }
    spec.budget = next("budget");
    spec.size = next("size");
    const long long n = next("choices");
    if (n < 0)
        throw bad("negative choice count");
    spec.choices.reserve(std::size_t(n));
    for (long long i = 0; i < n; ++i) {
        ++lineNo;
        if (!std::getline(in, line))
            throw bad("truncated: " + std::to_string(n - i) + " choices missing");
        std::istringstream s(line);
        TaskChoice c;
        long long index = 0;
        char side = 0;
        double margin = 0;
        if (!(s >> index >> side >> margin) || (side != 'A' && side != 'B'))
            throw bad("expected 'INDEX A|B MARGIN', got '" + line + "'");
        c.index = index;
        c.aBetter = side == 'A';
        c.margin = float(margin);
        spec.choices.push_back(c);
    }
    return spec;
}

namespace {

/** Writes text to path atomically: a temporary file beside it, then rename. */
void writeAtomically(const fs::path &path, const std::string &text)
{
    const fs::path temp = path.string() + ".tmp";
    {
        std::ofstream out(temp, std::ios::trunc);
        out << text;
        out.close();
        if (!out)
            throw TrainError("cannot write " + temp.string());
    }
    fs::rename(temp, path);
}

} // namespace

int runJobTask(const std::string &dirName, int task, const std::string &device, bool quiet,
               const std::string &modelOut)
{
    const fs::path dir(dirName);
    const fs::path results = dir / "results";
    const fs::path result = results / (std::to_string(task) + ".json");
    const fs::path error = results / (std::to_string(task) + ".error");
    if (fs::exists(result)) {
        if (!quiet)
            std::fprintf(stderr, "hyper-train: task %d is done already (%s)\n", task, result.c_str());
        return 0;
    }
    TaskSpec spec;
    Bundle bundle;
    const auto loadStart = std::chrono::steady_clock::now();
    try {
        if (!fs::exists(dir / "data.bundle"))
            throw TrainError(dirName + " is not a job folder (no data.bundle)");
        spec = readTaskSpec((dir / "tasks" / (std::to_string(task) + ".txt")).string());
        if (spec.task != task)
            throw TrainError("task file " + std::to_string(task) + " says task " + std::to_string(spec.task));
        bundle = loadBundle((dir / "data.bundle").string());
        bundle.train = assembleTaskPairs(bundle.train, spec.choices);
        bundle.config.seed = spec.seed;
        if (!device.empty())
            bundle.config.device = device;
    } catch (const std::exception &e) {
        std::fprintf(stderr, "hyper-train: %s\n", e.what());
        return 2;
    }
    // The per-task overhead: reading the shared data and the mix, assembling the pairs.
    const double loadSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - loadStart).count();
    fs::create_directories(results);
    try {
        TrainCallbacks callbacks;
        if (!quiet)
            callbacks.onProgress = [task](const EpochStats &s) {
                if (s.epochEnd)
                    std::fprintf(stderr, "task %d: epoch %d/%d loss %.4f\n", task, s.epoch, s.epochs, s.loss);
            };
        const TrainResult r = trainBundle(bundle, callbacks, /*keepWeights=*/!modelOut.empty());
        if (!modelOut.empty())
            saveTrainedModel(modelOut, bundle, r, {{"job_task", std::to_string(task)}});
        std::string json = metricsJson(r);
        // The task's identity, for the import's checks.
        char score[40];
        std::snprintf(score, sizeof score, "%.17g", r.scores.overall); // exact: the PPM row's score
        json.insert(json.size() - 1, ",\"score\":" + std::string(score) + ",\"load_seconds\":" + std::to_string(loadSeconds)
                                         + ",\"task\":" + std::to_string(task)
                                         + ",\"seed\":" + std::to_string(spec.seed)
                                         + ",\"budget\":" + std::to_string(spec.budget)
                                         + ",\"size\":" + std::to_string(spec.size));
        writeAtomically(result, json + "\n");
        fs::remove(error);
        if (!quiet)
            std::fprintf(stderr, "task %d: overall %.4f on %zu eval pairs (%s, %.1f s)\n", task, r.scores.overall,
                         r.evalPairs, r.device.c_str(), r.seconds);
        return 0;
    } catch (const std::exception &e) {
        std::fprintf(stderr, "hyper-train: task %d failed: %s\n", task, e.what());
        try {
            writeAtomically(error, std::string(e.what()) + "\n");
        } catch (const std::exception &) {
        }
        return 1;
    }
}

} // namespace hyper::ml
