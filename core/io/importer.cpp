// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/io/importer.h"

#include "core/io/formatspec.h"
#include "core/io/importqueue.h"
#include "core/io/rowconverter.h"
#include "core/io/rowsource.h"
#include "core/jobs/feedback.h"
#include "core/storage/projectstore.h"

#include <QElapsedTimer>
#include <QFileInfo>

#include <deque>
#include <thread>

namespace hyper {

namespace {

/** "data/hh.jsonl.gz" -> "hh": names the pairs annotator and the default source. */
QString fileStem(const QString &path)
{
    QString name = QFileInfo(path).fileName();
    if (name.endsWith(QLatin1String(".gz"), Qt::CaseInsensitive))
        name.chop(3);
    const int dot = name.lastIndexOf(QLatin1Char('.'));
    return dot > 0 ? name.left(dot) : name;
}

QString joined(const std::vector<std::string> &names)
{
    QStringList out;
    for (const std::string &n : names)
        out << QString::fromStdString(n);
    return out.join(QStringLiteral(", "));
}

std::vector<std::string> keysOf(const JsonValue &row)
{
    std::vector<std::string> keys;
    for (const JsonValue &m : row.items)
        keys.push_back(m.key);
    return keys;
}

/** An open file with its format decided: the rows read to decide it wait in pending. */
struct Prepared {
    std::unique_ptr<RowSource> source;
    std::unique_ptr<RowConverter> converter;
    std::string format;
    std::deque<SourceRow> pending;
    std::vector<std::string> columns;
    QMap<QString, QString> mapping;
};

/** Opens the file and decides the format from the first readable record. Bad records
 *  before it throw unless lenient (skipBadRows, or a preview). */
Prepared prepare(const ImportParams &params, bool lenient)
{
    const QString stem = fileStem(params.file);
    const QString requested = params.format.trimmed().toLower();
    const bool automatic = requested.isEmpty() || requested == QLatin1String("auto");
    // Reject a bad --format or --map before reading anything.
    if (!automatic)
        makeFormatSpec(requested.toStdString(), params, stem);
    else
        makeFormatSpec(detectFormat(JsonValue{}, params.map) == "pairs" ? "pairs" : "generic", params, stem);

    Prepared p;
    p.source = RowSource::open(params.file, params.file, params.delimiter, params.maxLineBytes);
    SourceRow row;
    bool found = false;
    while (p.source->next(row)) {
        if (!row.bad) {
            found = true;
            break;
        }
        if (!lenient)
            throw ImportError(params.file, row.errorLine, QString::fromStdString(row.error));
        p.pending.push_back(std::move(row));
        row = SourceRow{};
    }
    if (!found && p.pending.empty())
        throw ImportError(params.file, 1, QStringLiteral("file is empty (no rows)"));
    if (!found && automatic) {
        const SourceRow &first = p.pending.front();
        throw ImportError(params.file, first.errorLine,
                          QStringLiteral("no readable row to detect the format from (first error: %1)")
                              .arg(QString::fromStdString(first.error)));
    }

    if (automatic) {
        p.format = detectFormat(row.value, params.map);
        if (p.format.empty())
            throw ImportError(params.file, row.line,
                              QStringLiteral("cannot detect the format from the keys of the first record (%1); "
                                             "use --format (one of: %2) or --map prompt=, response_a=, response_b=")
                                  .arg(joined(keysOf(row.value)), importFormats().join(QStringLiteral(", "))));
    } else {
        p.format = requested.toStdString();
    }
    p.converter = std::make_unique<RowConverter>(makeFormatSpec(p.format, params, stem), params.split,
                                                 params.evalFraction);
    p.columns = p.source->kind() == RowSource::Kind::Csv ? p.source->header() : keysOf(row.value);
    if (found) {
        const std::vector<std::string> missing = p.converter->missingMappedColumns(row.value);
        if (!missing.empty())
            throw ImportError(params.file, row.line,
                              QStringLiteral("column '%1' named in --map is not in the file (columns: %2)")
                                  .arg(QString::fromStdString(missing.front()), joined(keysOf(row.value))));
        p.mapping = p.converter->mapping(row.value);
        p.pending.push_back(std::move(row));
    }
    return p;
}

constexpr std::size_t kBatchRecords = 256;

/** The helper thread: reads, parses and converts; hands batches to the caller. */
void produce(Prepared &p, const ImportParams &params, ImportQueue &queue)
{
    try {
        ImportBatch batch;
        const auto issue = [&](qint64 line, const std::string &message) {
            if (!params.skipBadRows)
                throw ImportError(params.file, line, QString::fromStdString(message));
            batch.issues.push_back(ImportIssue{line, QString::fromStdString(message)});
        };
        const auto handle = [&](SourceRow &row) {
            if (row.bad) {
                issue(row.errorLine, row.error);
                return;
            }
            batch.records.emplace_back();
            try {
                p.converter->convert(row, batch.records.back());
            } catch (const RowError &e) {
                batch.records.pop_back();
                issue(row.line, e.message);
            }
        };
        const auto flush = [&](bool last) {
            batch.bytes = p.source->bytesRead();
            batch.fraction = p.source->fraction();
            batch.last = last;
            const bool open = queue.push(std::move(batch));
            if (!queue.takeSpent(batch)) {
                batch = ImportBatch{};
                batch.records.reserve(kBatchRecords);
            }
            return open;
        };
        batch.records.reserve(kBatchRecords);
        for (SourceRow &row : p.pending)
            handle(row);
        p.pending.clear();
        SourceRow row;
        while (p.source->next(row)) {
            handle(row);
            if (batch.records.size() + batch.issues.size() >= kBatchRecords && !flush(false))
                return; // the caller gave up (cancel or error)
        }
        flush(true);
    } catch (...) {
        queue.fail(std::current_exception());
    }
}

/** Stops and joins the helper thread however runImport leaves. */
struct ProducerGuard {
    ImportQueue &queue;
    std::thread &thread;
    ~ProducerGuard()
    {
        queue.abort();
        if (thread.joinable())
            thread.join();
    }
};

} // namespace

QStringList importFormats() { return formatNames(); }

ImportPreview previewImport(const ImportParams &params, int maxRows)
{
    Prepared p = prepare(params, /*lenient=*/true);
    ImportPreview preview;
    preview.format = QString::fromStdString(p.format);
    for (const std::string &c : p.columns)
        preview.columns << QString::fromStdString(c);
    preview.mapping = p.mapping;

    int bad = 0;
    const auto take = [&](SourceRow &row) {
        if (row.bad) {
            ++bad;
            preview.warnings << QStringLiteral("line %1: %2").arg(row.errorLine).arg(QString::fromStdString(row.error));
            return;
        }
        ImportRecord rec;
        try {
            p.converter->convert(row, rec);
            preview.rows.push_back(std::move(rec));
        } catch (const RowError &e) {
            ++bad;
            preview.warnings << QStringLiteral("line %1: %2").arg(row.line).arg(QString::fromStdString(e.message));
        }
    };
    for (SourceRow &row : p.pending)
        if (int(preview.rows.size()) < maxRows)
            take(row);
    SourceRow row;
    while (int(preview.rows.size()) < maxRows && bad < maxRows && p.source->next(row))
        take(row);

    bool anyLabel = false;
    for (const ImportRecord &r : preview.rows)
        anyLabel = anyLabel || !r.human.empty() || !r.lm.empty();
    if (!preview.rows.empty() && !anyLabel)
        preview.warnings << QStringLiteral("no labels in the first %1 rows: name label columns with "
                                           "--map human=COLUMN or --map lm:JUDGE=COLUMN")
                                .arg(preview.rows.size());
    if (!preview.rows.empty() && !preview.rows.front().metadataJson.empty()) {
        JsonParser parser;
        JsonValue meta;
        if (parser.parse(preview.rows.front().metadataJson, meta))
            preview.warnings << QStringLiteral("kept as metadata: %1").arg(joined(keysOf(meta)));
    }
    for (const auto &[column, values] : p.converter->seenLabelValues()) {
        QStringList list;
        for (const std::string &v : values)
            if (!v.empty())
                list << QString::fromStdString(v);
        preview.labelValues.insert(QString::fromStdString(column), list);
    }
    return preview;
}

namespace {

/**
 * Runs the parser thread over the prepared file and hands every batch's records to
 * onBatch on this thread, in file order; begin() runs once the thread has started (so
 * the caller's own set-up overlaps the first parsing). Fills the counts, format and bytes
 * of the result. Throws what the parser threw, or Canceled. The thread is joined before
 * this returns or throws.
 */
ImportResult pump(Prepared &p, const ImportParams &params, Feedback &feedback, const QString &message,
                  const std::function<void()> &begin,
                  const std::function<void(const std::vector<ImportRecord> &)> &onBatch)
{
    ImportResult result;
    result.format = QString::fromStdString(p.format);
    ImportQueue queue;
    std::thread thread([&] { produce(p, params, queue); });
    ProducerGuard guard{queue, thread};
    if (begin)
        begin();
    feedback.setProgress(0.0, message);
    ImportBatch batch;
    for (;;) {
        if (feedback.isCanceled())
            throw Canceled{};
        if (!queue.pop(batch)) // rethrows the helper thread's exception
            break;
        if (!batch.records.empty())
            onBatch(batch.records);
        for (const ImportRecord &rec : batch.records)
            result.labelled += rec.human.empty() && rec.lm.empty() ? 0 : 1;
        result.imported += qint64(batch.records.size());
        result.skipped += qint64(batch.issues.size());
        for (ImportIssue &i : batch.issues)
            result.issues.push_back(std::move(i));
        result.bytes = batch.bytes;
        if (batch.last)
            break;
        feedback.setProgress(batch.fraction, message);
        queue.recycle(std::move(batch));
        batch = ImportBatch{};
    }
    if (feedback.isCanceled())
        throw Canceled{};
    return result;
}

} // namespace

ImportResult readImportRecords(const ImportParams &params, Feedback &feedback,
                               const std::function<void(const std::vector<ImportRecord> &)> &onBatch)
{
    QElapsedTimer timer;
    timer.start();
    Prepared p = prepare(params, params.skipBadRows);
    const QString message = QStringLiteral("Reading %1").arg(QFileInfo(params.file).fileName());
    ImportResult result = pump(p, params, feedback, message, {}, onBatch);
    feedback.setProgress(1.0, message);
    result.seconds = double(timer.nsecsElapsed()) / 1e9;
    return result;
}

ImportResult runImport(ProjectStore &store, const ImportParams &params, Feedback &feedback)
{
    QElapsedTimer timer;
    timer.start();
    Prepared p = prepare(params, params.skipBadRows);
    // Outlives pump(): on an error the parser thread is joined first, then the import
    // rolls back as the writer goes.
    std::unique_ptr<ImportWriter> writer;
    const QString message = QStringLiteral("Importing %1").arg(QFileInfo(params.file).fileName());
    ImportResult result = pump(
        p, params, feedback, message,
        [&] { writer = store.beginImport(params.file, QString::fromStdString(p.format), params.onDuplicate); },
        [&](const std::vector<ImportRecord> &records) {
            for (const ImportRecord &rec : records) {
                try {
                    writer->add(rec);
                } catch (const DuplicateRow &e) {
                    throw ImportError(params.file, rec.line, QString::fromUtf8(e.what()));
                }
            }
        });
    result.merged = writer->merged();
    writer->commit(result.skipped);
    feedback.setProgress(1.0, message);
    result.seconds = double(timer.nsecsElapsed()) / 1e9;
    return result;
}

} // namespace hyper
