// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Torch-free: one task of a cluster job folder (docs/CLUSTER.md). `hyper ppm collect
// --slurm-dir DIR` writes DIR/data.bundle (every train instance tokenized once, as
// prompt / response A / response B "pairs", with the eval split and the proxy RM's
// config) and DIR/tasks/N.txt (one candidate's mix); `hyper-train --job DIR` runs one.
#include "core/ml/bundle.h"

#include <cstdint>
#include <string>
#include <vector>

namespace hyper::ml {

/** One labelled instance of a task's mix: instance `index` of the shared data, A
 *  preferred when aBetter, with this loss margin. */
struct TaskChoice {
    std::int64_t index = 0;
    bool aBetter = false;
    float margin = 0;
};

struct TaskSpec {
    static constexpr int kFormatVersion = 1;
    int task = 0;               // the candidate index, and the array task id
    std::uint64_t seed = 0;     // the proxy RM's seed
    std::int64_t budget = 0, size = 0;
    std::vector<TaskChoice> choices;
};

/** The train pairs of a task from the shared instance tokens (prompt = prompt, chosen =
 *  response A, rejected = response B per instance), exactly as a local collection
 *  assembles them. Throws TrainError for an index out of range. */
TokenizedPairs assembleTaskPairs(const TokenizedPairs &instances, const std::vector<TaskChoice> &choices);

/** DIR/tasks/N.txt: a text file ("hyper-task 1", key lines, then "choices C" and C lines
 *  "INDEX A|B MARGIN"). Both throw TrainError naming the file and line. */
void writeTaskSpec(const TaskSpec &spec, const std::string &path);
TaskSpec readTaskSpec(const std::string &path);

/** Runs task N of the job folder: trains and writes DIR/results/N.json atomically (a
 *  temporary file, then rename); on failure DIR/results/N.error holds the message. A
 *  task whose result exists is not run again. device "" keeps the folder's. Returns the
 *  process exit code (0 done or already done, 1 failed, 2 bad folder or task).
 *  modelOut: also save the trained model there (before the result is written, so a done
 *  task always has its model). */
int runJobTask(const std::string &dir, int task, const std::string &device, bool quiet,
               const std::string &modelOut = {});

} // namespace hyper::ml
