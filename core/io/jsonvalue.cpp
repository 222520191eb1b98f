// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/io/jsonvalue.h"

namespace hyper {

const JsonValue *JsonValue::find(std::string_view name) const
{
    if (type != Type::Object)
        return nullptr;
    for (const JsonValue &m : items)
        if (m.key == name)
            return &m;
    return nullptr;
}

JsonValue *JsonValue::find(std::string_view name)
{
    return const_cast<JsonValue *>(static_cast<const JsonValue *>(this)->find(name));
}

void JsonValue::clear()
{
    type = Type::Null;
    boolean = false;
    number = 0;
    text.clear();
    key.clear();
    items.clear();
}

const char *JsonValue::typeName(Type t)
{
    switch (t) {
    case Type::Null: return "null";
    case Type::Bool: return "a boolean";
    case Type::Number: return "a number";
    case Type::String: return "a string";
    case Type::Array: return "an array";
    case Type::Object: return "an object";
    }
    return "?";
}

void appendJsonString(std::string &out, std::string_view s)
{
    static const char kHex[] = "0123456789abcdef";
    out.reserve(out.size() + s.size() + 2);
    out.push_back('"');
    std::size_t run = 0; // start of the pending run of bytes that need no escaping
    for (std::size_t i = 0; i < s.size(); ++i) {
        const unsigned char c = static_cast<unsigned char>(s[i]);
        if (c >= 0x20 && c != '"' && c != '\\')
            continue;
        out.append(s.data() + run, i - run);
        run = i + 1;
        switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        case '\b': out += "\\b"; break;
        case '\f': out += "\\f"; break;
        default:
            out += "\\u00";
            out.push_back(kHex[c >> 4]);
            out.push_back(kHex[c & 15]);
        }
    }
    out.append(s.data() + run, s.size() - run);
    out.push_back('"');
}

void appendJson(std::string &out, const JsonValue &v)
{
    switch (v.type) {
    case JsonValue::Type::Null: out += "null"; break;
    case JsonValue::Type::Bool: out += v.boolean ? "true" : "false"; break;
    case JsonValue::Type::Number: out += v.text; break;
    case JsonValue::Type::String: appendJsonString(out, v.text); break;
    case JsonValue::Type::Array:
        out.push_back('[');
        for (std::size_t i = 0; i < v.items.size(); ++i) {
            if (i)
                out.push_back(',');
            appendJson(out, v.items[i]);
        }
        out.push_back(']');
        break;
    case JsonValue::Type::Object:
        out.push_back('{');
        for (std::size_t i = 0; i < v.items.size(); ++i) {
            if (i)
                out.push_back(',');
            appendJsonString(out, v.items[i].key);
            out.push_back(':');
            appendJson(out, v.items[i]);
        }
        out.push_back('}');
        break;
    }
}

std::string toJson(const JsonValue &v)
{
    std::string out;
    appendJson(out, v);
    return out;
}

std::string scalarText(const JsonValue &v)
{
    switch (v.type) {
    case JsonValue::Type::Null: return {};
    case JsonValue::Type::Bool: return v.boolean ? "true" : "false";
    case JsonValue::Type::Number:
    case JsonValue::Type::String: return v.text;
    default: return toJson(v);
    }
}

} // namespace hyper
