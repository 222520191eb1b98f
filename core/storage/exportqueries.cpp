// SPDX-License-Identifier: GPL-3.0-or-later
// Reads for `hyper export`: a streaming merge of instances, human votes and LM votes.
#include "core/storage/exportqueries.h"

#include "core/storage/projectstore.h"
#include "core/storage/sqlite.h"

#include <unordered_map>

namespace hyper {

namespace {

/** A cursor over (instance_id, who, value) rows ordered by instance_id, label id. Ids of
 *  annotators/judges are mapped to catalog indices through `index`. */
class VoteCursor
{
public:
    VoteCursor(sqlite3 *db, const char *sql, const std::unordered_map<qint64, int> &index)
        : m_stmt(db, sql)
        , m_index(index)
    {
        advance();
    }

    /** Appends the votes of instance `id` to out, skipping rows of lower instance ids
     *  (instances of the other split). */
    void take(qint64 id, std::vector<ExportVote> &out)
    {
        while (m_valid && m_instance < id)
            advance();
        while (m_valid && m_instance == id) {
            const auto it = m_index.find(m_who);
            if (it != m_index.end())
                out.push_back({ m_value, it->second });
            advance();
        }
    }

private:
    void advance()
    {
        m_valid = m_stmt.step();
        if (m_valid) {
            m_instance = m_stmt.i64(0);
            m_who = m_stmt.i64(1);
            m_value = int(m_stmt.i64(2));
        }
    }

    sql::Stmt m_stmt;
    const std::unordered_map<qint64, int> &m_index;
    bool m_valid = false;
    qint64 m_instance = 0, m_who = 0;
    int m_value = 0;
};

std::optional<int> optInt(const sql::Stmt &s, int col)
{
    return s.isNull(col) ? std::nullopt : std::optional<int>(int(s.i64(col)));
}

} // namespace

int ExportCatalog::judgeIndex(std::string_view name) const
{
    for (std::size_t i = 0; i < judges.size(); ++i) {
        if (judges[i] == name)
            return int(i);
    }
    return -1;
}

ExportCatalog loadExportCatalog(ProjectStore &store)
{
    ExportCatalog c;
    {
        sql::Stmt s(store.handle(), "SELECT name, kind FROM annotators ORDER BY name");
        while (s.step()) {
            ExportAnnotator a;
            a.name.assign(s.utf8(0));
            a.kind.assign(s.utf8(1));
            a.gold = a.name == "gold" || a.kind == "gold";
            c.annotators.push_back(std::move(a));
        }
    }
    sql::Stmt s(store.handle(), "SELECT name FROM judges ORDER BY name");
    while (s.step())
        c.judges.emplace_back(s.utf8(0));
    return c;
}

qint64 countExportInstances(ProjectStore &store, Split split)
{
    sql::Stmt s(store.handle(), "SELECT count(*) FROM instances WHERE split = ?");
    s.bind(1, splitName(split));
    return s.step() ? s.i64(0) : 0;
}

void forEachExportInstance(ProjectStore &store, Split split, const ExportCatalog &catalog,
    const std::function<void(const ExportInstance &)> &fn)
{
    sqlite3 *db = store.handle();
    // Database ids -> catalog indices (the catalog is ordered by name).
    std::unordered_map<qint64, int> annotators, judges;
    {
        std::unordered_map<std::string, int> byName;
        for (std::size_t i = 0; i < catalog.annotators.size(); ++i)
            byName.emplace(catalog.annotators[i].name, int(i));
        sql::Stmt s(db, "SELECT id, name FROM annotators");
        while (s.step()) {
            const auto it = byName.find(std::string(s.utf8(1)));
            if (it != byName.end())
                annotators.emplace(s.i64(0), it->second);
        }
    }
    {
        sql::Stmt s(db, "SELECT id, name FROM judges");
        while (s.step()) {
            const int i = catalog.judgeIndex(s.utf8(1));
            if (i >= 0)
                judges.emplace(s.i64(0), i);
        }
    }
    // Both label tables are indexed on instance_id (the index carries the rowid), so
    // these orders are index scans, not sorts. Labels of the other split are skipped by
    // the merge rather than joined away.
    VoteCursor human(db,
        "SELECT instance_id, annotator_id, overall FROM human_labels"
        " ORDER BY instance_id, id",
        annotators);
    VoteCursor lm(db,
        "SELECT instance_id, judge_id, overall FROM lm_labels"
        " WHERE overall IS NOT NULL ORDER BY instance_id, id",
        judges);
    sql::Stmt s(db,
        "SELECT i.id, i.ext_id, i.source, i.category, i.model_a, i.model_b, i.route,"
        " t.prompt, t.response_a, t.response_b, d.overall, d.lead, t.prompt_messages FROM instances i"
        " JOIN instance_texts t ON t.id = i.id LEFT JOIN adjudications d ON d.instance_id = i.id"
        " WHERE i.split = ? ORDER BY i.id");
    s.bind(1, splitName(split));
    ExportInstance row;
    while (s.step()) {
        row.id = s.i64(0);
        row.externalId = s.utf8(1);
        row.source = s.utf8(2);
        row.category = s.utf8(3);
        row.modelA = s.utf8(4);
        row.modelB = s.utf8(5);
        row.route = s.utf8(6);
        row.prompt = s.utf8(7);
        row.responseA = s.utf8(8);
        row.responseB = s.utf8(9);
        row.adjudicated = s.isNull(10) ? std::nullopt : std::optional<int>(int(s.i64(10)));
        row.adjudicator = s.isNull(11) ? std::string_view() : s.utf8(11);
        row.promptMessages = s.utf8(12);
        row.human.clear();
        row.lm.clear();
        human.take(row.id, row.human);
        lm.take(row.id, row.lm);
        fn(row);
    }
}

void forEachRawLabel(ProjectStore &store, const std::function<void(const RawHumanLabel &)> &human,
    const std::function<void(const RawLmLabel &)> &lm)
{
    sqlite3 *db = store.handle();
    {
        sql::Stmt s(db,
            "SELECT h.id, h.instance_id, i.ext_id, i.split, a.name, a.kind, h.overall,"
            " h.helpfulness, h.truthfulness, h.harmlessness, h.reasons, h.rationale,"
            " h.confidence, h.time_spent, h.shown_order, h.created_at"
            " FROM human_labels h JOIN annotators a ON a.id = h.annotator_id"
            " JOIN instances i ON i.id = h.instance_id ORDER BY h.instance_id, h.id");
        RawHumanLabel r;
        while (s.step()) {
            r.labelId = s.i64(0);
            r.instanceId = s.i64(1);
            r.externalId = s.utf8(2);
            r.split = s.utf8(3);
            r.annotator = s.utf8(4);
            r.annotatorKind = s.utf8(5);
            r.overall = int(s.i64(6));
            r.helpfulness = optInt(s, 7);
            r.truthfulness = optInt(s, 8);
            r.harmlessness = optInt(s, 9);
            r.reasonsJson = s.utf8(10);
            r.rationale = s.utf8(11);
            r.confidence = s.opt<double>(12);
            r.timeSpent = s.opt<double>(13);
            r.shownOrder = s.utf8(14);
            r.createdAt = s.utf8(15);
            human(r);
        }
    }
    sql::Stmt s(db,
        "SELECT l.id, l.instance_id, i.ext_id, i.split, j.name, l.overall, l.verdict_orig,"
        " l.verdict_swapped, l.rationale, l.raw, l.created_at"
        " FROM lm_labels l JOIN judges j ON j.id = l.judge_id"
        " JOIN instances i ON i.id = l.instance_id ORDER BY l.instance_id, l.id");
    RawLmLabel r;
    while (s.step()) {
        r.labelId = s.i64(0);
        r.instanceId = s.i64(1);
        r.externalId = s.utf8(2);
        r.split = s.utf8(3);
        r.judge = s.utf8(4);
        r.overall = optInt(s, 5);
        r.verdictOriginal = optInt(s, 6);
        r.verdictSwapped = optInt(s, 7);
        r.rationale = s.utf8(8);
        r.raw = s.utf8(9);
        r.createdAt = s.utf8(10);
        lm(r);
    }
}

} // namespace hyper
