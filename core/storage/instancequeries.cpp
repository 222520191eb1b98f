// SPDX-License-Identifier: GPL-3.0-or-later
// Read side of ProjectStore: info, filtered listing, one instance with its labels.
#include "core/storage/projectstore.h"
#include "core/storage/searchquery.h"
#include "core/storage/sqlite.h"

#include <QJsonDocument>
#include <QJsonArray>
#include <QJsonObject>
#include <algorithm>
#include <variant>

namespace hyper {

namespace {

using Bind = std::variant<std::int64_t, QString>;

struct Where {
    QString sql;
    std::vector<Bind> binds;
    void add(const QString &clause) { sql += (sql.isEmpty() ? QStringLiteral(" WHERE ") : QStringLiteral(" AND ")) + clause; }
};

qint64 indexedUpto(sqlite3 *db)
{
    sql::Stmt s(db, "SELECT value FROM project_meta WHERE key='fts_indexed_upto'");
    return s.step() ? s.text(0).toLongLong() : 0;
}

qint64 maxId(sqlite3 *db)
{
    sql::Stmt s(db, "SELECT coalesce(max(id), 0) FROM instances");
    return s.step() ? s.i64(0) : 0;
}

Where buildWhere(sqlite3 *db, const InstanceFilter &f)
{
    Where w;
    if (f.split) {
        w.add(QStringLiteral("split = ?"));
        w.binds.emplace_back(splitName(*f.split));
    }
    if (!f.source.isEmpty()) {
        w.add(QStringLiteral("source = ?"));
        w.binds.emplace_back(f.source);
    }
    if (f.hasHumanLabel)
        w.add(*f.hasHumanLabel ? QStringLiteral("n_human > 0") : QStringLiteral("n_human = 0"));
    if (f.hasLmLabel)
        w.add(*f.hasLmLabel ? QStringLiteral("n_lm > 0") : QStringLiteral("n_lm = 0"));
    if (f.disagreementOnly)
        w.add(QStringLiteral("human_pref IS NOT NULL AND lm_pref IS NOT NULL AND human_pref <> lm_pref"));
    if (f.route == QLatin1String("unrouted"))
        w.add(QStringLiteral("route = ''"));
    else if (!f.route.isEmpty()) {
        w.add(QStringLiteral("route = ?"));
        w.binds.emplace_back(f.route);
    }
    // One index lookup per feature (instance_features_feature); an unknown name matches
    // nothing, so a stale filter shows an empty table rather than everything.
    for (const QString &feature : f.features) {
        w.add(QStringLiteral("id IN (SELECT instance_id FROM instance_features WHERE feature_id ="
                             " (SELECT id FROM features WHERE name = ?))"));
        w.binds.emplace_back(feature);
    }
    const QString text = f.text.trimmed();
    if (!text.isEmpty()) {
        const SearchQuery query = parseSearch(text); // throws SearchSyntaxError
        if (query.fts.isEmpty())
            return w;
        const qint64 upto = indexedUpto(db);
        // Rows already in the full-text index are matched through it; rows imported since
        // (the index is brought up to date in the background) by a scan of their texts
        // with the same operators (SearchQuery::scanSql).
        if (upto >= maxId(db)) {
            w.add(QStringLiteral("id IN (SELECT rowid FROM instances_fts WHERE instances_fts MATCH ?)"));
            w.binds.emplace_back(query.fts);
        } else {
            w.add(QStringLiteral("id IN (SELECT rowid FROM instances_fts WHERE instances_fts MATCH ? AND rowid <= ?"
                                 " UNION ALL SELECT id FROM instance_texts WHERE id > ? AND (%1))").arg(query.scanSql));
            w.binds.emplace_back(query.fts);
            w.binds.emplace_back(std::int64_t(upto));
            w.binds.emplace_back(std::int64_t(upto));
            for (const QString &pattern : query.scanPatterns)
                w.binds.emplace_back(pattern);
        }
    }
    return w;
}

void bindAll(sql::Stmt &s, const std::vector<Bind> &binds, int first = 1)
{
    int i = first;
    for (const Bind &b : binds) {
        if (const auto *n = std::get_if<std::int64_t>(&b))
            s.bind(i++, *n);
        else
            s.bind(i++, std::get<QString>(b));
    }
}

std::optional<Preference> prefOrNone(const sql::Stmt &s, int col)
{
    return s.isNull(col) ? std::nullopt : preferenceFromInt(int(s.i64(col)));
}

QStringList column(sqlite3 *db, const char *query)
{
    QStringList out;
    sql::Stmt s(db, query);
    while (s.step())
        out << s.text(0);
    return out;
}

qint64 scalar(sqlite3 *db, const char *query)
{
    sql::Stmt s(db, query);
    return s.step() ? s.i64(0) : 0;
}

} // namespace

ProjectInfo ProjectStore::info() const
{
    ProjectInfo i;
    i.instances = scalar(m_db, "SELECT count(*) FROM instances WHERE split='train'");
    i.evalInstances = scalar(m_db, "SELECT count(*) FROM instances WHERE split='eval'");
    i.humanLabels = scalar(m_db, "SELECT count(*) FROM human_labels");
    i.lmLabels = scalar(m_db, "SELECT count(*) FROM lm_labels");
    i.annotators = column(m_db, "SELECT name FROM annotators ORDER BY name");
    i.judges = column(m_db, "SELECT name FROM judges ORDER BY name");
    i.features = scalar(m_db, "SELECT count(*) FROM features");
    i.sources = sources();
    return i;
}

QStringList ProjectStore::sources() const
{
    return column(m_db, "SELECT DISTINCT source FROM instances WHERE source <> '' ORDER BY source");
}

qint64 ProjectStore::countInstances(const InstanceFilter &filter) const
{
    const Where w = buildWhere(m_db, filter);
    sql::Stmt s(m_db, (QStringLiteral("SELECT count(*) FROM instances") + w.sql).toUtf8().constData());
    bindAll(s, w.binds);
    return s.step() ? s.i64(0) : 0;
}

std::vector<InstanceSummary> ProjectStore::listInstances(const InstanceFilter &filter, qint64 offset,
                                                         int limit) const
{
    const Where w = buildWhere(m_db, filter);
    const QString query = QStringLiteral(
                              "SELECT id, ext_id, split, source, category,"
                              " (SELECT substr(prompt, 1, 200) FROM instance_texts t WHERE t.id = instances.id),"
                              " n_human, n_lm, human_pref, lm_pref, route FROM instances")
                          + w.sql + QStringLiteral(" ORDER BY id LIMIT ? OFFSET ?");
    sql::Stmt s(m_db, query.toUtf8().constData());
    bindAll(s, w.binds);
    s.bind(int(w.binds.size()) + 1, std::int64_t(limit));
    s.bind(int(w.binds.size()) + 2, std::int64_t(offset));
    std::vector<InstanceSummary> out;
    out.reserve(size_t(std::clamp(limit, 0, 4096)));
    while (s.step()) {
        InstanceSummary r;
        r.id = s.i64(0);
        r.externalId = s.text(1);
        r.split = parseSplit(s.text(2)).value_or(Split::Train);
        r.source = s.text(3);
        r.category = s.text(4);
        r.promptPreview = s.text(5).simplified();
        r.humanLabels = int(s.i64(6));
        r.lmLabels = int(s.i64(7));
        r.humanMajority = prefOrNone(s, 8);
        r.lmMajority = prefOrNone(s, 9);
        r.route = s.text(10);
        out.push_back(std::move(r));
    }
    return out;
}

std::optional<Instance> ProjectStore::instance(qint64 id) const
{
    sql::Stmt s(m_db, "SELECT i.id, i.ext_id, i.split, t.prompt, t.response_a, t.response_b, i.model_a,"
                      " i.model_b, i.source, i.category, t.metadata, i.route, t.prompt_messages"
                      " FROM instances i JOIN instance_texts t ON t.id = i.id WHERE i.id = ?");
    s.bind(1, std::int64_t(id));
    if (!s.step())
        return std::nullopt;
    Instance r;
    r.id = s.i64(0);
    r.externalId = s.text(1);
    r.split = parseSplit(s.text(2)).value_or(Split::Train);
    r.prompt = s.text(3);
    r.responseA = s.text(4);
    r.responseB = s.text(5);
    r.modelA = s.text(6);
    r.modelB = s.text(7);
    r.source = s.text(8);
    r.category = s.text(9);
    const std::string_view meta = s.utf8(10);
    if (!meta.empty())
        r.metadata = QJsonDocument::fromJson(QByteArray(meta.data(), qsizetype(meta.size()))).object();
    r.route = s.text(11);
    const std::string_view turns = s.utf8(12);
    if (!turns.empty()) {
        const QJsonArray list = QJsonDocument::fromJson(QByteArray(turns.data(), qsizetype(turns.size()))).array();
        for (const QJsonValue &t : list)
            r.conversation.push_back(Turn{t[QLatin1String("role")].toString(), t[QLatin1String("content")].toString()});
    }
    return r;
}

std::vector<HumanLabel> ProjectStore::humanLabels(qint64 instanceId) const
{
    sql::Stmt s(m_db, "SELECT h.id, a.name, a.kind, h.overall, h.helpfulness, h.truthfulness,"
                      " h.harmlessness, h.reasons, h.rationale, h.confidence, h.time_spent,"
                      " h.shown_order, h.created_at, coalesce(h.uuid, ''), h.pack FROM human_labels h"
                      " JOIN annotators a ON a.id = h.annotator_id WHERE h.instance_id = ? ORDER BY h.id");
    s.bind(1, std::int64_t(instanceId));
    std::vector<HumanLabel> out;
    while (s.step()) {
        HumanLabel l;
        l.id = s.i64(0);
        l.instanceId = instanceId;
        l.annotator = s.text(1);
        l.annotatorKind = s.text(2);
        l.overall = preferenceFromInt(int(s.i64(3))).value_or(Preference::Tie);
        for (int k = 0; k < 3; ++k)
            if (auto p = prefOrNone(s, 4 + k))
                l.aspects.insert(QString::fromLatin1(kAspects[k]), *p);
        const QJsonObject reasons = QJsonDocument::fromJson(s.text(7).toUtf8()).object();
        for (auto it = reasons.begin(); it != reasons.end(); ++it) {
            QStringList list;
            for (const QJsonValue &v : it.value().toArray())
                list << v.toString();
            l.reasons.insert(it.key(), list);
        }
        l.rationale = s.text(8);
        l.confidence = s.opt<double>(9);
        l.timeSpentSeconds = s.opt<double>(10);
        l.shownOrder = s.text(11);
        l.createdAt = QDateTime::fromString(s.text(12), Qt::ISODateWithMs);
        l.uuid = s.text(13);
        l.pack = s.text(14);
        out.push_back(std::move(l));
    }
    return out;
}

std::vector<LmLabel> ProjectStore::lmLabels(qint64 instanceId) const
{
    sql::Stmt s(m_db, "SELECT l.id, j.name, l.overall, l.verdict_orig, l.verdict_swapped, l.rationale,"
                      " l.raw, l.created_at FROM lm_labels l JOIN judges j ON j.id = l.judge_id"
                      " WHERE l.instance_id = ? ORDER BY l.id");
    s.bind(1, std::int64_t(instanceId));
    std::vector<LmLabel> out;
    while (s.step()) {
        LmLabel l;
        l.id = s.i64(0);
        l.instanceId = instanceId;
        l.judge = s.text(1);
        l.overall = prefOrNone(s, 2);
        l.verdictOriginalOrder = prefOrNone(s, 3);
        l.verdictSwappedOrder = prefOrNone(s, 4);
        l.rationale = s.text(5);
        l.raw = s.text(6);
        l.createdAt = QDateTime::fromString(s.text(7), Qt::ISODateWithMs);
        out.push_back(std::move(l));
    }
    return out;
}

} // namespace hyper
