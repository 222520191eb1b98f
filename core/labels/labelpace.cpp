// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/labels/labelpace.h"

#include <algorithm>
#include <cmath>

namespace hyper::labels {

LabelPace::LabelPace(std::optional<double> prior)
{
    if (prior && *prior > 0)
        m_prior = std::clamp(*prior, kMinSeconds, kMaxSeconds);
}

void LabelPace::add(double seconds)
{
    m_times.push_back(std::clamp(seconds, kMinSeconds, kMaxSeconds));
}

void LabelPace::removeLast()
{
    if (!m_times.empty())
        m_times.pop_back();
}

std::optional<double> LabelPace::estimate() const
{
    const int n = int(m_times.size());
    if (n == 0)
        return m_prior;
    if (!m_prior && n < kMinLabels)
        return std::nullopt;
    std::vector<double> sorted = m_times;
    std::sort(sorted.begin(), sorted.end());
    const double median = n % 2 ? sorted[std::size_t(n / 2)] : 0.5 * (sorted[std::size_t(n / 2 - 1)] + sorted[std::size_t(n / 2)]);
    if (!m_prior)
        return median;
    const double w = std::min(1.0, double(n) / double(kFullWeight));
    return (1.0 - w) * *m_prior + w * median;
}

std::optional<double> LabelPace::shown()
{
    const std::optional<double> now = estimate();
    if (!now)
        m_shown.reset();
    else if (!m_shown || std::abs(*now - *m_shown) > kHysteresis * *m_shown)
        m_shown = now;
    return m_shown;
}

} // namespace hyper::labels
