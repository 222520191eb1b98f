// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QtGlobal>
#include <cstdint>

namespace hyper {

class Feedback;

/** Figures of one feature-computation measurement on synthetic pairs. */
struct FeatureBenchFigures {
    qint64 instances = 0;
    int threads = 0;
    double textMegabytes = 0;   // UTF-8 bytes of prompts and responses
    double seconds = 0;         // encoder fit + nine scores + binning (no store I/O)
    double instancesPerSecond = 0;
};

/** Computes all lexical features of n synth::makePairs instances (~bytesPerPair bytes
 *  of text each) in memory with `threads` threads (0: all cores). */
FeatureBenchFigures benchLexicalFeatures(qint64 n, int threads, std::uint64_t seed, int bytesPerPair,
                                         Feedback &feedback);

} // namespace hyper
