// SPDX-License-Identifier: GPL-3.0-or-later
// Reads for the agreement report and `hyper label`.
#include "core/storage/agreementqueries.h"
#include "core/storage/projectstore.h"
#include "core/storage/sqlite.h"

#include <algorithm>
#include <unordered_map>

namespace hyper {

namespace {

/** "AND i.split = ?" when a split is given (bound as parameter 1). */
std::string scoped(const char *query, const std::optional<Split> &split)
{
    std::string q(query);
    if (split)
        q += " AND i.split = ?1";
    return q;
}

} // namespace

labels::LabelTable loadLabelTable(ProjectStore &store, std::optional<Split> split)
{
    sqlite3 *db = store.handle();
    labels::LabelTable t;
    const QString splitText = split ? splitName(*split) : QString();
    auto bindSplit = [&](sql::Stmt &s) {
        if (split)
            s.bind(1, splitText);
    };

    std::unordered_map<std::int64_t, int> annotatorIndex, judgeIndex, featureIndex;
    {
        sql::Stmt s(db, "SELECT id, name, kind FROM annotators ORDER BY name, id");
        while (s.step()) {
            annotatorIndex.emplace(s.i64(0), int(t.annotators.size()));
            t.annotators << s.text(1);
            t.annotatorKinds << s.text(2);
        }
    }
    {
        sql::Stmt s(db, "SELECT id, name FROM judges ORDER BY name, id");
        while (s.step()) {
            judgeIndex.emplace(s.i64(0), int(t.judges.size()));
            t.judges << s.text(1);
        }
    }
    {
        sql::Stmt s(db, "SELECT id, name FROM features ORDER BY id");
        while (s.step()) {
            featureIndex.emplace(s.i64(0), int(t.features.size()));
            t.features << s.text(1);
        }
    }
    {
        sql::Stmt s(db, scoped("SELECT count(*) FROM instances i WHERE 1", split).c_str());
        bindSplit(s);
        t.instances = s.step() ? s.i64(0) : 0;
    }

    // Rows in instance order, created on the first label seen.
    std::unordered_map<std::int64_t, std::size_t> rowIndex;
    auto rowOf = [&](std::int64_t instance) -> labels::LabelTable::Row & {
        const auto [it, added] = rowIndex.emplace(instance, t.rows.size());
        if (added) {
            t.rows.emplace_back();
            t.rows.back().instance = instance;
        }
        return t.rows[it->second];
    };

    {
        // Ordered by label id within an instance: a later label of the same annotator
        // replaces the earlier one.
        sql::Stmt s(db, scoped("SELECT h.instance_id, h.annotator_id, h.overall, h.helpfulness,"
                               " h.truthfulness, h.harmlessness, h.shown_order"
                               " FROM human_labels h JOIN instances i ON i.id = h.instance_id WHERE 1",
                               split)
                            .append(" ORDER BY h.instance_id, h.id")
                            .c_str());
        bindSplit(s);
        while (s.step()) {
            labels::LabelTable::Human h;
            h.annotator = annotatorIndex.at(s.i64(1));
            h.overall = int(s.i64(2));
            for (int k = 0; k < 3; ++k)
                h.aspects[std::size_t(k)] = s.opt<int>(3 + k);
            const std::string_view order = s.utf8(6);
            h.shown = order == "AB" ? 1 : order == "BA" ? -1 : 0;
            auto &humans = rowOf(s.i64(0)).humans;
            bool replaced = false;
            for (auto &existing : humans)
                if (existing.annotator == h.annotator) {
                    existing = h;
                    replaced = true;
                }
            if (!replaced)
                humans.push_back(h);
        }
    }
    {
        sql::Stmt s(db, scoped("SELECT l.instance_id, l.judge_id, l.overall, l.verdict_orig, l.verdict_swapped"
                               " FROM lm_labels l JOIN instances i ON i.id = l.instance_id WHERE 1",
                               split)
                            .append(" ORDER BY l.instance_id, l.id")
                            .c_str());
        bindSplit(s);
        while (s.step()) {
            labels::LabelTable::Judge j;
            j.judge = judgeIndex.at(s.i64(1));
            j.overall = s.opt<int>(2);
            j.original = s.opt<int>(3);
            j.swapped = s.opt<int>(4);
            auto &judges = rowOf(s.i64(0)).judges;
            bool replaced = false;
            for (auto &existing : judges)
                if (existing.judge == j.judge) {
                    existing = j;
                    replaced = true;
                }
            if (!replaced)
                judges.push_back(j);
        }
    }
    std::sort(t.rows.begin(), t.rows.end(),
              [](const auto &a, const auto &b) { return a.instance < b.instance; });
    rowIndex.clear();
    for (std::size_t i = 0; i < t.rows.size(); ++i)
        rowIndex.emplace(t.rows[i].instance, i);

    if (!t.features.isEmpty()) {
        sql::Stmt s(db, scoped("SELECT f.instance_id, f.feature_id FROM instance_features f"
                               " JOIN instances i ON i.id = f.instance_id WHERE 1",
                               split)
                            .append(" ORDER BY f.instance_id, f.feature_id")
                            .c_str());
        bindSplit(s);
        while (s.step()) {
            const auto row = rowIndex.find(s.i64(0));
            const auto feature = featureIndex.find(s.i64(1));
            if (row != rowIndex.end() && feature != featureIndex.end())
                t.rows[row->second].features.push_back(feature->second);
        }
    }
    return t;
}

std::optional<QString> annotatorKind(ProjectStore &store, const QString &name)
{
    sql::Stmt s(store.handle(), "SELECT kind FROM annotators WHERE name = ?");
    s.bind(1, name);
    if (!s.step())
        return std::nullopt;
    return s.text(0);
}

qint64 humanLabelCount(ProjectStore &store)
{
    sql::Stmt s(store.handle(), "SELECT count(*) FROM human_labels");
    return s.step() ? s.i64(0) : 0;
}

} // namespace hyper
