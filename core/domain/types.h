// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/domain/preference.h"

#include <QDateTime>
#include <QJsonObject>
#include <QMap>
#include <QString>
#include <QStringList>
#include <optional>
#include <vector>

namespace hyper {

enum class Split { Train, Eval };
QString splitName(Split s);                       // "train" | "eval"
std::optional<Split> parseSplit(const QString &s);

/** Aspects of a human label besides the overall judgement (METHOD.md §1). */
inline constexpr const char *kAspects[] = {"helpfulness", "truthfulness", "harmlessness"};

/** A summary row for tables: no long texts beyond a preview. */
struct InstanceSummary {
    qint64 id = 0;
    QString externalId;
    Split split = Split::Train;
    QString source;
    QString category;
    QString promptPreview;  // first ~200 characters, newlines folded
    int humanLabels = 0;
    int lmLabels = 0;
    /** Majority human label after folding (see foldedMajority: Tie when the top vote
     *  counts are equal); none when there are no labels. */
    std::optional<Preference> humanMajority;
    /** Majority LM label after folding. */
    std::optional<Preference> lmMajority;
    QString route;          // "" (unrouted), "human" or "lm"
};

/** One turn of a conversation prompt (Instance::conversation). */
struct Turn {
    QString role;     // "user", "assistant", "system", ... (lower-case)
    QString content;
};

struct Instance {
    qint64 id = 0;
    QString externalId;
    Split split = Split::Train;
    QString prompt;
    /** The prompt's turns when it was imported as a message list (not a lone user turn);
     *  empty for a plain prompt. `prompt` holds the same turns as "Role: text" paragraphs. */
    QList<Turn> conversation;
    QString responseA;
    QString responseB;
    QString modelA;
    QString modelB;
    QString source;
    QString category;
    QJsonObject metadata;   // everything else the source row carried that we keep
    QString route;
};

struct HumanLabel {
    qint64 id = 0;
    qint64 instanceId = 0;
    QString annotator;
    QString annotatorKind;  // "normal" | "expert" | "gold" | free text
    Preference overall = Preference::Tie;
    QMap<QString, Preference> aspects;        // helpfulness/truthfulness/harmlessness
    QMap<QString, QStringList> reasons;       // aspect (or "overall") -> checked reasons
    QString rationale;                        // free text ("own reason")
    std::optional<double> confidence;
    std::optional<double> timeSpentSeconds;
    QString shownOrder;                       // "AB" | "BA" | "" (unknown)
    QDateTime createdAt;
    QString uuid;                             // identity across files; made on insert when empty
    QString pack;                             // the annotator pack (UUID) it was merged from, or ""
};

struct LmLabel {
    qint64 id = 0;
    qint64 instanceId = 0;
    QString judge;
    std::optional<Preference> overall;        // none when the judge's output was unusable
    std::optional<Preference> verdictOriginalOrder;
    std::optional<Preference> verdictSwappedOrder; // already mapped back to the A/B frame
    QString rationale;
    QString raw;                              // the judge's raw verdict when not a scale value
    QDateTime createdAt;
};

/** Filters of the dataset browser. Empty/none means "any". */
struct InstanceFilter {
    std::optional<Split> split;
    QString source;
    std::optional<bool> hasHumanLabel;
    std::optional<bool> hasLmLabel;
    bool disagreementOnly = false; // human majority and LM majority differ (folded)
    QString route;                 // "", "human", "lm", "unrouted"
    QString text;                  // full-text query (FTS5 syntax, plain words are ANDed)
    QStringList features;          // binary feature names: the instance carries ALL of them
    bool operator==(const InstanceFilter &) const = default;
};

struct ProjectInfo {
    qint64 instances = 0;       // train split
    qint64 evalInstances = 0;
    qint64 humanLabels = 0;
    qint64 lmLabels = 0;
    QStringList annotators;
    QStringList judges;
    qint64 features = 0;
    QStringList sources;
};

} // namespace hyper
