// SPDX-License-Identifier: GPL-3.0-or-later
// Write side of ProjectStore: human labels, the full-text index.
#include "core/jobs/feedback.h"
#include "core/storage/labelrows.h"
#include "core/storage/projectstore.h"
#include "core/storage/sqlite.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QUuid>
#include <sqlite3.h>

namespace hyper {

std::int64_t annotatorId(sqlite3 *db, const QString &name, const QString &kind)
{
    sql::Stmt find(db, "SELECT id FROM annotators WHERE name = ?");
    find.bind(1, name);
    if (find.step())
        return find.i64(0);
    sql::Stmt ins(db, "INSERT INTO annotators(name, kind, origin) VALUES (?, ?, 'workbench')");
    ins.bind(1, name).bind(2, kind.isEmpty() ? QStringLiteral("normal") : kind);
    ins.run();
    return sqlite3_last_insert_rowid(db);
}

void requireInstance(sqlite3 *db, std::int64_t instanceId)
{
    sql::Stmt exists(db, "SELECT 1 FROM instances WHERE id = ?");
    exists.bind(1, instanceId);
    if (!exists.step())
        throw StoreError("no instance with id " + std::to_string(instanceId));
}

void refreshInstanceStats(sqlite3 *db, std::int64_t instanceId)
{
    auto votes = [&](const char *query) {
        std::vector<int> v;
        sql::Stmt s(db, query);
        s.bind(1, instanceId);
        while (s.step())
            v.push_back(int(s.i64(0)));
        return v;
    };
    const std::vector<int> h = votes("SELECT overall FROM human_labels WHERE instance_id = ?");
    const std::vector<int> l =
        votes("SELECT overall FROM lm_labels WHERE instance_id = ? AND overall IS NOT NULL");
    sql::Stmt u(db, "UPDATE instances SET n_human = ?, n_lm = ?, human_pref = ?, lm_pref = ? WHERE id = ?");
    u.bind(1, std::int64_t(h.size()));
    sql::Stmt n(db, "SELECT count(*) FROM lm_labels WHERE instance_id = ?");
    n.bind(1, instanceId);
    u.bind(2, n.step() ? n.i64(0) : std::int64_t(0));
    u.bind(3, foldedMajority(h.data(), h.size()));
    u.bind(4, foldedMajority(l.data(), l.size()));
    u.bind(5, instanceId);
    u.run();
}

std::int64_t insertHumanLabelRow(sqlite3 *db, const HumanLabel &label, std::int64_t id)
{
    requireInstance(db, label.instanceId);
    if (label.annotator.trimmed().isEmpty())
        throw StoreError("a human label needs an annotator name");
    const std::int64_t annotator = annotatorId(db, label.annotator, label.annotatorKind);
    QJsonObject reasons;
    for (auto it = label.reasons.begin(); it != label.reasons.end(); ++it)
        reasons.insert(it.key(), QJsonArray::fromStringList(it.value()));
    sql::Stmt s(db, "INSERT INTO human_labels(instance_id, annotator_id, overall, helpfulness,"
                    " truthfulness, harmlessness, reasons, rationale, confidence, time_spent,"
                    " shown_order, created_at, id, uuid, pack) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
    s.bind(1, std::int64_t(label.instanceId)).bind(2, annotator).bind(3, toInt(label.overall));
    for (int k = 0; k < 3; ++k) {
        const auto it = label.aspects.find(QString::fromLatin1(kAspects[k]));
        if (it == label.aspects.end())
            s.bindNull(4 + k);
        else
            s.bind(4 + k, toInt(*it));
    }
    s.bind(7, reasons.isEmpty() ? QString() : QString::fromUtf8(QJsonDocument(reasons).toJson(QJsonDocument::Compact)));
    s.bind(8, label.rationale);
    s.bind(9, label.confidence).bind(10, label.timeSpentSeconds);
    s.bind(11, label.shownOrder);
    const QDateTime at = label.createdAt.isValid() ? label.createdAt : QDateTime::currentDateTimeUtc();
    s.bind(12, at.toString(Qt::ISODateWithMs));
    if (id > 0)
        s.bind(13, id);
    else
        s.bindNull(13);
    s.bind(14, label.uuid.isEmpty() ? QUuid::createUuid().toString(QUuid::WithoutBraces) : label.uuid);
    s.bind(15, label.pack);
    s.run();
    const std::int64_t newId = sqlite3_last_insert_rowid(db);
    refreshInstanceStats(db, label.instanceId);
    return newId;
}

qint64 ProjectStore::addHumanLabel(const HumanLabel &label)
{
    sql::Transaction tx(m_db);
    const qint64 id = insertHumanLabelRow(m_db, label, 0);
    tx.commit();
    return id;
}

bool ProjectStore::searchIndexReady() const
{
    sql::Stmt s(m_db, "SELECT (SELECT CAST(value AS INTEGER) FROM project_meta WHERE key='fts_indexed_upto')"
                      " >= (SELECT coalesce(max(id), 0) FROM instances)");
    return s.step() && s.i64(0) != 0;
}

void ProjectStore::updateSearchIndex(Feedback &feedback)
{
    // Rows go into the index in id order, in chunks of their own transactions, so that a
    // cancel or a crash keeps what was indexed and the next call resumes after it.
    constexpr std::int64_t kChunk = 2000;
    std::int64_t upto = 0, last = 0;
    {
        sql::Stmt s(m_db, "SELECT (SELECT CAST(value AS INTEGER) FROM project_meta WHERE key='fts_indexed_upto'),"
                          " (SELECT coalesce(max(id), 0) FROM instances)");
        if (s.step()) {
            upto = s.i64(0);
            last = s.i64(1);
        }
    }
    const std::int64_t start = upto;
    feedback.setProgress(0.0, QStringLiteral("indexing"));
    if (upto < last) {
        // FTS5 merges segments once 4 of a level exist ('automerge', default 4): with a
        // commit every 2,000 rows that rewrote the index again and again. 8 builds the
        // 100k-pair bench's index in 13.8-17.1 s instead of 20.4-24.4 s, as fast as one
        // 'rebuild', with prefix queries no slower (docs/BENCHMARKS.md, issue 17). Kept in
        // the index's own config table.
        sql::exec(m_db, "INSERT INTO instances_fts(instances_fts, rank) VALUES('automerge', 8)");
    }
    while (upto < last) {
        if (feedback.isCanceled())
            throw Canceled{};
        const std::int64_t next = std::min(last, upto + kChunk);
        sql::Transaction tx(m_db);
        sql::Stmt ins(m_db, "INSERT INTO instances_fts(rowid, prompt, response_a, response_b)"
                            " SELECT id, prompt, response_a, response_b FROM instance_texts WHERE id > ? AND id <= ?");
        ins.bind(1, upto).bind(2, next);
        ins.run();
        sql::Stmt up(m_db, "UPDATE project_meta SET value = ? WHERE key = 'fts_indexed_upto'");
        up.bind(1, QString::number(next));
        up.run();
        tx.commit();
        upto = next;
        feedback.setProgress(double(upto - start) / double(std::max<std::int64_t>(1, last - start)),
                             QStringLiteral("indexing"));
    }
    feedback.setProgress(1.0, QStringLiteral("indexed"));
}

} // namespace hyper
