// SPDX-License-Identifier: GPL-3.0-or-later
// The LM job tables: labels with provenance, the reply cache, failures, endpoints,
// templates, and the selections of the judge and tag jobs.
#include "core/storage/lmstore.h"

#include "core/storage/labelrows.h"
#include "core/storage/projectstore.h"
#include "core/storage/sqlite.h"

#include <QJsonDocument>
#include <algorithm>
#include <sqlite3.h>

namespace hyper {

namespace {

const char *const kAspectColumns[] = {"helpfulness", "truthfulness", "harmlessness"};

std::optional<std::int64_t> wide(std::optional<qint64> v)
{
    return v ? std::optional<std::int64_t>(*v) : std::nullopt;
}

QString now()
{
    return QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs);
}

QJsonObject parseObject(const QString &text)
{
    if (text.isEmpty())
        return {};
    return QJsonDocument::fromJson(text.toUtf8()).object();
}

std::int64_t judgeId(sqlite3 *db, const QString &name)
{
    sql::Stmt find(db, "SELECT id FROM judges WHERE name = ?");
    find.bind(1, name);
    if (find.step())
        return find.i64(0);
    sql::Stmt ins(db, "INSERT INTO judges(name) VALUES (?)");
    ins.bind(1, name);
    ins.run();
    return sqlite3_last_insert_rowid(db);
}

void insertCache(sqlite3 *db, const std::vector<LmCacheEntry> &entries)
{
    if (entries.empty())
        return;
    sql::Stmt s(db, "INSERT OR REPLACE INTO lm_cache(hash, kind, model, reply, tokens_in, tokens_out, created_at)"
                    " VALUES (?,?,?,?,?,?,?)");
    const QString at = now();
    for (const LmCacheEntry &e : entries) {
        if (e.hash.isEmpty() || (e.kind != QLatin1String("judge") && e.kind != QLatin1String("tag")))
            throw StoreError("an LM cache entry needs a hash and the kind judge or tag");
        s.reset();
        s.bind(1, e.hash).bind(2, e.kind).bind(3, e.model).bind(4, e.reply);
        s.bind(5, wide(e.tokensIn)).bind(6, wide(e.tokensOut)).bind(7, at);
        s.run();
    }
}

void requireKind(const QString &kind)
{
    if (kind != QLatin1String("judge") && kind != QLatin1String("tag"))
        throw StoreError("an LM job kind is judge or tag");
}

SavedEndpoint readEndpoint(const sql::Stmt &s)
{
    SavedEndpoint e;
    e.name = s.text(0);
    e.baseUrl = s.text(1);
    e.model = s.text(2);
    e.keyEnv = s.text(3);
    e.settings = parseObject(s.text(4));
    e.createdAt = QDateTime::fromString(s.text(5), Qt::ISODateWithMs);
    return e;
}

} // namespace

std::vector<qint64> LmStore::select(const LmSelection &selection, const QString &judge,
                                    const std::function<bool(const QJsonObject &)> &wanted) const
{
    sqlite3 *db = m_store.handle();
    std::vector<qint64> ids;
    const qint64 limit = selection.limit > 0 ? selection.limit : -1;
    if (selection.kind == LmSelection::Kind::Ids) {
        std::vector<qint64> sorted = selection.ids;
        std::sort(sorted.begin(), sorted.end());
        sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
        sql::Stmt exists(db, "SELECT 1 FROM instances WHERE id = ?");
        for (qint64 id : sorted) {
            exists.reset();
            exists.bind(1, std::int64_t(id));
            if (!exists.step())
                throw StoreError("no instance with id " + std::to_string(id));
            if (limit < 0 || qint64(ids.size()) < limit)
                ids.push_back(id);
        }
        return ids;
    }
    const bool tagJob = judge.isEmpty();
    if (selection.kind == LmSelection::Kind::Unlabelled && tagJob) {
        if (!wanted)
            throw StoreError("an untagged selection needs a test of the metadata");
        sql::Stmt s(db, "SELECT i.id, t.metadata FROM instances i JOIN instance_texts t ON t.id = i.id"
                        " WHERE i.split = 'train' ORDER BY i.id");
        while ((limit < 0 || qint64(ids.size()) < limit) && s.step())
            if (wanted(parseObject(s.text(1))))
                ids.push_back(s.i64(0));
        return ids;
    }
    const char *query = nullptr;
    switch (selection.kind) {
    case LmSelection::Kind::All:
        query = "SELECT id FROM instances WHERE split = 'train' ORDER BY id LIMIT ?";
        break;
    case LmSelection::Kind::RoutedLm:
        query = "SELECT id FROM instances WHERE split = 'train' AND route = 'lm' ORDER BY id LIMIT ?";
        break;
    case LmSelection::Kind::Unlabelled:
        query = "SELECT id FROM instances i WHERE split = 'train' AND NOT EXISTS (SELECT 1 FROM lm_labels l"
                " JOIN judges j ON j.id = l.judge_id WHERE l.instance_id = i.id AND j.name = ?2)"
                " ORDER BY id LIMIT ?1";
        break;
    case LmSelection::Kind::Ids:
        break;
    }
    sql::Stmt s(db, query);
    s.bind(1, std::int64_t(limit));
    if (selection.kind == LmSelection::Kind::Unlabelled)
        s.bind(2, judge);
    while (s.step())
        ids.push_back(s.i64(0));
    return ids;
}

std::optional<LmJobInput> LmStore::input(qint64 instanceId) const
{
    sql::Stmt s(m_store.handle(), "SELECT prompt, response_a, response_b, metadata FROM instance_texts WHERE id = ?");
    s.bind(1, std::int64_t(instanceId));
    if (!s.step())
        return std::nullopt;
    LmJobInput in;
    in.id = instanceId;
    in.prompt = s.text(0);
    in.responseA = s.text(1);
    in.responseB = s.text(2);
    in.metadata = parseObject(s.text(3));
    return in;
}

QSet<QString> LmStore::labelHashes(const QString &judge) const
{
    QSet<QString> out;
    sql::Stmt s(m_store.handle(), "SELECT l.content_hash FROM lm_labels l JOIN judges j ON j.id = l.judge_id"
                                  " WHERE j.name = ? AND l.content_hash <> ''");
    s.bind(1, judge);
    while (s.step())
        out.insert(s.text(0));
    return out;
}

namespace {

/** One lm_labels row (inside the caller's transaction). */
qint64 insertLabel(sqlite3 *db, const LmLabelWrite &label)
{
    if (label.judge.trimmed().isEmpty())
        throw StoreError("an LM label needs a judge name");
    requireInstance(db, label.instanceId);
    const std::int64_t judge = judgeId(db, label.judge);
    sql::Stmt s(db, "INSERT INTO lm_labels(instance_id, judge_id, overall, verdict_orig, verdict_swapped, rationale,"
                    " raw, created_at, template, tokens_in, tokens_out, cost, content_hash, helpfulness,"
                    " truthfulness, harmlessness) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
    s.bind(1, std::int64_t(label.instanceId)).bind(2, judge).bind(3, toInt(label.overall));
    if (label.verdictOriginal)
        s.bind(4, toInt(*label.verdictOriginal));
    else
        s.bindNull(4);
    if (label.verdictSwapped)
        s.bind(5, toInt(*label.verdictSwapped));
    else
        s.bindNull(5);
    s.bind(6, label.rationale).bind(7, label.raw).bind(8, now()).bind(9, label.templateId);
    s.bind(10, wide(label.tokensIn)).bind(11, wide(label.tokensOut)).bind(12, label.cost).bind(13, label.contentHash);
    for (int k = 0; k < 3; ++k) {
        const auto it = label.aspects.find(QString::fromLatin1(kAspectColumns[k]));
        if (it == label.aspects.end())
            s.bindNull(14 + k);
        else
            s.bind(14 + k, toInt(*it));
    }
    s.run();
    const qint64 id = sqlite3_last_insert_rowid(db);
    refreshInstanceStats(db, label.instanceId);
    return id;
}

} // namespace

qint64 LmStore::addLabel(const LmLabelWrite &label, const std::vector<LmCacheEntry> &cache)
{
    sqlite3 *db = m_store.handle();
    sql::Transaction tx(db);
    const qint64 id = insertLabel(db, label);
    insertCache(db, cache);
    tx.commit();
    return id;
}

void LmStore::addLabels(const std::vector<LmLabelWrite> &labels)
{
    sqlite3 *db = m_store.handle();
    sql::Transaction tx(db);
    for (const LmLabelWrite &label : labels)
        insertLabel(db, label);
    tx.commit();
}

std::optional<LmCacheEntry> LmStore::cached(const QString &hash) const
{
    sql::Stmt s(m_store.handle(), "SELECT kind, model, reply, tokens_in, tokens_out FROM lm_cache WHERE hash = ?");
    s.bind(1, hash);
    if (!s.step())
        return std::nullopt;
    LmCacheEntry e;
    e.hash = hash;
    e.kind = s.text(0);
    e.model = s.text(1);
    e.reply = s.text(2);
    e.tokensIn = s.opt<qint64>(3);
    e.tokensOut = s.opt<qint64>(4);
    return e;
}

void LmStore::putCache(const std::vector<LmCacheEntry> &entries)
{
    sql::Transaction tx(m_store.handle());
    insertCache(m_store.handle(), entries);
    tx.commit();
}

qint64 LmStore::cacheSize(const QString &kind) const
{
    sql::Stmt s(m_store.handle(), "SELECT count(*) FROM lm_cache WHERE ?1 = '' OR kind = ?1");
    s.bind(1, kind);
    return s.step() ? s.i64(0) : 0;
}

void LmStore::addFailure(std::optional<qint64> instanceId, const QString &kind, const QString &model,
                         const QString &error, const QString &raw)
{
    requireKind(kind);
    sql::Transaction tx(m_store.handle());
    sql::Stmt s(m_store.handle(), "INSERT INTO lm_failures(instance_id, kind, model, error, raw, created_at)"
                                  " VALUES (?,?,?,?,?,?)");
    s.bind(1, wide(instanceId)).bind(2, kind).bind(3, model).bind(4, error).bind(5, raw).bind(6, now());
    s.run();
    tx.commit();
}

std::vector<LmFailure> LmStore::failures(const QString &kind, int limit) const
{
    std::vector<LmFailure> out;
    sql::Stmt s(m_store.handle(), "SELECT id, instance_id, kind, model, error, raw, created_at FROM lm_failures"
                                  " WHERE ?1 = '' OR kind = ?1 ORDER BY id DESC LIMIT ?2");
    s.bind(1, kind).bind(2, limit);
    while (s.step()) {
        LmFailure f;
        f.id = s.i64(0);
        f.instanceId = s.opt<qint64>(1);
        f.kind = s.text(2);
        f.model = s.text(3);
        f.error = s.text(4);
        f.raw = s.text(5);
        f.createdAt = QDateTime::fromString(s.text(6), Qt::ISODateWithMs);
        out.push_back(std::move(f));
    }
    return out;
}

qint64 LmStore::failureCount(const QString &kind) const
{
    sql::Stmt s(m_store.handle(), "SELECT count(*) FROM lm_failures WHERE ?1 = '' OR kind = ?1");
    s.bind(1, kind);
    return s.step() ? s.i64(0) : 0;
}

void LmStore::writeMetadata(qint64 instanceId, const QJsonObject &metadata, const std::vector<LmCacheEntry> &cache)
{
    sqlite3 *db = m_store.handle();
    sql::Transaction tx(db);
    sql::Stmt s(db, "UPDATE instance_texts SET metadata = ? WHERE id = ?");
    s.bind(1, QString::fromUtf8(QJsonDocument(metadata).toJson(QJsonDocument::Compact)));
    s.bind(2, std::int64_t(instanceId));
    s.run();
    if (sqlite3_changes(db) != 1)
        throw StoreError("no instance with id " + std::to_string(instanceId));
    insertCache(db, cache);
    tx.commit();
}

void LmStore::saveEndpoint(const SavedEndpoint &e)
{
    if (e.name.trimmed().isEmpty() || e.baseUrl.trimmed().isEmpty() || e.model.trimmed().isEmpty())
        throw StoreError("an endpoint needs a name, a URL and a model");
    sql::Transaction tx(m_store.handle());
    sql::Stmt s(m_store.handle(), "INSERT OR REPLACE INTO lm_endpoints(name, base_url, model, key_env, settings,"
                                  " created_at) VALUES (?,?,?,?,?,?)");
    s.bind(1, e.name.trimmed()).bind(2, e.baseUrl.trimmed()).bind(3, e.model.trimmed()).bind(4, e.keyEnv.trimmed());
    s.bind(5, e.settings.isEmpty() ? QString()
                                   : QString::fromUtf8(QJsonDocument(e.settings).toJson(QJsonDocument::Compact)));
    s.bind(6, now());
    s.run();
    tx.commit();
}

std::vector<SavedEndpoint> LmStore::endpoints() const
{
    std::vector<SavedEndpoint> out;
    sql::Stmt s(m_store.handle(), "SELECT name, base_url, model, key_env, settings, created_at FROM lm_endpoints"
                                  " ORDER BY name");
    while (s.step())
        out.push_back(readEndpoint(s));
    return out;
}

std::optional<SavedEndpoint> LmStore::endpoint(const QString &name) const
{
    sql::Stmt s(m_store.handle(), "SELECT name, base_url, model, key_env, settings, created_at FROM lm_endpoints"
                                  " WHERE name = ?");
    s.bind(1, name.trimmed());
    if (!s.step())
        return std::nullopt;
    return readEndpoint(s);
}

bool LmStore::removeEndpoint(const QString &name)
{
    sql::Transaction tx(m_store.handle());
    sql::Stmt s(m_store.handle(), "DELETE FROM lm_endpoints WHERE name = ?");
    s.bind(1, name.trimmed());
    s.run();
    const bool removed = sqlite3_changes(m_store.handle()) > 0;
    tx.commit();
    return removed;
}

void LmStore::saveTemplate(const QString &id, const QString &kind, const QString &text)
{
    requireKind(kind);
    sql::Transaction tx(m_store.handle());
    sql::Stmt s(m_store.handle(), "INSERT OR IGNORE INTO lm_templates(id, kind, text, created_at) VALUES (?,?,?,?)");
    s.bind(1, id).bind(2, kind).bind(3, text).bind(4, now());
    s.run();
    tx.commit();
}

std::optional<QString> LmStore::templateText(const QString &id) const
{
    sql::Stmt s(m_store.handle(), "SELECT text FROM lm_templates WHERE id = ?");
    s.bind(1, id);
    if (!s.step())
        return std::nullopt;
    return s.text(0);
}

} // namespace hyper
