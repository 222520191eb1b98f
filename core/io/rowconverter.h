// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/domain/types.h"
#include "core/io/formatspec.h"
#include "core/storage/importrecord.h"

#include <QMap>
#include <QString>

#include <map>
#include <set>

#include <string>
#include <vector>

namespace hyper {

struct SourceRow;

/** A row that cannot be imported; message is what is wrong (no file or line). */
struct RowError {
    std::string message;
};

/** Access to a row's members that remembers which ones were used, so that the rest
 *  can go to the record's metadata. */
class RowAccess
{
public:
    explicit RowAccess(JsonValue &object);

    /** The member, marked as used; nullptr when absent. */
    JsonValue *take(std::string_view key);
    /** The member without marking it. */
    const JsonValue *peek(std::string_view key) const { return m_obj.find(key); }
    /** The first of the columns present and not null, marked as used. */
    JsonValue *takeFirst(const std::vector<std::string> &columns, std::string *usedColumn = nullptr);

    /** The members never taken, as a compact JSON object ("" when none). */
    std::string leftoverJson() const;

private:
    JsonValue &m_obj;
    std::vector<char> m_used;
};

/**
 * Turns rows into ImportRecords by a FormatSpec. Immutable after construction, so the
 * importer's helper thread can use it while the preview reads mapping().
 */
class RowConverter
{
public:
    RowConverter(FormatSpec spec, Split defaultSplit, double evalFraction = 0.0);

    /** Fills out from row (which it may consume). Throws RowError. */
    void convert(SourceRow &row, ImportRecord &out) const;

    const FormatSpec &spec() const { return m_spec; }

    /** FIELD -> COLUMN as used for this row (human:NAME / lm:JUDGE for labels). */
    QMap<QString, QString> mapping(const JsonValue &row) const;

    /** The distinct raw values each label column held in the rows converted so far (at
     *  most a dozen a column). */
    const std::map<std::string, std::set<std::string>> &seenLabelValues() const { return m_seenLabels; }

    /** Columns named by --map that the row lacks (checked on the first row). */
    std::vector<std::string> missingMappedColumns(const JsonValue &row) const;

private:
    void convertPairs(RowAccess &row, ImportRecord &out) const;
    /** The prompt of a wide row: text, or a message list kept as turns. */
    void takePrompt(RowAccess &row, ImportRecord &out) const;
    void convertMultiPref(RowAccess &row, ImportRecord &out) const;
    void convertLabels(RowAccess &row, ImportRecord &out) const;
    /** Long format: the annotator, kind, time, confidence, rationale and aspects of the
     *  row's human label(s), and the instance key. */
    void convertJudgement(RowAccess &row, ImportRecord &out) const;
    std::string text(RowAccess &row, Field f, bool required) const;

    FormatSpec m_spec;
    /** Distinct values seen per label column (for the unknown-value message); convert()
     *  runs on one thread per converter. */
    static constexpr std::size_t kSeenLabelValues = 12;
    mutable std::map<std::string, std::set<std::string>> m_seenLabels;
    Split m_defaultSplit;
    double m_evalFraction = 0.0;
    std::array<bool, kFieldCount> m_movable{};
};

/** Adds one label (human or judge) read from value, which may be a list (one per
 *  annotator, named NAME_1, NAME_2...). Throws RowError for unknown values. */
void addLabels(const LabelColumn &col, const JsonValue &value, const std::string &rationale,
               const LabelReading &reading, ImportRecord &out);

/** An error for a value no vocabulary knows. */
[[noreturn]] void throwUnknownLabel(const JsonValue &value, const std::string &column);

} // namespace hyper
