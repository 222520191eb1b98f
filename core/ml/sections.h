// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Torch-free: RewardBench-style scoring (METHOD.md §6), shared by every evaluator.
#include <map>
#include <string>
#include <vector>

namespace hyper::ml {

/** One evaluated pair: its subset (category) and whether r(chosen) > r(rejected). */
struct PairOutcome {
    std::string subset;
    bool correct = false;
};

struct SectionScores {
    std::map<std::string, double> subsets;   // accuracy per subset
    std::map<std::string, double> sections;  // example-weighted mean of its subsets
    double overall = 0;                      // unweighted mean of the sections
    std::size_t pairs = 0;
};

/**
 * Scores outcomes. `sectionOf` maps a subset to its section; a subset it does not name is
 * its own section (so an eval set with its own categories is scored by the same rule).
 * Section accuracy weights each subset by its example count, which equals the accuracy
 * over all pairs of the section; Overall is the mean over sections.
 */
SectionScores scoreSections(const std::vector<PairOutcome> &outcomes,
                            const std::map<std::string, std::string> &sectionOf = {});

} // namespace hyper::ml
