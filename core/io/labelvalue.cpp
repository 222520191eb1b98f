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

LabelValue parseLabelValue(const JsonValue &v, LabelVocab vocab, const std::vector<std::string> &naValues)
{
    LabelValue out;
    if (v.isNull())
        return out;
    if (v.isString()) {
        const std::string t = asciiLower(trimmed(v.text));
        if (t.empty())
            return out;
        for (const std::string &na : naValues)
            if (t == na)
                return out;
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
