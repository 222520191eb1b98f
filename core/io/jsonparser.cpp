// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/io/jsonparser.h"

#include <charconv>
#include <cstring>

namespace hyper {

std::size_t utf8SequenceLength(const char *p, const char *end)
{
    const auto b = [&](std::ptrdiff_t i) { return static_cast<unsigned char>(p[i]); };
    const unsigned char c = b(0);
    if (c < 0x80)
        return 1;
    const std::ptrdiff_t left = end - p;
    const auto cont = [&](std::ptrdiff_t i) { return i < left && (b(i) & 0xC0) == 0x80; };
    if (c >= 0xC2 && c <= 0xDF)
        return cont(1) ? 2 : 0;
    if (c >= 0xE0 && c <= 0xEF) {
        if (!cont(1) || !cont(2))
            return 0;
        if (c == 0xE0 && b(1) < 0xA0)
            return 0; // overlong
        if (c == 0xED && b(1) >= 0xA0)
            return 0; // UTF-16 surrogate
        return 3;
    }
    if (c >= 0xF0 && c <= 0xF4) {
        if (!cont(1) || !cont(2) || !cont(3))
            return 0;
        if (c == 0xF0 && b(1) < 0x90)
            return 0; // overlong
        if (c == 0xF4 && b(1) >= 0x90)
            return 0; // past U+10FFFF
        return 4;
    }
    return 0; // 0x80-0xC1 (continuation or overlong lead) and 0xF5-0xFF
}

std::size_t findInvalidUtf8(std::string_view s)
{
    const char *p = s.data();
    const char *end = p + s.size();
    while (p < end) {
        // ASCII dominates real text: skip it eight bytes at a time.
        while (end - p >= 8) {
            std::uint64_t w;
            std::memcpy(&w, p, 8);
            if (w & 0x8080808080808080ull)
                break;
            p += 8;
        }
        if (p >= end)
            break;
        if (static_cast<unsigned char>(*p) < 0x80) {
            ++p;
            continue;
        }
        const std::size_t n = utf8SequenceLength(p, end);
        if (n == 0)
            return std::size_t(p - s.data());
        p += n;
    }
    return std::string_view::npos;
}

namespace {

void appendUtf8(std::string &out, std::uint32_t cp)
{
    if (cp < 0x80) {
        out.push_back(char(cp));
    } else if (cp < 0x800) {
        out.push_back(char(0xC0 | (cp >> 6)));
        out.push_back(char(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
        out.push_back(char(0xE0 | (cp >> 12)));
        out.push_back(char(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(char(0x80 | (cp & 0x3F)));
    } else {
        out.push_back(char(0xF0 | (cp >> 18)));
        out.push_back(char(0x80 | ((cp >> 12) & 0x3F)));
        out.push_back(char(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(char(0x80 | (cp & 0x3F)));
    }
}

int hexValue(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

std::string describe(char c)
{
    const unsigned char u = static_cast<unsigned char>(c);
    if (u >= 0x20 && u < 0x7F)
        return std::string("'") + c + "'";
    static const char kHex[] = "0123456789ABCDEF";
    return std::string("byte 0x") + kHex[u >> 4] + kHex[u & 15];
}

} // namespace

bool JsonParser::parse(std::string_view text, JsonValue &out)
{
    m_begin = text.data();
    m_p = m_begin;
    m_end = m_begin + text.size();
    m_error = {};
    out.clear();
    skipSpace();
    if (m_p >= m_end)
        return fail(m_p, "no JSON value");
    if (!parseValue(out, 0))
        return false;
    skipSpace();
    if (m_p < m_end)
        return fail(m_p, "unexpected " + describe(*m_p) + " after the value");
    return true;
}

bool JsonParser::fail(const char *at, std::string message, bool encoding)
{
    m_error.offset = std::size_t(at - m_begin);
    m_error.message = std::move(message);
    m_error.encoding = encoding;
    return false;
}

void JsonParser::skipSpace()
{
    while (m_p < m_end && (*m_p == ' ' || *m_p == '\t' || *m_p == '\n' || *m_p == '\r'))
        ++m_p;
}

bool JsonParser::parseValue(JsonValue &v, int depth)
{
    if (m_p >= m_end)
        return fail(m_p, "unexpected end of input, expected a value");
    switch (*m_p) {
    case '{':
        return parseObject(v, depth + 1);
    case '[':
        return parseArray(v, depth + 1);
    case '"':
        v.type = JsonValue::Type::String;
        return parseString(v.text);
    case 't':
        v.type = JsonValue::Type::Bool;
        v.boolean = true;
        return parseLiteral("true");
    case 'f':
        v.type = JsonValue::Type::Bool;
        v.boolean = false;
        return parseLiteral("false");
    case 'n':
        v.type = JsonValue::Type::Null;
        return parseLiteral("null");
    default:
        if (*m_p == '-' || (*m_p >= '0' && *m_p <= '9'))
            return parseNumber(v);
        return fail(m_p, "unexpected " + describe(*m_p) + ", expected a value");
    }
}

bool JsonParser::parseLiteral(std::string_view word)
{
    if (std::size_t(m_end - m_p) < word.size() || std::string_view(m_p, word.size()) != word)
        return fail(m_p, "invalid literal, expected '" + std::string(word) + "'");
    m_p += word.size();
    return true;
}

bool JsonParser::parseObject(JsonValue &v, int depth)
{
    if (depth > kMaxDepth)
        return fail(m_p, "nesting too deep");
    v.type = JsonValue::Type::Object;
    ++m_p; // '{'
    skipSpace();
    if (m_p < m_end && *m_p == '}') {
        ++m_p;
        return true;
    }
    for (;;) {
        if (m_p >= m_end)
            return fail(m_p, "unexpected end of input inside an object");
        if (*m_p != '"')
            return fail(m_p, "unexpected " + describe(*m_p) + ", expected a member name in double quotes");
        v.items.emplace_back();
        JsonValue &member = v.items.back();
        if (!parseString(member.key))
            return false;
        skipSpace();
        if (m_p >= m_end || *m_p != ':')
            return fail(m_p, "expected ':' after the member name \"" + member.key + "\"");
        ++m_p;
        skipSpace();
        if (!parseValue(member, depth))
            return false;
        skipSpace();
        if (m_p >= m_end)
            return fail(m_p, "unexpected end of input inside an object, expected ',' or '}'");
        if (*m_p == ',') {
            ++m_p;
            skipSpace();
            continue;
        }
        if (*m_p == '}') {
            ++m_p;
            return true;
        }
        return fail(m_p, "unexpected " + describe(*m_p) + ", expected ',' or '}'");
    }
}

bool JsonParser::parseArray(JsonValue &v, int depth)
{
    if (depth > kMaxDepth)
        return fail(m_p, "nesting too deep");
    v.type = JsonValue::Type::Array;
    ++m_p; // '['
    skipSpace();
    if (m_p < m_end && *m_p == ']') {
        ++m_p;
        return true;
    }
    for (;;) {
        v.items.emplace_back();
        if (!parseValue(v.items.back(), depth))
            return false;
        skipSpace();
        if (m_p >= m_end)
            return fail(m_p, "unexpected end of input inside an array, expected ',' or ']'");
        if (*m_p == ',') {
            ++m_p;
            skipSpace();
            continue;
        }
        if (*m_p == ']') {
            ++m_p;
            return true;
        }
        return fail(m_p, "unexpected " + describe(*m_p) + ", expected ',' or ']'");
    }
}

bool JsonParser::parseString(std::string &out)
{
    const char *open = m_p;
    ++m_p; // opening quote
    const char *run = m_p;
    while (m_p < m_end) {
        const unsigned char c = static_cast<unsigned char>(*m_p);
        if (c == '"') {
            out.append(run, m_p);
            ++m_p;
            return true;
        }
        if (c == '\\') {
            out.append(run, m_p);
            if (!parseEscape(out))
                return false;
            run = m_p;
            continue;
        }
        if (c < 0x20)
            return fail(m_p, c == '\n' ? std::string("unterminated string (line break inside a string)")
                                       : "control character " + describe(char(c)) + " inside a string");
        if (c < 0x80) {
            ++m_p;
            continue;
        }
        const std::size_t n = utf8SequenceLength(m_p, m_end);
        if (n == 0)
            return fail(m_p, "invalid UTF-8", true);
        m_p += n;
    }
    return fail(open, "unterminated string");
}

bool JsonParser::parseEscape(std::string &out)
{
    const char *at = m_p;
    if (m_end - m_p < 2)
        return fail(at, "unterminated string");
    const char e = m_p[1];
    m_p += 2;
    switch (e) {
    case '"': out.push_back('"'); return true;
    case '\\': out.push_back('\\'); return true;
    case '/': out.push_back('/'); return true;
    case 'b': out.push_back('\b'); return true;
    case 'f': out.push_back('\f'); return true;
    case 'n': out.push_back('\n'); return true;
    case 'r': out.push_back('\r'); return true;
    case 't': out.push_back('\t'); return true;
    case 'u': break;
    default: return fail(at, "invalid escape \\" + std::string(1, e));
    }
    const auto hex4 = [this](std::uint32_t &cp) {
        if (m_end - m_p < 4)
            return false;
        cp = 0;
        for (int i = 0; i < 4; ++i) {
            const int h = hexValue(m_p[i]);
            if (h < 0)
                return false;
            cp = cp * 16 + std::uint32_t(h);
        }
        m_p += 4;
        return true;
    };
    std::uint32_t cp = 0;
    if (!hex4(cp))
        return fail(at, "invalid \\u escape (expected four hex digits)");
    if (cp >= 0xDC00 && cp <= 0xDFFF)
        return fail(at, "unpaired low surrogate in \\u escape");
    if (cp >= 0xD800 && cp <= 0xDBFF) {
        // A high surrogate must be followed by an escaped low one; UTF-8 cannot carry
        // a lone surrogate, so accepting it would store invalid text.
        std::uint32_t low = 0;
        if (m_end - m_p < 2 || m_p[0] != '\\' || m_p[1] != 'u')
            return fail(at, "unpaired high surrogate in \\u escape");
        m_p += 2;
        if (!hex4(low))
            return fail(m_p - 2, "invalid \\u escape (expected four hex digits)");
        if (low < 0xDC00 || low > 0xDFFF)
            return fail(at, "unpaired high surrogate in \\u escape");
        cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
    }
    appendUtf8(out, cp);
    return true;
}

bool JsonParser::parseNumber(JsonValue &v)
{
    const char *start = m_p;
    const auto digits = [this] {
        const char *s = m_p;
        while (m_p < m_end && *m_p >= '0' && *m_p <= '9')
            ++m_p;
        return m_p > s;
    };
    if (*m_p == '-')
        ++m_p;
    if (m_p < m_end && *m_p == '0') {
        ++m_p;
        if (m_p < m_end && *m_p >= '0' && *m_p <= '9')
            return fail(start, "invalid number (leading zero)");
    } else if (!digits()) {
        return fail(start, "invalid number");
    }
    if (m_p < m_end && *m_p == '.') {
        ++m_p;
        if (!digits())
            return fail(start, "invalid number (no digits after '.')");
    }
    if (m_p < m_end && (*m_p == 'e' || *m_p == 'E')) {
        ++m_p;
        if (m_p < m_end && (*m_p == '+' || *m_p == '-'))
            ++m_p;
        if (!digits())
            return fail(start, "invalid number (no digits in the exponent)");
    }
    v.type = JsonValue::Type::Number;
    v.text.assign(start, m_p);
    // from_chars refuses a leading '+' only, which the grammar above already excludes.
    // Out-of-range values leave number at 0 and keep the literal text.
    std::from_chars(start, m_p, v.number);
    return true;
}

} // namespace hyper
