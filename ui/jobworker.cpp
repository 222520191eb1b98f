// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/jobworker.h"

#include "core/jobs/feedback.h"
#include "core/storage/projectstore.h"

namespace hyper {

void JobWorker::runImport(
    const QString &projectPath, const ImportParams &params, std::shared_ptr<Feedback> feedback)
{
    try {
        if (feedback->isCanceled())
            throw Canceled {};
        ProjectStore store(projectPath, ProjectStore::Mode::OpenExisting);
        ImportResult result = hyper::runImport(store, params, *feedback);
        Q_EMIT importFinished(result);
    } catch (const Canceled &) {
        Q_EMIT importCanceled();
    } catch (const std::exception &e) {
        // ImportError::what() is "FILE:LINE: message" already; StoreError is user-fit.
        Q_EMIT importFailed(QString::fromUtf8(e.what()));
    } catch (...) {
        Q_EMIT importFailed(tr("Unknown error while importing %1").arg(params.file));
    }
}

void JobWorker::runIndexing(const QString &projectPath, std::shared_ptr<Feedback> feedback)
{
    try {
        ProjectStore store(projectPath, ProjectStore::Mode::OpenExisting);
        if (!feedback->isCanceled())
            store.updateSearchIndex(*feedback);
        Q_EMIT indexingFinished(store.searchIndexReady());
    } catch (const Canceled &) {
        Q_EMIT indexingFinished(false);
    } catch (const std::exception &e) {
        Q_EMIT indexingFailed(QString::fromUtf8(e.what()));
    } catch (...) {
        Q_EMIT indexingFailed(tr("Unknown error while indexing"));
    }
}

} // namespace hyper
