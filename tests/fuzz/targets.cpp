// SPDX-License-Identifier: GPL-3.0-or-later
#include "targets.h"

#include "core/io/formatspec.h"
#include "core/io/importer.h"
#include "core/io/jsonparser.h"
#include "core/io/linereader.h"
#include "core/io/rowconverter.h"
#include "core/io/rowsource.h"
#include "core/routing/scorecsv.h"

#include <QString>
#include <QStringList>

#include <zlib.h>

#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string_view>
#include <system_error>

namespace hyper::fuzz {

namespace {

void check(bool ok, const std::string &rule)
{
    if (!ok)
        throw Broken(rule);
}

std::string_view view(const std::uint8_t *data, std::size_t size)
{
    return {reinterpret_cast<const char *>(data), size};
}

// ---------------------------------------------------------------------------------------
// Scratch files: the readers read paths, so each input is written to a file in a folder
// of this process (in /dev/shm when there is one: memory, not disk), removed at exit.

const std::filesystem::path &scratchDir()
{
    static const std::filesystem::path dir = [] {
        std::error_code ec;
        std::filesystem::path base = "/dev/shm";
        if (!std::filesystem::is_directory(base, ec) || access(base.c_str(), W_OK) != 0)
            base = std::filesystem::temp_directory_path();
        std::filesystem::path d = base / ("hyper-fuzz-" + std::to_string(getpid()));
        std::filesystem::create_directories(d);
        return d;
    }();
    // Registered after dir is built, so that it runs before dir is destroyed.
    static const bool removedAtExit = [] {
        std::atexit([] {
            std::error_code e;
            std::filesystem::remove_all(dir, e);
        });
        return true;
    }();
    (void)removedAtExit;
    return dir;
}

/** Writes bytes to the scratch file `name` and returns its path. */
QString scratchFile(const std::string &name, std::string_view bytes)
{
    const std::filesystem::path path = scratchDir() / name;
    FILE *f = std::fopen(path.c_str(), "wb");
    if (!f)
        throw std::runtime_error("cannot write the scratch file " + path.string());
    const bool ok = std::fwrite(bytes.data(), 1, bytes.size(), f) == bytes.size();
    std::fclose(f);
    if (!ok)
        throw std::runtime_error("cannot write the scratch file " + path.string());
    return QString::fromStdString(path.string());
}

/** data as gzip: one member, or two when split is inside (what `cat a.gz b.gz` gives). */
std::string gzip(std::string_view data, std::size_t split)
{
    std::string out;
    auto member = [&out](std::string_view part) {
        z_stream zs{};
        if (deflateInit2(&zs, 1, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY) != Z_OK)
            throw std::runtime_error("deflateInit2 failed");
        std::string buf(deflateBound(&zs, uLong(part.size())) + 32, '\0');
        zs.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(part.data()));
        zs.avail_in = uInt(part.size());
        zs.next_out = reinterpret_cast<Bytef *>(buf.data());
        zs.avail_out = uInt(buf.size());
        const int rc = deflate(&zs, Z_FINISH);
        deflateEnd(&zs);
        if (rc != Z_STREAM_END)
            throw std::runtime_error("deflate failed");
        out.append(buf.data(), buf.size() - zs.avail_out);
    };
    if (split > 0 && split < data.size()) {
        member(data.substr(0, split));
        member(data.substr(split));
    } else {
        member(data);
    }
    return out;
}

// ---------------------------------------------------------------------------------------
// Checks on what the readers produce.

/** Strict UTF-8: no overlong forms, no surrogates, nothing past U+10FFFF. */
bool validUtf8(std::string_view s)
{
    std::size_t i = 0;
    while (i < s.size()) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (c < 0x80) {
            ++i;
            continue;
        }
        int extra = 0;
        std::uint32_t cp = 0;
        std::uint32_t min = 0;
        if ((c & 0xE0) == 0xC0) {
            extra = 1, cp = c & 0x1F, min = 0x80;
        } else if ((c & 0xF0) == 0xE0) {
            extra = 2, cp = c & 0x0F, min = 0x800;
        } else if ((c & 0xF8) == 0xF0) {
            extra = 3, cp = c & 0x07, min = 0x10000;
        } else {
            return false;
        }
        if (i + std::size_t(extra) >= s.size())
            return false;
        for (int k = 1; k <= extra; ++k) {
            const auto cc = static_cast<unsigned char>(s[i + std::size_t(k)]);
            if ((cc & 0xC0) != 0x80)
                return false;
            cp = (cp << 6) | (cc & 0x3F);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return false;
        i += std::size_t(extra) + 1;
    }
    return true;
}

void checkText(std::string_view s, const char *what)
{
    check(validUtf8(s), std::string(what) + " is not valid UTF-8");
}

void checkPreference(std::optional<int> v, const char *what)
{
    if (v)
        check(*v >= -2 && *v <= 2, std::string(what) + " is outside -2..2: " + std::to_string(*v));
}

/** A JSON text the converter wrote: empty, or one value of the given type. */
void checkJson(const std::string &s, JsonValue::Type type, const char *what)
{
    if (s.empty())
        return;
    checkText(s, what);
    JsonParser parser;
    JsonValue v;
    check(parser.parse(s, v), std::string(what) + " is not JSON: " + parser.error().message);
    check(v.type == type, std::string(what) + " is a " + JsonValue::typeName(v.type) + ", not a "
                              + JsonValue::typeName(type));
}

void checkRecord(const ImportRecord &r)
{
    for (const auto &[text, what] : std::initializer_list<std::pair<const std::string &, const char *>>{
             {r.externalId, "the id"}, {r.prompt, "the prompt"}, {r.responseA, "response A"},
             {r.responseB, "response B"}, {r.modelA, "model A"}, {r.modelB, "model B"},
             {r.source, "the source"}, {r.category, "the category"}, {r.instanceKey, "the instance key"}})
        checkText(text, what);
    checkJson(r.metadataJson, JsonValue::Type::Object, "the metadata");
    checkJson(r.promptMessagesJson, JsonValue::Type::Array, "the prompt's messages");
    for (const ImportHumanLabel &h : r.human) {
        checkText(h.annotator, "an annotator");
        checkText(h.kind, "a label kind");
        checkText(h.rationale, "a rationale");
        checkJson(h.reasonsJson, JsonValue::Type::Object, "a label's reasons");
        checkPreference(h.overall, "a human label");
        checkPreference(h.helpfulness, "helpfulness");
        checkPreference(h.truthfulness, "truthfulness");
        checkPreference(h.harmlessness, "harmlessness");
        if (h.confidence)
            check(std::isfinite(*h.confidence), "a confidence is not finite");
        if (h.timeSpentSeconds)
            check(std::isfinite(*h.timeSpentSeconds), "a time spent is not finite");
    }
    for (const ImportLmLabel &l : r.lm) {
        checkText(l.judge, "a judge");
        checkText(l.rationale, "a judge's rationale");
        checkText(l.raw, "a judge's raw reply");
        checkPreference(l.overall, "an LM label");
        checkPreference(l.verdictOriginal, "an LM verdict");
        checkPreference(l.verdictSwapped, "an LM verdict (swapped)");
    }
}

/** Reads every record of path; checks the order of lines and the shape of each row. */
void readRows(const QString &path, const QString &shownName, char delimiter, std::optional<RowSource::Kind> kind)
{
    try {
        const std::unique_ptr<RowSource> source = RowSource::open(path, shownName, delimiter);
        if (kind)
            check(source->kind() == *kind, "the reader's kind does not follow the file name");
        SourceRow row;
        qint64 last = 0;
        while (source->next(row)) {
            check(row.line >= 1, "a record on line " + std::to_string(row.line));
            check(row.line >= last, "records out of order: line " + std::to_string(row.line) + " after line "
                                        + std::to_string(last));
            last = row.line;
            if (row.bad) {
                check(!row.error.empty(), "a bad record without a message");
                check(row.errorLine >= row.line, "an error before the record's first line");
            } else {
                check(row.value.isObject(), "a good record that is not an object");
                for (const JsonValue &m : row.value.items)
                    checkText(m.key, "a column name");
            }
        }
    } catch (const ImportError &e) {
        check(e.file() == shownName, "an error that names another file: " + std::string(e.what()));
    }
}

// ---------------------------------------------------------------------------------------
// The targets.

int jsonTarget(const std::uint8_t *data, std::size_t size)
{
    const std::string_view text = view(data, size);
    JsonParser parser;
    JsonValue value;
    if (!parser.parse(text, value)) {
        check(parser.error().offset <= size, "an error offset past the end");
        check(!parser.error().message.empty(), "an error without a message");
        return 0;
    }
    // What the parser accepted is written back as JSON that it reads again, the same.
    const std::string once = toJson(value);
    checkText(once, "toJson's output");
    JsonValue again;
    check(parser.parse(once, again), "toJson's output does not parse: " + parser.error().message);
    check(toJson(again) == once, "toJson, parsed and written again, changes");
    return 0;
}

/** The lines a file holds, by the rule LineReader documents. rawLength is each line's
 *  size before the byte order mark is dropped (what the limit counts). */
struct ModelLines {
    std::vector<std::string> lines;
    std::vector<std::size_t> rawLength;
};

ModelLines modelLines(std::string_view data)
{
    ModelLines m;
    std::size_t start = 0;
    while (start < data.size()) {
        const std::size_t nl = data.find('\n', start);
        std::string_view piece = nl == std::string_view::npos ? data.substr(start) : data.substr(start, nl - start);
        start = nl == std::string_view::npos ? data.size() : nl + 1;
        if (!piece.empty() && piece.back() == '\r')
            piece.remove_suffix(1);
        m.rawLength.push_back(piece.size());
        if (m.lines.empty() && piece.substr(0, 3) == "\xEF\xBB\xBF")
            piece.remove_prefix(3);
        m.lines.emplace_back(piece);
    }
    return m;
}

struct ReadLines {
    std::vector<std::string> lines;
    std::optional<qint64> errorLine;
    std::string error;
};

ReadLines readLines(const QString &path, std::size_t limit)
{
    ReadLines r;
    try {
        LineReader reader(path, QStringLiteral("fuzz.txt"));
        reader.setMaxLineBytes(limit);
        std::string_view line;
        while (reader.next(line)) {
            r.lines.emplace_back(line);
            check(reader.lineNumber() == qint64(r.lines.size()), "lineNumber() is not the count of lines");
        }
    } catch (const ImportError &e) {
        r.errorLine = e.line();
        r.error = e.what();
    }
    return r;
}

/** What reading with a limit must give: the lines before the first one over it, and an
 *  error on that one. */
void compareLines(const ReadLines &got, const ModelLines &model, std::size_t limit, const char *how)
{
    std::size_t firstLong = model.lines.size();
    for (std::size_t i = 0; i < model.rawLength.size(); ++i)
        if (model.rawLength[i] > limit) {
            firstLong = i;
            break;
        }
    const std::string where = std::string(how) + ", limit " + std::to_string(limit) + ": ";
    if (firstLong == model.lines.size()) {
        check(!got.errorLine, where + "an error where none is due: " + got.error);
    } else {
        check(got.errorLine == qint64(firstLong + 1),
              where + "line " + std::to_string(firstLong + 1) + " is too long, but the error was "
                  + (got.errorLine ? "\"" + got.error + "\"" : std::string("none")));
    }
    check(got.lines.size() == firstLong, where + std::to_string(got.lines.size()) + " lines read, "
                                              + std::to_string(firstLong) + " due");
    for (std::size_t i = 0; i < firstLong; ++i)
        check(got.lines[i] == model.lines[i], where + "line " + std::to_string(i + 1) + " differs");
}

int linesTarget(const std::uint8_t *data, std::size_t size)
{
    const std::string_view bytes = view(data, size);
    const ModelLines model = modelLines(bytes);
    const std::size_t smallLimit = size % 17;
    const bool looksGzip = size >= 2 && data[0] == 0x1f && data[1] == 0x8b;
    if (looksGzip) {
        // Read as gzip: corrupt data is an error naming the file, never a crash.
        const ReadLines got = readLines(scratchFile("lines.txt", bytes), LineReader::kDefaultMaxLineBytes);
        if (got.errorLine)
            check(got.error.rfind("fuzz.txt", 0) == 0, "an error that does not name the file: " + got.error);
    } else {
        const QString path = scratchFile("lines.txt", bytes);
        compareLines(readLines(path, LineReader::kDefaultMaxLineBytes), model, LineReader::kDefaultMaxLineBytes, "plain");
        compareLines(readLines(path, smallLimit), model, smallLimit, "plain");
    }
    // The same bytes compressed, in one gzip member or two: the same lines.
    const QString gz = scratchFile("lines.txt.gz", gzip(bytes, size / 3));
    compareLines(readLines(gz, LineReader::kDefaultMaxLineBytes), model, LineReader::kDefaultMaxLineBytes, "gzip");
    compareLines(readLines(gz, smallLimit), model, smallLimit, "gzip");
    return 0;
}

int csvTarget(const std::uint8_t *data, std::size_t size)
{
    const std::string_view bytes = view(data, size);
    const QString csv = scratchFile("in.csv", bytes);
    readRows(csv, QStringLiteral("fuzz.csv"), 0, RowSource::Kind::Csv);
    readRows(csv, QStringLiteral("fuzz.csv"), ';', RowSource::Kind::Csv);
    readRows(scratchFile("in.tsv", bytes), QStringLiteral("fuzz.tsv"), 0, RowSource::Kind::Csv);
    return 0;
}

int rowsTarget(const std::uint8_t *data, std::size_t size)
{
    const std::string_view bytes = view(data, size);
    readRows(scratchFile("in.jsonl", bytes), QStringLiteral("fuzz.jsonl"), 0, RowSource::Kind::JsonLines);
    // .json (often JSON Lines in the wild) and no known extension: the kind is sniffed
    // from the first character.
    readRows(scratchFile("in.json", bytes), QStringLiteral("fuzz.json"), 0, std::nullopt);
    readRows(scratchFile("in.data", bytes), QStringLiteral("fuzz.data"), 0, std::nullopt);
    return 0;
}

/** Converts row by spec; checks the record or the row error. */
void convertOne(const FormatSpec &spec, const JsonValue &row)
{
    const RowConverter converter(spec, Split::Train, 0.5);
    converter.mapping(row);
    converter.missingMappedColumns(row);
    SourceRow source;
    source.value = row;
    source.line = source.errorLine = 1;
    ImportRecord record;
    try {
        converter.convert(source, record);
    } catch (const RowError &e) {
        check(!e.message.empty(), spec.name + ": a row error without a message");
        checkText(e.message, "a row error's message");
        return;
    }
    checkRecord(record);
}

int converterTarget(const std::uint8_t *data, std::size_t size)
{
    JsonParser parser;
    JsonValue row;
    if (!parser.parse(view(data, size), row) || !row.isObject())
        return 0;
    // Every format with the default options.
    const ImportParams plain;
    std::vector<std::string> formats{detectFormat(row, {})};
    for (const QString &f : formatNames())
        formats.push_back(f.toStdString());
    for (const std::string &format : formats)
        if (!format.empty())
            convertOne(makeFormatSpec(format, plain, QStringLiteral("fuzz")), row);

    // The options a user gives (--map from the row's own columns, --na, --label-map,
    // --label-scale): a bad option is an ImportError, never a crash.
    std::vector<QString> keys;
    for (const JsonValue &m : row.items)
        if (keys.size() < 4 && validUtf8(m.key))
            keys.push_back(QString::fromStdString(m.key));
    std::vector<ImportParams> options(5);
    options[0].naValues = {QStringLiteral("tie"), QStringLiteral("n/a")};
    options[0].labelScale = QStringLiteral("1:5");
    options[1].labelMap = {QStringLiteral("winner"), QStringLiteral("a1a2"), QStringLiteral("left=A-is-better")};
    if (keys.size() >= 2) {
        options[2].map = {{QStringLiteral("chosen"), keys[0]}, {QStringLiteral("rejected"), keys[1]}};
        options[3].map = {{QStringLiteral("prompt"), keys[0]}, {QStringLiteral("response_a"), keys[1]},
                          {QStringLiteral("response_b"), keys.back()}, {QStringLiteral("human"), keys.back()}};
        // Long format: one row per judgement (docs/IMPORT.md).
        options[4].map = {{QStringLiteral("annotator"), keys[0]}, {QStringLiteral("human"), keys[1]},
                          {QStringLiteral("confidence"), keys.back()}, {QStringLiteral("time"), keys.back()},
                          {QStringLiteral("aspect:helpfulness"), keys[1]}};
    }
    for (const ImportParams &params : options) {
        const std::string format = detectFormat(row, params.map);
        try {
            convertOne(makeFormatSpec(format.empty() ? "generic" : format, params, QStringLiteral("fuzz")), row);
        } catch (const ImportError &e) {
            checkText(e.what(), "an option's error");
        }
    }
    return 0;
}

void checkScoreCsv(const routing::ScoreCsv &c, const QStringList &expected, bool requireAll, bool requireScore,
                   bool integral)
{
    check(!c.counts.empty(), "a score file without rows was accepted");
    check(c.lines.size() == c.counts.size(), "one line number per row");
    check(c.scores.empty() || c.scores.size() == c.counts.size(), "scores for some rows only");
    if (requireScore)
        check(c.scores.size() == c.counts.size(), "the score column was required");
    if (requireAll)
        check(c.features == expected, "not exactly the columns asked for");
    for (std::size_t i = 0; i < c.counts.size(); ++i) {
        check(c.counts[i].size() == std::size_t(c.features.size()), "a row of another width");
        check(c.lines[i] >= 2, "a row on the header's line");
        if (i > 0)
            check(c.lines[i] > c.lines[i - 1], "rows out of order");
        for (double v : c.counts[i]) {
            check(std::isfinite(v), "a count that is not finite");
            if (integral)
                check(v >= 0 && v == std::floor(v), "a count that is not a whole number >= 0");
        }
    }
    // A cell that is not a number is an error when the score is required, else NaN.
    for (double s : c.scores)
        check(std::isfinite(s) || (!requireScore && std::isnan(s)), "a score that is infinite, or NaN where required");
}

int scoreCsvTarget(const std::uint8_t *data, std::size_t size)
{
    const QString path = scratchFile("scores.csv", view(data, size));
    struct Variant {
        QStringList expected;
        bool requireAll, requireScore, integral, dropNa;
    };
    const Variant variants[] = {
        {{}, false, false, false, false},
        {{}, false, true, true, false},
        {{QStringLiteral("x0"), QStringLiteral("x1")}, true, false, false, false},
        {{QStringLiteral("x0"), QStringLiteral("x1"), QStringLiteral("missing")}, false, true, true, false},
        {{}, false, true, true, true}, // import-scores in reference mode (pandas' dropna)
    };
    for (const Variant &v : variants) {
        try {
            const routing::ScoreCsv c
                = routing::readScoreCsv(path, v.expected, v.requireAll, v.requireScore, v.integral, v.dropNa);
            checkScoreCsv(c, v.expected, v.requireAll, v.requireScore, v.integral);
            check(v.dropNa || c.dropped.empty(), "rows dropped without dropNa");
        } catch (const ImportError &e) {
            check(e.file() == path, "an error that names another file: " + std::string(e.what()));
        }
    }
    return 0;
}

} // namespace

const std::vector<Target> &targets()
{
    static const std::vector<Target> all{
        {"json", jsonTarget, "JsonParser: one JSON value; what it accepts is written back and read again the same"},
        {"lines", linesTarget,
         "LineReader, plain and gzip (one member or two): lines, line numbers and the line limit against a model"},
        {"csv", csvTarget, "RowSource on delimited text (.csv sniffed, ';', .tsv): records in order, errors name the file"},
        {"rows", rowsTarget, "RowSource on JSON Lines, a JSON array and a sniffed file: records in order, objects only"},
        {"converter", converterTarget,
         "RowConverter for every format on one JSON row: records hold valid UTF-8, JSON and preferences in -2..2"},
        {"scorecsv", scoreCsvTarget, "readScoreCsv (the PPM's CSV) in five modes: rows, widths, lines and counts"},
    };
    return all;
}

const Target *findTarget(const std::string &name)
{
    for (const Target &t : targets())
        if (name == t.name)
            return &t;
    return nullptr;
}

} // namespace hyper::fuzz
