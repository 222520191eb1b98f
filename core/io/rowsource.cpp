// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/io/rowsource.h"

#include "core/io/csvsource.h"
#include "core/io/importer.h"

#include <QFile>

#include <algorithm>
#include <cstring>
#include <optional>

namespace hyper {

void RowSource::setUtf8Error(SourceRow &row, qint64 line, std::size_t byteInLine)
{
    row.bad = true;
    row.errorLine = line;
    row.error = "invalid UTF-8 at byte " + std::to_string(byteInLine + 1);
}

namespace {

bool isBlank(std::string_view s)
{
    return std::all_of(s.begin(), s.end(), [](char c) { return c == ' ' || c == '\t' || c == '\r'; });
}

/** The message for a record that is not an object. */
std::string notAnObject(const JsonValue &v)
{
    return std::string("expected a JSON object, got ") + JsonValue::typeName(v.type);
}

/** One JSON object per line; blank lines are skipped. */
class JsonLinesSource final : public RowSource
{
public:
    JsonLinesSource(std::unique_ptr<LineReader> reader, const QString &name) : RowSource(std::move(reader), name) {}
    Kind kind() const override { return Kind::JsonLines; }

    bool next(SourceRow &row) override
    {
        std::string_view line;
        while (m_reader->next(line)) {
            if (isBlank(line))
                continue;
            ++m_records;
            row.line = row.errorLine = m_reader->lineNumber();
            row.bad = false;
            row.error.clear();
            if (!m_parser.parse(line, row.value)) {
                const JsonError &e = m_parser.error();
                row.bad = true;
                if (e.encoding)
                    row.error = "invalid UTF-8 at byte " + std::to_string(e.offset + 1);
                else
                    row.error = "malformed JSON at column " + std::to_string(e.offset + 1) + ": " + e.message;
            } else if (!row.value.isObject()) {
                row.bad = true;
                row.error = notAnObject(row.value);
            }
            return true;
        }
        return false;
    }
};

/**
 * A top-level array read element by element: a scanner that knows only strings and
 * bracket depth cuts the next element out of the stream, and the parser reads it. So
 * memory is bounded by the largest element, and a malformed element is reported and
 * skipped as long as its brackets balance.
 */
class JsonArraySource final : public RowSource
{
public:
    JsonArraySource(std::unique_ptr<LineReader> reader, const QString &name) : RowSource(std::move(reader), name) {}
    Kind kind() const override { return Kind::JsonArray; }

    bool next(SourceRow &row) override
    {
        for (;;) {
            if (m_i >= m_chunk.size()) {
                if (!m_reader->nextChunk(m_chunk))
                    return atEnd();
                m_i = 0;
            }
            if (m_state == State::InElement) {
                if (scanElement())
                    return finishElement(row);
                continue;
            }
            const char c = m_chunk[m_i];
            if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
                advance(c);
                continue;
            }
            switch (m_state) {
            case State::Start:
                if (c != '[')
                    fatal("expected '[' at the start: a .json file must hold an array of objects");
                m_state = State::FirstValue;
                break;
            case State::FirstValue:
            case State::Value:
                if (c == ']') {
                    if (m_state == State::Value)
                        fatal("expected a value after ','");
                    m_state = State::Done;
                    break;
                }
                beginElement(c);
                continue; // the element's first character is consumed by scanElement
            case State::AfterValue:
                if (c == ',')
                    m_state = State::Value;
                else if (c == ']')
                    m_state = State::Done;
                else
                    fatal("expected ',' or ']' after the element that starts on line "
                          + std::to_string(m_startLine));
                break;
            case State::Done:
                fatal("unexpected data after the closing ']'");
            case State::InElement:
                break;
            }
            advance(c);
        }
    }

private:
    enum class State { Start, FirstValue, Value, InElement, AfterValue, Done };

    [[noreturn]] void fatal(const std::string &message)
    {
        throw ImportError(m_name, m_line, QString::fromStdString(message));
    }

    void advance(char c)
    {
        ++m_i;
        if (c == '\n') {
            ++m_line;
            m_col = 0;
        } else {
            ++m_col;
        }
    }

    bool atEnd()
    {
        switch (m_state) {
        case State::Start:
        case State::Done:
            return false;
        case State::InElement:
            if (m_scalar)
                fatal("unexpected end of file: the array is not closed");
            fatal("unexpected end of file inside the element that starts on line " + std::to_string(m_startLine));
        default:
            fatal("unexpected end of file: the array is not closed");
        }
    }

    void beginElement(char c)
    {
        m_state = State::InElement;
        m_elem.clear();
        m_startLine = m_line;
        m_startCol = m_col;
        m_depth = 0;
        m_inString = false;
        m_escape = false;
        m_scalar = c != '{' && c != '[' && c != '"';
    }

    /** Copies characters of the element in progress; true when it is complete. */
    bool scanElement()
    {
        const char *base = m_chunk.data();
        const char *p = base + m_i;
        const char *end = base + m_chunk.size();
        bool done = false;
        while (p < end) {
            const char c = *p;
            if (m_inString) {
                if (m_escape)
                    m_escape = false;
                else if (c == '\\')
                    m_escape = true;
                else if (c == '"') {
                    m_inString = false;
                    if (m_depth == 0) { // a string scalar element
                        ++p;
                        done = true;
                        break;
                    }
                }
                ++p;
                continue;
            }
            if (m_scalar && (c == ',' || c == ']' || c == ' ' || c == '\t' || c == '\r' || c == '\n')) {
                done = true; // the terminator belongs to the array, not to the element
                break;
            }
            ++p;
            if (c == '"')
                m_inString = true;
            else if (c == '{' || c == '[')
                ++m_depth;
            else if ((c == '}' || c == ']') && m_depth > 0 && --m_depth == 0) {
                done = true;
                break;
            }
        }
        const std::string_view span(base + m_i, std::size_t(p - (base + m_i)));
        // An element is held whole: it has the same limit as a line, checked before the
        // span is added, so that one endless element cannot eat the memory.
        if (m_elem.size() + span.size() > m_reader->maxLineBytes())
            throw ImportError(m_name, m_startLine,
                              QStringLiteral("the element that starts on this line is longer than %1 (the limit; "
                                             "hyper import --max-line-mib raises it)")
                                  .arg(LineReader::sizeText(m_reader->maxLineBytes())));
        m_elem.append(span);
        const auto lines = std::count(span.begin(), span.end(), '\n');
        if (lines > 0) {
            m_line += lines;
            m_col = qint64(span.size() - span.rfind('\n') - 1);
        } else {
            m_col += qint64(span.size());
        }
        m_i = std::size_t(p - base);
        return done;
    }

    bool finishElement(SourceRow &row)
    {
        m_state = State::AfterValue;
        ++m_records;
        row.line = row.errorLine = m_startLine;
        row.bad = false;
        row.error.clear();
        if (!m_parser.parse(m_elem, row.value)) {
            const JsonError &e = m_parser.error();
            // Point at the line and column of the error itself, not just the element.
            const std::string_view before(m_elem.data(), e.offset);
            const auto nl = std::count(before.begin(), before.end(), '\n');
            const qint64 col = nl ? qint64(e.offset - before.rfind('\n')) : m_startCol + qint64(e.offset) + 1;
            row.bad = true;
            row.errorLine = m_startLine + nl;
            if (e.encoding)
                row.error = "invalid UTF-8 at byte " + std::to_string(col);
            else
                row.error = "malformed JSON at column " + std::to_string(col) + ": " + e.message;
        } else if (!row.value.isObject()) {
            row.bad = true;
            row.error = notAnObject(row.value);
        }
        return true;
    }

    std::string_view m_chunk;
    std::size_t m_i = 0;
    State m_state = State::Start;
    std::string m_elem;
    qint64 m_line = 1;
    qint64 m_col = 0;         // 0-based column of the next character
    qint64 m_startLine = 0;
    qint64 m_startCol = 0;
    int m_depth = 0;
    bool m_inString = false;
    bool m_escape = false;
    bool m_scalar = false;
};

QString lowerSuffixless(const QString &path)
{
    QString name = path.toLower();
    if (name.endsWith(QLatin1String(".gz")))
        name.chop(3);
    return name;
}

/** First non-blank byte of the (decompressed) file, or 0. Reads at most one buffer. */
char sniff(const QString &path, const QString &displayName)
{
    LineReader reader(path, displayName);
    std::string_view chunk;
    if (!reader.nextChunk(chunk))
        return 0;
    for (char c : chunk)
        if (c != ' ' && c != '\t' && c != '\r' && c != '\n')
            return c;
    return 0;
}

/** The first non-empty line of the (decompressed) file ("" when none). */
std::string firstLine(const QString &path, const QString &displayName)
{
    LineReader reader(path, displayName);
    std::string_view line;
    while (reader.next(line))
        if (!isBlank(line))
            return std::string(line);
    return {};
}

/** A container format the importer does not read, by its magic bytes: its name and how
 *  to turn it into a file it reads (docs/IMPORT.md "Other containers"). */
struct Container {
    const char *name;
    const char *recipe;
};

std::optional<Container> containerOf(const QByteArray &head, const QString &lowerName)
{
    const auto starts = [&](const char *magic, int n) { return head.size() >= n && std::memcmp(head.constData(), magic, std::size_t(n)) == 0; };
    if (starts("PAR1", 4))
        return Container{"a Parquet file",
                         "convert it to JSON Lines first, e.g. python3 -c \"import pandas as pd; "
                         "pd.read_parquet('FILE.parquet').to_json('FILE.jsonl', orient='records', lines=True)\" "
                         "(or duckdb -c \"COPY (SELECT * FROM 'FILE.parquet') TO 'FILE.jsonl'\")"};
    if (starts("ARROW1", 6) || starts("FEA1", 4) || (head.size() >= 8 && quint8(head[0]) == 0xff && quint8(head[1]) == 0xff
                                                     && quint8(head[2]) == 0xff && quint8(head[3]) == 0xff))
        return Container{"an Arrow/Feather file",
                         "convert it to JSON Lines first, e.g. python3 -c \"import pandas as pd; "
                         "pd.read_feather('FILE.arrow').to_json('FILE.jsonl', orient='records', lines=True)\" (a Hugging "
                         "Face cache file: datasets.Dataset.from_file('FILE.arrow').to_json('FILE.jsonl'))"};
    if (starts("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 8))
        return Container{"an Excel 97-2003 workbook (.xls)", "save the sheet as CSV (File > Save As > CSV UTF-8), or "
                                                             "python3 -c \"import pandas as pd; pd.read_excel('FILE.xls').to_csv('FILE.csv', index=False)\""};
    if (starts("PK\x03\x04", 4) || starts("PK\x05\x06", 4)) {
        if (lowerName.endsWith(QLatin1String(".xlsx")) || lowerName.endsWith(QLatin1String(".xlsm")))
            return Container{"an Excel workbook (.xlsx)", "save the sheet as CSV (File > Save As > CSV UTF-8), or "
                                                          "python3 -c \"import pandas as pd; pd.read_excel('FILE.xlsx').to_csv('FILE.csv', index=False)\""};
        return Container{"a zip archive", "extract it (unzip FILE.zip) and import the .jsonl, .json or .csv inside; "
                                          "an .xlsx workbook is a zip too: save it as CSV"};
    }
    if (starts("SQLite format 3\0", 16))
        return Container{"an SQLite database", "a HyPER project is opened, not imported (hyper-workbench FILE); for another "
                                               "database export a table: sqlite3 -header -csv FILE 'SELECT * FROM TABLE' > FILE.csv"};
    return std::nullopt;
}

/** Refuses a container format by name, before anything is read as text. */
void refuseContainers(const QString &path, const QString &displayName)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return; // LineReader reports it
    const QByteArray head = f.read(16);
    if (const std::optional<Container> c = containerOf(head, path.toLower()))
        throw ImportError(displayName, 0, QStringLiteral("this is %1, which the importer does not read: %2")
                                              .arg(QLatin1String(c->name), QLatin1String(c->recipe)));
}

} // namespace

std::unique_ptr<RowSource> RowSource::open(const QString &path, const QString &displayName, char forced,
                                           std::size_t maxLineBytes)
{
    refuseContainers(path, displayName);
    const QString name = lowerSuffixless(path);
    Kind kind;
    if (name.endsWith(QLatin1String(".csv")) || name.endsWith(QLatin1String(".tsv")) || name.endsWith(QLatin1String(".tab"))) {
        kind = Kind::Csv;
    } else if (name.endsWith(QLatin1String(".jsonl")) || name.endsWith(QLatin1String(".ndjson"))) {
        kind = Kind::JsonLines;
    } else {
        // .json files in the wild are often JSON Lines; decide by the first character.
        const char c = sniff(path, displayName);
        if (c == '[')
            kind = Kind::JsonArray;
        else if (c == '{' || name.endsWith(QLatin1String(".json")))
            kind = Kind::JsonLines;
        else
            kind = Kind::Csv;
    }
    // Delimited text: tab, comma or semicolon, whatever the name says (a tab-separated
    // file named .csv is common).
    const char delimiter = kind != Kind::Csv ? ',' : forced ? forced : sniffDelimiter(firstLine(path, displayName));
    auto reader = std::make_unique<LineReader>(path, displayName);
    reader->setMaxLineBytes(maxLineBytes);
    switch (kind) {
    case Kind::JsonLines: return std::make_unique<JsonLinesSource>(std::move(reader), displayName);
    case Kind::JsonArray: return std::make_unique<JsonArraySource>(std::move(reader), displayName);
    case Kind::Csv: break;
    }
    return makeCsvSource(std::move(reader), displayName, delimiter);
}

} // namespace hyper
