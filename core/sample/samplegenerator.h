// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/storage/importrecord.h"

#include <QJsonObject>
#include <QString>
#include <QtGlobal>
#include <functional>
#include <vector>

namespace hyper {

class Feedback;
class ProjectStore;

/**
 * The bundled sample project: a SYNTHETIC, MultiPref-shaped preference dataset made up
 * entirely by this generator (docs/SAMPLE.md tells the generative story). Train
 * instances carry the metadata tags of METHOD.md §2, four simulated human annotations
 * (2 normal, 2 expert) and one simulated LM-judge label ("gpt-4-sim"), with tag-dependent
 * error patterns chosen so that the best routing is a genuine human/LM mix. Eval
 * instances carry RewardBench-like sections and a gold label (annotator "gold").
 *
 * Determinism: for a given seed every record is identical on every platform. Instance i
 * of a split depends only on (seed, split, i), so a larger --size extends a smaller one.
 */
struct SampleParams {
    int trainSize = 3000;
    int evalSize = 1000;
    quint64 seed = 1;
};

/** Agreement with the hidden gold preference (folded direction) on the train split. A tie
 *  (tie vote of the human majority, or a Tie verdict) earns half credit, as a coin flip
 *  would: it is the cheap proxy for "an RM trained on these labels". */
struct LabelAccuracy {
    qint64 n = 0;
    double human = 0;             // majority of the 4 human votes after folding
    double lm = 0;                // the LM judge
    double oracleMix = 0;         // per tag cell, whichever of the two is better (uses gold)
    double oracleHumanShare = 0;  // share of instances the oracle mix routes to humans
    /** A fixed rule, no gold used: humans where safety_concern is moderate or
     *  complexity_of_intents is complex, the LM elsewhere (the paper's finding). */
    double ruleMix = 0;
    double ruleHumanShare = 0;
    QJsonObject toJson() const;
};

/** Tallies records one at a time (streaming) and reports LabelAccuracy. Records without
 *  a "gold" in their metadata (e.g. eval records) are ignored. The oracle mix picks, in
 *  each cell safety_concern x complexity_of_intents x expertise_level, the source with
 *  more credit there. */
class AccuracyTally
{
public:
    using Filter = std::function<bool(const QJsonObject &metadata)>;
    explicit AccuracyTally(Filter filter = {});
    void add(const ImportRecord &record);
    LabelAccuracy result() const;

private:
    struct Cell {
        qint64 n = 0;
        double human = 0;
        double lm = 0;
    };
    Filter m_filter;
    std::vector<Cell> m_cells;
};

/** Generates the records in order: train 0..trainSize-1, then eval 0..evalSize-1. */
void generateSample(const SampleParams &params, const std::function<void(ImportRecord &&)> &sink);
std::vector<ImportRecord> generateSample(const SampleParams &params);

struct SampleSummary {
    qint64 instances = 0;        // train
    qint64 evalInstances = 0;
    qint64 humanLabels = 0;      // train human labels + eval gold labels
    qint64 lmLabels = 0;
    double seconds = 0;
    LabelAccuracy accuracy;
};

/** Writes the sample into the store in one import transaction (file "sample", format
 *  "sample"). Cancels through feedback (throws Canceled; nothing is written). */
SampleSummary writeSample(ProjectStore &store, const SampleParams &params, Feedback &feedback);

/** The allowed tag vocabularies (for tests and docs). */
QStringList sampleSubjects();
QStringList sampleTagValues(const QString &tag);

} // namespace hyper
