// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/io/importer.h"

#include <QObject>
#include <memory>

namespace hyper {

class Feedback;

/**
 * Runs store jobs (an import, a search-index update) on the thread it lives in. Each
 * job opens its own ProjectStore on the project path (a store is bound to the thread
 * that opened it) and closes it before reporting. Exceptions end at these slots and
 * come back as signals.
 *
 * Ownership: created by ImportController, moved to its QThread and deleted there
 * (deleteLater on QThread::finished). Thread affinity: the controller's worker thread.
 */
class JobWorker : public QObject
{
    Q_OBJECT

public:
    using QObject::QObject;

    /** Imports params.file into the project at path. */
    void runImport(const QString &projectPath, const hyper::ImportParams &params,
        std::shared_ptr<hyper::Feedback> feedback);
    /** Brings the project's full-text index up to date. */
    void runIndexing(const QString &projectPath, std::shared_ptr<hyper::Feedback> feedback);

Q_SIGNALS:
    /** Emitted from the worker thread (or the importer's parser thread); connect queued. */
    void progress(double fraction, const QString &message);
    void importFinished(const hyper::ImportResult &result);
    void importFailed(const QString &message);
    void importCanceled();
    void indexingFinished(bool complete);
    void indexingFailed(const QString &message);
};

} // namespace hyper
