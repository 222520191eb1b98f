// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/labelqueue.h"

#include "core/storage/projectstore.h"

#include <QThreadPool>

#include <algorithm>
#include <memory>

namespace hyper {

namespace {

struct Refill {
    std::vector<qint64> ids;
    QueueStatus status;
};

} // namespace

LabelQueue::LabelQueue(QObject *parent)
    : QObject(parent)
    , m_pool(new QThreadPool(this))
{
    m_pool->setMaxThreadCount(1);
}

LabelQueue::~LabelQueue()
{
    stop();
}

void LabelQueue::stop()
{
    ++m_generation;
    m_refilling = false;
    m_pool->waitForDone(); // a fetch posts to this object; pending posts die with it
}

void LabelQueue::setProject(ProjectStore *store)
{
    ++m_generation; // results of the previous project's fetch are dropped
    m_refilling = false;
    m_store = store;
    m_annotator.clear();
    clear();
}

void LabelQueue::clear()
{
    m_queue.clear();
    m_skipped.clear();
    m_seen.clear();
    m_cache.clear();
    m_exhausted = false;
    m_counts = {};
    m_savesThisSession = 0;
}

void LabelQueue::reload(std::optional<qint64> current)
{
    ++m_generation;
    m_refilling = false;
    m_queue.clear();
    m_seen.clear();
    if (current)
        m_seen.insert(*current);
    m_exhausted = false;
    refill(current);
}

void LabelQueue::refill(std::optional<qint64> current)
{
    if (!m_store || m_annotator.isEmpty() || m_exhausted || m_refilling)
        return;
    std::vector<qint64> exclude(m_skipped.begin(), m_skipped.end());
    exclude.insert(exclude.end(), m_queue.begin(), m_queue.end());
    if (current)
        exclude.push_back(*current);
    m_refilling = true;
    // queue() and status() scan the routed set (about a second at 100k instances on a
    // busy machine): on a worker with its own connection, without the integrity check.
    m_pool->start([this, path = m_store->path(), annotator = m_annotator, exclude = std::move(exclude),
                   generation = m_generation, savesAtStart = m_savesThisSession] {
        auto refill = std::make_shared<Refill>();
        QString error;
        try {
            ProjectStore store(path, ProjectStore::Mode::OpenExisting, /*checkIntegrity=*/false);
            AnnotationStore a(store);
            refill->ids = a.queue(annotator, kBatch, exclude);
            refill->status = a.status(annotator);
        } catch (const std::exception &e) {
            error = QString::fromUtf8(e.what());
        }
        // The destructor waits for this job, and posted calls die with this object.
        QMetaObject::invokeMethod(this, [this, refill, error, generation, savesAtStart] {
            if (generation != m_generation)
                return;
            m_refilling = false;
            if (!error.isEmpty()) {
                m_exhausted = true;
                Q_EMIT failed(tr("Loading the queue failed: %1").arg(error));
                return;
            }
            merge(refill->ids, refill->status, m_savesThisSession - savesAtStart);
        }, Qt::QueuedConnection);
    });
}

void LabelQueue::merge(const std::vector<qint64> &ids, const QueueStatus &status, qint64 savesSince)
{
    int added = 0;
    for (qint64 id : ids)
        if (!m_seen.contains(id)) {
            m_seen.insert(id);
            m_queue.push_back(id);
            ++added;
        }
    m_exhausted = added == 0 || int(ids.size()) < kBatch;
    // Saves made while the job ran may be missing from its counts.
    m_counts = {status.mine + savesSince, std::max<qint64>(0, status.remaining - savesSince), status.routed,
                status.complete, status.secondsPerLabel};
    Q_EMIT merged();
}

std::optional<qint64> LabelQueue::takeNext(std::optional<qint64> current)
{
    while (!m_queue.empty() || !m_skipped.empty()) {
        std::deque<qint64> &q = m_queue.empty() ? m_skipped : m_queue;
        const qint64 id = q.front();
        q.pop_front();
        if (current && *current == id)
            continue;
        return id;
    }
    return std::nullopt;
}

std::optional<Instance> LabelQueue::take(qint64 id)
{
    return m_cache.contains(id) ? std::optional<Instance>(m_cache.take(id)) : read(id);
}

std::optional<Instance> LabelQueue::read(qint64 id)
{
    if (!m_store)
        return std::nullopt;
    try {
        return m_store->instance(id);
    } catch (const std::exception &e) {
        Q_EMIT failed(QString::fromUtf8(e.what()));
        return std::nullopt;
    }
}

void LabelQueue::prefetchAndTopUp(std::optional<qint64> current)
{
    if (!m_store)
        return;
    QSet<qint64> keep;
    int n = 0;
    for (auto *q : {&m_queue, &m_skipped})
        for (auto it = q->begin(); it != q->end() && n < kPrefetch; ++it, ++n) {
            keep.insert(*it);
            if (m_cache.contains(*it))
                continue;
            if (std::optional<Instance> inst = read(*it))
                m_cache.insert(*it, std::move(*inst));
        }
    for (auto it = m_cache.begin(); it != m_cache.end();)
        it = keep.contains(it.key()) ? std::next(it) : m_cache.erase(it);
    if (int(m_queue.size()) < kLowWater)
        refill(current);
}

bool LabelQueue::skip(qint64 id)
{
    m_skipped.push_back(id);
    return m_queue.empty() && m_skipped.size() == 1;
}

void LabelQueue::putBack(const Instance &instance)
{
    m_queue.push_front(instance.id);
    m_cache.insert(instance.id, instance);
}

void LabelQueue::remove(qint64 id)
{
    m_queue.erase(std::remove(m_queue.begin(), m_queue.end(), id), m_queue.end());
    m_skipped.erase(std::remove(m_skipped.begin(), m_skipped.end(), id), m_skipped.end());
}

void LabelQueue::countSaved(int delta)
{
    m_savesThisSession += delta;
    m_counts.done = std::max<qint64>(0, m_counts.done + delta);
    m_counts.remaining = std::max<qint64>(0, m_counts.remaining - delta);
}

} // namespace hyper
