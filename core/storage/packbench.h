// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>

namespace hyper {

/** What `hyper bench packs` measured (docs/BENCHMARKS.md, "Annotator packs"). */
struct PackBenchResult {
    qint64 instances = 0;     // train instances, all routed to humans
    int annotators = 0;
    int overlap = 0;
    double buildSeconds = 0;  // writing the synthetic project (not a figure)
    double exportSeconds = 0; // packs::exportPacks: plan, pack files, record
    qint64 assignments = 0;   // instance-assignments over all packs
    qint64 packBytesMin = 0, packBytesMax = 0, packBytesTotal = 0;
    qint64 projectBytes = 0;
    qint64 labels = 0;        // labels made in the packs (one per assigned instance)
    double mergeSeconds = 0;  // packs::merge of every pack, all new
    double remergeSeconds = 0; // the same again: every label already there
};

/**
 * Builds a project of `instances` synthetic train pairs (~1.5 KB of text each) in `dir`,
 * routes all to humans, exports packs for `annotators` annotators with overlap k, labels
 * every instance of every pack (one transaction per pack), then merges them all and again.
 * Throws StoreError.
 */
PackBenchResult runPackBench(const QString &dir, qint64 instances, int annotators, int overlap);

} // namespace hyper
