// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/domain/types.h"
#include "core/storage/annotationstore.h"

#include <QHash>
#include <QObject>
#include <QSet>
#include <deque>
#include <optional>

class QThreadPool;

namespace hyper {

class ProjectStore;

/**
 * The queue of a labelling session (the Label tab's session controller): which instances
 * the annotator sees next, and their texts ahead of time.
 * - The ids come from AnnotationStore::queue, kBatch at a time, fetched on a worker thread
 *   with its own connection (opened without the integrity check) when the session starts
 *   and again below kLowWater; the counts of the progress line come with them. A reload
 *   (another program's change, a new overlap) drops results still on their way.
 * - Skipped instances come back after the queue; an instance is queued once per session.
 * - The texts of the next kPrefetch instances are loaded after each advance.
 * Nothing here runs SQL on the GUI thread except the prefetch's instance reads.
 *
 * Ownership: owns its worker pool; borrows the store (the tab's). Thread affinity: the
 * GUI thread; destroying it waits for a running fetch.
 */
class LabelQueue : public QObject
{
    Q_OBJECT

public:
    static constexpr int kBatch = 500;     // queue ids fetched per refill
    static constexpr int kLowWater = 250;  // refill in the background below this many
    static constexpr int kPrefetch = 3;    // instances whose texts are loaded ahead

    /** Session counts for the progress line. */
    struct Counts {
        qint64 done = 0;       // labels by this annotator on routed instances
        qint64 remaining = 0;  // still in the annotator's queue
        qint64 routed = 0;
        qint64 complete = 0;   // routed instances with k labels (refreshed in the background)
        double secondsPerLabel = 0;
    };

    explicit LabelQueue(QObject *parent = nullptr);
    ~LabelQueue() override;

    /** Another project (or none): results on their way are dropped; the session is cleared. */
    void setProject(ProjectStore *store);
    /** The annotator whose queue this is (empty: no session). */
    void setAnnotator(const QString &annotator) { m_annotator = annotator; }
    /** Forgets the session: queue, skipped, counts, prefetched texts. */
    void clear();
    /** Drops the queue (not the skipped) and fetches it again; `current` stays out of it. */
    void reload(std::optional<qint64> current);
    /** Fetches more ids in the background, unless a fetch runs or the store has no more. */
    void refill(std::optional<qint64> current);
    /** After an advance: the texts of the next instances, and a refill below the low water. */
    void prefetchAndTopUp(std::optional<qint64> current);
    /** Stops: results still on their way are dropped; waits for the worker. */
    void stop();

    bool isLoading() const { return m_refilling; }
    /** The queue ran dry while the store may have more (a fetch is due or running). */
    bool isWaiting() const { return m_queue.empty() && !m_exhausted; }
    /** The next id to show, the queue first, then the skipped ones; never `current`. */
    std::optional<qint64> takeNext(std::optional<qint64> current);
    /** The instance's texts (prefetched, or read now); none when it cannot be read. */
    std::optional<Instance> take(qint64 id);

    /** Moves an instance to the end of the session; true when it is the only one left. */
    bool skip(qint64 id);
    /** Puts an instance first again, with its texts (an undo showed another one). */
    void putBack(const Instance &instance);
    /** Takes an instance out of the queue and the skipped ones. */
    void remove(qint64 id);
    /** An instance that must not be queued again in this session. */
    void markSeen(qint64 id) { m_seen.insert(id); }

    /** A label was saved (+1) or taken back (-1): the counts follow at once. */
    void countSaved(int delta);
    const Counts &counts() const { return m_counts; }

Q_SIGNALS:
    /** A fetch was merged: new ids (if any) and fresh counts. */
    void merged();
    /** A fetch or a read failed. */
    void failed(const QString &message);

private:
    void merge(const std::vector<qint64> &ids, const QueueStatus &status, qint64 savesSince);
    /** The instance from the store (none when gone; a read error is reported by failed()). */
    std::optional<Instance> read(qint64 id);

    ProjectStore *m_store = nullptr;
    QString m_annotator;
    QThreadPool *m_pool;               // one worker: the fetches
    int m_generation = 0;              // bumped on reloads: older results are dropped
    bool m_refilling = false;
    std::deque<qint64> m_queue;        // next instances, in order
    std::deque<qint64> m_skipped;      // skipped in this session: after the queue
    QSet<qint64> m_seen;               // ids ever queued in this session (dedupe refills)
    bool m_exhausted = false;          // the store has nothing beyond m_queue
    QHash<qint64, Instance> m_cache;   // prefetched texts
    Counts m_counts;
    qint64 m_savesThisSession = 0;
};

} // namespace hyper
