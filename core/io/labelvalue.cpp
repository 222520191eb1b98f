// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/io/labelvalue.h"

#include "core/domain/preference.h"
#include "core/io/jsonparser.h"

#include <charconv>
#include <cmath>

namespace hyper {

std::string asciiLower(std::string s)
{
    for (char &c : s)
        if (c >= 'A' && c <= 'Z')
            c = char(c - 'A' + 'a');
    return s;
}

std::string trimmed(std::string_view s)
{
    const auto blank = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
    while (!s.empty() && blank(s.front()))
        s.remove_prefix(1);
    while (!s.empty() && blank(s.back()))
        s.remove_suffix(1);
    return std::string(s);
}

bool numberValue(const JsonValue &v, double &out)
{
    if (v.isNumber()) {
        out = v.number;
        return true;
    }
    if (!v.isString())
        return false;
    const std::string t = trimmed(v.text);
    if (t.empty())
        return false;
    const char *b = t.data();
    const char *e = b + t.size();
    if (*b == '+')
        ++b;
    const auto [end, ec] = std::from_chars(b, e, out);
    return ec == std::errc() && end == e;
}

const JsonValue *asArray(const JsonValue &v, JsonValue &storage)
{
    if (v.isArray())
        return &v;
    if (!v.isString())
        return nullptr;
    std::size_t i = 0;
    while (i < v.text.size() && (v.text[i] == ' ' || v.text[i] == '\t'))
        ++i;
    if (i >= v.text.size() || v.text[i] != '[')
        return nullptr;
    JsonParser parser;
    if (!parser.parse(v.text, storage) || !storage.isArray())
        return nullptr;
    return &storage;
}

const std::map<std::string, std::map<std::string, int>> &labelMapPresets()
{
    static const std::map<std::string, std::map<std::string, int>> presets = {
        // Chatbot Arena style winners.
        {"winner",
         {{"model_a", -2}, {"model_b", 2}, {"tie", 0}, {"tie (bothbad)", 0}, {"tie(bothbad)", 0}, {"bothbad", 0},
          {"both_bad", 0}, {"tie_bothbad", 0}}},
        // Output 1 / output 2 (e.g. LLMBar-style "a1", "a2").
        {"a1a2", {{"a1", -2}, {"a2", 2}, {"tie", 0}, {"a1=a2", 0}}},
        // Wordy comparison scales.
        {"a-is-better",
         {{"a-is-better", -2}, {"b-is-better", 2}, {"a-is-much-better", -2}, {"b-is-much-better", 2},
          {"a-is-slightly-better", -1}, {"b-is-slightly-better", 1}, {"equal", 0}, {"same", 0},
          {"about-the-same", 0}, {"tie", 0}}},
    };
    return presets;
}

bool addLabelMapEntry(const std::string &entry, LabelReading &reading, std::string &error)
{
    const std::string e = asciiLower(trimmed(entry));
    const auto preset = labelMapPresets().find(e);
    if (preset != labelMapPresets().end()) {
        for (const auto &[k, v] : preset->second)
            reading.map[k] = v;
        return true;
    }
    const std::size_t eq = entry.rfind('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 >= entry.size()) {
        error = "--label-map needs VALUE=PREF or a preset (winner, a1a2, a-is-better), got '" + entry + "'";
        return false;
    }
    const std::string value = asciiLower(trimmed(entry.substr(0, eq)));
    const std::string pref = asciiLower(trimmed(entry.substr(eq + 1)));
    static const std::map<std::string, int> kPrefs = [] {
        std::map<std::string, int> m = {{"a", -2}, {"b", 2}, {"tie", 0}, {"a-slightly", -1}, {"b-slightly", 1},
                                        {"a-clearly", -2}, {"b-clearly", 2}};
        for (int p = -2; p <= 2; ++p)
            m[asciiLower(preferenceNameUtf8(static_cast<Preference>(p)))] = p;
        return m;
    }();
    const auto it = kPrefs.find(pref);
    if (value.empty() || it == kPrefs.end()) {
        error = "--label-map " + entry + ": PREF must be A, B, tie, A-slightly, B-slightly or a scale name "
                "(A-is-clearly-better ... B-is-clearly-better)";
        return false;
    }
    reading.map[value] = it->second;
    return true;
}

int scaledPreference(double t)
{
    if (t < 0.1)
        return -2;
    if (t < 0.4)
        return -1;
    if (t <= 0.6)
        return 0;
    if (t <= 0.9)
        return 1;
    return 2;
}

LabelValue parseLabelValue(const JsonValue &v, LabelVocab vocab, const LabelReading &reading)
{
    LabelValue out;
    if (v.isNull())
        return out;
    if (v.isBool() && !reading.map.empty()) {
        const auto it = reading.map.find(v.boolean ? "true" : "false");
        if (it != reading.map.end()) {
            out.status = LabelValue::Status::Value;
            out.preference = it->second;
            return out;
        }
    }
    if (v.isString() || (v.isNumber() && !reading.map.empty())) {
        const std::string t = asciiLower(trimmed(v.isString() ? v.text : scalarText(v)));
        if (t.empty())
            return out;
        for (const std::string &na : reading.naValues)
            if (t == na)
                return out;
        if (const auto it = reading.map.find(t); it != reading.map.end()) {
            out.status = LabelValue::Status::Value;
            out.preference = it->second;
            return out;
        }
    }
    if (v.isString()) {
        const std::string t = asciiLower(trimmed(v.text));
        out.status = LabelValue::Status::Value;
        if (t == "a") {
            out.preference = toInt(Preference::AClearly);
            return out;
        }
        if (t == "b") {
            out.preference = toInt(Preference::BClearly);
            return out;
        }
        if (t == "tie") {
            out.preference = toInt(Preference::Tie);
            return out;
        }
        // The scale names, lowercased once (this runs for every label of every row).
        static const std::vector<std::string> kLowerNames = [] {
            std::vector<std::string> names;
            for (int p = -2; p <= 2; ++p)
                names.push_back(asciiLower(preferenceNameUtf8(static_cast<Preference>(p))));
            return names;
        }();
        for (int i = 0; i < 5; ++i) {
            if (t == kLowerNames[std::size_t(i)]) {
                out.preference = i - 2;
                return out;
            }
        }
    }
    double d = 0;
    if (reading.scale && numberValue(v, d)) {
        const auto [lo, hi] = *reading.scale;
        const double t = (d - lo) / (hi - lo);
        if (!(t >= 0.0 && t <= 1.0)) {
            out.status = LabelValue::Status::Unknown;
            return out;
        }
        out.status = LabelValue::Status::Value;
        out.preference = scaledPreference(t);
        return out;
    }
    if (!numberValue(v, d) || d != std::floor(d)) {
        out.status = LabelValue::Status::Unknown;
        return out;
    }
    const int n = int(d);
    out.status = LabelValue::Status::Value;
    switch (vocab) {
    case LabelVocab::OneTwoZero:
        if (n == 1 || n == 2 || n == 0) {
            out.preference = n == 1 ? -2 : n == 2 ? 2 : 0;
            return out;
        }
        break;
    case LabelVocab::OneTwoThree:
        if (n == 1 || n == 2 || n == 3) {
            out.preference = n == 1 ? -2 : n == 2 ? 2 : 0;
            return out;
        }
        break;
    case LabelVocab::MinusOneOne:
        if (n == -1 || n == 1 || n == 0) {
            out.preference = n == -1 ? -2 : n == 1 ? 2 : 0;
            return out;
        }
        break;
    }
    out.status = LabelValue::Status::Unknown;
    return out;
}

} // namespace hyper
