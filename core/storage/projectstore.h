// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/domain/types.h"
#include "core/storage/importrecord.h"

#include <QString>
#include <memory>
#include <stdexcept>
#include <vector>

struct sqlite3;

namespace hyper {

class Feedback;
class ImportWriter;

/** Any failure of the project store; what() is a message fit for a user. */
class StoreError : public std::runtime_error
{
public:
    using std::runtime_error::runtime_error;
};

/** Another connection (this program's or another's) held the write lock for longer than
 *  the busy timeout: nothing was written; the same write can be tried again. */
class StoreBusy : public StoreError
{
public:
    StoreBusy();
};

/**
 * One project: one SQLite file (WAL, foreign keys on, schema version in
 * PRAGMA user_version with forward migrations, integrity_check on open).
 *
 * Thread affinity: a ProjectStore owns one connection and must be used only from the
 * thread that created it. Another thread opens its own ProjectStore on the same path.
 * All methods throw StoreError on failure. Every write commits before it returns.
 */
class ProjectStore
{
public:
    enum class Mode { OpenExisting, CreateNew, OpenOrCreate };

    static constexpr int kSchemaVersion = 10;

    /** Opens (or creates) the project. With checkIntegrity the whole file is verified
     *  (PRAGMA integrity_check) before the constructor returns; the GUI passes false
     *  and calls verifyIntegrity() from a worker so that the first rows paint at once. */
    explicit ProjectStore(const QString &path, Mode mode = Mode::OpenExisting,
                          bool checkIntegrity = true);
    ~ProjectStore();
    ProjectStore(const ProjectStore &) = delete;
    ProjectStore &operator=(const ProjectStore &) = delete;

    QString path() const { return m_path; }
    int schemaVersion() const;

    ProjectInfo info() const;
    QStringList sources() const;

    /** Rows matching the filter, ordered by id. */
    qint64 countInstances(const InstanceFilter &filter) const;
    std::vector<InstanceSummary> listInstances(const InstanceFilter &filter, qint64 offset,
                                               int limit) const;
    std::optional<Instance> instance(qint64 id) const;
    std::vector<HumanLabel> humanLabels(qint64 instanceId) const;
    std::vector<LmLabel> lmLabels(qint64 instanceId) const;

    /** Records one human label and commits it before returning; returns its id.
     *  Creates the annotator when new (with label.annotatorKind). */
    qint64 addHumanLabel(const HumanLabel &label);

    /** Starts an all-or-nothing import: nothing is visible until commit(). Only one
     *  writer at a time per project. */
    std::unique_ptr<ImportWriter> beginImport(const QString &file, const QString &format,
                                              OnDuplicate onDuplicate = OnDuplicate::Skip);

    /** Brings the full-text index up to date with all instances (resumable: only rows
     *  not yet indexed are added). Cancels through feedback. */
    void updateSearchIndex(Feedback &feedback);
    /** True when every instance is in the full-text index. */
    bool searchIndexReady() const;

    /** How long a write waits for another connection's write lock before StoreBusy:
     *  kDefaultBusyTimeoutMs unless set (the GUI thread sets a short one and retries
     *  from its event loop, so that the window never freezes). */
    static constexpr int kDefaultBusyTimeoutMs = 30000;
    void setBusyTimeout(int ms);

    /** The busy timeout of a connection on the GUI thread: short, so that a window never
     *  freezes; a write that finds the project busy longer throws StoreBusy and the view
     *  retries it from its event loop, saying so. */
    static constexpr int kInteractiveBusyTimeoutMs = 1000;
    /** Readies the connection of a GUI thread: kInteractiveBusyTimeoutMs and no automatic
     *  checkpoints (a WalCheckpointer on another thread does them). */
    void setInteractive();

    /** Whether this connection checkpoints the WAL itself after a commit that grows it
     *  past 1,000 pages (SQLite's default, on). The GUI thread's connection turns it off
     *  and leaves checkpoints to a WalCheckpointer on its own thread. */
    void setAutoCheckpoint(bool on);

    /** Frames in the WAL and frames copied into the database by a checkpoint. */
    struct Checkpoint {
        int walFrames = 0;
        int copied = 0;
    };
    /** One PASSIVE checkpoint: copies what no reader still needs, never waits for a lock
     *  and never blocks a writer. A busy database returns {} instead of throwing. */
    Checkpoint checkpoint();

    /** PRAGMA data_version: changes whenever another connection (any process, or another
     *  ProjectStore of this one) commits to the project; this connection's own commits
     *  leave it as it is. */
    qint64 dataVersion() const;

    /** A value of project_meta ("" when the key is not there), and its writer (one
     *  statement, committed unless a transaction is open). */
    QString meta(const char *key) const;
    void setMeta(const char *key, const QString &value);

    /** The raw connection, for core/storage code only. */
    sqlite3 *handle() const { return m_db; }

    /** Deletes a project file with SQLite's side files (-wal, -shm, -journal): for
     *  commands that created a project and failed. The project must not be open. */
    static void removeFiles(const QString &path);

    /** Throws StoreError naming the first problems when the file is damaged. */
    void verifyIntegrity() const;

private:
    void configure(bool created);

    QString m_path;
    QString m_connectionName;
    sqlite3 *m_db = nullptr;
};

/**
 * Bulk writer of one import (one transaction, prepared statements bound straight from
 * UTF-8). Destroying it without commit() rolls everything back.
 */
/** A row whose instance is already there, under OnDuplicate::Error; what() names it. */
class DuplicateRow : public StoreError
{
public:
    using StoreError::StoreError;
};

class ImportWriter
{
public:
    ~ImportWriter();
    /** Adds the row: a new instance, or (OnDuplicate::Skip, and always for long-format
     *  rows) its labels merged into the instance with the same content hash or instance
     *  key. Throws DuplicateRow (OnDuplicate::Error), StoreError. */
    void add(const ImportRecord &record);
    /** Records the import (file, format, counts) and commits. Returns the import id. */
    qint64 commit(qint64 skipped);
    void rollback();
    qint64 added() const { return m_added; }
    const ImportMergeCounts &merged() const;

private:
    friend class ProjectStore;
    explicit ImportWriter(ProjectStore &store, QString file, QString format, OnDuplicate onDuplicate);
    /** A new instance from the row; its labels too unless withLabels is false. */
    void insertInstance(const ImportRecord &record, const QByteArray &hash, bool withLabels);
    struct Impl;
    std::unique_ptr<Impl> d;
    qint64 m_added = 0;
};

} // namespace hyper
