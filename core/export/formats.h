// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// The row formats of an export (docs/EXPORT.md): DPO (METHOD.md §8), TRL and CSV, and
// the raw label rows. Each function appends one complete line (with its line end).
#include "core/export/resolve.h"

#include <QString>
#include <optional>
#include <string>

namespace hyper::exporting {

enum class Format { Dpo, Trl, Csv };

/** "dpo" | "trl" | "csv". */
std::optional<Format> parseFormat(const QString &name);
QString formatName(Format format);

/** What a row needs besides the instance and its resolution. */
struct RowContext {
    const ExportCatalog &catalog;
    /** The --judge index, or -1. */
    int judge = -1;
};

/** METHOD.md §8: id, source, prompt, chosen and rejected as [user, assistant] message
 *  lists (the stored turns then the assistant's, for a conversation prompt), chosen_model, rejected_model, is_swapped (human label), then the project's own
 *  provenance: instance, label_source, annotators (human) or judge + judges (LM), votes.
 *  The resolution must not be dropped. */
void appendDpoRow(std::string &out, const ExportInstance &in, const Resolution &r, const RowContext &ctx);

/** TRL's preference format: {"prompt", "chosen", "rejected"} strings, or with
 *  conversational the prompt as a message list (the stored turns of a conversation
 *  prompt, else [user]) and chosen/rejected as [assistant] message lists. */
void appendTrlRow(std::string &out, const ExportInstance &in, const Resolution &r, bool conversational);

/** The CSV header (CRLF line end, RFC 4180). */
void appendCsvHeader(std::string &out);
/** One CSV record: id, source, prompt, chosen, rejected, chosen_model, rejected_model,
 *  label_source, provenance (a JSON object: annotators or judge/judges, votes),
 *  instance. */
void appendCsvRow(std::string &out, const ExportInstance &in, const Resolution &r, const RowContext &ctx);

/** One raw human / LM label as a JSON line. */
void appendRawHumanRow(std::string &out, const RawHumanLabel &l);
void appendRawLmRow(std::string &out, const RawLmLabel &l);

} // namespace hyper::exporting
