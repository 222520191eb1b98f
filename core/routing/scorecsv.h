// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// The PPM's CSV files (the reference's PPM-training CSV): a header row, one column per
// feature count, an `Overall` column with the measured score, anything else ignored.
// `hyper ppm import-scores` and `hyper ppm predict` read them (docs/ROUTING.md).
#include <QString>
#include <QStringList>
#include <QtGlobal>
#include <vector>

namespace hyper::routing {

/** The score column. */
inline constexpr const char *kScoreColumn = "Overall";

struct ScoreCsv {
    QStringList features; ///< count columns, in the order asked for
    QStringList ignored; ///< other columns (unnamed ones as column_N)
    std::vector<std::vector<double>> counts; ///< per row, parallel to features
    /// per row; empty without an Overall column; NaN where a cell is not a number
    /// (only when the score is not required: `ppm predict` ignores it)
    std::vector<double> scores;
    std::vector<qint64> lines; ///< the line each row starts on
    std::vector<qint64> dropped; ///< dropNa: the lines of the rows dropped
};

/** pandas' default missing-value strings (`STR_NA_VALUES` of pandas 2, which added "None"
 *  to 1.5's; "" included): `read_csv` reads these cells as NaN, which `dropna()` drops. */
bool isPandasNa(const std::string &cell);

/**
 * Reads a score CSV (RFC 4180 quoting, .gz allowed). Count columns:
 *  - `expected` non-empty and `requireAll`: exactly these columns, all required (predict);
 *  - `expected` non-empty: those of them the header has (import into a featured project);
 *  - `expected` empty: every named column except Overall, the RewardBench section columns
 *    (Chat, Chat Hard, Safety, Reasoning, Prior Sets) and unnamed ones, whose first value
 *    is a whole number.
 * Counts must be whole numbers >= 0 when `integral` (stored counts), else any finite
 * number. Throws ImportError ("FILE:LINE: message", FILE as given) on the first problem:
 * a missing column, a bad cell, no rows. dropNa: first drops every row with a missing
 * value in any column, ignored ones included (isPandasNa), as the reference's
 * `pd.read_csv(path).dropna()`, and lists their lines.
 */
ScoreCsv readScoreCsv(const QString &path, const QStringList &expected, bool requireAll, bool requireScore,
                      bool integral, bool dropNa = false);

} // namespace hyper::routing
