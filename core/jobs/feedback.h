// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>
#include <atomic>
#include <functional>

namespace hyper {

/** Cancel flag and progress sink passed into synchronous algorithms (QgsFeedback's shape).
 *  Thread-safe: cancel() may be called from any thread; progress is reported from the
 *  worker thread and forwarded to the callback, throttled to at most one call per
 *  `throttleMs` except for 0% and 100%. */
class Feedback
{
public:
    using ProgressFn = std::function<void(double fraction, const QString &message)>;

    Feedback() = default;
    explicit Feedback(ProgressFn fn, int throttleMs = 100);
    virtual ~Feedback() = default;

    void cancel() { m_canceled.store(true, std::memory_order_relaxed); }
    bool isCanceled() const { return m_canceled.load(std::memory_order_relaxed); }

    /** fraction in [0,1]. */
    void setProgress(double fraction, const QString &message = {});
    double progress() const { return m_progress.load(std::memory_order_relaxed); }

private:
    ProgressFn m_fn;
    int m_throttleMs = 100;
    std::atomic<bool> m_canceled{false};
    std::atomic<double> m_progress{0.0};
    qint64 m_lastEmitMs = -1;
};

/** Thrown by algorithms that notice cancellation; the job runner reports "canceled". */
struct Canceled {};

} // namespace hyper
