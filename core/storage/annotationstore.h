// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/domain/types.h"

#include <QString>
#include <cstdint>
#include <optional>
#include <vector>

namespace hyper {

class ProjectStore;

struct AnnotatorInfo {
    qint64 id = 0;
    QString name;
    QString kind;        // "normal" | "expert" | ...
    qint64 labels = 0;   // human labels by this annotator
    QString origin;      // "workbench" (labels here) | "import" (came with imported data)
};

/** Where an annotator stands in the queue of instances routed to humans. */
struct QueueStatus {
    qint64 routed = 0;         // train instances routed to humans
    qint64 complete = 0;       // of those, with at least `overlap` human labels
    qint64 mine = 0;           // of those, labelled by this annotator
    qint64 remaining = 0;      // the annotator's queue length now
    double secondsPerLabel = 0; // median time_spent of this annotator's labels (0: none yet)
};

struct LabelFlag {
    qint64 id = 0;
    qint64 instanceId = 0;
    QString annotator;
    QString note;
    QDateTime createdAt;
};

struct Adjudication {
    qint64 instanceId = 0;
    Preference overall = Preference::Tie;
    QString lead;
    QString note;
    QDateTime createdAt;
};

/** One instance in the lead's review queue. */
struct ReviewItem {
    qint64 instanceId = 0;
    int labels = 0;
    int flags = 0;
    double spread = 0;                     // max - min of the 5-point overall labels
    bool foldedDisagree = false;          // folded labels include both A and B wins
    int votesA = 0, votesTie = 0, votesB = 0; // folded human votes
    bool routedHuman = false;             // route = 'human'
    std::optional<Preference> adjudicated;
};

/**
 * The annotation workflow on one project (same thread rules as ProjectStore; every write
 * commits before it returns):
 * - annotators and the overlap setting (k human labels wanted per instance);
 * - each annotator's queue: train instances routed to humans (route = 'human') with fewer
 *   than k labels by workbench annotators (annotators.origin = 'workbench': labels that
 *   came with imported data do not count) and none by this annotator, balanced across
 *   annotators by rendezvous hashing (each instance prefers the k workbench annotators
 *   with the highest hash(name, id)): an annotator sees the instances that prefer them
 *   first, then the rest (helping out), each group closest-to-complete first, then in a
 *   per-annotator pseudo-random order. queue() and status() scan the routed set (tens of
 *   ms at 100k instances): call them per batch, not per save;
 * - undo/redo of a saved label (delete, then reinsert the same row with the same id);
 * - flags for review, the review queue and the lead's adjudicated label.
 */
class AnnotationStore
{
public:
    explicit AnnotationStore(ProjectStore &store);

    std::vector<AnnotatorInfo> annotators() const;
    /** Creates the annotator, or updates the kind of an existing one; returns its id. */
    qint64 ensureAnnotator(const QString &name, const QString &kind);

    /** k, the human labels wanted per instance (project_meta 'annotation_overlap'; 1 when unset). */
    int overlap() const;
    void setOverlap(int k);

    /** Up to `limit` instance ids for the annotator, in the order to label them, leaving
     *  out `exclude` (skipped in this session). */
    std::vector<qint64> queue(const QString &annotator, int limit,
                              const std::vector<qint64> &exclude = {}) const;
    QueueStatus status(const QString &annotator) const;

    /** Whether the annotator sees B on the left for this instance: a fixed hash of
     *  (annotator, instance), so the side is random across items but stable on revisits. */
    static bool showSwapped(const QString &annotator, qint64 instanceId);
    /** The rendezvous weight of (annotator, instance) that balances the queue: an instance
     *  prefers the k annotators with the highest weight. Annotator packs use it too. */
    static std::uint64_t preference(const QString &annotator, qint64 instanceId);

    /** Deletes a saved human label (undo) and returns it as it was, id included; throws
     *  StoreError when there is none. */
    HumanLabel takeHumanLabel(qint64 labelId);
    /** Reinserts a label taken by takeHumanLabel with its id (redo); returns the id. */
    qint64 restoreHumanLabel(const HumanLabel &label);

    qint64 flag(qint64 instanceId, const QString &annotator, const QString &note);
    /** Removes a flag (undo of flag()). */
    void unflag(qint64 flagId);
    std::vector<LabelFlag> flags(qint64 instanceId) const;

    /** Instances that are flagged or whose human labels disagree: spread >= minSpread or
     *  folded A-vs-B disagreement (with routedOnly, only those routed to humans: the ones
     *  whose final label reaches the mix). Not yet adjudicated first, then by id. */
    std::vector<ReviewItem> reviewQueue(int minSpread = 3, bool includeAdjudicated = false,
                                        bool routedOnly = false) const;
    void adjudicate(qint64 instanceId, Preference overall, const QString &lead, const QString &note);
    std::optional<Adjudication> adjudication(qint64 instanceId) const;
    void clearAdjudication(qint64 instanceId);

private:
    ProjectStore &m_store;
};

} // namespace hyper
