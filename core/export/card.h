// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// The dataset card of an export: a Markdown page with sizes, the human share, tag
// shares, agreement, judges and the command that made it.
#include "core/export/exporter.h"

#include <QString>
#include <vector>

namespace hyper::exporting {

/** One binary feature over the exported rows. */
struct CardFeature {
    QString name;
    QString kind; // "lexical" | "metadata"
    qint64 rows = 0; // exported rows carrying it
    qint64 human = 0; // of those, rows labelled by humans
};

struct CardInputs {
    QString project; // the project file
    ExportParams params;
    ExportResult result;
    qint64 annotators = 0; // crowd annotators that decided at least one row
    qint64 expertAnnotators = 0; // of those, of kind "expert"
    bool featureTable = false; // the project has a computed feature table
    std::vector<CardFeature> features; // in stored order
    QString createdAt; // UTC, ISO 8601
    QStringList sources; // the project's source names (source_datasets)
};

/** The card as Markdown (UTF-8 ready QString). */
QString renderCard(const CardInputs &in);

} // namespace hyper::exporting
