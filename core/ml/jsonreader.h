// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Torch-free, Qt-free: a small strict JSON reader for the headers of model files
// (safetensors) that hyper_ml reads without Qt. Numbers are doubles (exact for integers
// up to 2^53, enough for byte offsets and token ids).
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace hyper::ml {

/** Malformed JSON; what() says where ("at byte N: ..."). */
class JsonReadError : public std::runtime_error
{
public:
    using std::runtime_error::runtime_error;
};

struct JsonNode {
    enum class Kind { Null, Bool, Number, String, Array, Object };
    Kind kind = Kind::Null;
    bool boolean = false;
    double number = 0;
    std::string text;                                      // String
    std::vector<JsonNode> items;                           // Array
    std::vector<std::pair<std::string, JsonNode>> members; // Object, in file order

    /** The member named key of an object; nullptr when absent or not an object. */
    const JsonNode *find(std::string_view key) const;
    bool isObject() const { return kind == Kind::Object; }
    bool isArray() const { return kind == Kind::Array; }
    bool isString() const { return kind == Kind::String; }
    bool isNumber() const { return kind == Kind::Number; }
    /** The number as an integer; throws JsonReadError when it is not a whole number. */
    std::int64_t integer() const;
};

/** Parses one JSON value (surrounding whitespace allowed, nothing else after it).
 *  Nesting deeper than 64 levels is refused. Throws JsonReadError. */
JsonNode parseJson(std::string_view text);

} // namespace hyper::ml
