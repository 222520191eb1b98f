// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// The agreement report of a project (docs/AGREEMENT.md): inter-annotator agreement,
// human-vs-judge agreement, position bias. Input is a plain LabelTable (filled by
// core/storage/agreementqueries from the store, or by hand in tests); output is a plain
// AgreementReport and its JSON (the `hyper agreement --json` object).

#include "core/labels/agreement.h"

#include <QJsonObject>
#include <QString>
#include <QStringList>
#include <array>
#include <cstdint>
#include <optional>
#include <vector>

namespace hyper::labels {

/** The labels of a set of instances. Preferences are scale integers (-2..2). */
struct LabelTable {
    struct Human {
        int annotator = 0;                        // index into annotators
        int overall = 0;
        std::array<std::optional<int>, 3> aspects; // kAspects order: helpfulness, truthfulness, harmlessness
        int shown = 0;                            // +1: shown A left (AB), -1: B left (BA), 0 unknown
    };
    struct Judge {
        int judge = 0;                            // index into judges
        std::optional<int> overall;               // none: unusable output
        std::optional<int> original;              // verdict with A shown first
        std::optional<int> swapped;               // verdict with B shown first, in the A/B frame
    };
    struct Row {
        std::int64_t instance = 0;
        std::vector<Human> humans;                // at most one per annotator
        std::vector<Judge> judges;                // at most one per judge
        std::vector<int> features;                // indices into features
    };
    QStringList annotators;
    QStringList annotatorKinds;                   // parallel to annotators
    QStringList judges;
    QStringList features;                         // empty when none were computed
    std::int64_t instances = 0;                   // instances in scope, labelled or not
    std::vector<Row> rows;                        // instances with at least one label
};

struct PairReport {
    int a = 0, b = 0;                             // annotator indices, a < b
    KappaResult folded;                           // 3 classes (A, tie, B): the headline
    KappaResult five;                             // the 5-point scale
    double fiveQuadratic = kUndefined;            // quadratic-weighted kappa on the 5-point scale
    std::array<KappaResult, 3> aspects;           // folded, per aspect both rated (n = 0: none)
};

struct AlphaSet {
    AlphaResult ordinal;                          // 5-point scale, ordinal metric
    AlphaResult interval;                         // 5-point scale, interval metric
    AlphaResult nominal5;                         // 5-point scale, nominal metric
    AlphaResult nominal3;                         // folded to A/tie/B, nominal metric
};

struct JudgePosition {
    std::int64_t both = 0;                        // instances with both-order verdicts
    std::int64_t consistent = 0;                  // same folded verdict in both orders
    std::int64_t favourFirst = 0;                 // inconsistent pairs leaning to the first-shown response
    double consistency = kUndefined;              // consistent / both
    double firstShare = kUndefined;               // favourFirst / (both - consistent)
    double pValue = kUndefined;                   // two-sided binomial test of firstShare against 1/2
};

struct TagAgreement {
    QString tag;
    std::int64_t n = 0;                           // decided instances carrying the tag
    std::int64_t agree = 0;
    double agreement = kUndefined;
};

struct JudgeReport {
    QString judge;
    std::int64_t labels = 0;                      // instances this judge labelled (in scope)
    std::int64_t unusable = 0;                    // of them, without a usable overall verdict
    // Headline: instances whose human majority is decided (A or B; ties dropped as in
    // METHOD.md §1) and whose judge verdict is usable; a judge tie counts as a miss.
    std::int64_t n = 0;
    std::int64_t agree = 0;
    std::int64_t judgeTies = 0;
    double agreement = kUndefined;
    // Three classes (A, tie, B), human majority ties included.
    KappaResult three;
    std::vector<TagAgreement> perTag;             // headline agreement per binary feature
    std::optional<JudgePosition> position;        // when the judge has both-order verdicts
};

struct AnnotatorPosition {
    QString annotator;
    std::int64_t n = 0;                           // labels with a shown order and a non-tie verdict
    std::int64_t ties = 0;                        // labels with a shown order and a tie (left out)
    std::int64_t left = 0;                        // picks of the response shown on the left
    double leftShare = kUndefined;
    double pValue = kUndefined;                   // two-sided binomial test against 1/2
};

struct AnnotatorSummary {
    QString name;
    QString kind;
    std::int64_t labels = 0;
};

struct AgreementReport {
    std::int64_t instances = 0;
    std::int64_t humanLabelled = 0;               // instances with at least one human label
    std::vector<AnnotatorSummary> annotators;     // those with a label in scope
    std::vector<PairReport> pairs;                // annotator pairs with a shared instance
    std::int64_t pairsWithoutOverlap = 0;
    AlphaSet alpha;                               // over all annotators, overall judgement
    std::array<AlphaSet, 3> aspectAlpha;          // per aspect (units 0: none rated)
    std::vector<JudgeReport> judges;
    std::vector<AnnotatorPosition> annotatorPosition; // annotators with a recorded shown order
    QStringList annotatorNames;                   // for the pair indices
    bool featuresComputed = false;
};

/** Computes every statistic of the report. */
AgreementReport computeAgreement(const LabelTable &table);

/** The `hyper agreement --json` object (undefined statistics are null). */
QJsonObject agreementJson(const AgreementReport &report);

/** The folded human majority of one row (-1, 0, 1), none without human labels:
 *  the strict plurality of A, tie and B votes; Tie when the top counts are equal. */
std::optional<int> humanMajority(const LabelTable::Row &row);
/** The 5-point overall votes of the row's human annotators, in row order. */
std::vector<int> humanVotes(const LabelTable::Row &row);

} // namespace hyper::labels
