// SPDX-License-Identifier: GPL-3.0-or-later
// SQL of the PPM tables and routing plans (schema v4, see schema.cpp).
#include "core/storage/ppmstore.h"

#include "core/storage/projectstore.h"
#include "core/storage/sqlite.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <algorithm>
#include <bit>
#include <cstring>
#include <string>

namespace hyper {

namespace {

static_assert(
    std::endian::native == std::endian::little, "counts and coefficients are stored as little-endian BLOBs");

QString now()
{
    return QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs);
}

std::optional<std::int64_t> asI64(const std::optional<qint64> &v)
{
    return v ? std::optional<std::int64_t>(*v) : std::nullopt;
}

qint64 lastId(ProjectStore &store)
{
    sql::Stmt id(store.handle(), "SELECT last_insert_rowid()");
    id.step();
    return id.i64(0);
}

template <typename T> QByteArray packed(const std::vector<T> &v)
{
    return QByteArray(reinterpret_cast<const char *>(v.data()), qsizetype(v.size() * sizeof(T)));
}

template <typename T> std::vector<T> unpacked(const QByteArray &b)
{
    std::vector<T> v(std::size_t(b.size()) / sizeof(T));
    if (!v.empty())
        std::memcpy(v.data(), b.constData(), v.size() * sizeof(T));
    return v;
}

QString jsonNames(const QStringList &names)
{
    return QString::fromUtf8(QJsonDocument(QJsonArray::fromStringList(names)).toJson(QJsonDocument::Compact));
}

QStringList namesFromJson(const QString &json)
{
    QStringList out;
    for (const QJsonValue &v : QJsonDocument::fromJson(json.toUtf8()).array())
        out << v.toString();
    return out;
}

QString jsonIds(const std::vector<qint64> &ids)
{
    QJsonArray a;
    for (qint64 id : ids)
        a.append(id);
    return QString::fromUtf8(QJsonDocument(a).toJson(QJsonDocument::Compact));
}

std::vector<qint64> idsFromJson(const QString &json)
{
    std::vector<qint64> out;
    for (const QJsonValue &v : QJsonDocument::fromJson(json.toUtf8()).array())
        out.push_back(qint64(v.toDouble()));
    return out;
}

constexpr const char *kDatasetColumns
    = "SELECT d.id, d.kind, d.metric, d.seed, d.config, d.features, d.matrix_hash, d.instances, d.created_at,"
      " (SELECT count(*) FROM ppm_rows r WHERE r.dataset_id = d.id) FROM ppm_datasets d";

PpmDataset readDataset(const sql::Stmt &s)
{
    PpmDataset d;
    d.id = s.i64(0);
    d.kind = s.text(1);
    d.metric = s.text(2);
    d.seed = quint64(s.i64(3));
    d.config = s.text(4);
    d.features = namesFromJson(s.text(5));
    d.matrixHash = s.text(6);
    d.instances = s.i64(7);
    d.createdAt = s.text(8);
    d.rows = s.i64(9);
    return d;
}

void insertRow(ProjectStore &store, qint64 datasetId, const PpmRow &row)
{
    sql::Stmt s(store.handle(),
        "INSERT INTO ppm_rows(dataset_id, idx, budget, size, counts, human, score,"
        " rm_run_id, seconds, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    const QByteArray counts = packed(row.counts);
    s.bind(1, std::int64_t(datasetId)).bind(2, row.index).bind(3, std::int64_t(row.budget));
    s.bind(4, std::int64_t(row.size)).bindBlob(5, counts.constData(), std::size_t(counts.size()));
    if (row.human.isNull())
        s.bindNull(6);
    else
        s.bindBlob(6, row.human.constData(), std::size_t(row.human.size()));
    s.bind(7, row.score).bind(8, asI64(row.rmRunId)).bind(9, row.seconds).bind(10, now());
    s.run();
}

qint64 insertDataset(ProjectStore &store, const PpmDataset &d)
{
    sql::Stmt s(store.handle(),
        "INSERT INTO ppm_datasets(kind, metric, seed, config, features, matrix_hash,"
        " instances, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
    s.bind(1, d.kind).bind(2, d.metric).bind(3, std::int64_t(d.seed)).bind(4, d.config);
    s.bind(5, jsonNames(d.features)).bind(6, d.matrixHash).bind(7, std::int64_t(d.instances)).bind(8, now());
    s.run();
    return lastId(store);
}

constexpr const char *kModelColumns
    = "SELECT id, model, ridge, folds, datasets, features, n, terms, intercept, coef, spearman, rmse, cv,"
      " created_at, count_mode FROM ppm_models";
constexpr const char *kModelListColumns
    = "SELECT id, model, ridge, folds, datasets, features, n, terms, intercept, NULL, spearman, rmse, '',"
      " created_at, count_mode FROM ppm_models";

PpmModelRecord readModel(const sql::Stmt &s)
{
    PpmModelRecord m;
    m.id = s.i64(0);
    m.model = s.text(1);
    m.ridge = s.f64(2);
    m.folds = int(s.i64(3));
    m.datasets = idsFromJson(s.text(4));
    m.features = namesFromJson(s.text(5));
    m.n = s.i64(6);
    m.terms = s.i64(7);
    m.intercept = s.f64(8);
    m.coef = unpacked<double>(s.blob(9));
    m.spearman = s.opt<double>(10);
    m.rmse = s.opt<double>(11);
    m.cv = s.text(12);
    m.createdAt = s.text(13);
    m.countMode = s.text(14);
    return m;
}

constexpr const char *kPlanColumns
    = "SELECT id, model_id, strategy, budget, human, predicted, params, created_at, coalesce(applied_at, '')"
      " FROM route_plans";

RoutePlanRecord readPlan(const sql::Stmt &s)
{
    RoutePlanRecord p;
    p.id = s.i64(0);
    p.modelId = s.opt<qint64>(1);
    p.strategy = s.text(2);
    p.budget = s.i64(3);
    p.human = s.i64(4);
    p.predicted = s.opt<double>(5);
    p.params = s.text(6);
    p.createdAt = s.text(7);
    p.appliedAt = s.text(8);
    return p;
}

} // namespace

// --- datasets and rows -------------------------------------------------------------

std::optional<qint64> findCollectDataset(ProjectStore &store, const QString &metric, quint64 seed,
    const QString &config, const QString &matrixHash)
{
    sql::Stmt s(store.handle(),
        "SELECT id FROM ppm_datasets WHERE kind = 'collect' AND metric = ? AND seed = ?"
        " AND config = ? AND matrix_hash = ? ORDER BY id LIMIT 1");
    s.bind(1, metric).bind(2, std::int64_t(seed)).bind(3, config).bind(4, matrixHash);
    if (!s.step())
        return std::nullopt;
    return s.i64(0);
}

qint64 createDataset(ProjectStore &store, const PpmDataset &dataset)
{
    return insertDataset(store, dataset);
}

void deletePpmDataset(ProjectStore &store, qint64 datasetId)
{
    sql::Stmt s(store.handle(), "DELETE FROM ppm_datasets WHERE id = ?");
    s.bind(1, std::int64_t(datasetId));
    s.run();
}

std::vector<PpmDataset> listPpmDatasets(ProjectStore &store)
{
    sql::Stmt s(store.handle(), (std::string(kDatasetColumns) + " ORDER BY d.id").c_str());
    std::vector<PpmDataset> out;
    while (s.step())
        out.push_back(readDataset(s));
    return out;
}

std::optional<PpmDataset> ppmDataset(ProjectStore &store, qint64 id)
{
    sql::Stmt s(store.handle(), (std::string(kDatasetColumns) + " WHERE d.id = ?").c_str());
    s.bind(1, std::int64_t(id));
    if (!s.step())
        return std::nullopt;
    return readDataset(s);
}

std::vector<PpmRow> ppmRows(ProjectStore &store, qint64 datasetId)
{
    sql::Stmt s(store.handle(),
        "SELECT idx, budget, size, counts, human, score, rm_run_id, seconds"
        " FROM ppm_rows WHERE dataset_id = ? ORDER BY idx");
    s.bind(1, std::int64_t(datasetId));
    std::vector<PpmRow> out;
    while (s.step()) {
        PpmRow r;
        r.index = int(s.i64(0));
        r.budget = s.i64(1);
        r.size = s.i64(2);
        r.counts = unpacked<qint64>(s.blob(3));
        if (!s.isNull(4))
            r.human = s.blob(4);
        r.score = s.f64(5);
        r.rmRunId = s.opt<qint64>(6);
        r.seconds = s.isNull(7) ? 0.0 : s.f64(7);
        out.push_back(std::move(r));
    }
    return out;
}

std::vector<int> ppmRowIndices(ProjectStore &store, qint64 datasetId)
{
    sql::Stmt s(store.handle(), "SELECT idx FROM ppm_rows WHERE dataset_id = ? ORDER BY idx");
    s.bind(1, std::int64_t(datasetId));
    std::vector<int> out;
    while (s.step())
        out.push_back(int(s.i64(0)));
    return out;
}

void insertPpmRow(ProjectStore &store, qint64 datasetId, const PpmRow &row)
{
    const std::optional<PpmDataset> d = ppmDataset(store, datasetId);
    if (!d)
        throw StoreError("no PPM dataset " + std::to_string(datasetId));
    if (row.counts.size() != std::size_t(d->features.size()))
        throw StoreError("PPM row " + std::to_string(row.index) + " has " + std::to_string(row.counts.size())
            + " counts; dataset " + std::to_string(datasetId) + " has " + std::to_string(d->features.size())
            + " features");
    insertRow(store, datasetId, row); // autocommit: durable when this returns
}

QString datasetCountMode(const PpmDataset &dataset)
{
    const QString mode = QJsonDocument::fromJson(dataset.config.toUtf8()).object().value(QStringLiteral("count_mode")).toString();
    return mode.isEmpty() ? QStringLiteral("default") : mode;
}

qint64 importPpmDataset(ProjectStore &store, const QString &metric, const QStringList &features,
                        const std::vector<PpmRow> &rows, const QString &countMode)
{
    sql::Transaction tx(store.handle());
    PpmDataset d;
    d.kind = QStringLiteral("import");
    d.metric = metric;
    d.features = features;
    d.config = QString::fromUtf8(QJsonDocument(QJsonObject{{QStringLiteral("count_mode"), countMode}})
                                     .toJson(QJsonDocument::Compact));
    const qint64 id = insertDataset(store, d);
    for (const PpmRow &r : rows) {
        if (r.counts.size() != std::size_t(features.size()))
            throw StoreError("PPM row " + std::to_string(r.index) + " has " + std::to_string(r.counts.size())
                + " counts, expected " + std::to_string(features.size()));
        insertRow(store, id, r);
    }
    tx.commit();
    return id;
}

// --- models --------------------------------------------------------------------------

qint64 insertPpmModel(ProjectStore &store, const PpmModelRecord &m)
{
    sql::Stmt s(store.handle(),
        "INSERT INTO ppm_models(model, ridge, folds, datasets, features, n, terms,"
        " intercept, coef, spearman, rmse, cv, created_at, count_mode)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    const QByteArray coef = packed(m.coef);
    s.bind(1, m.model)
        .bind(2, m.ridge)
        .bind(3, m.folds)
        .bind(4, jsonIds(m.datasets))
        .bind(5, jsonNames(m.features));
    s.bind(6, std::int64_t(m.n)).bind(7, std::int64_t(m.terms)).bind(8, m.intercept);
    s.bindBlob(9, coef.constData(), std::size_t(coef.size()));
    s.bind(10, m.spearman).bind(11, m.rmse).bind(12, m.cv).bind(13, now()).bind(14, m.countMode);
    s.run();
    return lastId(store);
}

std::optional<PpmModelRecord> ppmModel(ProjectStore &store, qint64 id)
{
    sql::Stmt s(store.handle(), (std::string(kModelColumns) + " WHERE id = ?").c_str());
    s.bind(1, std::int64_t(id));
    if (!s.step())
        return std::nullopt;
    return readModel(s);
}

std::optional<PpmModelRecord> currentPpmModel(ProjectStore &store)
{
    sql::Stmt s(store.handle(), (std::string(kModelColumns) + " ORDER BY id DESC LIMIT 1").c_str());
    if (!s.step())
        return std::nullopt;
    return readModel(s);
}

std::vector<PpmModelRecord> listPpmModels(ProjectStore &store)
{
    sql::Stmt s(store.handle(), (std::string(kModelListColumns) + " ORDER BY id").c_str());
    std::vector<PpmModelRecord> out;
    while (s.step())
        out.push_back(readModel(s));
    return out;
}

// --- routing plans -------------------------------------------------------------------

std::vector<qint64> splitInstanceIds(ProjectStore &store, Split split)
{
    sql::Stmt s(store.handle(), "SELECT id FROM instances WHERE split = ? ORDER BY id");
    s.bind(1, split == Split::Train ? QStringLiteral("train") : QStringLiteral("eval"));
    std::vector<qint64> ids;
    while (s.step())
        ids.push_back(s.i64(0));
    return ids;
}

qint64 insertRoutePlan(ProjectStore &store, const RoutePlanRecord &plan, const std::vector<qint64> &humanIds)
{
    std::vector<qint64> ids = humanIds;
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    sql::Transaction tx(store.handle());
    sql::Stmt s(store.handle(),
        "INSERT INTO route_plans(model_id, strategy, budget, human, predicted, params,"
        " created_at) VALUES (?, ?, ?, ?, ?, ?, ?)");
    s.bind(1, asI64(plan.modelId)).bind(2, plan.strategy).bind(3, std::int64_t(plan.budget));
    s.bind(4, std::int64_t(ids.size())).bind(5, plan.predicted).bind(6, plan.params).bind(7, now());
    s.run();
    const qint64 id = lastId(store);
    sql::Stmt m(store.handle(), "INSERT INTO plan_instances(plan_id, instance_id) VALUES (?, ?)");
    for (qint64 instance : ids) {
        m.bind(1, std::int64_t(id)).bind(2, std::int64_t(instance));
        m.run(); // a foreign-key failure (no such instance) throws and rolls back
    }
    tx.commit();
    return id;
}

std::vector<qint64> planInstanceIds(ProjectStore &store, qint64 planId)
{
    sql::Stmt s(
        store.handle(), "SELECT instance_id FROM plan_instances WHERE plan_id = ? ORDER BY instance_id");
    s.bind(1, std::int64_t(planId));
    std::vector<qint64> out;
    while (s.step())
        out.push_back(s.i64(0));
    return out;
}

std::vector<RoutePlanRecord> listRoutePlans(ProjectStore &store)
{
    sql::Stmt s(store.handle(), (std::string(kPlanColumns) + " ORDER BY id").c_str());
    std::vector<RoutePlanRecord> out;
    while (s.step())
        out.push_back(readPlan(s));
    return out;
}

std::optional<RoutePlanRecord> routePlan(ProjectStore &store, qint64 id)
{
    sql::Stmt s(store.handle(), (std::string(kPlanColumns) + " WHERE id = ?").c_str());
    s.bind(1, std::int64_t(id));
    if (!s.step())
        return std::nullopt;
    return readPlan(s);
}

void applyRoutePlan(ProjectStore &store, qint64 planId)
{
    sqlite3 *db = store.handle();
    sql::Transaction tx(db);
    {
        sql::Stmt known(db, "SELECT 1 FROM route_plans WHERE id = ?");
        known.bind(1, std::int64_t(planId));
        if (!known.step())
            throw StoreError("no routing plan " + std::to_string(planId));
    }
    sql::Stmt route(db,
        "UPDATE instances SET route = CASE WHEN id IN"
        " (SELECT instance_id FROM plan_instances WHERE plan_id = ?1) THEN 'human' ELSE 'lm' END"
        " WHERE split = 'train'");
    route.bind(1, std::int64_t(planId));
    route.run();
    sql::Stmt applied(db, "UPDATE route_plans SET applied_at = ? WHERE id = ?");
    applied.bind(1, now()).bind(2, std::int64_t(planId));
    applied.run();
    tx.commit();
}

} // namespace hyper
