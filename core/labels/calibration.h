// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Judge calibration (docs/AGREEMENT.md "Calibration"; the Calibration tab): where an LM
// judge can be trusted. On the instances that have both human labels and a usable
// verdict of the judge: accuracy against the human majority overall and per tag with
// Wilson 95% intervals, position consistency, and the 5x5 confusion matrix of the human
// 5-point median against the judge's 5-point verdict. Built on the agreement report
// (core/labels/agreementreport.h): same LabelTable input, same folding and tie rules.
// No SQL and no Widgets here.

#include "core/labels/agreementreport.h"

#include <QString>
#include <array>
#include <cstdint>
#include <optional>
#include <vector>

namespace hyper::labels {

/** z for a two-sided 95% interval. */
inline constexpr double kZ95 = 1.959963984540054;

struct Interval {
    double low = kUndefined;
    double high = kUndefined;
};

/** Wilson score interval of a proportion k / n (Wilson 1927):
 *  (p + z²/2n ± z·sqrt(p(1-p)/n + z²/4n²)) / (1 + z²/n), p = k/n; undefined for n = 0. */
Interval wilsonInterval(std::int64_t k, std::int64_t n, double z = kZ95);

/** The humans' 5-point consensus of a row (-2..2), none without human labels: the median
 *  of the overall votes; with an even number of votes the mean of the two middle votes,
 *  rounded toward 0 (a half step between two grades counts as the milder one). */
std::optional<int> humanMedian5(const LabelTable::Row &row);

/** Counts of (human 5-point median, judge 5-point verdict): cell(h, j) with h, j in
 *  -2..2 (A clearly better .. B clearly better). */
struct Confusion5 {
    std::array<std::array<std::int64_t, 5>, 5> counts{}; // [h + 2][j + 2]
    std::int64_t n = 0;

    std::int64_t cell(int human, int judge) const { return counts[std::size_t(human + 2)][std::size_t(judge + 2)]; }
    std::int64_t rowTotal(int human) const;
    /** cell / rowTotal; NaN for an empty row. */
    double rowShare(int human, int judge) const;
    /** Share of the diagonal (the same grade); NaN when n = 0. */
    double exact() const;
    /** Share within one grade (|h - j| <= 1); NaN when n = 0. */
    double withinOne() const;
};

struct TagCalibration {
    QString tag;
    std::int64_t n = 0;               // decided instances carrying the tag
    std::int64_t agree = 0;
    double accuracy = kUndefined;
    Interval interval;                // Wilson 95%
    bool belowOverall = false;        // the whole interval lies below the judge's overall accuracy
};

struct JudgeCalibration {
    QString judge;
    std::int64_t labels = 0;          // instances this judge labelled
    std::int64_t unusable = 0;        // of them, without a usable verdict
    std::int64_t overlap = 0;         // instances with human labels and a usable verdict
    // Against the folded human majority, ties dropped, a judge tie a miss (JudgeReport).
    std::int64_t n = 0;
    std::int64_t agree = 0;
    std::int64_t judgeTies = 0;
    double accuracy = kUndefined;
    Interval interval;                // Wilson 95%
    std::vector<TagCalibration> perTag; // worst first: accuracy ascending, then n descending, then name
    std::optional<JudgePosition> position; // when the judge has both-order verdicts
    Confusion5 confusion;             // over the `overlap` instances
};

struct CalibrationReport {
    std::int64_t instances = 0;
    std::int64_t humanLabelled = 0;
    bool featuresComputed = false;
    std::vector<JudgeCalibration> judges; // judges with a label in scope, by name
};

/** The calibration of every judge of the table. */
CalibrationReport computeCalibration(const LabelTable &table);

} // namespace hyper::labels
