// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/storage/sqlite.h"

#include "core/storage/projectstore.h"

#include <sqlite3.h>

namespace hyper::sql {

namespace {
/** SQLITE_BUSY / SQLITE_LOCKED after the busy timeout: another connection writes. */
bool isBusy(int rc)
{
    return (rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED;
}

/** A damaged file, whichever statement found it, is named with its path. */
[[noreturn]] void throwDamaged(sqlite3 *db, const std::string &message)
{
    const char *file = sqlite3_db_filename(db, "main");
    throw StoreError(std::string(file && *file ? file : "the project") + ": the project file is damaged ("
                     + message + ")");
}

bool isCorrupt(int rc)
{
    return (rc & 0xff) == SQLITE_CORRUPT;
}

[[noreturn]] void fail(sqlite3 *db, const char *what)
{
    const int rc = sqlite3_extended_errcode(db);
    if (isBusy(rc))
        throw StoreBusy();
    if (isCorrupt(rc))
        throwDamaged(db, sqlite3_errmsg(db));
    throw StoreError(std::string(what) + ": " + sqlite3_errmsg(db));
}
} // namespace

void exec(sqlite3 *db, const char *sql)
{
    char *err = nullptr;
    if (const int rc = sqlite3_exec(db, sql, nullptr, nullptr, &err); rc != SQLITE_OK) {
        const std::string msg = err ? err : "unknown error";
        sqlite3_free(err);
        if (isBusy(rc))
            throw StoreBusy();
        if (isCorrupt(rc))
            throwDamaged(db, msg);
        throw StoreError("SQL failed: " + msg);
    }
}

Stmt::Stmt(sqlite3 *db, const char *sql) : m_db(db)
{
    if (sqlite3_prepare_v2(db, sql, -1, &m_stmt, nullptr) != SQLITE_OK)
        fail(db, "prepare");
}

Stmt::~Stmt() { sqlite3_finalize(m_stmt); }

Stmt &Stmt::bind(int i, std::int64_t v)
{
    if (sqlite3_bind_int64(m_stmt, i, v) != SQLITE_OK)
        fail(m_db, "bind");
    return *this;
}

Stmt &Stmt::bind(int i, double v)
{
    if (sqlite3_bind_double(m_stmt, i, v) != SQLITE_OK)
        fail(m_db, "bind");
    return *this;
}

Stmt &Stmt::bind(int i, std::string_view utf8)
{
    if (sqlite3_bind_text(m_stmt, i, utf8.data(), int(utf8.size()), SQLITE_STATIC) != SQLITE_OK)
        fail(m_db, "bind");
    return *this;
}

Stmt &Stmt::bind(int i, const QString &v)
{
    const QByteArray u = v.toUtf8();
    if (sqlite3_bind_text(m_stmt, i, u.constData(), int(u.size()), SQLITE_TRANSIENT) != SQLITE_OK)
        fail(m_db, "bind");
    return *this;
}

Stmt &Stmt::bindNull(int i)
{
    if (sqlite3_bind_null(m_stmt, i) != SQLITE_OK)
        fail(m_db, "bind");
    return *this;
}

Stmt &Stmt::bindBlob(int i, const void *data, std::size_t bytes)
{
    // SQLite reads a null pointer as NULL; an empty BLOB needs a non-null one.
    static const char empty = 0;
    if (sqlite3_bind_blob64(m_stmt, i, bytes ? data : &empty, sqlite3_uint64(bytes), SQLITE_TRANSIENT) != SQLITE_OK)
        fail(m_db, "bind");
    return *this;
}

bool Stmt::step()
{
    const int rc = sqlite3_step(m_stmt);
    if (rc == SQLITE_ROW)
        return true;
    if (rc == SQLITE_DONE)
        return false;
    fail(m_db, "step");
}

void Stmt::run()
{
    while (step()) {
    }
    reset();
}

void Stmt::reset()
{
    sqlite3_reset(m_stmt);
    sqlite3_clear_bindings(m_stmt);
}

bool Stmt::isNull(int col) const { return sqlite3_column_type(m_stmt, col) == SQLITE_NULL; }
std::int64_t Stmt::i64(int col) const { return sqlite3_column_int64(m_stmt, col); }
double Stmt::f64(int col) const { return sqlite3_column_double(m_stmt, col); }

std::string_view Stmt::utf8(int col) const
{
    const auto *p = reinterpret_cast<const char *>(sqlite3_column_text(m_stmt, col));
    return p ? std::string_view(p, size_t(sqlite3_column_bytes(m_stmt, col))) : std::string_view();
}

QByteArray Stmt::blob(int col) const
{
    const void *p = sqlite3_column_blob(m_stmt, col);
    return p ? QByteArray(static_cast<const char *>(p), qsizetype(sqlite3_column_bytes(m_stmt, col))) : QByteArray();
}

QString Stmt::text(int col) const
{
    const std::string_view v = utf8(col);
    return QString::fromUtf8(v.data(), qsizetype(v.size()));
}

} // namespace hyper::sql

namespace hyper {
StoreBusy::StoreBusy()
    : StoreError("another program is writing this project (the database stayed locked past the busy timeout)")
{
}
} // namespace hyper

namespace hyper::sql {

Transaction::Transaction(sqlite3 *db) : m_db(db) { exec(db, "BEGIN IMMEDIATE"); }

Transaction::~Transaction()
{
    if (!m_done)
        sqlite3_exec(m_db, "ROLLBACK", nullptr, nullptr, nullptr);
}

void Transaction::commit()
{
    exec(m_db, "COMMIT");
    m_done = true;
}

} // namespace hyper::sql
