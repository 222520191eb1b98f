#pragma once

#include "core/io/jsonvalue.h"

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

/**
 * Reads one label value. Empty strings, null and the naValues (compared without case
 * and surrounding blanks; pass them lowercased) mean no label. Numbers must be integral;
 * numeric strings read as numbers. Arrays are not handled here (they mean one value per
 * annotator, see RowConverter).
 */
LabelValue parseLabelValue(const JsonValue &v, LabelVocab vocab, const std::vector<std::string> &naValues);

/** v itself when it is an array; a string holding a JSON array (as CSV cells do) parsed
 *  into storage; otherwise nullptr. */
const JsonValue *asArray(const JsonValue &v, JsonValue &storage);

/** A number, or a string holding one (blanks around allowed). */
bool numberValue(const JsonValue &v, double &out);

std::string asciiLower(std::string s);
std::string trimmed(std::string_view s);

} // namespace hyper
