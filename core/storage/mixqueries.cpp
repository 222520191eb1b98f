// SPDX-License-Identifier: GPL-3.0-or-later
// Reads for reward-model mixes and the rm_runs table.
#include "core/storage/mixqueries.h"
#include "core/storage/projectstore.h"
#include "core/storage/sqlite.h"

#include <QDateTime>
#include <unordered_map>

namespace hyper {

namespace {

QString now()
{
    return QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs);
}

RmRunRecord readRun(const sql::Stmt &s)
{
    RmRunRecord r;
    r.id = s.i64(0);
    r.mix = s.text(1);
    r.model = s.text(2);
    r.config = s.text(3);
    r.metrics = s.text(4);
    r.device = s.text(5);
    r.seconds = s.opt<double>(6);
    r.status = s.text(7);
    r.error = s.text(8);
    r.startedAt = s.text(9);
    r.finishedAt = s.text(10);
    r.modelPath = s.text(11);
    return r;
}

constexpr const char *kRunColumns =
    "SELECT id, mix, model, config, metrics, device, seconds, status, error, started_at,"
    " coalesce(finished_at, ''), model_path FROM rm_runs";

} // namespace

qint64 countGoldLabels(ProjectStore &store)
{
    sql::Stmt s(store.handle(), "SELECT count(*) FROM human_labels h JOIN annotators a ON a.id = h.annotator_id"
                                " WHERE a.name = 'gold' OR a.kind = 'gold'");
    return s.step() ? s.i64(0) : 0;
}

std::vector<MixInstance> loadMixInstances(ProjectStore &store, Split split, bool withTexts)
{
    sqlite3 *db = store.handle();
    const QString splitText = splitName(split);
    std::vector<MixInstance> out;
    std::unordered_map<qint64, std::size_t> index;
    {
        sql::Stmt s(db, withTexts ? "SELECT i.id, i.category, t.prompt, t.response_a, t.response_b FROM instances i"
                                    " JOIN instance_texts t ON t.id = i.id WHERE i.split = ? ORDER BY i.id"
                                  : "SELECT i.id, i.category FROM instances i WHERE i.split = ? ORDER BY i.id");
        s.bind(1, splitText);
        while (s.step()) {
            MixInstance m;
            m.id = s.i64(0);
            m.category.assign(s.utf8(1));
            if (withTexts) {
                m.prompt.assign(s.utf8(2));
                m.responseA.assign(s.utf8(3));
                m.responseB.assign(s.utf8(4));
            }
            index.emplace(m.id, out.size());
            out.push_back(std::move(m));
        }
    }
    {
        sql::Stmt s(db, "SELECT h.instance_id, h.overall, (a.name = 'gold' OR a.kind = 'gold')"
                        " FROM human_labels h JOIN annotators a ON a.id = h.annotator_id"
                        " JOIN instances i ON i.id = h.instance_id WHERE i.split = ? ORDER BY h.id");
        s.bind(1, splitText);
        while (s.step()) {
            const auto it = index.find(s.i64(0));
            if (it == index.end())
                continue;
            MixInstance &m = out[it->second];
            (s.i64(2) ? m.goldVotes : m.humanVotes).push_back(int(s.i64(1)));
        }
    }
    {
        sql::Stmt s(db, "SELECT l.instance_id, l.overall FROM lm_labels l"
                        " JOIN instances i ON i.id = l.instance_id"
                        " WHERE i.split = ? AND l.overall IS NOT NULL ORDER BY l.id");
        s.bind(1, splitText);
        while (s.step()) {
            const auto it = index.find(s.i64(0));
            if (it != index.end())
                out[it->second].lmVotes.push_back(int(s.i64(1)));
        }
    }
    return out;
}

qint64 insertRmRun(ProjectStore &store, const QString &mix, const QString &model,
                   const QString &configJson)
{
    sql::Stmt s(store.handle(), "INSERT INTO rm_runs(mix, model, config, status, started_at)"
                                " VALUES (?, ?, ?, 'running', ?)");
    s.bind(1, mix).bind(2, model).bind(3, configJson).bind(4, now());
    s.run();
    sql::Stmt id(store.handle(), "SELECT last_insert_rowid()");
    id.step();
    return id.i64(0);
}

std::optional<qint64> rmRunOfJob(ProjectStore &store, const QString &jobUuid)
{
    sql::Stmt s(store.handle(), "SELECT id FROM rm_runs WHERE json_valid(config) AND json_extract(config, '$.job') = ?");
    s.bind(1, jobUuid);
    if (s.step())
        return s.i64(0);
    return std::nullopt;
}

void finishRmRun(ProjectStore &store, qint64 id, const QString &status, const QString &metricsJson,
                 const QString &device, double seconds, const QString &error)
{
    sql::Stmt s(store.handle(), "UPDATE rm_runs SET status = ?, metrics = ?, device = ?, seconds = ?,"
                                " error = ?, finished_at = ? WHERE id = ?");
    s.bind(1, status).bind(2, metricsJson).bind(3, device).bind(4, seconds).bind(5, error).bind(6, now()).bind(7, std::int64_t(id));
    s.run();
}

void setRmRunModel(ProjectStore &store, qint64 id, const QString &path)
{
    sql::Stmt s(store.handle(), "UPDATE rm_runs SET model_path = ? WHERE id = ?");
    s.bind(1, path).bind(2, std::int64_t(id));
    s.run();
}

std::vector<RmRunRecord> listRmRuns(ProjectStore &store)
{
    sql::Stmt s(store.handle(), (std::string(kRunColumns) + " ORDER BY id").c_str());
    std::vector<RmRunRecord> out;
    while (s.step())
        out.push_back(readRun(s));
    return out;
}

std::optional<RmRunRecord> rmRun(ProjectStore &store, qint64 id)
{
    sql::Stmt s(store.handle(), (std::string(kRunColumns) + " WHERE id = ?").c_str());
    s.bind(1, std::int64_t(id));
    if (!s.step())
        return std::nullopt;
    return readRun(s);
}

} // namespace hyper
