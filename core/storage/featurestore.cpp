// SPDX-License-Identifier: GPL-3.0-or-later
// SQL of the feature tables (schema v2, see schema.cpp).
#include "core/storage/featurestore.h"

#include "core/storage/projectstore.h"
#include "core/storage/sqlite.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <cmath>

namespace hyper {

namespace {

void addField(QCryptographicHash *hash, std::string_view bytes)
{
    // Length-prefixed so that moving text between fields changes the hash.
    const std::uint64_t n = bytes.size();
    hash->addData(QByteArrayView(reinterpret_cast<const char *>(&n), sizeof n));
    hash->addData(QByteArrayView(bytes.data(), qsizetype(bytes.size())));
}

} // namespace

std::vector<std::pair<qint64, QByteArray>> FeatureStore::loadMetadata() const
{
    sql::Stmt s(m_store.handle(), "SELECT i.id, t.metadata FROM instances i"
                                  " JOIN instance_texts t ON t.id = i.id WHERE i.split = 'train' ORDER BY i.id");
    std::vector<std::pair<qint64, QByteArray>> out;
    while (s.step()) {
        const std::string_view meta = s.utf8(1);
        out.emplace_back(s.i64(0), QByteArray(meta.data(), qsizetype(meta.size())));
    }
    return out;
}

std::vector<FeatureInputRow> FeatureStore::loadInputs(QCryptographicHash *hash) const
{
    sqlite3 *db = m_store.handle();
    sql::Stmt s(db, "SELECT i.id, t.prompt, t.response_a, t.response_b, t.metadata FROM instances i"
                    " JOIN instance_texts t ON t.id = i.id WHERE i.split = 'train' ORDER BY i.id");
    std::vector<FeatureInputRow> out;
    while (s.step()) {
        FeatureInputRow r;
        r.id = s.i64(0);
        auto text = [&](int col) {
            const std::string_view u = s.utf8(col);
            if (hash)
                addField(hash, u);
            return QString::fromUtf8(u.data(), qsizetype(u.size()));
        };
        if (hash) {
            const std::int64_t id = r.id;
            hash->addData(QByteArrayView(reinterpret_cast<const char *>(&id), sizeof id));
        }
        r.prompt = text(1);
        r.responseA = text(2);
        r.responseB = text(3);
        const std::string_view meta = s.utf8(4);
        if (hash)
            addField(hash, meta);
        r.metadata = QByteArray(meta.data(), qsizetype(meta.size()));
        out.push_back(std::move(r));
    }
    return out;
}

QByteArray FeatureStore::inputsHash() const
{
    return m_store.meta("features_inputs_hash").toLatin1();
}

QString FeatureStore::encoder() const
{
    return m_store.meta("features_encoder");
}

void FeatureStore::save(const FeatureWrite &w)
{
    sqlite3 *db = m_store.handle();
    sql::Transaction tx(db);
    sql::exec(db, "DELETE FROM instance_features; DELETE FROM instance_scores; DELETE FROM features;");
    {
        sql::Stmt ins(db, "INSERT INTO features(id, name, kind) VALUES (?, ?, ?)");
        for (qsizetype i = 0; i < w.names.size(); ++i) {
            ins.bind(1, std::int64_t(i + 1)).bind(2, w.names[i]).bind(3, w.kinds.value(i));
            ins.run();
        }
    }
    std::vector<QByteArray> scoreNames;
    for (const QString &n : w.scoreNames)
        scoreNames.push_back(n.toUtf8());
    sql::Stmt score(db, "INSERT INTO instance_scores(instance_id, score, value, origin) VALUES (?, ?, ?, ?)");
    sql::Stmt feat(db, "INSERT INTO instance_features(instance_id, feature_id) VALUES (?, ?)");
    for (const FeatureWrite::Row &r : w.rows) {
        for (size_t k = 0; k < r.scores.size() && k < scoreNames.size(); ++k) {
            score.bind(1, std::int64_t(r.instanceId))
                .bind(2, std::string_view(scoreNames[k].constData(), size_t(scoreNames[k].size())));
            if (std::isfinite(r.scores[k]))
                score.bind(3, r.scores[k]);
            else
                score.bindNull(3);
            score.bind(4, std::string_view(k < r.imported.size() && r.imported[k] ? "imported" : "computed"));
            score.run();
        }
        for (int f : r.features) {
            feat.bind(1, std::int64_t(r.instanceId)).bind(2, std::int64_t(f + 1));
            feat.run();
        }
    }
    m_store.setMeta("features_inputs_hash", QString::fromLatin1(w.inputsHash));
    m_store.setMeta("features_encoder", w.encoder);
    m_store.setMeta("features_computed_at", QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs));
    tx.commit();
}

QStringList FeatureStore::featureNames() const
{
    QStringList out;
    sql::Stmt s(m_store.handle(), "SELECT name FROM features ORDER BY id");
    while (s.step())
        out << s.text(0);
    return out;
}

qint64 FeatureStore::featureCount() const
{
    sql::Stmt s(m_store.handle(), "SELECT count(*) FROM features");
    return s.step() ? s.i64(0) : 0;
}

std::vector<std::pair<qint64, std::vector<int>>> FeatureStore::matrix() const
{
    std::vector<std::pair<qint64, std::vector<int>>> out;
    sql::Stmt s(m_store.handle(), "SELECT instance_id, feature_id FROM instance_features"
                                  " ORDER BY instance_id, feature_id");
    while (s.step()) {
        const qint64 id = s.i64(0);
        if (out.empty() || out.back().first != id)
            out.emplace_back(id, std::vector<int>{});
        out.back().second.push_back(int(s.i64(1) - 1));
    }
    return out;
}

std::vector<StoredScore> FeatureStore::scores(qint64 instanceId) const
{
    std::vector<StoredScore> out;
    sql::Stmt s(m_store.handle(), "SELECT score, value, origin FROM instance_scores WHERE instance_id = ?"
                                  " ORDER BY score");
    s.bind(1, std::int64_t(instanceId));
    while (s.step())
        out.push_back({s.text(0), s.isNull(1) ? std::nan("") : s.f64(1), s.text(2)});
    return out;
}

qint64 FeatureStore::importedScoreCount() const
{
    sql::Stmt s(m_store.handle(), "SELECT count(*) FROM instance_scores WHERE origin = 'imported'");
    return s.step() ? s.i64(0) : 0;
}

std::vector<FeatureCount> FeatureStore::featureCounts() const
{
    std::vector<FeatureCount> out;
    sql::Stmt s(m_store.handle(), "SELECT f.name, f.kind, (SELECT count(*) FROM instance_features x"
                                  " WHERE x.feature_id = f.id) FROM features f ORDER BY f.id");
    while (s.step())
        out.push_back({s.text(0), s.text(1), s.i64(2)});
    return out;
}

std::vector<double> FeatureStore::scoreValues(const QString &score) const
{
    std::vector<double> out;
    sql::Stmt s(m_store.handle(), "SELECT value FROM instance_scores WHERE score = ? AND value IS NOT NULL"
                                  " ORDER BY instance_id");
    s.bind(1, score);
    while (s.step())
        out.push_back(s.f64(0));
    return out;
}

} // namespace hyper
