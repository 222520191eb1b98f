// SPDX-License-Identifier: GPL-3.0-or-later
// Several programs on one project (docs/GUI.md, "Several programs on one project"): the
// window polls PRAGMA data_version and refreshes what it shows when another connection
// (another program, or a job of this one) committed; a WalCheckpointer keeps the WAL
// short from its own thread, since the GUI thread's connection never checkpoints.
#include "ui/mainwindow.h"

#include "core/storage/filesystem.h"
#include "core/storage/walcheckpointer.h"
#include "ui/instancedetailview.h"
#include "ui/instancetablemodel.h"
#include "ui/projectview.h"

#include <QMessageBox>
#include <QStatusBar>
#include <QTabWidget>
#include <QTimer>

namespace hyper {

void MainWindow::createProjectWatch()
{
    m_changePoll = new QTimer(this);
    m_changePoll->setInterval(kChangePollMs);
    connect(m_changePoll, &QTimer::timeout, this, &MainWindow::pollProjectChanges);
    // Tabs that were hidden when the project changed catch up when they are shown.
    connect(m_tabs, &QTabWidget::currentChanged, this, [this](int index) {
        auto *view = qobject_cast<ProjectView *>(m_tabs->widget(index));
        if (view && m_staleViews.remove(view) && m_store)
            view->setProject(m_store.get());
    });
}

void MainWindow::watchProject()
{
    m_staleViews.clear();
    m_sinceViewRefresh.invalidate();
    m_checkpointer.reset();
    if (!m_store) {
        m_changePoll->stop();
        return;
    }
    m_store->setInteractive(); // short busy timeout, no checkpoint inside a GUI commit
    m_checkpointer = std::make_unique<WalCheckpointer>(m_store->path());
    try {
        m_dataVersion = m_store->dataVersion();
    } catch (const std::exception &) {
        m_dataVersion = -1;
    }
    m_changePoll->start();
    if (const QString warning = networkFileSystemWarning(m_store->path()); !warning.isEmpty()) {
        statusBar()->showMessage(tr("Warning: this project is on a network file system."));
        auto *box = new QMessageBox(QMessageBox::Warning, tr("Project on a Network File System"), warning,
                                    QMessageBox::Ok, this);
        box->setAttribute(Qt::WA_DeleteOnClose);
        box->open(); // window-modal, does not block the event loop
    }
}

void MainWindow::pollProjectChanges()
{
    if (!m_store)
        return;
    qint64 version = 0;
    try {
        version = m_store->dataVersion();
    } catch (const std::exception &) {
        return; // the next tick tries again
    }
    if (version != m_dataVersion) {
        m_dataVersion = version;
        refreshAfterExternalChange();
    } else if (auto *view = qobject_cast<ProjectView *>(m_tabs->currentWidget());
               view && m_staleViews.contains(view) && m_sinceViewRefresh.elapsed() >= kViewRefreshMs) {
        // A change the tab in view was spared (see below) catches up now.
        m_staleViews.remove(view);
        m_sinceViewRefresh.restart();
        view->setProject(m_store.get());
    }
}

void MainWindow::refreshAfterExternalChange()
{
    m_model->refresh(); // no reset: the table keeps its selection and scroll position
    try {
        m_totalRows = m_model->filter() == InstanceFilter() ? m_model->rowCount() : m_store->countInstances({});
    } catch (const std::exception &) {
    }
    updateCount();
    if (const qint64 shown = m_detail->instanceId(); shown > 0)
        m_detail->showInstance(shown); // new labels of the instance in the pane
    // The tab in view reloads now (each keeps its selection, the Label tab its session and
    // form), at most every kViewRefreshMs: a job committing every second (a judge, the
    // search index) must not keep the Label tab reloading its queue. The others reload
    // when they are next shown.
    const bool now = !m_sinceViewRefresh.isValid() || m_sinceViewRefresh.elapsed() >= kViewRefreshMs;
    for (ProjectView *view : m_views) {
        if (view == m_tabs->currentWidget() && now) {
            m_staleViews.remove(view);
            view->setProject(m_store.get());
        } else {
            m_staleViews.insert(view);
        }
    }
    if (now)
        m_sinceViewRefresh.restart();
    ++m_externalRefreshes;
    Q_EMIT projectChangedElsewhere();
}

} // namespace hyper
