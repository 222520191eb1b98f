// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/features/encoder.h"
#include "core/features/lexical.h"
#include "core/storage/featurestore.h"

#include <QStringList>
#include <memory>
#include <vector>

namespace hyper {

class Feedback;
class ProjectStore;

/** What computeFeatures() does. */
struct FeatureParams {
    /** Recompute even when the inputs hash says nothing changed. */
    bool force = false;
    /** Ignore raw lexical scores the rows carried (metadata columns named like the
     *  scores) and compute every score here. */
    bool recomputeImported = false;
    /** Worker threads for the per-instance work; 0: all cores. */
    int threads = 0;
    /** null: the default HashedNgramEncoder. Either is fitted on the responses first. */
    std::shared_ptr<features::Encoder> encoder;
};

struct FeatureResult {
    qint64 instances = 0;
    QStringList features;       // all feature names, in stored order
    double seconds = 0;
    bool upToDate = false;      // true: inputs unchanged, nothing was recomputed
    qint64 importedScores = 0;  // raw scores kept from the data
    qint64 taggedInstances = 0; // instances with at least one tag column
};

/** The in-memory result for a set of rows (no store involved). */
struct ComputedFeatures {
    std::vector<features::ScoreVector> scores;         // per row
    std::vector<std::array<bool, features::kScoreCount>> imported;
    std::vector<std::vector<int>> features;            // per row: indices into featureTable()
    qint64 importedScores = 0;
    qint64 taggedInstances = 0;
};

/** Scores, bins and tag features of rows. Polls feedback between batches and throws
 *  Canceled; reports progress in [progressFrom, progressTo]. */
ComputedFeatures computeFeatureRows(const std::vector<FeatureInputRow> &rows, const FeatureParams &params,
                                    Feedback &feedback, double progressFrom = 0.0, double progressTo = 1.0);

/**
 * The feature job: reads the train split, computes the nine lexical scores and the 90
 * binary features (METHOD.md §2) and replaces the project's feature tables in one
 * transaction. Does nothing when the inputs hash (texts, metadata, encoder, settings,
 * algorithm version) matches the stored one, unless params.force.
 * Synchronous; runs on the store's thread (helper threads never touch the store).
 * Throws StoreError, or Canceled (the project is left as it was).
 */
FeatureResult computeFeatures(ProjectStore &store, const FeatureParams &params, Feedback &feedback);

} // namespace hyper
