// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/io/importer.h"
#include "core/storage/importrecord.h"

#include <condition_variable>
#include <deque>
#include <exception>
#include <mutex>
#include <vector>

namespace hyper {

/** Records parsed on the helper thread, handed to the writing thread in one go. */
struct ImportBatch {
    std::vector<ImportRecord> records;
    std::vector<ImportIssue> issues;
    qint64 bytes = 0;        // decompressed bytes read when the batch was cut
    double fraction = 0;     // of the file on disk
    bool last = false;
};

/**
 * A bounded single-producer single-consumer queue of batches. Bounded so that a fast
 * parser cannot run ahead of the database and hold the file in memory; abort() lets
 * the consumer walk away (cancel, write error) without leaving the producer blocked;
 * fail() carries the producer's exception to the consumer.
 */
class ImportQueue
{
public:
    static constexpr std::size_t kCapacity = 4;

    /** Blocks while full. False when the consumer aborted (stop producing). */
    bool push(ImportBatch &&batch)
    {
        std::unique_lock lock(m_mutex);
        m_notFull.wait(lock, [this] { return m_queue.size() < kCapacity || m_aborted; });
        if (m_aborted)
            return false;
        m_queue.push_back(std::move(batch));
        m_notEmpty.notify_one();
        return true;
    }

    /** Blocks while empty. Rethrows the producer's exception. False only after abort. */
    bool pop(ImportBatch &out)
    {
        std::unique_lock lock(m_mutex);
        m_notEmpty.wait(lock, [this] { return !m_queue.empty() || m_error || m_aborted; });
        if (m_error)
            std::rethrow_exception(m_error);
        if (m_queue.empty())
            return false;
        out = std::move(m_queue.front());
        m_queue.pop_front();
        m_notFull.notify_one();
        return true;
    }

    /** Consumer: hands a written batch back, so that its strings are freed (or its
     *  vectors reused) on the producer's thread instead of the writing one. */
    void recycle(ImportBatch &&spent)
    {
        std::lock_guard lock(m_mutex);
        if (m_spent.size() < kCapacity)
            m_spent.push_back(std::move(spent));
    }

    /** Producer: an emptied batch with its capacity kept, when one came back. */
    bool takeSpent(ImportBatch &out)
    {
        ImportBatch spent;
        {
            std::lock_guard lock(m_mutex);
            if (m_spent.empty())
                return false;
            spent = std::move(m_spent.back());
            m_spent.pop_back();
        }
        spent.records.clear(); // the frees happen here, outside the lock
        spent.issues.clear();
        spent.last = false;
        out = std::move(spent);
        return true;
    }

    void fail(std::exception_ptr error)
    {
        std::lock_guard lock(m_mutex);
        m_error = std::move(error);
        m_notEmpty.notify_all();
    }

    void abort()
    {
        std::lock_guard lock(m_mutex);
        m_aborted = true;
        m_notFull.notify_all();
        m_notEmpty.notify_all();
    }

private:
    std::mutex m_mutex;
    std::condition_variable m_notFull;
    std::condition_variable m_notEmpty;
    std::deque<ImportBatch> m_queue;
    std::vector<ImportBatch> m_spent;
    std::exception_ptr m_error;
    bool m_aborted = false;
};

} // namespace hyper
