// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QString>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

struct sqlite3;
struct sqlite3_stmt;

namespace hyper::sql {

/** Runs one or more statements without results; throws StoreError. */
void exec(sqlite3 *db, const char *sql);

/** A prepared statement with bound parameters (RAII). Owned by one thread. */
class Stmt
{
public:
    Stmt(sqlite3 *db, const char *sql);
    ~Stmt();
    Stmt(const Stmt &) = delete;
    Stmt &operator=(const Stmt &) = delete;

    Stmt &bind(int i, std::int64_t v);
    Stmt &bind(int i, int v) { return bind(i, std::int64_t(v)); }
    Stmt &bind(int i, double v);
    Stmt &bind(int i, std::string_view utf8);   // SQLITE_STATIC: caller keeps it alive until step
    Stmt &bind(int i, const QString &v);        // copied
    Stmt &bindNull(int i);
    /** A BLOB (copied). */
    Stmt &bindBlob(int i, const void *data, std::size_t bytes);
    template <typename T> Stmt &bind(int i, const std::optional<T> &v)
    {
        return v ? bind(i, *v) : bindNull(i);
    }

    /** Steps once; true when a row is available. Throws on error. */
    bool step();
    /** Steps to completion of a statement without result rows. */
    void run();
    void reset();

    bool isNull(int col) const;
    std::int64_t i64(int col) const;
    double f64(int col) const;
    QString text(int col) const;
    std::string_view utf8(int col) const;
    /** A BLOB column (copied; empty for NULL). */
    QByteArray blob(int col) const;
    template <typename T> std::optional<T> opt(int col) const
    {
        if (isNull(col))
            return std::nullopt;
        if constexpr (std::is_floating_point_v<T>)
            return T(f64(col));
        else
            return T(i64(col));
    }

private:
    sqlite3 *m_db;
    sqlite3_stmt *m_stmt = nullptr;
};

/** BEGIN IMMEDIATE ... COMMIT, rolled back when destroyed uncommitted. */
class Transaction
{
public:
    explicit Transaction(sqlite3 *db);
    ~Transaction();
    void commit();

private:
    sqlite3 *m_db;
    bool m_done = false;
};

} // namespace hyper::sql
