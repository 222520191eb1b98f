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

/** A malformed --mix; what() is a message fit for a user. */
struct MixError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

/** A mix that names a routing plan: plans are a later feature. */
struct MixNotAvailable : MixError {
    using MixError::MixError;
};

struct MixSpec {
    enum class Kind { Human, Lm, Random, Plan, Features };
    Kind kind = Kind::Human;
    double humanFraction = 1.0; // Random: share of train instances that take the human label
    qint64 planId = 0;
    QStringList features;       // Features: binary feature names (any of them -> human)
    std::unordered_set<qint64> humanIds; // Features: filled by resolveFeatureMix()
    QString text;               // as given, stored with the run

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

/** Train pairs of the mix. Human: majority of the human votes after folding "slightly"
 *  into "clearly"; LM: majority of the LM votes (folded the same way); Random: a seeded
 *  random round(F x n) of the train instances take their human label, the rest their LM
 *  label. Ties and missing labels are dropped. margin = 1 when every vote of the source
 *  used was a "clearly" vote, else 0. Plan throws MixNotAvailable. */
std::vector<ml::PairText> mixTrainPairs(const std::vector<MixInstance> &train, const MixSpec &spec,
                                        quint64 seed, MixStats *stats = nullptr);

/** For a Features mix: looks up which train instances carry the named features (the
 *  project's feature table must be computed). Throws MixError for an unknown name. */
void resolveFeatureMix(ProjectStore &store, MixSpec &spec);

/** Eval pairs: the gold label when present, else the human majority (ties dropped);
 *  subset = category ("" becomes "uncategorized"). */
std::vector<ml::PairText> mixEvalPairs(const std::vector<MixInstance> &eval);

} // namespace hyper
