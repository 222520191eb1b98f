// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <optional>
#include <vector>

namespace hyper::labels {

/**
 * The seconds per label behind a labelling session's ETA (the Label tab). It must be
 * steady from the first labels on: one slow first label must not turn "12 min" into
 * "2 h 44 min".
 * - Each label's time is clamped to [1 s, 10 min] (a coffee break is not labelling time).
 * - The session's median is blended with a prior, the annotator's median before the
 *   session (when there is one), the prior's weight falling from 1 to 0 over the first
 *   kFullWeight labels. Without a prior there is no estimate before kMinLabels labels.
 * - shown(): the estimate a person sees moves only when the new one differs by more than
 *   kHysteresis (relative), so that the ETA does not flicker label by label.
 */
class LabelPace
{
public:
    static constexpr double kMinSeconds = 1.0;
    static constexpr double kMaxSeconds = 600.0;
    static constexpr int kMinLabels = 3;
    static constexpr int kFullWeight = 10;
    static constexpr double kHysteresis = 0.2;

    explicit LabelPace(std::optional<double> prior = {});

    void add(double seconds);
    /** Takes back the latest label (an undo). */
    void removeLast();
    int labels() const { return int(m_times.size()); }

    /** The current estimate; none without a prior before kMinLabels labels. */
    std::optional<double> estimate() const;
    /** The estimate as shown: updated when it moved by more than kHysteresis. */
    std::optional<double> shown();

private:
    std::optional<double> m_prior;
    std::vector<double> m_times;
    std::optional<double> m_shown;
};

} // namespace hyper::labels
