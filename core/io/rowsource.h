// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/io/jsonparser.h"
#include "core/io/jsonvalue.h"
#include "core/io/linereader.h"

#include <QString>

#include <memory>
#include <string>
#include <vector>

namespace hyper {

/** One record read from a file: a JSON object, or the reason it could not be read. */
struct SourceRow {
    JsonValue value;          // an object when !bad
    qint64 line = 0;          // where the record starts (1-based)
    bool bad = false;
    qint64 errorLine = 0;     // the line the error is on (may be after `line`)
    std::string error;        // what is wrong, without "FILE:LINE: "
};

/**
 * Reads the records of one input file in order, streaming. Three kinds: JSON Lines,
 * a top-level JSON array (element by element) and CSV with a header row; all of them
 * optionally gzip-compressed. A record that cannot be parsed comes back with bad set,
 * and reading goes on with the next one; errors after which the file cannot be
 * resynchronised (a broken array structure, an unterminated quoted CSV field, corrupt
 * gzip) throw ImportError.
 */
class RowSource
{
public:
    enum class Kind { JsonLines, JsonArray, Csv };

    virtual ~RowSource() = default;

    /** Opens path, choosing the kind by the name (.jsonl/.ndjson, .json, .csv/.tsv, each
     *  with or without .gz) and, for other names, by the first non-blank character.
     *  Container formats (Parquet, Arrow, xlsx, zip, SQLite) are refused by name.
     *  delimiter 0 sniffs a delimited file's from its header line. */
    static std::unique_ptr<RowSource> open(const QString &path, const QString &displayName, char delimiter = 0,
                                           std::size_t maxLineBytes = LineReader::kDefaultMaxLineBytes);

    /** The next record; false at the end of the file. */
    virtual bool next(SourceRow &row) = 0;
    virtual Kind kind() const = 0;
    /** CSV: the header's column names (empty for JSON). */
    virtual std::vector<std::string> header() const { return {}; }

    qint64 bytesRead() const { return m_reader->bytesRead(); }
    double fraction() const { return m_reader->fraction(); }
    /** True when the file held no records at all (only known once next() returned false). */
    bool sawNoRecords() const { return m_records == 0; }

protected:
    RowSource(std::unique_ptr<LineReader> reader, QString name)
        : m_reader(std::move(reader)), m_name(std::move(name)) {}
    void setUtf8Error(SourceRow &row, qint64 line, std::size_t byteInLine);

    std::unique_ptr<LineReader> m_reader;
    QString m_name;
    JsonParser m_parser;
    qint64 m_records = 0;
};

} // namespace hyper
