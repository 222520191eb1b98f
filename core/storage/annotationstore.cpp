// SPDX-License-Identifier: GPL-3.0-or-later
// The annotation workflow's storage: queue, undo/redo of labels, flags, adjudication.
#include "core/storage/annotationstore.h"

#include "core/storage/labelrows.h"
#include "core/storage/projectstore.h"
#include "core/storage/sqlite.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QUuid>
#include <algorithm>
#include <sqlite3.h>
#include <unordered_map>
#include <unordered_set>

namespace hyper {

namespace {

constexpr std::uint64_t splitmix(std::uint64_t x)
{
    x += 0x9E3779B97F4A7C15ULL;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
    return x ^ (x >> 31);
}

std::uint64_t nameHash(const QString &name)
{
    std::uint64_t h = 0xCBF29CE484222325ULL; // FNV-1a over UTF-8
    for (const char c : name.toUtf8()) {
        h ^= std::uint8_t(c);
        h *= 0x100000001B3ULL;
    }
    return h;
}

/** The rendezvous weight of (annotator, instance). */
std::uint64_t weight(std::uint64_t annotator, qint64 instance, std::uint64_t salt = 0)
{
    return splitmix(annotator ^ splitmix(std::uint64_t(instance) ^ salt));
}

QString now() { return QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs); }

std::optional<std::int64_t> annotatorIdIfAny(sqlite3 *db, const QString &name)
{
    sql::Stmt s(db, "SELECT id FROM annotators WHERE name = ?");
    s.bind(1, name);
    if (s.step())
        return s.i64(0);
    return std::nullopt;
}

struct Candidate {
    qint64 id;
    int labels;
    bool mine;
};

// Routed train instances with their count of workbench labels and whether `me` labelled
// them (one pass over the routed set: an index scan of human_labels per instance).
std::vector<Candidate> routedCandidates(sqlite3 *db, std::int64_t me)
{
    sql::Stmt s(db,
        "SELECT i.id,"
        " (SELECT count(*) FROM human_labels h JOIN annotators a ON a.id = h.annotator_id"
        "   WHERE h.instance_id = i.id AND a.origin = 'workbench'),"
        " EXISTS(SELECT 1 FROM human_labels h WHERE h.instance_id = i.id AND h.annotator_id = ?)"
        " FROM instances i WHERE i.split = 'train' AND i.route = 'human' ORDER BY i.id");
    s.bind(1, me);
    std::vector<Candidate> out;
    while (s.step())
        out.push_back({s.i64(0), int(s.i64(1)), s.i64(2) != 0});
    return out;
}

std::vector<std::uint64_t> workbenchAnnotatorHashes(sqlite3 *db, const QString &including)
{
    std::vector<std::uint64_t> out;
    bool seen = false;
    sql::Stmt s(db, "SELECT name FROM annotators WHERE origin = 'workbench' ORDER BY name");
    while (s.step()) {
        const QString n = s.text(0);
        seen = seen || n == including;
        out.push_back(nameHash(n));
    }
    if (!seen)
        out.push_back(nameHash(including));
    return out;
}

} // namespace

AnnotationStore::AnnotationStore(ProjectStore &store) : m_store(store) {}

std::vector<AnnotatorInfo> AnnotationStore::annotators() const
{
    sql::Stmt s(m_store.handle(),
                "SELECT a.id, a.name, a.kind, (SELECT count(*) FROM human_labels h WHERE h.annotator_id = a.id), a.origin"
                " FROM annotators a ORDER BY a.origin = 'workbench' DESC, a.name");
    std::vector<AnnotatorInfo> out;
    while (s.step())
        out.push_back({s.i64(0), s.text(1), s.text(2), s.i64(3), s.text(4)});
    return out;
}

qint64 AnnotationStore::ensureAnnotator(const QString &name, const QString &kind)
{
    if (name.trimmed().isEmpty())
        throw StoreError("an annotator needs a name");
    sqlite3 *db = m_store.handle();
    sql::Transaction tx(db);
    const std::int64_t id = annotatorId(db, name.trimmed(), kind);
    // An empty kind keeps the annotator's kind.
    sql::Stmt u(db, "UPDATE annotators SET kind = CASE WHEN ?1 = '' THEN kind ELSE ?1 END, origin = 'workbench'"
                    " WHERE id = ?2");
    u.bind(1, kind).bind(2, id);
    u.run();
    tx.commit();
    return id;
}

int AnnotationStore::overlap() const
{
    sql::Stmt s(m_store.handle(), "SELECT CAST(value AS INTEGER) FROM project_meta WHERE key = 'annotation_overlap'");
    return s.step() ? std::max<int>(1, int(s.i64(0))) : 1;
}

void AnnotationStore::setOverlap(int k)
{
    if (k < 1 || k > 100)
        throw StoreError("the overlap must be between 1 and 100 annotators per instance");
    sql::Stmt s(m_store.handle(),
                "INSERT INTO project_meta(key, value) VALUES ('annotation_overlap', ?)"
                " ON CONFLICT(key) DO UPDATE SET value = excluded.value");
    s.bind(1, QString::number(k));
    s.run();
}

std::vector<qint64> AnnotationStore::queue(const QString &annotator, int limit,
                                           const std::vector<qint64> &exclude) const
{
    sqlite3 *db = m_store.handle();
    const int k = overlap();
    const std::int64_t me = annotatorIdIfAny(db, annotator).value_or(-1);
    const std::vector<Candidate> all = routedCandidates(db, me);
    const std::vector<std::uint64_t> team = workbenchAnnotatorHashes(db, annotator);
    const std::uint64_t mine = nameHash(annotator);
    const std::unordered_set<qint64> skip(exclude.begin(), exclude.end());

    struct Ranked {
        qint64 id;
        bool preferred;
        int labels;
        std::uint64_t order;
    };
    std::vector<Ranked> ranked;
    for (const Candidate &c : all) {
        if (c.mine || c.labels >= k || skip.count(c.id))
            continue;
        // Rendezvous hashing: the instance prefers the k team members with the highest
        // weight; this annotator is preferred when fewer than k others outrank them.
        const std::uint64_t w = weight(mine, c.id);
        int above = 0;
        for (const std::uint64_t t : team)
            if (t != mine && weight(t, c.id) > w)
                ++above;
        ranked.push_back({c.id, above < k, c.labels, w});
    }
    // Preferred first; then instances closer to complete (so finished items accumulate);
    // then a per-annotator pseudo-random order, so that two annotators working the same
    // pool do not walk it in step.
    std::sort(ranked.begin(), ranked.end(), [](const Ranked &a, const Ranked &b) {
        if (a.preferred != b.preferred)
            return a.preferred;
        if (a.labels != b.labels)
            return a.labels > b.labels;
        return a.order > b.order;
    });
    std::vector<qint64> out;
    const std::size_t n = std::min<std::size_t>(ranked.size(), std::size_t(std::max(0, limit)));
    out.reserve(n);
    for (std::size_t i = 0; i < n; ++i)
        out.push_back(ranked[i].id);
    return out;
}

QueueStatus AnnotationStore::status(const QString &annotator) const
{
    sqlite3 *db = m_store.handle();
    const int k = overlap();
    const std::int64_t me = annotatorIdIfAny(db, annotator).value_or(-1);
    QueueStatus st;
    for (const Candidate &c : routedCandidates(db, me)) {
        ++st.routed;
        st.complete += c.labels >= k;
        st.mine += c.mine;
        st.remaining += !c.mine && c.labels < k;
    }
    sql::Stmt t(db, "SELECT time_spent FROM human_labels WHERE annotator_id = ? AND time_spent IS NOT NULL"
                    " ORDER BY id DESC LIMIT 50");
    t.bind(1, me);
    std::vector<double> times;
    while (t.step())
        times.push_back(t.f64(0));
    if (!times.empty()) {
        std::nth_element(times.begin(), times.begin() + std::ptrdiff_t(times.size() / 2), times.end());
        st.secondsPerLabel = times[times.size() / 2];
    }
    return st;
}

std::uint64_t AnnotationStore::preference(const QString &annotator, qint64 instanceId)
{
    return weight(nameHash(annotator), instanceId);
}

bool AnnotationStore::showSwapped(const QString &annotator, qint64 instanceId)
{
    return (weight(nameHash(annotator), instanceId, 0x5157A9ULL) >> 63) != 0;
}

HumanLabel AnnotationStore::takeHumanLabel(qint64 labelId)
{
    sqlite3 *db = m_store.handle();
    sql::Transaction tx(db);
    std::int64_t instanceId = 0;
    {
        sql::Stmt s(db, "SELECT instance_id FROM human_labels WHERE id = ?");
        s.bind(1, std::int64_t(labelId));
        if (!s.step())
            throw StoreError("no human label with id " + std::to_string(labelId));
        instanceId = s.i64(0);
    }
    HumanLabel taken;
    for (HumanLabel &l : m_store.humanLabels(instanceId))
        if (l.id == labelId)
            taken = std::move(l);
    sql::Stmt d(db, "DELETE FROM human_labels WHERE id = ?");
    d.bind(1, std::int64_t(labelId));
    d.run();
    refreshInstanceStats(db, instanceId);
    tx.commit();
    return taken;
}

qint64 AnnotationStore::restoreHumanLabel(const HumanLabel &label)
{
    if (label.id <= 0)
        throw StoreError("restoring a human label needs the id it had");
    sqlite3 *db = m_store.handle();
    sql::Transaction tx(db);
    {
        sql::Stmt s(db, "SELECT 1 FROM human_labels WHERE id = ?");
        s.bind(1, std::int64_t(label.id));
        if (s.step())
            throw StoreError("a human label with id " + std::to_string(label.id) + " already exists");
    }
    const qint64 id = insertHumanLabelRow(db, label, label.id);
    tx.commit();
    return id;
}

qint64 AnnotationStore::flag(qint64 instanceId, const QString &annotator, const QString &note)
{
    sqlite3 *db = m_store.handle();
    sql::Transaction tx(db);
    requireInstance(db, instanceId);
    sql::Stmt s(db, "INSERT INTO label_flags(instance_id, annotator_id, note, created_at, uuid) VALUES (?,?,?,?,?)");
    s.bind(1, std::int64_t(instanceId));
    if (annotator.trimmed().isEmpty())
        s.bindNull(2);
    else
        s.bind(2, annotatorId(db, annotator.trimmed(), QString()));
    s.bind(3, note).bind(4, now()).bind(5, QUuid::createUuid().toString(QUuid::WithoutBraces));
    s.run();
    const qint64 id = sqlite3_last_insert_rowid(db);
    tx.commit();
    return id;
}

void AnnotationStore::unflag(qint64 flagId)
{
    sql::Stmt s(m_store.handle(), "DELETE FROM label_flags WHERE id = ?");
    s.bind(1, std::int64_t(flagId));
    s.run();
}

std::vector<LabelFlag> AnnotationStore::flags(qint64 instanceId) const
{
    sql::Stmt s(m_store.handle(),
                "SELECT f.id, coalesce(a.name, ''), f.note, f.created_at FROM label_flags f"
                " LEFT JOIN annotators a ON a.id = f.annotator_id WHERE f.instance_id = ? ORDER BY f.id");
    s.bind(1, std::int64_t(instanceId));
    std::vector<LabelFlag> out;
    while (s.step())
        out.push_back({s.i64(0), instanceId, s.text(1), s.text(2),
                       QDateTime::fromString(s.text(3), Qt::ISODateWithMs)});
    return out;
}

std::vector<ReviewItem> AnnotationStore::reviewQueue(int minSpread, bool includeAdjudicated, bool routedOnly) const
{
    sqlite3 *db = m_store.handle();
    std::unordered_map<qint64, ReviewItem> items;
    {
        sql::Stmt s(db, "SELECT instance_id, count(*), max(overall) - min(overall)"
                        " FROM human_labels GROUP BY instance_id"
                        " HAVING count(*) > 1 AND (max(overall) - min(overall) >= ? OR (max(overall > 0) AND max(overall < 0)))");
        s.bind(1, minSpread);
        while (s.step()) {
            ReviewItem &r = items[s.i64(0)];
            r.instanceId = s.i64(0);
            r.labels = int(s.i64(1));
            r.spread = double(s.i64(2));
        }
    }
    {
        sql::Stmt s(db, "SELECT f.instance_id, count(*),"
                        " (SELECT count(*) FROM human_labels h WHERE h.instance_id = f.instance_id),"
                        " (SELECT coalesce(max(overall) - min(overall), 0) FROM human_labels h WHERE h.instance_id = f.instance_id)"
                        " FROM label_flags f GROUP BY f.instance_id");
        while (s.step()) {
            ReviewItem &r = items[s.i64(0)];
            r.instanceId = s.i64(0);
            r.flags = int(s.i64(1));
            r.labels = int(s.i64(2));
            r.spread = double(s.i64(3));
        }
    }
    {
        sql::Stmt s(db, "SELECT instance_id, overall FROM adjudications");
        while (s.step()) {
            auto it = items.find(s.i64(0));
            if (it != items.end())
                it->second.adjudicated = preferenceFromInt(int(s.i64(1)));
        }
    }
    {
        // Folded votes and route of the (few) items.
        sql::Stmt s(db, "SELECT i.route = 'human', (SELECT coalesce(sum(overall < 0), 0) FROM human_labels h WHERE h.instance_id = i.id),"
                        " (SELECT coalesce(sum(overall = 0), 0) FROM human_labels h WHERE h.instance_id = i.id),"
                        " (SELECT coalesce(sum(overall > 0), 0) FROM human_labels h WHERE h.instance_id = i.id)"
                        " FROM instances i WHERE i.id = ?");
        for (auto &[id, r] : items) {
            s.reset();
            s.bind(1, std::int64_t(id));
            if (s.step()) {
                r.routedHuman = s.i64(0) != 0;
                r.votesA = int(s.i64(1));
                r.votesTie = int(s.i64(2));
                r.votesB = int(s.i64(3));
                r.foldedDisagree = r.votesA > 0 && r.votesB > 0;
            }
        }
    }
    std::vector<ReviewItem> out;
    out.reserve(items.size());
    for (auto &[id, r] : items)
        if ((includeAdjudicated || !r.adjudicated) && (!routedOnly || r.routedHuman))
            out.push_back(std::move(r));
    std::sort(out.begin(), out.end(), [](const ReviewItem &a, const ReviewItem &b) {
        if (bool(a.adjudicated) != bool(b.adjudicated))
            return !a.adjudicated;
        return a.instanceId < b.instanceId;
    });
    return out;
}

void AnnotationStore::adjudicate(qint64 instanceId, Preference overall, const QString &lead,
                                 const QString &note)
{
    if (lead.trimmed().isEmpty())
        throw StoreError("an adjudication needs the lead's name");
    sqlite3 *db = m_store.handle();
    sql::Transaction tx(db);
    requireInstance(db, instanceId);
    sql::Stmt s(db, "INSERT INTO adjudications(instance_id, overall, lead, note, created_at) VALUES (?,?,?,?,?)"
                    " ON CONFLICT(instance_id) DO UPDATE SET overall = excluded.overall, lead = excluded.lead,"
                    " note = excluded.note, created_at = excluded.created_at");
    s.bind(1, std::int64_t(instanceId)).bind(2, toInt(overall)).bind(3, lead.trimmed()).bind(4, note).bind(5, now());
    s.run();
    tx.commit();
}

std::optional<Adjudication> AnnotationStore::adjudication(qint64 instanceId) const
{
    sql::Stmt s(m_store.handle(), "SELECT overall, lead, note, created_at FROM adjudications WHERE instance_id = ?");
    s.bind(1, std::int64_t(instanceId));
    if (!s.step())
        return std::nullopt;
    return Adjudication{instanceId, preferenceFromInt(int(s.i64(0))).value_or(Preference::Tie), s.text(1),
                        s.text(2), QDateTime::fromString(s.text(3), Qt::ISODateWithMs)};
}

void AnnotationStore::clearAdjudication(qint64 instanceId)
{
    sql::Stmt s(m_store.handle(), "DELETE FROM adjudications WHERE instance_id = ?");
    s.bind(1, std::int64_t(instanceId));
    s.run();
}

} // namespace hyper
