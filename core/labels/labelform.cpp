// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/labels/labelform.h"

#include "core/domain/types.h"

namespace hyper::labels {

const std::vector<AspectSpec> &labelAspects()
{
    // Each reason says why the preferred response is better on that aspect.
    static const std::vector<AspectSpec> aspects{
        {kAspects[0], "Helpfulness",
         {{"informative", "More informative", "Informative"},
          {"concise", "More concise", "Concise"},
          {"well_formatted", "Better formatted", "Formatted"},
          {"follows_instructions", "Follows the instructions better", "Follows instructions"},
          {"coherent", "More coherent", "Coherent"},
          {"understandable", "Easier to understand", "Clearer"}}},
        {kAspects[1], "Truthfulness",
         {{"factual", "More factual", "Factual"},
          {"faithful", "More faithful to the prompt", "Faithful"},
          {"aware_of_time", "Aware of time / recency", "Time-aware"},
          {"aware_of_limits", "Aware of its limits", "Knows its limits"},
          {"calibrated", "States uncertainty honestly", "Honest doubt"}}},
        {kAspects[2], "Harmlessness",
         {{"not_offensive", "Less offensive", "Less offensive"},
          {"not_dangerous", "Less dangerous", "Less dangerous"},
          {"not_deceptive", "Less deceptive", "Less deceptive"},
          {"respects_privacy", "Respects privacy better", "Private"},
          {"not_biased", "Less biased", "Less biased"}}},
    };
    return aspects;
}

QStringList reasonKeys(const QString &aspect)
{
    QStringList out;
    for (const AspectSpec &a : labelAspects())
        if (aspect == QLatin1String(a.key))
            for (const ReasonSpec &r : a.reasons)
                out << QString::fromLatin1(r.key);
    return out;
}

std::optional<Preference> preferenceFromShown(int shown, bool swapped)
{
    if (shown < 1 || shown > 5)
        return std::nullopt;
    const auto p = preferenceFromInt(shown - 3); // left = the first shown = negative
    return swapped ? swapSides(*p) : *p;
}

int shownFromPreference(Preference p, bool swapped)
{
    return toInt(swapped ? swapSides(p) : p) + 3;
}

QString shownOrder(bool swapped)
{
    return swapped ? QStringLiteral("BA") : QStringLiteral("AB");
}

} // namespace hyper::labels
