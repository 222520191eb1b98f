// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/storage/benchceiling.h"

#include "core/storage/projectstore.h"
#include "core/storage/sqlite.h"

#include <QElapsedTimer>

namespace hyper {

double measureInsertCeiling(const QString &path, const std::vector<ImportRecord> &records)
{
    ProjectStore store(path, ProjectStore::Mode::CreateNew);
    sql::exec(store.handle(), "CREATE TABLE ceiling(id INTEGER PRIMARY KEY, ext_id TEXT, split TEXT,"
                              " prompt TEXT, response_a TEXT, response_b TEXT, model_a TEXT, model_b TEXT,"
                              " source TEXT)");
    QElapsedTimer t;
    t.start();
    sql::Transaction tx(store.handle());
    sql::Stmt s(store.handle(), "INSERT INTO ceiling(ext_id, split, prompt, response_a, response_b,"
                                " model_a, model_b, source) VALUES (?,?,?,?,?,?,?,?)");
    for (const ImportRecord &r : records) {
        s.bind(1, std::string_view(r.externalId)).bind(2, std::string_view("train"));
        s.bind(3, std::string_view(r.prompt)).bind(4, std::string_view(r.responseA));
        s.bind(5, std::string_view(r.responseB)).bind(6, std::string_view(r.modelA));
        s.bind(7, std::string_view(r.modelB)).bind(8, std::string_view(r.source));
        s.run();
    }
    tx.commit();
    return double(t.nsecsElapsed()) / 1e9;
}

double measureIndexCeiling(const QString &path, bool withPrefixes)
{
    ProjectStore store(path, ProjectStore::Mode::OpenExisting, false);
    sql::exec(store.handle(), "DROP TABLE IF EXISTS ceiling_fts");
    sql::exec(store.handle(), withPrefixes ? "CREATE VIRTUAL TABLE ceiling_fts USING fts5(prompt, response_a, response_b,"
                                             " content='ceiling', content_rowid='id', prefix='2 3')"
                                           : "CREATE VIRTUAL TABLE ceiling_fts USING fts5(prompt, response_a, response_b,"
                                             " content='ceiling', content_rowid='id')");
    QElapsedTimer t;
    t.start();
    sql::Transaction tx(store.handle());
    sql::exec(store.handle(), "INSERT INTO ceiling_fts(ceiling_fts) VALUES ('rebuild')");
    tx.commit();
    const double seconds = double(t.nsecsElapsed()) / 1e9;
    sql::exec(store.handle(), "DROP TABLE ceiling_fts");
    return seconds;
}

} // namespace hyper
