// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/io/jsonvalue.h"
#include "core/io/labelvalue.h"

#include <QMap>
#include <QString>
#include <QStringList>

#include <array>
#include <optional>
#include <string>
#include <vector>

namespace hyper {

struct ImportParams;
struct ImportRecord;
class RowAccess;

/** The standard fields a column can feed (the FIELD of --map FIELD=COLUMN). */
enum class Field : int {
    Id, Prompt, Input, ResponseA, ResponseB, ModelA, ModelB, Source, Category, Chosen, Rejected, Split
};
inline constexpr int kFieldCount = 12;
const char *fieldName(Field f);
std::optional<Field> fieldFromName(std::string_view name);

/** How a row is turned into a record besides the plain field mapping. */
enum class Shape {
    Generic,    // prompt + response_a/response_b + label columns
    Pairs,      // prompt + chosen/rejected (strings, message lists or HH-RLHF transcripts)
    MultiPref,  // Generic plus MultiPref's annotation lists
};

/** A column holding labels: one value, or a list of values (one per annotator). */
struct LabelColumn {
    bool lm = false;
    std::string name;                       // annotator or judge; lists give name_1, name_2...
    std::string column;
    std::string kind = "normal";            // human labels only
    LabelVocab vocab = LabelVocab::OneTwoZero;
    std::vector<std::string> rationaleColumns; // the first present one is used
    std::vector<std::string> unusable;      // lm: values kept as raw, with no overall
    bool fromMap = false;
};

/** Long format (docs/IMPORT.md "Long format"): one row per judgement. Columns named by
 *  --map annotator=, annotator_kind=, time=, rationale=, confidence=, aspect:NAME= and
 *  instance= ("" = not mapped). */
struct JudgementColumns {
    std::string annotator, kind, time, rationale, confidence, instance;
    std::vector<std::pair<std::string, std::string>> aspects; // helpfulness|truthfulness|harmlessness -> column
    bool any() const { return !annotator.empty() || !instance.empty(); }
};

struct FormatSpec;
/** Preset-specific work after the common mapping (e.g. LLMBar's judges). */
using PresetHook = void (*)(RowAccess &row, ImportRecord &rec, const FormatSpec &spec);

/** Everything the converter needs to know about a format, with --map applied. */
struct FormatSpec {
    std::string name;
    Shape shape = Shape::Generic;
    std::array<std::vector<std::string>, kFieldCount> columns; // candidates, in order
    std::array<bool, kFieldCount> mapped{};                    // set by --map
    std::vector<LabelColumn> labels;
    std::string pairAnnotator;              // Pairs: the annotator of chosen > rejected
    std::string pairKind = "normal";
    std::string defaultSource;              // when the row has no source column
    PresetHook hook = nullptr;
    LabelReading reading;                   // --na, --label-map, --label-scale
    JudgementColumns judgement;             // long format

    const std::vector<std::string> &candidates(Field f) const { return columns[std::size_t(f)]; }
};

/** Format names accepted by --format (besides "auto"), in detection order. */
QStringList formatNames();

/** The format whose key signature the first row matches ("" when none does). --map
 *  chosen/rejected selects "pairs". */
std::string detectFormat(const JsonValue &firstRow, const QMap<QString, QString> &map);

/**
 * The spec of a format with --map and naValues applied. fileStem names the pairs
 * format's annotator and the default source. Throws ImportError (without a line) for an
 * unknown format or --map field.
 */
FormatSpec makeFormatSpec(const std::string &format, const ImportParams &params, const QString &fileStem);

/** The preset hooks (presets.cpp). */
void llmbarHook(RowAccess &row, ImportRecord &rec, const FormatSpec &spec);
void prdHook(RowAccess &row, ImportRecord &rec, const FormatSpec &spec);

} // namespace hyper
