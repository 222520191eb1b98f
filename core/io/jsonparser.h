// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/io/jsonvalue.h"

#include <cstddef>
#include <string>
#include <string_view>

namespace hyper {

/** Where and why a parse failed. offset is the 0-based byte offset into the parsed text. */
struct JsonError {
    std::size_t offset = 0;
    std::string message;
    bool encoding = false;   // invalid UTF-8 (the message is then "invalid UTF-8")
};

/**
 * A small strict JSON (RFC 8259) parser for one value held in memory, producing UTF-8
 * strings. It validates UTF-8 inside strings (overlong forms, surrogates and code points
 * past U+10FFFF are rejected) and decodes \u escapes including surrogate pairs. Not
 * thread-safe; use one per thread and reuse it (it keeps no state between calls besides
 * the last error).
 */
class JsonParser
{
public:
    /** Parses text as exactly one value (whitespace around it allowed) into out.
     *  Returns false and sets error() on failure; out is then unspecified. */
    bool parse(std::string_view text, JsonValue &out);
    const JsonError &error() const { return m_error; }

    /** Nesting deeper than this is an error, so that hostile input cannot overflow the
     *  stack through recursion. */
    static constexpr int kMaxDepth = 256;

private:
    bool parseValue(JsonValue &v, int depth);
    bool parseObject(JsonValue &v, int depth);
    bool parseArray(JsonValue &v, int depth);
    bool parseString(std::string &out);
    bool parseEscape(std::string &out);
    bool parseNumber(JsonValue &v);
    bool parseLiteral(std::string_view word);
    void skipSpace();
    bool fail(const char *at, std::string message, bool encoding = false);

    const char *m_begin = nullptr;
    const char *m_p = nullptr;
    const char *m_end = nullptr;
    JsonError m_error;
};

/** Length of the valid UTF-8 sequence starting at p (1-4), or 0 when it is invalid. */
std::size_t utf8SequenceLength(const char *p, const char *end);

/** Offset of the first invalid UTF-8 byte in s, or std::string_view::npos when valid. */
std::size_t findInvalidUtf8(std::string_view s);

} // namespace hyper
