// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// The reads behind the agreement report (core/labels/agreementreport.h) and the checks
// of `hyper label`. SQL lives in core/storage/agreementqueries.cpp; callers get plain
// values.
#include "core/domain/types.h"
#include "core/labels/agreementreport.h"

#include <QString>
#include <optional>

namespace hyper {

class ProjectStore;

/**
 * Every label of the instances in scope (one split, or all when split is none), as a
 * LabelTable: per instance each annotator's latest human label (overall, aspects,
 * shown order) and each judge's latest LM label (overall and both-order verdicts),
 * plus the instance's binary features when the feature table was computed (train
 * split only: eval instances carry none). Annotators and judges are ordered by name.
 */
labels::LabelTable loadLabelTable(ProjectStore &store, std::optional<Split> split);

/** The kind of an existing annotator; none when no annotator has this name. */
std::optional<QString> annotatorKind(ProjectStore &store, const QString &name);

/** Number of human labels in the project (all splits). */
qint64 humanLabelCount(ProjectStore &store);

} // namespace hyper
