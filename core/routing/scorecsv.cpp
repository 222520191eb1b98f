// SPDX-License-Identifier: GPL-3.0-or-later
// Reading the PPM's score CSVs; the CSV syntax itself is core/io's (RFC 4180).
#include "core/routing/scorecsv.h"

#include "core/io/csvsource.h"
#include "core/io/importer.h"
#include "core/io/linereader.h"

#include <algorithm>
#include <cmath>
#include <optional>

namespace hyper::routing {

namespace {

/** Columns of a RewardBench results table that are scores, not counts. */
bool isSectionColumn(const QString &name)
{
    for (const char *s : { "Chat", "Chat Hard", "Safety", "Reasoning", "Prior Sets" })
        if (name == QLatin1String(s))
            return true;
    return false;
}

/** core/io names an unnamed header cell column_N; pandas writes its index as "" or
 *  "Unnamed: 0". */
bool isUnnamed(const QString &name)
{
    return name.startsWith(QLatin1String("column_")) || name.startsWith(QLatin1String("Unnamed:"));
}

std::optional<double> number(const std::string &text)
{
    bool ok = false;
    const double v = QString::fromStdString(text).trimmed().toDouble(&ok);
    if (!ok || !std::isfinite(v))
        return std::nullopt;
    return v;
}

bool isCount(double v)
{
    return v >= 0 && v == std::floor(v) && v < 9.0e18;
}

} // namespace

bool isPandasNa(const std::string &cell)
{
    static const char *const na[] = {"", "#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "-nan",
                                     "1.#IND", "1.#QNAN", "<NA>", "N/A", "NA", "NULL", "NaN", "None", "n/a",
                                     "nan", "null"};
    for (const char *s : na)
        if (cell == s)
            return true;
    return false;
}

ScoreCsv readScoreCsv(const QString &path, const QStringList &expected, bool requireAll, bool requireScore,
                      bool integral, bool dropNa)
{
    std::unique_ptr<RowSource> source = makeCsvSource(std::make_unique<LineReader>(path, path), path);
    ScoreCsv out;
    std::vector<int> columnOf; // per count column, its header index
    int scoreColumn = -1;
    bool decided = false;
    SourceRow row;
    while (source->next(row)) {
        if (row.bad)
            throw ImportError(path, row.errorLine, QString::fromStdString(row.error));
        const std::vector<JsonValue> &cells = row.value.items;
        if (dropNa && std::any_of(cells.begin(), cells.end(), [](const JsonValue &c) { return isPandasNa(c.text); })) {
            out.dropped.push_back(row.line);
            continue;
        }
        if (!decided) {
            // The header is known once the first row is read (and its values, for
            // inferring count columns in a project without features).
            decided = true;
            QStringList header;
            for (const std::string &h : source->header())
                header << QString::fromStdString(h).trimmed();
            scoreColumn = int(header.indexOf(QLatin1String(kScoreColumn)));
            if (scoreColumn < 0 && requireScore)
                throw ImportError(
                    path, 1, QStringLiteral("no '%1' column (the score)").arg(QLatin1String(kScoreColumn)));
            if (!expected.isEmpty()) {
                for (const QString &name : expected) {
                    const qsizetype k = header.indexOf(name);
                    if (k < 0 && requireAll)
                        throw ImportError(path, 1, QStringLiteral("missing column %1").arg(name));
                    if (k >= 0) {
                        out.features << name;
                        columnOf.push_back(int(k));
                    }
                }
            } else {
                for (int k = 0; k < header.size(); ++k) {
                    const QString &name = header[k];
                    if (k == scoreColumn || name.isEmpty() || isUnnamed(name) || isSectionColumn(name))
                        continue;
                    const std::optional<double> v = number(cells[std::size_t(k)].text);
                    if (v && isCount(*v)) {
                        out.features << name;
                        columnOf.push_back(k);
                    }
                }
            }
            if (out.features.isEmpty())
                throw ImportError(path, 1,
                    expected.isEmpty()
                        ? QStringLiteral("no count columns (whole numbers under a feature name)")
                        : QStringLiteral("no column is named like a feature of the project"));
            for (int k = 0; k < header.size(); ++k)
                if (k != scoreColumn && std::find(columnOf.begin(), columnOf.end(), k) == columnOf.end())
                    out.ignored << header[k];
        }
        std::vector<double> counts;
        counts.reserve(columnOf.size());
        for (std::size_t c = 0; c < columnOf.size(); ++c) {
            const std::string &text = cells[std::size_t(columnOf[c])].text;
            const std::optional<double> v = number(text);
            if (!v || (integral && !isCount(*v)))
                throw ImportError(path, row.line,
                    QStringLiteral("column %1: '%2' is not %3")
                        .arg(out.features[qsizetype(c)], QString::fromStdString(text),
                            integral ? QStringLiteral("a count (a whole number >= 0)")
                                     : QStringLiteral("a number")));
            counts.push_back(*v);
        }
        if (scoreColumn >= 0) {
            const std::string &text = cells[std::size_t(scoreColumn)].text;
            const std::optional<double> v = number(text);
            if (!v && requireScore)
                throw ImportError(path, row.line,
                    QStringLiteral("%1: '%2' is not a number")
                        .arg(QLatin1String(kScoreColumn), QString::fromStdString(text)));
            out.scores.push_back(v.value_or(std::nan("")));
        }
        out.counts.push_back(std::move(counts));
        out.lines.push_back(row.line);
    }
    if (out.counts.empty())
        throw ImportError(path, 1, dropNa && !out.dropped.empty()
                                       ? QStringLiteral("every data row has a missing value (dropped as pandas' dropna does)")
                                       : QStringLiteral("no data rows below the header"));
    return out;
}

} // namespace hyper::routing
