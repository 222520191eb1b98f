// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/io/linereader.h"

#include "core/io/importer.h"

#include <zlib.h>

#include <algorithm>
#include <cstring>
#include <limits>

namespace hyper {

namespace {
// Large enough that file reads and inflate calls are cheap per byte, small enough to
// keep memory constant whatever the file size.
constexpr std::size_t kBufferSize = 1 << 20;
constexpr std::size_t kInputSize = 256 << 10;
// A small file gets a buffer its size (at least this much): opening many small files (the
// tests, the fuzz targets) then costs no megabyte of fresh memory each.
constexpr std::size_t kMinBufferSize = 4 << 10;
// Decompressed text is often ten times the gzip file; the buffer still grows for a line
// longer than it.
constexpr std::size_t kMinGzipBufferSize = 64 << 10;
constexpr std::size_t kGzipRatio = 16;
} // namespace

struct LineReader::Gzip {
    z_stream zs{};
    std::vector<char> in;
    bool streamEnded = false;   // the current member ended; more input may start another
    bool inputEof = false;
    ~Gzip() { inflateEnd(&zs); }
};

QString LineReader::sizeText(std::size_t bytes)
{
    if (bytes >= (std::size_t(1) << 20) && bytes % (std::size_t(1) << 20) == 0)
        return QStringLiteral("%1 MiB").arg(qulonglong(bytes >> 20));
    return QStringLiteral("%1 bytes").arg(qulonglong(bytes));
}

LineReader::LineReader(const QString &path, const QString &displayName)
    : m_file(path), m_name(displayName)
{
    if (!m_file.open(QIODevice::ReadOnly))
        throw ImportError(m_name, 0, QStringLiteral("cannot open the file: %1").arg(m_file.errorString()));
    m_size = m_file.size();
    // A pipe or a /proc file says 0 bytes: it gets the full buffers.
    const std::size_t size = m_file.isSequential() || m_size <= 0 ? kBufferSize : std::size_t(m_size);

    char magic[2] = {0, 0};
    const qint64 got = m_file.peek(magic, 2);
    if (got == 2 && static_cast<unsigned char>(magic[0]) == 0x1f
        && static_cast<unsigned char>(magic[1]) == 0x8b) {
        m_gzip = std::make_unique<Gzip>();
        // 16 + MAX_WBITS: expect a gzip header and check its CRC trailer.
        if (inflateInit2(&m_gzip->zs, 16 + MAX_WBITS) != Z_OK)
            throw ImportError(m_name, 0, QStringLiteral("cannot initialise zlib"));
        m_gzip->in.resize(std::clamp(size, std::size_t(1), kInputSize));
        m_buf.resize(std::clamp(size * kGzipRatio, kMinGzipBufferSize, kBufferSize));
    } else {
        // The whole file and one byte more, so that reading it never grows the buffer.
        m_buf.resize(std::clamp(size + 1, kMinBufferSize, kBufferSize));
    }
}

LineReader::~LineReader() = default;

double LineReader::fraction() const
{
    if (m_size <= 0)
        return 1.0;
    const double f = double(m_rawRead) / double(m_size);
    return f > 1.0 ? 1.0 : f;
}

std::size_t LineReader::readRaw(char *dst, std::size_t capacity)
{
    const qint64 n = m_file.read(dst, qint64(capacity));
    if (n < 0)
        throw ImportError(m_name, 0, QStringLiteral("read error: %1").arg(m_file.errorString()));
    m_rawRead += n;
    return std::size_t(n);
}

std::size_t LineReader::fill(char *dst, std::size_t capacity)
{
    if (!m_gzip)
        return readRaw(dst, capacity);

    // zlib counts in uInt: a buffer past 4 GiB (--max-line-mib 4096) is filled in parts.
    capacity = std::min<std::size_t>(capacity, std::numeric_limits<uInt>::max());
    Gzip &g = *m_gzip;
    z_stream &zs = g.zs;
    zs.next_out = reinterpret_cast<Bytef *>(dst);
    zs.avail_out = uInt(capacity);
    while (zs.avail_out == capacity) {
        if (zs.avail_in == 0 && !g.inputEof) {
            const std::size_t n = readRaw(g.in.data(), g.in.size());
            if (n == 0)
                g.inputEof = true;
            zs.next_in = reinterpret_cast<Bytef *>(g.in.data());
            zs.avail_in = uInt(n);
        }
        if (g.streamEnded) {
            if (zs.avail_in == 0 && g.inputEof)
                return 0; // clean end after the last member
            // Another gzip member follows (what `cat a.gz b.gz` produces).
            inflateReset(&zs);
            g.streamEnded = false;
        }
        if (zs.avail_in == 0 && g.inputEof)
            throw ImportError(m_name, 0, QStringLiteral("truncated gzip data (the file ends inside a compressed stream)"));
        const int rc = inflate(&zs, Z_NO_FLUSH);
        if (rc == Z_STREAM_END) {
            g.streamEnded = true;
        } else if (rc != Z_OK && rc != Z_BUF_ERROR) {
            throw ImportError(m_name, 0, QStringLiteral("corrupt gzip data: %1")
                                             .arg(QString::fromUtf8(zs.msg ? zs.msg : "inflate failed")));
        }
    }
    return capacity - zs.avail_out;
}

bool LineReader::nextChunk(std::string_view &chunk)
{
    if (m_pos >= m_end) {
        if (m_eof)
            return false;
        m_pos = m_scanned = 0;
        m_end = fill(m_buf.data(), m_buf.size());
        if (m_end == 0) {
            m_eof = true;
            return false;
        }
    }
    chunk = std::string_view(m_buf.data() + m_pos, m_end - m_pos);
    m_consumed += qint64(chunk.size());
    m_pos = m_scanned = m_end;
    if (m_first) {
        m_first = false;
        if (chunk.size() >= 3 && std::memcmp(chunk.data(), "\xEF\xBB\xBF", 3) == 0)
            chunk.remove_prefix(3);
    }
    return true;
}

bool LineReader::next(std::string_view &line)
{
    for (;;) {
        if (m_scanned < m_end) {
            const char *base = m_buf.data();
            const void *nl = std::memchr(base + m_scanned, '\n', m_end - m_scanned);
            if (nl) {
                const std::size_t at = std::size_t(static_cast<const char *>(nl) - base);
                std::size_t len = at - m_pos;
                m_consumed += qint64(len + 1);
                if (len > 0 && base[m_pos + len - 1] == '\r')
                    --len;
                if (len > m_maxLine)
                    throwTooLong();
                line = std::string_view(base + m_pos, len);
                m_pos = m_scanned = at + 1;
                break;
            }
            m_scanned = m_end;
        }
        if (m_eof) {
            if (m_pos >= m_end)
                return false;
            std::size_t len = m_end - m_pos;
            m_consumed += qint64(len);
            if (m_buf[m_pos + len - 1] == '\r')
                --len;
            if (len > m_maxLine)
                throwTooLong();
            line = std::string_view(m_buf.data() + m_pos, len);
            m_pos = m_scanned = m_end;
            break;
        }
        // Move the partial line to the front, grow only when one line fills the buffer.
        if (m_pos > 0) {
            std::memmove(m_buf.data(), m_buf.data() + m_pos, m_end - m_pos);
            m_end -= m_pos;
            m_scanned -= m_pos;
            m_pos = 0;
        }
        if (m_end == m_buf.size()) {
            // One line fills the buffer: grow it by half (old and new buffer live together
            // while it grows: 1.5x at most, where doubling peaked at 2x), but never past
            // the limit plus room for a "\r" and the byte that proves the line longer, so an
            // endless line cannot eat the memory.
            if (m_end > m_maxLine + 1)
                throwTooLong();
            m_buf.resize(std::min(m_buf.size() + std::max<std::size_t>(m_buf.size() / 2, 1), m_maxLine + 2));
        }
        const std::size_t n = fill(m_buf.data() + m_end, m_buf.size() - m_end);
        if (n == 0)
            m_eof = true;
        m_end += n;
    }
    ++m_line;
    if (m_first) {
        m_first = false;
        if (line.size() >= 3 && std::memcmp(line.data(), "\xEF\xBB\xBF", 3) == 0)
            line.remove_prefix(3);
    }
    return true;
}

void LineReader::throwTooLong() const
{
    throw ImportError(m_name, m_line + 1,
                      QStringLiteral("the line is longer than %1 (the limit; hyper import --max-line-mib "
                                     "raises it)").arg(sizeText(m_maxLine)));
}

} // namespace hyper
