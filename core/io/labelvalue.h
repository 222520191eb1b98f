// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/io/jsonvalue.h"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace hyper {

/** How a label column's numbers read. Strings ("A", "B", "tie", the five scale names,
 *  any case) mean the same in every vocabulary. */
enum class LabelVocab {
    OneTwoZero,     // 1 = A better, 2 = B better, 0 = tie (PandaLM, LLMEval2, --map)
    OneTwoThree,    // 1 = A better, 2 = B better, 3 = tie (PRD)
    MinusOneOne,    // -1 = A better, 1 = B better, 0 = tie (LFQA)
};

struct LabelValue {
    enum class Status { Value, Empty, Unknown };
    Status status = Status::Empty;
    int preference = 0;     // -2..2 (Preference) when status is Value
};

/** How the label values of an import read beyond the built-in words (docs/IMPORT.md
 *  "Label values"): --na, --label-map and --label-scale. */
struct LabelReading {
    std::vector<std::string> naValues;       // lowercased, trimmed: no label
    std::map<std::string, int> map;          // lowercased, trimmed value -> -2..2
    /** --label-scale LO:HI: a number x reads by t = (x - LO) / (HI - LO): t < 0.1 A
     *  clearly, < 0.4 A slightly, <= 0.6 tie, <= 0.9 B slightly, else B clearly (LO means
     *  A better); outside [LO, HI] it is unknown. */
    std::optional<std::pair<double, double>> scale;
};

/** The named --label-map presets ("winner", "a1a2", "a-is-better"): value -> -2..2. */
const std::map<std::string, std::map<std::string, int>> &labelMapPresets();

/** Reads "VALUE=PREF" (PREF: a scale name, A, B, tie, A-slightly, B-slightly; any case)
 *  or a preset name into reading.map; false with `error` set when malformed. */
bool addLabelMapEntry(const std::string &entry, LabelReading &reading, std::string &error);

/** The preference at t in [0, 1] of a --label-scale (cut points 0.1, 0.4, 0.6, 0.9). */
int scaledPreference(double t);

/**
 * Reads one label value. Empty strings, null and the naValues (compared without case
 * and surrounding blanks) mean no label; the --label-map entries come next, then the
 * built-in words, then numbers: by the scale when given, else integral by the vocabulary;
 * numeric strings read as numbers. Arrays are not handled here (they mean one value per
 * annotator, see RowConverter).
 */
LabelValue parseLabelValue(const JsonValue &v, LabelVocab vocab, const LabelReading &reading);

/** v itself when it is an array; a string holding a JSON array (as CSV cells do) parsed
 *  into storage; otherwise nullptr. */
const JsonValue *asArray(const JsonValue &v, JsonValue &storage);

/** A number, or a string holding one (blanks around allowed). */
bool numberValue(const JsonValue &v, double &out);

std::string asciiLower(std::string s);
std::string trimmed(std::string_view s);

} // namespace hyper
