// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/jobs/feedback.h"

#include <QDateTime>

namespace hyper {

Feedback::Feedback(ProgressFn fn, int throttleMs) : m_fn(std::move(fn)), m_throttleMs(throttleMs) {}

void Feedback::setProgress(double fraction, const QString &message)
{
    m_progress.store(fraction, std::memory_order_relaxed);
    if (!m_fn)
        return;
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    const bool edge = fraction <= 0.0 || fraction >= 1.0;
    if (!edge && m_lastEmitMs >= 0 && now - m_lastEmitMs < m_throttleMs)
        return;
    m_lastEmitMs = now;
    m_fn(fraction, message);
}

} // namespace hyper
