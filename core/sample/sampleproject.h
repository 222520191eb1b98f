// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/sample/samplegenerator.h"

#include <QString>

namespace hyper {

class Feedback;

/**
 * The project the workbench opens on its first start: a new file at `path` holding the
 * synthetic sample (SampleParams), its full-text index and its feature table, ready to
 * browse. All or nothing: on failure or cancel the file is removed. Throws StoreError,
 * Canceled. Runs on the calling thread.
 */
SampleSummary createSampleProject(const QString &path, const SampleParams &params, Feedback &feedback);

} // namespace hyper
