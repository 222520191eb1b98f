// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/domain/types.h"
#include "core/storage/importrecord.h"

#include <QMap>
#include <QString>
#include <QStringList>
#include <functional>
#include <stdexcept>
#include <vector>

namespace hyper {

class Feedback;
class ProjectStore;

/** What to import and how. */
struct ImportParams {
    QString file;                       // .jsonl, .json, .csv, each optionally .gz
    QString format = QStringLiteral("auto");
    Split split = Split::Train;         // rows without their own split go here
    /** Of the rows without their own split, this fraction goes to eval instead, chosen
     *  by a fixed hash of the line number (the same rows on every run). 0 = none. */
    double evalFraction = 0.0;
    /** --map FIELD=COLUMN pairs. FIELD is one of: id, prompt, input, response_a,
     *  response_b, model_a, model_b, source, category, chosen, rejected,
     *  human[:ANNOTATOR], lm:JUDGE (see docs/IMPORT.md). */
    QMap<QString, QString> map;
    bool skipBadRows = false;
    /** The longest line (decompressed) read; a longer one is an error naming the file and
     *  the line, raised before the memory is spent (LineReader). */
    std::size_t maxLineBytes = std::size_t(256) << 20;
    QStringList naValues;               // extra label values meaning "no label"
    /** --label-map VALUE=PREF entries or preset names (winner, a1a2, a-is-better). */
    QStringList labelMap;
    /** --label-scale LO:HI for fractional scores ("" = none). */
    QString labelScale;
    /** A row whose instance is already there (same split, prompt and responses in either
     *  order): merge its new labels (Skip), add it again (Keep), or stop (Error). */
    OnDuplicate onDuplicate = OnDuplicate::Skip;
    /** The delimiter of delimited text: 0 sniffs it from the header line (tab, comma or
     *  semicolon); else ',', '\t' or ';'. */
    char delimiter = 0;
};

/** A line that was skipped under skipBadRows. */
struct ImportIssue {
    qint64 line = 0;
    QString message;
};

struct ImportResult {
    qint64 imported = 0;
    qint64 skipped = 0;
    qint64 labelled = 0;                // imported records with at least one label
    ImportMergeCounts merged;           // instances created, duplicates, labels merged
    QString format;                     // the format actually used
    std::vector<ImportIssue> issues;    // every skipped line, in file order
    qint64 bytes = 0;                   // bytes of the (decompressed) input read
    double seconds = 0;
};

/** Bad input. what() is "FILE:LINE: message" (LINE omitted when not about a line). */
class ImportError : public std::runtime_error
{
public:
    ImportError(const QString &file, qint64 line, const QString &message);
    QString file() const { return m_file; }
    qint64 line() const { return m_line; }
    QString message() const { return m_message; }

private:
    QString m_file;
    qint64 m_line;
    QString m_message;
};

/** What the import dialog shows before importing. */
struct ImportPreview {
    QString format;                     // detected (or forced) format
    QStringList columns;                // keys/columns of the first record
    QMap<QString, QString> mapping;     // FIELD -> COLUMN actually used
    std::vector<ImportRecord> rows;     // the first rows, parsed
    QStringList warnings;
    /** The distinct raw values of each label column in the rows read (for a label map). */
    QMap<QString, QStringList> labelValues;
};

/** Format names accepted by --format (besides "auto"). */
QStringList importFormats();

/** Reads the first rows without touching any project. Throws ImportError. */
ImportPreview previewImport(const ImportParams &params, int maxRows = 20);

/**
 * Imports the file into the store as one transaction: on any error nothing is written
 * (unless skipBadRows, where bad lines are reported in the result and the rest is
 * imported). Streaming: memory does not grow with the file size. Parsing runs on a
 * helper thread while the calling thread writes. Runs on the store's thread.
 * Throws ImportError (bad input), StoreError, or Canceled (feedback canceled; nothing
 * written).
 */
ImportResult runImport(ProjectStore &store, const ImportParams &params, Feedback &feedback);

/**
 * Reads the file as runImport would (same formats, auto-detection, --map, skipBadRows)
 * without a project: each batch of records goes to `batch`, in file order, on the
 * calling thread (parsing runs on a helper thread). For tools that use pairs without
 * importing them (hyper score --input). Throws ImportError or Canceled.
 */
ImportResult readImportRecords(const ImportParams &params, Feedback &feedback,
                               const std::function<void(const std::vector<ImportRecord> &)> &batch);

} // namespace hyper
