// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// `hyper export`: the resolved train split written as DPO / TRL / CSV, with a dataset
// card and optionally the raw label rows (docs/EXPORT.md).
#include "core/export/formats.h"
#include "core/export/resolve.h"

#include <QString>
#include <functional>
#include <map>
#include <stdexcept>
#include <string>

namespace hyper {
class Feedback;
class ProjectStore;
}

namespace hyper::exporting {

/** A file could not be written; nothing was left behind. what() is fit for a user. */
struct ExportIoError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

struct ExportParams {
    Format format = Format::Dpo;
    QString outPath;
    /** The dataset card (Markdown); empty: none. */
    QString cardPath;
    /** Every human and LM label row as JSONL; empty: none. */
    QString rawPath;
    /** trl: prompt/chosen/rejected as message lists. */
    bool conversational = false;
    ResolveParams resolve;
    /** The command line, quoted into the card ("" : not recorded). */
    QString command;
    /** The card's Hugging Face metadata: the data's license (an HF license id, "unknown"
     *  when not given) and languages (ISO 639-1). */
    QString cardLicense = QStringLiteral("unknown");
    QStringList cardLanguages = {QStringLiteral("en")};
    /** Test hook: called after each exported row with the number written so far; an
     *  exception it throws aborts the export like any other failure. */
    std::function<void(qint64 rows)> afterRow;
};

struct ExportResult {
    qint64 instances = 0; // train instances read
    qint64 exported = 0; // rows written
    qint64 human = 0, lm = 0; // rows by label source
    qint64 adjudicated = 0;   // of the human rows, a lead's adjudicated label
    qint64 dropped = 0; // = droppedTie + droppedNoLabel
    qint64 droppedTie = 0, droppedNoLabel = 0;
    /** Of droppedNoLabel: instances with human labels that were not routed to humans (and
     *  have no LM label); --prefer-human (or routing them) exports them. The rest had no
     *  label at all. */
    qint64 droppedUnroutedHuman = 0;
    /** Of droppedNoLabel: instances with no label of any source. */
    qint64 droppedWithoutAnyLabel() const { return droppedNoLabel - droppedUnroutedHuman; }
    qint64 routedHuman = 0; // instances routed to humans
    qint64 humanFallback = 0; // of those, no crowd label: took the LM label (exported or not)
    qint64 rawLabels = 0; // rows of the raw export
    std::map<std::string, qint64> judgeRows; // LM rows by judge name ("majority" when mixed)
    /** Exported rows whose human and LM majorities are both decided (not ties), and of
     *  those the rows where they agree. */
    qint64 agreementPairs = 0, agreementSame = 0;
    double seconds = 0;
};

/**
 * Resolves every train instance (Resolver) in one streaming pass and writes the rows;
 * then the raw labels and the card. All files are written atomically (QSaveFile: a
 * temporary file renamed at the end) and together: on any failure, cancel or exception
 * no output file is created or changed (a file already renamed when a later rename
 * fails is removed). Runs on the store's thread. Throws ExportRequestError (bad plan,
 * judge or paths), ExportIoError, StoreError, Canceled.
 */
ExportResult runExport(ProjectStore &store, const ExportParams &params, Feedback &feedback);

} // namespace hyper::exporting
