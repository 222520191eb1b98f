// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace hyper {

/**
 * A parsed JSON value whose strings are UTF-8 std::string. Used by the importers on
 * their helper thread, one record at a time, so that the hot path never goes through
 * QJsonDocument and UTF-16. Object members keep the file's order (metadata is written
 * back in that order) and are looked up linearly: records have a handful of keys.
 */
struct JsonValue {
    enum class Type : std::uint8_t { Null, Bool, Number, String, Array, Object };

    Type type = Type::Null;
    bool boolean = false;
    double number = 0;
    /** String value; for numbers the literal text as written (so "1" stays "1"). */
    std::string text;
    /** Member name when this value sits in an object. */
    std::string key;
    /** Array elements, or object members (each with its key). */
    std::vector<JsonValue> items;

    bool isNull() const { return type == Type::Null; }
    bool isBool() const { return type == Type::Bool; }
    bool isString() const { return type == Type::String; }
    bool isNumber() const { return type == Type::Number; }
    bool isArray() const { return type == Type::Array; }
    bool isObject() const { return type == Type::Object; }

    /** Member by key (objects only); nullptr when absent. */
    const JsonValue *find(std::string_view name) const;
    JsonValue *find(std::string_view name);

    void clear();

    static const char *typeName(Type t);
};

/** Appends v as compact JSON. */
void appendJson(std::string &out, const JsonValue &v);
/** Appends s as a JSON string literal (quoted, escaped; s must be valid UTF-8). */
void appendJsonString(std::string &out, std::string_view s);
std::string toJson(const JsonValue &v);

/** Scalars as text: strings as they are, numbers as written, true/false, null as "". Arrays
 *  and objects as compact JSON. */
std::string scalarText(const JsonValue &v);

} // namespace hyper
