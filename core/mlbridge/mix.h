// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Torch-free: which label each train instance takes in a reward-model mix, turned into
// chosen/rejected pairs for hyper_ml.
#include "core/ml/bundle.h"
#include "core/storage/mixqueries.h"

#include <QString>
#include <QStringList>
#include <unordered_set>
#include <QtGlobal>
#include <stdexcept>
#include <vector>

namespace hyper {

/** The margin asked of a train pair whose votes were all "clearly" (useMargin on). */
inline constexpr float kMixClearMargin = 1.0f;

/** A malformed --mix; what() is a message fit for a user. */
struct MixError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

struct MixSpec {
    /** Subset: an explicit set of human-routed ids (humanIds), e.g. a PPM candidate; it
     *  has no text syntax (text describes it, as "candidate:DATASET/INDEX"). */
    enum class Kind { Human, Lm, Random, Plan, Features, Subset };
    Kind kind = Kind::Human;
    double humanFraction = 1.0; // Random: share of train instances that take the human label
    qint64 planId = 0;
    QStringList features;       // Features: binary feature names (any of them -> human)
    /** Features / Plan / Subset: the train instances that take the human label. Filled by
     *  resolveFeatureMix() / resolvePlanMix(), or by the caller for Subset. */
    std::unordered_set<qint64> humanIds;
    bool resolved = false;      // Plan: set by resolvePlanMix()
    QString text;               // as given, stored with the run

    /** An explicit human set; text is stored with runs (e.g. "candidate:3/17"). */
    static MixSpec subset(std::unordered_set<qint64> humanIds, const QString &text);

    /** "human" | "lm" | "random:F" (0 <= F <= 1) | "plan:ID" | "features:NAME[;NAME...]"
     *  (instances carrying any of these binary features take the human label, the rest
     *  the LM label: routing by hand, by tag). Throws MixError. */
    static MixSpec parse(const QString &text);
};

struct MixStats {
    qint64 instances = 0;     // train instances read
    qint64 humanChosen = 0;   // pairs labelled by the human majority
    qint64 lmChosen = 0;      // pairs labelled by the LM majority
    qint64 dropped = 0;       // no votes of the chosen source, or a tie
    qint64 withMargin = 0;    // all votes "clearly"
};

/** The resolved label of one instance from votes (folded majority, METHOD.md §1):
 *  -2 (A better), 2 (B better), or none for no votes or a tie. */
std::optional<int> resolvedLabel(const std::vector<int> &votes);

/** Per train instance (parallel to train): 1 when it takes the human label. Human: all;
 *  Lm: none; Random: a seeded random round(F x n); Features / Plan / Subset: humanIds.
 *  Throws MixError for a Plan mix that resolvePlanMix() has not resolved. */
std::vector<char> mixHumanMask(const std::vector<MixInstance> &train, const MixSpec &spec, quint64 seed);

/** One train pair of a mix, by position: train[index] with the resolved label (-2 A
 *  better, 2 B better) of the source the mask chose; clear when all its votes were
 *  "clearly" votes. */
struct MixChoice {
    std::size_t index = 0;
    int label = 0;
    bool clear = false;
    bool human = false;
};

/** The labelled pairs of a mask (mixHumanMask), in train order; ties and missing labels
 *  dropped. mixTrainPairs() is these choices with their texts. */
std::vector<MixChoice> mixChoices(const std::vector<MixInstance> &train, const std::vector<char> &humanMask,
                                  MixStats *stats = nullptr);

/** Train pairs of the mix. Human: majority of the human votes after folding "slightly"
 *  into "clearly"; LM: majority of the LM votes (folded the same way); Random: a seeded
 *  random round(F x n) of the train instances take their human label, the rest their LM
 *  label; Features / Plan / Subset: humanIds take the human label, the rest the LM label.
 *  Ties and missing labels are dropped. margin = 1 when every vote of the source used was
 *  a "clearly" vote, else 0. An unresolved Plan throws MixError. */
std::vector<ml::PairText> mixTrainPairs(const std::vector<MixInstance> &train, const MixSpec &spec,
                                        quint64 seed, MixStats *stats = nullptr);

/** For a Features mix: looks up which train instances carry the named features (the
 *  project's feature table must be computed). Throws MixError for an unknown name. */
void resolveFeatureMix(ProjectStore &store, MixSpec &spec);

/** For a Plan mix: fills humanIds with the plan's instances (plan_instances). Throws
 *  MixError "no routing plan N" for an unknown plan. Other kinds: nothing. */
void resolvePlanMix(ProjectStore &store, MixSpec &spec);

/** resolveFeatureMix() and resolvePlanMix(): what a run calls before mixTrainPairs(). */
void resolveMix(ProjectStore &store, MixSpec &spec);

/** Eval pairs: the gold label when present, else the human majority (ties dropped);
 *  subset = category ("" becomes "uncategorized"). */
std::vector<ml::PairText> mixEvalPairs(const std::vector<MixInstance> &eval);

} // namespace hyper
