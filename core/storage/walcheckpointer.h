// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QObject>
#include <QString>
#include <QThread>
#include <atomic>

namespace hyper {

/**
 * Checkpoints a project's WAL from its own thread and connection, so that no checkpoint
 * runs inside a commit of the GUI thread (whose connection turns automatic checkpoints
 * off: ProjectStore::setAutoCheckpoint(false)). Every interval it looks at the size of
 * PATH-wal (stat only: nothing but SQLite opens a project's files) and, past the
 * threshold, runs one PASSIVE checkpoint, which neither waits for nor blocks a writer.
 *
 * Ownership: owns its thread; stops and joins it when destroyed. Thread affinity: create
 * and destroy on one thread (the GUI thread); the work runs on the internal thread.
 */
class WalCheckpointer : public QObject
{
    Q_OBJECT

public:
    /** SQLite's own automatic threshold: 1,000 pages of 4 KiB. */
    static constexpr qint64 kDefaultThresholdBytes = 4096 * 1000;

    explicit WalCheckpointer(QString path, qint64 thresholdBytes = kDefaultThresholdBytes,
                             int intervalMs = 500, QObject *parent = nullptr);
    ~WalCheckpointer() override;

    /** Checkpoints run so far (each copied at least one frame). Any thread. */
    int checkpoints() const { return m_checkpoints.load(); }

Q_SIGNALS:
    /** After a checkpoint copied frames into the database (emitted from the worker). */
    void checkpointed(int walFrames, int copied);
    /** A checkpoint failed (the project was removed, the disk is full, ...). */
    void failed(const QString &message);

private:
    QString m_path;
    QThread m_thread;
    std::atomic<int> m_checkpoints{0};
};

} // namespace hyper
