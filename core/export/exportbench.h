// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// `hyper bench export`: the export rate on a synthetic project (docs/EXPORT.md, Figures).
#include "core/export/formats.h"

#include <QString>
#include <QtGlobal>
#include <vector>

namespace hyper::exporting {

struct ExportBenchParams {
    int instances = 100000; // train instances of the synthetic sample
    Format format = Format::Dpo;
    bool raw = false; // also time the raw label export (in the same run)
    bool features = false; // compute the feature table first (untimed), for the card's tag table
    int repeat = 3; // timed exports; the best is reported
    QString dir; // work folder; empty: a temporary one, removed afterwards
};

struct ExportBenchFigures {
    qint64 instances = 0, exported = 0, human = 0, lm = 0, dropped = 0, rawLabels = 0;
    double setupSeconds = 0; // sample + route (+ features)
    std::vector<double> seconds; // each timed export, card included
    double bestSeconds = 0;
    double rowsPerSecond = 0; // exported rows / best seconds
    double instancesPerSecond = 0; // instances read / best seconds
    double megabytes = 0; // size of the export file
    double megabytesPerSecond = 0;
};

/** Writes a synthetic sample project (writeSample, trainSize = instances, no eval split),
 *  stores and applies a routing plan with every second train instance, then times the
 *  export `repeat` times. Throws StoreError, ExportIoError. Runs on the calling thread. */
ExportBenchFigures benchExport(const ExportBenchParams &params);

} // namespace hyper::exporting
