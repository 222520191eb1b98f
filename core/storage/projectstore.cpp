// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/storage/projectstore.h"

#include "core/storage/schema.h"
#include "core/storage/sqlite.h"

#include <QFile>
#include <algorithm>
#include <QFileInfo>
#include <QSqlDatabase>
#include <QSqlDriver>
#include <QSqlError>
#include <atomic>
#include <sqlite3.h>

namespace hyper {

namespace {

std::atomic<int> g_connectionCounter{0};

[[noreturn]] void failFor(const QString &path, const QString &what)
{
    throw StoreError(QStringLiteral("%1: %2").arg(path, what).toStdString());
}

} // namespace

ProjectStore::ProjectStore(const QString &path, Mode mode, bool checkIntegrity)
    : m_path(path)
{
    const bool exists = QFileInfo::exists(path);
    if (mode == Mode::OpenExisting && !exists)
        failFor(path, QStringLiteral("no such project file"));
    if (mode == Mode::CreateNew && exists && QFileInfo(path).size() > 0)
        failFor(path, QStringLiteral("a file already exists there"));
    // Nothing but SQLite opens the file: on POSIX, closing any descriptor of a file drops
    // every fcntl lock this process holds on it, SQLite's included, and another process
    // would then checkpoint and delete the WAL under our open connections. The header
    // check is SQLite's own (SQLITE_NOTADB in configure()); access() and stat() open nothing.
    if (exists && !QFileInfo(path).isReadable())
        failFor(path, QStringLiteral("cannot read the file: permission denied"));

    m_connectionName = QStringLiteral("hyper-store-%1").arg(++g_connectionCounter);
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), m_connectionName);
        if (!db.isValid())
            failFor(path, QStringLiteral("the Qt SQLite driver (QSQLITE) is not installed"));
        db.setDatabaseName(path);
        if (!db.open())
            failFor(path, QStringLiteral("cannot open: %1").arg(db.lastError().text()));
        const QVariant h = db.driver()->handle();
        if (!h.isValid() || qstrcmp(h.typeName(), "sqlite3*") != 0)
            failFor(path, QStringLiteral("unexpected SQLite driver handle"));
        m_db = *static_cast<sqlite3 *const *>(h.constData());
    }
    try {
        configure(!exists || QFileInfo(path).size() == 0);
        if (checkIntegrity)
            verifyIntegrity();
    } catch (...) {
        m_db = nullptr;
        QSqlDatabase::database(m_connectionName, false).close();
        QSqlDatabase::removeDatabase(m_connectionName);
        throw;
    }
}

ProjectStore::~ProjectStore()
{
    m_db = nullptr;
    {
        QSqlDatabase db = QSqlDatabase::database(m_connectionName, false);
        db.close();
    }
    QSqlDatabase::removeDatabase(m_connectionName);
}

void ProjectStore::configure(bool created)
{
    sqlite3_busy_timeout(m_db, kDefaultBusyTimeoutMs);
    int appId = 0, version = 0;
    try {
        sql::Stmt a(m_db, "PRAGMA application_id");
        if (a.step())
            appId = int(a.i64(0));
        sql::Stmt v(m_db, "PRAGMA user_version");
        if (v.step())
            version = int(v.i64(0));
    } catch (const StoreBusy &) {
        throw;
    } catch (const StoreError &e) {
        if ((sqlite3_extended_errcode(m_db) & 0xff) == SQLITE_NOTADB)
            failFor(m_path, QStringLiteral("not a HyPER project (not an SQLite database)"));
        failFor(m_path, QStringLiteral("not a readable SQLite database (%1)").arg(QString::fromUtf8(e.what())));
    }
    if (appId != schema::kApplicationId) {
        bool empty = true;
        sql::Stmt t(m_db, "SELECT count(*) FROM sqlite_schema");
        if (t.step())
            empty = t.i64(0) == 0;
        if (!(created || (appId == 0 && empty)))
            failFor(m_path, QStringLiteral("not a HyPER project (an SQLite database of another program)"));
    }
    if (version > kSchemaVersion)
        failFor(m_path, QStringLiteral("written by a newer HyPER Workbench (schema %1; this build reads up to %2)")
                            .arg(version).arg(kSchemaVersion));
    // WAL: readers (the GUI) never block the writer (imports, labelling). FULL sync makes
    // a committed label survive power loss, not only a process crash.
    // A 64 MiB page cache keeps the b-tree pages an import appends to (and the browser's
    // narrow table) in memory instead of re-reading them from the WAL.
    sql::exec(m_db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;"
                    " PRAGMA cache_size=-65536;");
    if (version < kSchemaVersion) {
        // A migration writes: never into a damaged file, also when the caller skips the
        // check on open (hyper info, hyper list).
        if (!created && version > 0)
            verifyIntegrity();
        schema::migrate(m_db, version, kSchemaVersion);
    }
}

void ProjectStore::verifyIntegrity() const
{
    sql::Stmt s(m_db, "PRAGMA integrity_check(5)");
    QStringList problems;
    while (s.step())
        problems << s.text(0);
    if (problems != QStringList{QStringLiteral("ok")})
        failFor(m_path, QStringLiteral("the project file is damaged: %1").arg(problems.join(QStringLiteral("; "))));
    sql::Stmt fk(m_db, "PRAGMA foreign_key_check");
    if (fk.step())
        failFor(m_path, QStringLiteral("the project file is inconsistent: a row of '%1' refers to a missing row")
                            .arg(fk.text(0)));
}

void ProjectStore::removeFiles(const QString &path)
{
    for (const char *suffix : {"", "-wal", "-shm", "-journal"})
        QFile::remove(path + QLatin1String(suffix));
}

void ProjectStore::setBusyTimeout(int ms)
{
    sqlite3_busy_timeout(m_db, ms);
}

void ProjectStore::setInteractive()
{
    setBusyTimeout(kInteractiveBusyTimeoutMs);
    setAutoCheckpoint(false);
}

void ProjectStore::setAutoCheckpoint(bool on)
{
    sqlite3_wal_autocheckpoint(m_db, on ? 1000 : 0);
}

ProjectStore::Checkpoint ProjectStore::checkpoint()
{
    int logFrames = 0, done = 0;
    const int rc = sqlite3_wal_checkpoint_v2(m_db, nullptr, SQLITE_CHECKPOINT_PASSIVE, &logFrames, &done);
    if ((rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED)
        return {};
    if (rc != SQLITE_OK)
        failFor(m_path, QStringLiteral("checkpoint: %1").arg(QString::fromUtf8(sqlite3_errmsg(m_db))));
    return {std::max(0, logFrames), std::max(0, done)};
}

qint64 ProjectStore::dataVersion() const
{
    sql::Stmt v(m_db, "PRAGMA data_version");
    return v.step() ? v.i64(0) : 0;
}

QString ProjectStore::meta(const char *key) const
{
    sql::Stmt s(m_db, "SELECT value FROM project_meta WHERE key = ?");
    s.bind(1, std::string_view(key));
    return s.step() ? s.text(0) : QString();
}

void ProjectStore::setMeta(const char *key, const QString &value)
{
    sql::Stmt s(m_db, "INSERT INTO project_meta(key, value) VALUES (?, ?)"
                      " ON CONFLICT(key) DO UPDATE SET value = excluded.value");
    s.bind(1, std::string_view(key)).bind(2, value);
    s.run();
}

int ProjectStore::schemaVersion() const
{
    sql::Stmt v(m_db, "PRAGMA user_version");
    return v.step() ? int(v.i64(0)) : 0;
}

} // namespace hyper
