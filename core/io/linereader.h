// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QFile>
#include <QString>

#include <algorithm>
#include <memory>
#include <string_view>
#include <vector>

namespace hyper {

/**
 * Reads a file line by line in constant memory (a buffer that grows only to the longest
 * line). gzip input is decompressed transparently; it is recognised by its magic bytes
 * (1f 8b), not by the file name, and concatenated gzip members are read in turn. A UTF-8
 * byte order mark at the start is dropped. Lines are returned without "\n" or "\r\n".
 *
 * A line longer than maxLineBytes() (its bytes without the "\n" or "\r\n" that ends it, a
 * leading byte order mark included; default 256 MiB; gzip lines counted decompressed)
 * throws ImportError naming the file and the line, before the memory is spent: the
 * buffer never grows past the limit plus two bytes, so a gzip bomb of one endless line
 * costs at most the limit.
 *
 * Errors (cannot open, corrupt or truncated gzip) throw ImportError naming the file.
 * Not thread-safe; used by one thread at a time.
 */
class LineReader
{
public:
    static constexpr std::size_t kDefaultMaxLineBytes = std::size_t(256) << 20;

    /** displayName is the file name used in error messages. */
    LineReader(const QString &path, const QString &displayName);
    /** The longest line next() returns; a longer one is an error. */
    void setMaxLineBytes(std::size_t bytes) { m_maxLine = std::min(bytes, std::size_t(-1) / 2); }
    std::size_t maxLineBytes() const { return m_maxLine; }
    /** "256 MiB" or "100 bytes", for messages about the limit. */
    static QString sizeText(std::size_t bytes);
    /** The line buffer's size (for tests of the limit). */
    std::size_t bufferBytes() const { return m_buf.size(); }
    ~LineReader();
    LineReader(const LineReader &) = delete;
    LineReader &operator=(const LineReader &) = delete;

    /** The next line; the view stays valid until the next call. False at end of file. */
    bool next(std::string_view &line);

    /** The next piece of the content, of any size, for readers that do their own
     *  line counting (a minified JSON array may be one huge line). Do not mix with
     *  next(). False at end of file. */
    bool nextChunk(std::string_view &chunk);

    /** 1-based number of the line last returned by next(). */
    qint64 lineNumber() const { return m_line; }
    /** Bytes of (decompressed) content consumed so far, line ends included. */
    qint64 bytesRead() const { return m_consumed; }
    /** Fraction of the file on disk read so far, for progress reports. */
    double fraction() const;
    bool isGzip() const { return m_gzip != nullptr; }

private:
    [[noreturn]] void throwTooLong() const;
    std::size_t fill(char *dst, std::size_t capacity);
    std::size_t readRaw(char *dst, std::size_t capacity);

    struct Gzip;
    QFile m_file;
    QString m_name;
    std::unique_ptr<Gzip> m_gzip;
    std::vector<char> m_buf;
    std::size_t m_pos = 0;       // start of unread data in m_buf
    std::size_t m_end = 0;       // end of valid data in m_buf
    std::size_t m_scanned = 0;   // m_buf[m_pos, m_scanned) holds no '\n'
    bool m_eof = false;
    bool m_first = true;
    qint64 m_line = 0;
    qint64 m_consumed = 0;
    qint64 m_rawRead = 0;
    qint64 m_size = 0;
    std::size_t m_maxLine = kDefaultMaxLineBytes;
};

} // namespace hyper
