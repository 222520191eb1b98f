// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/ml/jsonwriter.h"

#include <cmath>
#include <cstdio>

namespace hyper::ml {

void JsonWriter::separate()
{
    if (m_afterKey) {
        m_afterKey = false;
        return;
    }
    if (!m_first.empty()) {
        if (!m_first.back())
            m_out += ", ";
        m_first.back() = false;
    }
}

void JsonWriter::quoted(const std::string &s)
{
    m_out += '"';
    for (unsigned char c : s) {
        switch (c) {
        case '"': m_out += "\\\""; break;
        case '\\': m_out += "\\\\"; break;
        case '\n': m_out += "\\n"; break;
        case '\r': m_out += "\\r"; break;
        case '\t': m_out += "\\t"; break;
        default:
            if (c < 0x20) {
                char buf[8];
                std::snprintf(buf, sizeof buf, "\\u%04x", c);
                m_out += buf;
            } else {
                m_out += char(c);
            }
        }
    }
    m_out += '"';
}

JsonWriter &JsonWriter::beginObject()
{
    separate();
    m_out += '{';
    m_first.push_back(true);
    return *this;
}

JsonWriter &JsonWriter::endObject()
{
    m_out += '}';
    m_first.pop_back();
    return *this;
}

JsonWriter &JsonWriter::beginArray()
{
    separate();
    m_out += '[';
    m_first.push_back(true);
    return *this;
}

JsonWriter &JsonWriter::endArray()
{
    m_out += ']';
    m_first.pop_back();
    return *this;
}

JsonWriter &JsonWriter::key(const std::string &k)
{
    separate();
    quoted(k);
    m_out += ": ";
    m_afterKey = true;
    return *this;
}

JsonWriter &JsonWriter::value(const std::string &v)
{
    separate();
    quoted(v);
    return *this;
}

JsonWriter &JsonWriter::value(double v)
{
    separate();
    if (!std::isfinite(v)) {
        m_out += "null";
        return *this;
    }
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.12g", v);
    m_out += buf;
    return *this;
}

JsonWriter &JsonWriter::value(std::int64_t v)
{
    separate();
    m_out += std::to_string(v);
    return *this;
}

JsonWriter &JsonWriter::value(bool v)
{
    separate();
    m_out += v ? "true" : "false";
    return *this;
}

} // namespace hyper::ml
