// The bulk write path of an import: one transaction, statements prepared once, values
// bound straight from the parser's UTF-8 strings.
#include "core/storage/projectstore.h"
#include "core/storage/sqlite.h"

#include <QDateTime>
#include <sqlite3.h>
#include <unordered_map>

namespace hyper {

struct ImportWriter::Impl {
    explicit Impl(sqlite3 *db)
        : db(db), tx(db),
          insInstance(db, "INSERT INTO instances(ext_id, split, model_a, model_b, source, category,"
                          " import_id, n_human, n_lm, human_pref, lm_pref)"
                          " VALUES (?,?,?,?,?,?,?,?,?,?,?)"),
          insTexts(db, "INSERT INTO instance_texts(id, prompt, response_a, response_b, metadata)"
                       " VALUES (?,?,?,?,?)"),
          insHuman(db, "INSERT INTO human_labels(instance_id, annotator_id, overall, helpfulness,"
                       " truthfulness, harmlessness, reasons, rationale, confidence, time_spent,"
                       " created_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)"),
          insLm(db, "INSERT INTO lm_labels(instance_id, judge_id, overall, verdict_orig, verdict_swapped,"
                    " rationale, raw, created_at) VALUES (?,?,?,?,?,?,?,?)"),
          now(QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs).toStdString())
    {
    }

    std::int64_t idFor(std::unordered_map<std::string, std::int64_t> &cache, const char *table,
                       const std::string &name, const std::string &kind)
    {
        if (auto it = cache.find(name); it != cache.end())
            return it->second;
        const std::string select = std::string("SELECT id FROM ") + table + " WHERE name = ?";
        sql::Stmt s(db, select.c_str());
        s.bind(1, std::string_view(name));
        std::int64_t id;
        if (s.step()) {
            id = s.i64(0);
        } else {
            const bool annotators = std::string_view(table) == "annotators";
            sql::Stmt ins(db, annotators ? "INSERT INTO annotators(name, kind) VALUES (?, ?)"
                                         : "INSERT INTO judges(name) VALUES (?)");
            ins.bind(1, std::string_view(name));
            if (annotators)
                ins.bind(2, std::string_view(kind.empty() ? std::string_view("normal") : std::string_view(kind)));
            ins.run();
            id = sqlite3_last_insert_rowid(db);
        }
        cache.emplace(name, id);
        return id;
    }

    sqlite3 *db;
    sql::Transaction tx;
    sql::Stmt insInstance, insTexts, insHuman, insLm;
    std::string now;
    std::int64_t importId = 0;
    std::unordered_map<std::string, std::int64_t> annotators, judges;
    std::vector<int> votes;
};

ImportWriter::ImportWriter(ProjectStore &store, QString file, QString format)
    : d(std::make_unique<Impl>(store.handle()))
{
    sql::Stmt s(d->db, "INSERT INTO imports(file, format, imported_at, rows, skipped) VALUES (?,?,?,0,0)");
    s.bind(1, file).bind(2, format).bind(3, std::string_view(d->now));
    s.run();
    d->importId = sqlite3_last_insert_rowid(d->db);
}

ImportWriter::~ImportWriter() = default; // Impl's Transaction rolls back unless committed

std::unique_ptr<ImportWriter> ProjectStore::beginImport(const QString &file, const QString &format)
{
    return std::unique_ptr<ImportWriter>(new ImportWriter(*this, file, format));
}

void ImportWriter::add(const ImportRecord &r)
{
    if (!d)
        throw StoreError("import already finished");
    auto &s = d->insInstance;
    s.bind(1, std::string_view(r.externalId));
    s.bind(2, std::string_view(r.split == Split::Train ? "train" : "eval"));
    s.bind(3, std::string_view(r.modelA)).bind(4, std::string_view(r.modelB));
    s.bind(5, std::string_view(r.source)).bind(6, std::string_view(r.category));
    s.bind(7, d->importId);
    s.bind(8, std::int64_t(r.human.size())).bind(9, std::int64_t(r.lm.size()));
    d->votes.clear();
    for (const auto &h : r.human)
        d->votes.push_back(h.overall);
    s.bind(10, foldedMajority(d->votes.data(), d->votes.size()));
    d->votes.clear();
    for (const auto &l : r.lm)
        if (l.overall)
            d->votes.push_back(*l.overall);
    s.bind(11, foldedMajority(d->votes.data(), d->votes.size()));
    s.run();
    const std::int64_t instanceId = sqlite3_last_insert_rowid(d->db);
    auto &t = d->insTexts;
    t.bind(1, instanceId).bind(2, std::string_view(r.prompt));
    t.bind(3, std::string_view(r.responseA)).bind(4, std::string_view(r.responseB));
    t.bind(5, std::string_view(r.metadataJson));
    t.run();

    for (const auto &h : r.human) {
        auto &q = d->insHuman;
        q.bind(1, instanceId).bind(2, d->idFor(d->annotators, "annotators", h.annotator, h.kind));
        q.bind(3, h.overall).bind(4, h.helpfulness).bind(5, h.truthfulness).bind(6, h.harmlessness);
        q.bind(7, std::string_view(h.reasonsJson)).bind(8, std::string_view(h.rationale));
        q.bind(9, h.confidence).bind(10, h.timeSpentSeconds);
        q.bind(11, std::string_view(d->now));
        q.run();
    }
    for (const auto &l : r.lm) {
        auto &q = d->insLm;
        q.bind(1, instanceId).bind(2, d->idFor(d->judges, "judges", l.judge, {}));
        q.bind(3, l.overall).bind(4, l.verdictOriginal).bind(5, l.verdictSwapped);
        q.bind(6, std::string_view(l.rationale)).bind(7, std::string_view(l.raw));
        q.bind(8, std::string_view(d->now));
        q.run();
    }
    ++m_added;
}

qint64 ImportWriter::commit(qint64 skipped)
{
    if (!d)
        throw StoreError("import already finished");
    sql::Stmt s(d->db, "UPDATE imports SET rows = ?, skipped = ? WHERE id = ?");
    s.bind(1, std::int64_t(m_added)).bind(2, std::int64_t(skipped)).bind(3, d->importId);
    s.run();
    const qint64 id = d->importId;
    d->tx.commit();
    d.reset();
    return id;
}

void ImportWriter::rollback() { d.reset(); }

} // namespace hyper
