// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/export/jsontext.h"

#include <charconv>
#include <cmath>

namespace hyper::exporting {

namespace {

constexpr char kHex[] = "0123456789abcdef";

/** Length of the valid UTF-8 sequence starting at p (1..4), or 0 when invalid
 *  (overlong forms, surrogates and code points above U+10FFFF are invalid). */
std::size_t utf8Length(const unsigned char *p, std::size_t left)
{
    const unsigned char c = p[0];
    auto cont = [&](std::size_t i) { return i < left && (p[i] & 0xC0) == 0x80; };
    if (c >= 0xC2 && c <= 0xDF)
        return cont(1) ? 2 : 0;
    if (c >= 0xE0 && c <= 0xEF) {
        if (!cont(1) || !cont(2))
            return 0;
        if (c == 0xE0 && p[1] < 0xA0) // overlong
            return 0;
        if (c == 0xED && p[1] >= 0xA0) // UTF-16 surrogates
            return 0;
        return 3;
    }
    if (c >= 0xF0 && c <= 0xF4) {
        if (!cont(1) || !cont(2) || !cont(3))
            return 0;
        if (c == 0xF0 && p[1] < 0x90) // overlong
            return 0;
        if (c == 0xF4 && p[1] >= 0x90) // above U+10FFFF
            return 0;
        return 4;
    }
    return 0;
}

} // namespace

void appendJsonString(std::string &out, std::string_view utf8)
{
    out.push_back('"');
    const auto *p = reinterpret_cast<const unsigned char *>(utf8.data());
    const std::size_t n = utf8.size();
    std::size_t run = 0; // start of the pending run of bytes copied as they are
    std::size_t i = 0;
    while (i < n) {
        const unsigned char c = p[i];
        if (c >= 0x20 && c != '"' && c != '\\' && c < 0x80) {
            ++i;
            continue;
        }
        if (c >= 0x80) {
            const std::size_t len = utf8Length(p + i, n - i);
            if (len > 0) {
                i += len;
                continue;
            }
        }
        out.append(utf8.data() + run, i - run);
        switch (c) {
        case '"':
            out.append("\\\"");
            break;
        case '\\':
            out.append("\\\\");
            break;
        case '\n':
            out.append("\\n");
            break;
        case '\r':
            out.append("\\r");
            break;
        case '\t':
            out.append("\\t");
            break;
        case '\b':
            out.append("\\b");
            break;
        case '\f':
            out.append("\\f");
            break;
        default:
            if (c < 0x20) {
                const char esc[] = { '\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 15] };
                out.append(esc, sizeof esc);
            } else {
                out.append("\xEF\xBF\xBD"); // an invalid byte: U+FFFD
            }
        }
        ++i;
        run = i;
    }
    out.append(utf8.data() + run, n - run);
    out.push_back('"');
}

void appendJsonInt(std::string &out, long long v)
{
    char buf[24];
    const auto r = std::to_chars(buf, buf + sizeof buf, v);
    out.append(buf, r.ptr);
}

void appendJsonDouble(std::string &out, double v)
{
    if (!std::isfinite(v)) {
        out.append("null");
        return;
    }
    char buf[32];
    const auto r = std::to_chars(buf, buf + sizeof buf, v);
    out.append(buf, r.ptr);
}

void appendJsonOptDouble(std::string &out, const std::optional<double> &v)
{
    if (v)
        appendJsonDouble(out, *v);
    else
        out.append("null");
}

void appendCsvField(std::string &out, std::string_view utf8)
{
    const bool quote = utf8.find_first_of(",\"\r\n") != std::string_view::npos
        || (!utf8.empty() && (utf8.front() == ' ' || utf8.back() == ' '));
    if (!quote) {
        out.append(utf8);
        return;
    }
    out.push_back('"');
    std::size_t run = 0;
    for (std::size_t i = 0; i < utf8.size(); ++i) {
        if (utf8[i] == '"') {
            out.append(utf8.data() + run, i + 1 - run);
            out.push_back('"');
            run = i + 1;
        }
    }
    out.append(utf8.data() + run, utf8.size() - run);
    out.push_back('"');
}

} // namespace hyper::exporting
