// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/io/importer.h"
#include "core/storage/projectstore.h"

#include <QMainWindow>
#include <QElapsedTimer>
#include <QSet>
#include <memory>
#include <vector>

class QLabel;
class QMenu;
class QSplitter;
class QStackedWidget;
class QTableView;
class QThread;
class QTimer;
class QToolBar;
class QTabWidget;

namespace hyper {

class FilterBar;
class ProjectView;
class ImportController;
class InstanceDetailView;
class InstanceTableModel;
class JobStatusWidget;
class LmJobDialog;
class StartPage;
class WelcomeBanner;
class WalCheckpointer;

/**
 * The dataset browser: a filter bar and a lazy instance table on top, the detail pane
 * of the current instance below; File menu with New/Open/Import/Recent/Quit. Imports
 * and search-index updates run on ImportController's thread.
 *
 * Ownership: owns the open ProjectStore (used on the GUI thread only; background jobs
 * open their own) and every child. Thread affinity: the GUI thread.
 */
class MainWindow : public QMainWindow
{
    Q_OBJECT

public:
    explicit MainWindow(QWidget *parent = nullptr);
    ~MainWindow() override;

    /** Opens (or creates, per mode) a project and shows it. On failure the current
     *  project stays open and *error says why. */
    bool openProject(const QString &path, ProjectStore::Mode mode = ProjectStore::Mode::OpenExisting,
        QString *error = nullptr);
    QString projectPath() const;
    ProjectStore *store() const { return m_store.get(); }
    /** Whether the open file is an annotator pack (the lead's tabs are hidden). */
    bool isPack() const { return m_isPack; }
    /** File > Annotator Packs…: the export and merge dialog on the open project. */
    void packsDialog();
    /** Makes the tab with this title (case-insensitive: "Dataset", "PPM", "Routing", ...)
     *  current; false when there is none. */
    bool showTab(const QString &title);
    /** Ctrl+Tab / Ctrl+Shift+Tab: the next or previous visible tab, round the end. */
    void stepTab(int delta);

    /** The welcome line above the dataset table (the first start, on the sample project). */
    void showWelcome();

    /** Whether the window remembers its session in the settings: restores geometry (fit to
     *  the screen), split and current tab now, records opened projects as recent, saves
     *  them on close. Off by
     *  default, so tests and headless runs (--screenshot) leave the settings alone. */
    void setSessionPersistent(bool persistent);
    /** Shrinks the window to the free area of its screen when it is larger (a laptop). */
    void fitToScreen();

    /** Starts importing into the open project, off the GUI thread. */
    void startImport(const ImportParams &params);

    /** Polls PRAGMA data_version every kChangePollMs while a project is open. */
    static constexpr int kChangePollMs = 1000;
    /** The tab in view reloads for others' changes at most this often. */
    static constexpr int kViewRefreshMs = 5000;
    /** Refreshes after data changed elsewhere so far (for tests). */
    int externalRefreshes() const { return m_externalRefreshes; }

    QTableView *instanceView() const { return m_view; }
    InstanceTableModel *instanceModel() const { return m_model; }
    InstanceDetailView *detailView() const { return m_detail; }
    FilterBar *filterBar() const { return m_filterBar; }
    ImportController *jobs() const { return m_jobs; }

    /** Makes row current and selected (fills the detail pane). */
    void selectRow(int row);
    /** The ids of the instances selected in the dataset table, ascending. */
    std::vector<qint64> selectedInstanceIds() const;
    /** LM > Judge… (judge) or LM > Tag…: a new job dialog on the open project and the
     *  selection, deleted on close; when its job ends the table and the tabs reload.
     *  Null when no project is open (ui/lmactions.cpp). */
    LmJobDialog *createLmJobDialog(bool judge);

public Q_SLOTS:
    void newProjectDialog();
    void openProjectDialog();
    void importDialog();
    void reload();
    /** Filters the dataset table to instances carrying all these features and shows it. */
    void showInstances(const QStringList &features);

Q_SIGNALS:
    /** After the window refreshed for data another connection committed (another
     *  program, or a background job of this one). */
    void projectChangedElsewhere();
    /** After an import committed and the table reloaded. */
    void importDone(const hyper::ImportResult &result);
    /** After an import failed or was canceled; message is empty for a cancel. */
    void importAborted(const QString &message);

protected:
    void closeEvent(QCloseEvent *event) override;

private:
    void createActions();
    void createStatusBar();
    void fillRecentMenu();
    void updateTitle();
    void updateCount();
    void startIndexing();
    void afterModelReset();
    /** Sizes the Id, Source and Category columns to the texts of the first rows. */
    void fitTextColumns();
    void onCurrentRowChanged(int row);
    void onImportFinished(const ImportResult &result);
    void onImportFailed(const QString &message);
    void verifyIntegrityInBackground(const QString &path);
    /** The LM menu: Endpoints…, Judge…, Tag… (ui/lmactions.cpp). */
    void createLmMenu();
    /** Creates the tabs after "Dataset" (ui/projectviews.cpp). */
    void createProjectViews();
    void addProjectView(ProjectView *view);
    void setProjectOnViews();
    void closeProject();
    /** Annotator packs (ui/packactions.cpp): File > Annotator Packs…, and a pack opened
     *  straight into its annotator's Label session with the lead's tabs hidden. */
    void createPackActions(QMenu *file);
    void applyPackMode();
    /** Several programs on one project (ui/projectwatch.cpp). */
    void createProjectWatch();
    void watchProject();
    void pollProjectChanges();
    void refreshAfterExternalChange();

    std::unique_ptr<ProjectStore> m_store;
    std::unique_ptr<WalCheckpointer> m_checkpointer;
    QTimer *m_changePoll = nullptr;
    qint64 m_dataVersion = -1;
    QElapsedTimer m_sinceViewRefresh;
    QSet<ProjectView *> m_staleViews;
    int m_externalRefreshes = 0;
    /** The integrity check of the open project, on its own connection and thread. */
    QThread *m_integrityThread = nullptr;
    QTabWidget *m_tabs = nullptr;
    QAction *m_exportAction = nullptr;
    QAction *m_packsAction = nullptr;
    QLabel *m_packBanner = nullptr;
    QToolBar *m_packBar = nullptr;
    bool m_isPack = false;
    std::vector<ProjectView *> m_views;
    InstanceTableModel *m_model = nullptr;
    QTableView *m_view = nullptr;
    FilterBar *m_filterBar = nullptr;
    InstanceDetailView *m_detail = nullptr;
    QSplitter *m_splitter = nullptr;
    ImportController *m_jobs = nullptr;
    JobStatusWidget *m_jobStatus = nullptr;
    QLabel *m_countLabel = nullptr;
    QMenu *m_recentMenu = nullptr;
    QAction *m_importAction = nullptr;
    qint64 m_totalRows = 0;
    QString m_importFile; // the file of the running import, for messages
    bool m_persistent = false;
    QStackedWidget *m_datasetStack = nullptr; // the browser, or the start page when empty
    StartPage *m_startPage = nullptr;
    WelcomeBanner *m_welcome = nullptr;
    bool m_fitColumns = false;     // size the text columns at the next reset with rows
    bool m_settingProject = false; // views are loading a project: their messages wait for their tab
};

} // namespace hyper
