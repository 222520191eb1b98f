// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/storage/walcheckpointer.h"

#include "core/storage/projectstore.h"

#include <QFileInfo>
#include <QTimer>
#include <memory>

namespace hyper {

WalCheckpointer::WalCheckpointer(QString path, qint64 thresholdBytes, int intervalMs, QObject *parent)
    : QObject(parent)
    , m_path(std::move(path))
{
    m_thread.setObjectName(QStringLiteral("wal-checkpointer"));
    // The timer and the connection live on the worker thread: created by its first event,
    // destroyed when its event loop ends.
    auto *timer = new QTimer;
    timer->setInterval(intervalMs);
    timer->moveToThread(&m_thread);
    auto store = std::make_shared<std::unique_ptr<ProjectStore>>();
    // SQLite does not shrink the WAL file when it starts over, so its size only says
    // that a checkpoint may be due; the frame counts say whether one copied anything new.
    auto last = std::make_shared<ProjectStore::Checkpoint>();
    connect(&m_thread, &QThread::started, timer, qOverload<>(&QTimer::start));
    connect(timer, &QTimer::timeout, timer, [this, store, last, thresholdBytes] {
        const QFileInfo wal(m_path + QStringLiteral("-wal")); // stat(), never open()
        if (!wal.exists() || wal.size() < thresholdBytes)
            return;
        try {
            if (!*store) {
                *store = std::make_unique<ProjectStore>(m_path, ProjectStore::Mode::OpenExisting,
                                                        /*checkIntegrity=*/false);
                (*store)->setBusyTimeout(0);
            }
            const ProjectStore::Checkpoint c = (*store)->checkpoint();
            const bool copiedNew = c.copied > 0 && (c.walFrames != last->walFrames || c.copied != last->copied);
            *last = c;
            if (copiedNew) {
                ++m_checkpoints;
                Q_EMIT checkpointed(c.walFrames, c.copied);
            }
        } catch (const std::exception &e) {
            store->reset();
            Q_EMIT failed(QString::fromUtf8(e.what()));
        }
    });
    connect(&m_thread, &QThread::finished, timer, [timer, store] {
        store->reset(); // the connection closes on the thread that opened it
        delete timer;
    });
    m_thread.start(QThread::LowPriority);
}

WalCheckpointer::~WalCheckpointer()
{
    m_thread.quit();
    m_thread.wait();
}

} // namespace hyper
