// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// The human labelling form of the Label tab (docs/GUI.md, "Label tab"): the aspects with
// their reason checkboxes, and the mapping between what the annotator sees (left/right)
// and the A/B frame of the data. The reason lists are the project's own choice, modelled
// on MultiPref's annotation form (Miranda et al., 2025); they live here and only here.

#include "core/domain/preference.h"

#include <QString>
#include <QStringList>
#include <vector>

namespace hyper::labels {

struct ReasonSpec {
    const char *key;   // stored in human_labels.reasons, e.g. "informative"
    const char *text;  // the reason in full, e.g. "More informative" (tooltip, screen readers)
    const char *shortText; // beside the checkbox in the Label form, e.g. "Informative"
};

struct AspectSpec {
    const char *key;   // "helpfulness" | "truthfulness" | "harmlessness" (kAspects)
    const char *title; // "Helpfulness"
    std::vector<ReasonSpec> reasons;
};

/** The three aspects of METHOD.md §1 in kAspects order, each with its reasons. */
const std::vector<AspectSpec> &labelAspects();

/** The reason keys of an aspect (empty for an unknown aspect). */
QStringList reasonKeys(const QString &aspect);

/**
 * A choice on the shown 5-point scale, 1 = left clearly better, 2 = left slightly
 * better, 3 = tie, 4 = right slightly better, 5 = right clearly better, in the A/B frame
 * of the data: left is A unless the instance is shown swapped (B on the left).
 * Returns nothing for a value outside 1..5.
 */
std::optional<Preference> preferenceFromShown(int shown, bool swapped);
/** The inverse: the 1..5 button a stored preference corresponds to on screen. */
int shownFromPreference(Preference p, bool swapped);

/** "AB" when A is shown on the left, "BA" when swapped (human_labels.shown_order). */
QString shownOrder(bool swapped);

} // namespace hyper::labels
