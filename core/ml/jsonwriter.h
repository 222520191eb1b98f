// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Torch-free, Qt-free: a minimal compact JSON writer for METRICS.json and run configs
// (hyper_ml cannot use QJsonDocument). Commas are inserted automatically.
#include <cstdint>
#include <string>
#include <vector>

namespace hyper::ml {

class JsonWriter
{
public:
    JsonWriter &beginObject();
    JsonWriter &endObject();
    JsonWriter &beginArray();
    JsonWriter &endArray();
    JsonWriter &key(const std::string &k);
    JsonWriter &value(const std::string &v);
    JsonWriter &value(const char *v) { return value(std::string(v)); }
    JsonWriter &value(double v);           // non-finite values are written as null
    JsonWriter &value(std::int64_t v);
    JsonWriter &value(bool v);
    const std::string &str() const { return m_out; }

private:
    void separate();
    void quoted(const std::string &s);
    std::string m_out;
    std::vector<bool> m_first; // per open container: nothing written yet
    bool m_afterKey = false;
};

} // namespace hyper::ml
