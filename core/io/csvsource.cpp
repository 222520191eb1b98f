// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/io/csvsource.h"

#include "core/io/importer.h"

#include <unordered_set>

namespace hyper {

namespace {

class CsvSource final : public RowSource
{
public:
    CsvSource(std::unique_ptr<LineReader> reader, const QString &name, char delimiter)
        : RowSource(std::move(reader), name), m_delimiter(delimiter) {}

    Kind kind() const override { return Kind::Csv; }
    std::vector<std::string> header() const override { return m_header; }

    bool next(SourceRow &row) override
    {
        if (!m_headerRead) {
            m_headerRead = true;
            SourceRow headerRow;
            if (!readRecord(headerRow))
                return false;
            if (headerRow.bad) // nothing can be read without a usable header
                throw ImportError(m_name, headerRow.errorLine, QString::fromStdString(headerRow.error));
            setHeader();
        }
        if (!readRecord(row))
            return false;
        ++m_records;
        if (!row.bad && m_fields.size() != m_header.size()) {
            row.bad = true;
            row.errorLine = row.line;
            row.error = "expected " + std::to_string(m_header.size()) + " fields as in the header, got "
                + std::to_string(m_fields.size());
        }
        JsonValue &obj = row.value;
        obj.clear();
        if (row.bad)
            return true;
        obj.type = JsonValue::Type::Object;
        obj.items.resize(m_fields.size());
        for (std::size_t i = 0; i < m_fields.size(); ++i) {
            JsonValue &v = obj.items[i];
            v.type = JsonValue::Type::String;
            v.key = m_header[i];
            v.text = std::move(m_fields[i]);
        }
        return true;
    }

private:
    /** Reads one record's fields into m_fields; false at the end of the file. */
    bool readRecord(SourceRow &row)
    {
        std::string_view line;
        do {
            if (!m_reader->next(line))
                return false;
        } while (line.empty());

        row.line = row.errorLine = m_reader->lineNumber();
        row.bad = false;
        row.error.clear();
        m_fields.clear();
        std::string field;
        bool inQuotes = false;
        bool quoted = false;      // the current field was opened with a quote
        bool afterClose = false;  // just after the closing quote of a quoted field
        qint64 quoteLine = 0;     // where the open quote was opened (a record may span lines)
        std::size_t recordBytes = line.size();
        for (;;) {
            checkUtf8(row, line);
            for (std::size_t i = 0; i < line.size(); ++i) {
                const char c = line[i];
                if (inQuotes) {
                    if (c != '"') {
                        // Copy the run up to the next quote at once.
                        const std::size_t q = line.find('"', i);
                        const std::size_t stop = q == std::string_view::npos ? line.size() : q;
                        field.append(line.substr(i, stop - i));
                        i = stop - 1;
                    } else if (i + 1 < line.size() && line[i + 1] == '"') {
                        field.push_back('"');
                        ++i;
                    } else {
                        inQuotes = false;
                        afterClose = true;
                    }
                } else if (c == m_delimiter) {
                    m_fields.push_back(std::move(field));
                    field.clear();
                    quoted = afterClose = false;
                } else if (c == '"' && field.empty() && !quoted) {
                    inQuotes = quoted = true;
                    quoteLine = m_reader->lineNumber();
                } else {
                    if (afterClose && !row.bad) {
                        row.bad = true;
                        row.errorLine = m_reader->lineNumber();
                        row.error = "unexpected character after a closing quote at column " + std::to_string(i + 1);
                    }
                    // A quote inside an unquoted field is kept as text, as most writers mean it.
                    field.push_back(c);
                }
            }
            if (!inQuotes)
                break;
            if (!m_reader->next(line))
                throw ImportError(m_name, quoteLine,
                                  QStringLiteral("unterminated quoted field (the quote opened on this line is never closed)"));
            // A record is held whole: its lines together have the line's limit, so that a
            // quote never closed cannot eat the memory (a gzip bomb of newlines).
            recordBytes += line.size() + 1;
            if (recordBytes > m_reader->maxLineBytes())
                throw ImportError(m_name, row.line,
                                  QStringLiteral("the record that starts on this line is longer than %1 (the limit; "
                                                 "hyper import --max-line-mib raises it); is a quote never closed?")
                                      .arg(LineReader::sizeText(m_reader->maxLineBytes())));
            field.push_back('\n');
        }
        m_fields.push_back(std::move(field));
        return true;
    }

    void checkUtf8(SourceRow &row, std::string_view line)
    {
        if (row.bad)
            return;
        const std::size_t bad = findInvalidUtf8(line);
        if (bad != std::string_view::npos)
            setUtf8Error(row, m_reader->lineNumber(), bad);
    }

    void setHeader()
    {
        std::unordered_set<std::string> seen;
        m_header.clear();
        for (std::size_t i = 0; i < m_fields.size(); ++i) {
            std::string name = m_fields[i];
            if (name.empty())
                name = "column_" + std::to_string(i + 1);
            // Duplicate names would make columns unreachable; number the later ones.
            std::string unique = name;
            for (int n = 2; seen.count(unique); ++n)
                unique = name + "_" + std::to_string(n);
            seen.insert(unique);
            m_header.push_back(std::move(unique));
        }
    }

    char m_delimiter = ',';
    bool m_headerRead = false;
    std::vector<std::string> m_header;
    std::vector<std::string> m_fields;
};

} // namespace

std::unique_ptr<RowSource> makeCsvSource(std::unique_ptr<LineReader> reader, const QString &displayName, char delimiter)
{
    return std::make_unique<CsvSource>(std::move(reader), displayName, delimiter);
}

char sniffDelimiter(std::string_view line)
{
    int tabs = 0, commas = 0, semicolons = 0;
    bool inQuotes = false;
    for (char c : line) {
        if (c == '"')
            inQuotes = !inQuotes;
        else if (!inQuotes && c == '\t')
            ++tabs;
        else if (!inQuotes && c == ',')
            ++commas;
        else if (!inQuotes && c == ';')
            ++semicolons;
    }
    if (tabs > 0 && tabs >= commas && tabs >= semicolons)
        return '\t';
    if (semicolons > commas)
        return ';';
    return ',';
}

} // namespace hyper
