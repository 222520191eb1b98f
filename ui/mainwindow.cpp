// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/mainwindow.h"

#include "ui/projectview.h"

#include "core/storage/walcheckpointer.h"

#include "ui/elidedelegate.h"
#include "ui/exportdialog.h"
#include "ui/filterbar.h"
#include "ui/importcontroller.h"
#include "ui/importdialog.h"
#include "ui/instancedetailview.h"
#include "ui/instancetablemodel.h"
#include "ui/jobstatuswidget.h"
#include "ui/settings.h"
#include "ui/startpage.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QHeaderView>
#include <QGuiApplication>
#include <QScreen>
#include <QKeyEvent>
#include <QTimer>
#include <QLabel>
#include <QLocale>
#include <QMenuBar>
#include <QMessageBox>
#include <QSplitter>
#include <QStackedWidget>
#include <QStatusBar>
#include <QTabWidget>
#include <QTableView>
#include <QPointer>
#include <QScopedValueRollback>
#include <QThread>
#include <QToolBar>
#include <QVBoxLayout>

// hyper_ui is a static library: its resources must be registered by name, or the
// linker drops them. Q_INIT_RESOURCE must be used outside any namespace.
static void initHyperResources()
{
    Q_INIT_RESOURCE(hyper);
}

namespace hyper {

namespace {
constexpr int kStatusMs = 10000;
}

MainWindow::MainWindow(QWidget *parent)
    : QMainWindow(parent)
{
    initHyperResources();
    setWindowIcon(QIcon(QStringLiteral(":/icons/hyper.svg")));
    m_model = new InstanceTableModel(this);
    m_filterBar = new FilterBar(this);

    m_view = new QTableView(this);
    m_view->setModel(m_model);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_view->setAlternatingRowColors(true);
    m_view->setWordWrap(false);
    m_view->setTextElideMode(Qt::ElideRight);
    m_view->setShowGrid(false);
    m_view->setCornerButtonEnabled(false);
    // Fixed row heights and fixed column widths: nothing may size itself to contents,
    // which would fetch every page of a 100k-row project.
    m_view->verticalHeader()->hide();
    m_view->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_view->verticalHeader()->setDefaultSectionSize(m_view->fontMetrics().height() + 8);
    QHeaderView *header = m_view->horizontalHeader();
    header->setSectionResizeMode(QHeaderView::Interactive);
    header->setHighlightSections(false);
    const int em = m_view->fontMetrics().horizontalAdvance(QLatin1Char('M'));
    const int widths[] = { 10, 4, 10, 8, 0, 5, 4, 9, 8, 5 };
    for (int c = 0; c < InstanceTableModel::ColumnCount; ++c) {
        if (widths[c] > 0)
            header->resizeSection(c, std::max(widths[c] * em, header->sectionSizeHint(c)));
    }
    header->setSectionResizeMode(InstanceTableModel::PromptColumn, QHeaderView::Stretch);
    auto *middle = new ElideDelegate(Qt::ElideMiddle, m_view);
    for (int c : { InstanceTableModel::IdColumn, InstanceTableModel::SourceColumn,
             InstanceTableModel::CategoryColumn })
        m_view->setItemDelegateForColumn(c, middle);

    m_detail = new InstanceDetailView(this);

    m_splitter = new QSplitter(Qt::Vertical, this);
    m_splitter->addWidget(m_view);
    m_splitter->addWidget(m_detail);
    m_splitter->setStretchFactor(0, 2);
    m_splitter->setStretchFactor(1, 5);
    m_splitter->setChildrenCollapsible(false);
    m_splitter->setSizes({ 300, 560 });

    m_welcome = new WelcomeBanner(this);
    m_welcome->hide();
    auto *browser = new QWidget(this);
    auto *layout = new QVBoxLayout(browser);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(2);
    layout->addWidget(m_welcome);
    layout->addWidget(m_filterBar);
    layout->addWidget(m_splitter, 1);
    // An empty project (or none) shows what to do next instead of an empty table.
    m_startPage = new StartPage(this);
    connect(m_startPage, &StartPage::importRequested, this, &MainWindow::importDialog);
    connect(m_startPage, &StartPage::newProjectRequested, this, &MainWindow::newProjectDialog);
    connect(m_startPage, &StartPage::openProjectRequested, this, &MainWindow::openProjectDialog);
    m_datasetStack = new QStackedWidget(this);
    m_datasetStack->addWidget(browser);
    m_datasetStack->addWidget(m_startPage);
    m_tabs = new QTabWidget(this);
    m_tabs->setDocumentMode(true);
    m_tabs->addTab(m_datasetStack, tr("Dataset"));
    // A line above the tabs says when the file is an annotator pack (applyPackMode).
    m_packBanner = new QLabel(this);
    m_packBanner->setObjectName(QStringLiteral("packBanner"));
    m_packBanner->setMargin(6);
    m_packBanner->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
    m_packBanner->setMinimumWidth(1); // one line; a narrow window cuts it, the tooltip has it all
    m_packBanner->setStyleSheet(QStringLiteral("background: #fff4cc; color: #3d3200;"));
    m_packBar = new QToolBar(tr("Annotator Pack"), this);
    m_packBar->setObjectName(QStringLiteral("packBar"));
    m_packBar->setMovable(false);
    m_packBar->setFloatable(false);
    m_packBar->toggleViewAction()->setVisible(false);
    m_packBar->addWidget(m_packBanner);
    m_packBar->hide();
    addToolBar(Qt::TopToolBarArea, m_packBar);
    setCentralWidget(m_tabs);

    m_jobs = new ImportController(this);
    createProjectViews();
    createProjectWatch();
    createActions();
    createStatusBar();

    connect(m_filterBar, &FilterBar::filterChanged, m_model, &InstanceTableModel::setFilter);
    connect(m_model, &QAbstractItemModel::modelReset, this, &MainWindow::afterModelReset);
    connect(m_model, &InstanceTableModel::loadFailed, this,
        [this](const QString &message) { statusBar()->showMessage(message, kStatusMs); });
    connect(m_filterBar, &FilterBar::searchInvalid, this,
        [this](const QString &message) { statusBar()->showMessage(message, kStatusMs); });
    connect(m_view->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
        [this](const QModelIndex &current) { onCurrentRowChanged(current.isValid() ? current.row() : -1); });

    connect(m_jobs, &ImportController::progress, m_jobStatus, &JobStatusWidget::setProgress);
    connect(m_jobs, &ImportController::started, this, [this](ImportController::Job job) {
        if (job == ImportController::Job::Import)
            m_jobStatus->begin(tr("Importing %1").arg(QFileInfo(m_importFile).fileName()));
        else
            m_jobStatus->begin(tr("Indexing…"));
    });
    connect(m_jobs, &ImportController::idle, m_jobStatus, &JobStatusWidget::end);
    connect(
        m_jobs, &ImportController::idle, this, [this] { m_importAction->setEnabled(m_store != nullptr); });
    connect(m_jobs, &ImportController::importFinished, this, &MainWindow::onImportFinished);
    connect(m_jobs, &ImportController::importFailed, this, &MainWindow::onImportFailed);
    connect(m_jobs, &ImportController::importCanceled, this, [this] {
        statusBar()->showMessage(tr("Import canceled; nothing was written."), kStatusMs);
        Q_EMIT importAborted(QString());
    });
    connect(m_jobs, &ImportController::indexingFinished, this, [this](bool complete) {
        if (complete)
            statusBar()->showMessage(tr("Search index ready."), kStatusMs);
    });
    connect(m_jobs, &ImportController::indexingFailed, this, [this](const QString &message) {
        statusBar()->showMessage(tr("Indexing failed: %1").arg(message), kStatusMs);
    });

    resize(1400, 900);
    updateTitle();
    updateCount();
}

MainWindow::~MainWindow()
{
    // Stop background jobs before the views and the store go away.
    if (m_integrityThread)
        m_integrityThread->wait();
    delete m_jobs;
    m_jobs = nullptr;
    for (ProjectView *view : m_views)
        view->setProject(nullptr);
    m_model->setStore(nullptr);
    m_detail->setStore(nullptr);
}

void MainWindow::setSessionPersistent(bool persistent)
{
    m_persistent = persistent;
    if (!persistent)
        return;
    if (const QByteArray geometry = settings::mainWindowGeometry.value(); !geometry.isEmpty())
        restoreGeometry(geometry);
    fitToScreen();
    if (const QByteArray state = settings::browserSplitterState.value(); !state.isEmpty())
        m_splitter->restoreState(state);
    if (const QString tab = settings::currentTab.value(); !tab.isEmpty())
        showTab(tab);
    if (m_store)
        settings::addRecentProject(m_store->path());
}

void MainWindow::fitToScreen()
{
    // The default 1400 x 900 (or a size saved on a bigger monitor) must not run off a
    // 1366 x 768 or 1280 x 720 laptop screen: shrink to the screen's free area, centred.
    const QScreen *screen = QGuiApplication::screenAt(geometry().center());
    if (!screen)
        screen = QGuiApplication::primaryScreen();
    if (!screen)
        return;
    const QRect free = screen->availableGeometry();
    const QSize frameExtra = frameGeometry().size() - geometry().size(); // title bar, borders (once shown)
    const QSize room(free.width() - frameExtra.width(), free.height() - std::max(frameExtra.height(), 30));
    if (width() <= room.width() && height() <= room.height())
        return;
    resize(std::min(width(), room.width()), std::min(height(), room.height()));
    move(free.center() - QPoint(width() / 2, height() / 2));
}

void MainWindow::createActions()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    QAction *newAction = file->addAction(tr("&New Project…"), this, &MainWindow::newProjectDialog);
    newAction->setShortcut(QKeySequence::New);
    QAction *openAction = file->addAction(tr("&Open Project…"), this, &MainWindow::openProjectDialog);
    openAction->setShortcut(QKeySequence::Open);
    m_recentMenu = file->addMenu(tr("Recent &Projects"));
    connect(m_recentMenu, &QMenu::aboutToShow, this, &MainWindow::fillRecentMenu);
    file->addSeparator();
    m_importAction = file->addAction(
        QIcon(QStringLiteral(":/icons/import.svg")), tr("&Import…"), this, &MainWindow::importDialog);
    m_importAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_I));
    m_importAction->setEnabled(false);
    file->addSeparator();
    m_exportAction = file->addAction(tr("&Export Mix…"), this, [this] {
        if (!m_store)
            return;
        ExportDialog dialog(*m_store, this);
        dialog.exec();
    });
    m_exportAction->setEnabled(false);
    createPackActions(file);
    file->addSeparator();
    QAction *quit = file->addAction(tr("&Quit"), qApp, &QApplication::closeAllWindows);
    quit->setShortcut(QKeySequence::Quit);
    quit->setMenuRole(QAction::QuitRole);

    QList<QAction *> editActions;
    for (ProjectView *v : m_views)
        editActions += v->editActions();
    if (!editActions.isEmpty()) {
        QMenu *edit = menuBar()->addMenu(tr("&Edit"));
        edit->addActions(editActions);
    }

    QMenu *view = menuBar()->addMenu(tr("&View"));
    QAction *find = view->addAction(tr("&Search"), m_filterBar, &FilterBar::focusSearch);
    find->setShortcut(QKeySequence::Find);
    QAction *clear = view->addAction(tr("&Clear Filters"), m_filterBar, &FilterBar::clear);
    clear->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_L));
    QAction *reloadAction = view->addAction(tr("&Reload"), this, &MainWindow::reload);
    reloadAction->setShortcut(QKeySequence::Refresh);
    QAction *focusTable = view->addAction(tr("Focus &Table"), this, [this] { m_view->setFocus(); });
    focusTable->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_T));
    // Tabs by keyboard from anywhere in the window (a table keeps Ctrl+Tab to itself).
    view->addSeparator();
    QAction *nextTab = view->addAction(tr("&Next Tab"), this, [this] { stepTab(1); });
    nextTab->setShortcuts({QKeySequence(Qt::CTRL | Qt::Key_Tab), QKeySequence(Qt::CTRL | Qt::Key_PageDown)});
    QAction *previousTab = view->addAction(tr("&Previous Tab"), this, [this] { stepTab(-1); });
    previousTab->setShortcuts({QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_Tab), QKeySequence(Qt::CTRL | Qt::Key_Backtab),
                               QKeySequence(Qt::CTRL | Qt::Key_PageUp)});
    for (QAction *a : {nextTab, previousTab})
        a->setShortcutContext(Qt::WindowShortcut);

    createLmMenu();

    // Esc in an open menu leaves the menu bar in keyboard mode, holding the focus: the
    // Label tab's 1-5 and Enter would go to it. Once no menu is open any more, the focus
    // goes back to where it was.
    for (QAction *a : menuBar()->actions())
        if (QMenu *menu = a->menu())
            connect(menu, &QMenu::aboutToHide, this, [this] {
                QTimer::singleShot(0, this, [this] {
                    if (QApplication::activePopupWidget() || !menuBar()->hasFocus())
                        return;
                    QKeyEvent escape(QEvent::KeyPress, Qt::Key_Escape, Qt::NoModifier);
                    QApplication::sendEvent(menuBar(), &escape); // leaves keyboard mode, restores the focus
                });
            });
}

void MainWindow::createStatusBar()
{
    m_countLabel = new QLabel(this);
    m_jobStatus = new JobStatusWidget(this);
    statusBar()->addPermanentWidget(m_jobStatus);
    statusBar()->addPermanentWidget(m_countLabel);
    connect(m_jobStatus, &JobStatusWidget::cancelRequested, m_jobs, &ImportController::cancel);
}

bool MainWindow::openProject(const QString &path, ProjectStore::Mode mode, QString *error)
{
    std::unique_ptr<ProjectStore> store;
    try {
        // An existing project's integrity check reads the whole file (about a second at
        // 100k pairs): it runs on a worker so that the first rows paint at once.
        store = std::make_unique<ProjectStore>(path, mode, /*checkIntegrity=*/mode == ProjectStore::Mode::CreateNew);
    } catch (const std::exception &e) {
        if (error)
            *error = QString::fromUtf8(e.what());
        return false;
    }
    // Jobs of the previous project: cancel them (a canceled import writes nothing).
    m_jobs->cancel();
    {
        const QScopedValueRollback loading(m_settingProject, true);
        for (ProjectView *view : m_views)
            view->setProject(nullptr);
    }
    m_model->setStore(nullptr);
    m_detail->setStore(nullptr);
    m_store = std::move(store);
    m_detail->setStore(m_store.get());
    try {
        m_filterBar->setSources(m_store->sources());
    } catch (const std::exception &e) {
        statusBar()->showMessage(QString::fromUtf8(e.what()), kStatusMs);
    }
    m_fitColumns = true;
    m_model->setStore(m_store.get());
    setProjectOnViews();
    watchProject();
    if (mode != ProjectStore::Mode::CreateNew)
        verifyIntegrityInBackground(m_store->path());
    m_importAction->setEnabled(!m_jobs->isBusy());
    m_exportAction->setEnabled(true);
    if (m_persistent)
        settings::addRecentProject(m_store->path());
    updateTitle();
    try {
        if (!m_store->searchIndexReady())
            startIndexing();
    } catch (const std::exception &e) {
        statusBar()->showMessage(QString::fromUtf8(e.what()), kStatusMs);
    }
    applyPackMode();
    return true;
}

void MainWindow::verifyIntegrityInBackground(const QString &path)
{
    if (m_integrityThread)
        m_integrityThread->wait(); // a previous project's check: short, and it must not outlive us
    QPointer<MainWindow> self(this);
    m_integrityThread = QThread::create([self, path] {
        QString problem;
        try {
            ProjectStore check(path, ProjectStore::Mode::OpenExisting, /*checkIntegrity=*/true);
        } catch (const std::exception &e) {
            problem = QString::fromUtf8(e.what());
        }
        if (problem.isEmpty() || !self)
            return;
        QMetaObject::invokeMethod(self, [self, path, problem] {
            if (!self || self->projectPath() != path)
                return;
            self->closeProject();
            QMessageBox::critical(self, tr("Damaged project"),
                                  tr("%1\n\nThe project was closed so that nothing more is written to it.").arg(problem));
        }, Qt::QueuedConnection);
    });
    connect(m_integrityThread, &QThread::finished, m_integrityThread, &QObject::deleteLater);
    connect(m_integrityThread, &QObject::destroyed, this, [this](QObject *o) {
        if (m_integrityThread == o)
            m_integrityThread = nullptr;
    });
    m_integrityThread->start(QThread::LowPriority);
}

void MainWindow::stepTab(int delta)
{
    const int n = m_tabs->count();
    for (int i = 1; i < n; ++i) { // hidden tabs (an annotator pack's) are passed over
        const int at = ((m_tabs->currentIndex() + delta * i) % n + n) % n;
        if (m_tabs->isTabVisible(at)) {
            m_tabs->setCurrentIndex(at);
            return;
        }
    }
}

bool MainWindow::showTab(const QString &title)
{
    for (int i = 0; i < m_tabs->count(); ++i)
        if (m_tabs->tabText(i).compare(title, Qt::CaseInsensitive) == 0) {
            m_tabs->setCurrentIndex(i);
            return true;
        }
    return false;
}

void MainWindow::addProjectView(ProjectView *view)
{
    m_views.push_back(view);
    m_tabs->addTab(view, view->title());
    connect(view, &ProjectView::statusMessage, this, [this, view](const QString &message) {
        // What a tab says while it loads a project is for that tab: shown only when it is
        // the current one ("No PPM yet" belongs to Routing, not to Dataset).
        if (m_settingProject && m_tabs->currentWidget() != view)
            return;
        statusBar()->showMessage(message, kStatusMs);
    });
    connect(view, &ProjectView::showInstances, this, &MainWindow::showInstances);
    connect(view, &ProjectView::projectDataChanged, this, [this, view] {
        if (!m_store)
            return;
        m_model->reload();
        const QScopedValueRollback loading(m_settingProject, true);
        for (ProjectView *other : m_views)
            if (other != view)
                other->setProject(m_store.get());
    });
}

void MainWindow::setProjectOnViews()
{
    const QScopedValueRollback loading(m_settingProject, true);
    for (ProjectView *view : m_views)
        view->setProject(m_store.get());
}

void MainWindow::closeProject()
{
    m_jobs->cancel();
    m_model->setStore(nullptr);
    m_detail->setStore(nullptr);
    m_store.reset();
    watchProject();
    setProjectOnViews();
    applyPackMode();
    m_importAction->setEnabled(false);
    m_exportAction->setEnabled(false);
    updateTitle();
    updateCount();
}

QString MainWindow::projectPath() const
{
    return m_store ? m_store->path() : QString();
}

void MainWindow::newProjectDialog()
{
    QString path
        = QFileDialog::getSaveFileName(this, tr("New Project"), QString(), tr("HyPER projects (*.hyper)"));
    if (path.isEmpty())
        return;
    if (!path.endsWith(QStringLiteral(".hyper")))
        path += QStringLiteral(".hyper");
    // The file dialog has already asked whether to overwrite an existing file.
    // With its -wal and -shm: a stale WAL beside a new file would be replayed into it.
    ProjectStore::removeFiles(path);
    if (QFileInfo::exists(path)) {
        QMessageBox::warning(this, tr("New Project"), tr("Cannot replace %1.").arg(path));
        return;
    }
    QString error;
    if (!openProject(path, ProjectStore::Mode::CreateNew, &error))
        QMessageBox::warning(this, tr("New Project"), error);
}

void MainWindow::openProjectDialog()
{
    const QString path = QFileDialog::getOpenFileName(this, tr("Open Project"),
        QFileInfo(projectPath()).absolutePath(), tr("HyPER projects and annotator packs (*.hyper *.hyperpack);;All files (*)"));
    if (path.isEmpty())
        return;
    QString error;
    if (!openProject(path, ProjectStore::Mode::OpenExisting, &error))
        QMessageBox::warning(this, tr("Open Project"), error);
}

void MainWindow::fillRecentMenu()
{
    m_recentMenu->clear();
    const QStringList recent = settings::recentProjects.value();
    for (const QString &path : recent) {
        QAction *a = m_recentMenu->addAction(QFileInfo(path).fileName(), this, [this, path] {
            QString error;
            if (!openProject(path, ProjectStore::Mode::OpenExisting, &error)) {
                settings::removeRecentProject(path);
                QMessageBox::warning(this, tr("Open Project"), error);
            }
        });
        a->setToolTip(path);
        a->setStatusTip(path);
    }
    if (recent.isEmpty())
        m_recentMenu->addAction(tr("(none)"))->setEnabled(false);
    m_recentMenu->addSeparator();
    m_recentMenu->addAction(tr("Clear List"), this, [] { settings::recentProjects.reset(); });
}

void MainWindow::importDialog()
{
    if (!m_store)
        return;
    ImportDialog dialog(this);
    if (dialog.exec() == QDialog::Accepted)
        startImport(dialog.params());
}

void MainWindow::startImport(const ImportParams &params)
{
    if (!m_store)
        return;
    if (m_jobs->currentJob() == ImportController::Job::Import) {
        statusBar()->showMessage(tr("An import is already running."), kStatusMs);
        return;
    }
    // A running index update would hold the write lock; it resumes after the import.
    m_jobs->cancel();
    m_importFile = params.file;
    m_importAction->setEnabled(false);
    m_jobs->startImport(m_store->path(), params);
}

void MainWindow::startIndexing()
{
    if (m_store)
        m_jobs->startIndexing(m_store->path());
}

void MainWindow::onImportFinished(const ImportResult &result)
{
    m_fitColumns = true;
    reload();
    QString message
        = tr("Imported %1 rows from %2 (%3) in %4 s.")
              .arg(QLocale().toString(result.imported), QFileInfo(m_importFile).fileName(), result.format)
              .arg(result.seconds, 0, 'f', 1);
    if (result.skipped > 0)
        message += QLatin1Char(' ')
            + tr("Skipped %1 bad rows (first: line %2: %3).")
                  .arg(result.skipped)
                  .arg(result.issues.empty() ? 0 : result.issues.front().line)
                  .arg(result.issues.empty() ? QString() : result.issues.front().message);
    statusBar()->showMessage(message, 2 * kStatusMs);
    startIndexing();
    Q_EMIT importDone(result);
}

void MainWindow::onImportFailed(const QString &message)
{
    statusBar()->showMessage(tr("Import failed; nothing was written."), kStatusMs);
    Q_EMIT importAborted(message);
    QMessageBox::warning(this, tr("Import Failed"), message);
}

void MainWindow::reload()
{
    if (m_store) {
        try {
            m_filterBar->setSources(m_store->sources());
        } catch (const std::exception &e) {
            statusBar()->showMessage(QString::fromUtf8(e.what()), kStatusMs);
        }
    }
    m_model->reload();
}

void MainWindow::showInstances(const QStringList &features)
{
    m_filterBar->setFeatures(features); // emits filterChanged: the model applies it
    m_tabs->setCurrentIndex(0);
}

void MainWindow::afterModelReset()
{
    m_totalRows = 0;
    if (m_store) {
        try {
            m_totalRows
                = m_model->filter() == InstanceFilter() ? m_model->rowCount() : m_store->countInstances({});
        } catch (const std::exception &) {
        }
    }
    updateCount();
    // Once per project and after an import: later resets (a filter, a search, another
    // tab's change) keep the widths the user may have set.
    if (m_fitColumns && m_model->rowCount() > 0) {
        m_fitColumns = false;
        fitTextColumns();
    }
    // Keep the instance in the pane when it is still among the first rows.
    const qint64 shown = m_detail->instanceId();
    int row = -1;
    if (shown > 0 && m_model->rowCount() > 0) {
        m_model->instanceId(0); // fetches the first page
        row = m_model->cachedRowOf(shown);
    }
    if (row >= 0)
        selectRow(row);
    else
        m_detail->showInstance(0);
}

void MainWindow::fitTextColumns()
{
    // Id, Source and Category as wide as their texts in the first rows (the first page,
    // already loaded), between the header's width and 24 em: an empty Category stays
    // narrow, an id like "sample-train-000001" is not cut in the middle.
    const int rows = std::min(m_model->rowCount(), InstanceTableModel::kPageSize);
    if (rows == 0)
        return;
    const QFontMetrics metrics = m_view->fontMetrics();
    const int em = metrics.horizontalAdvance(QLatin1Char('M'));
    QHeaderView *header = m_view->horizontalHeader();
    for (int c : {int(InstanceTableModel::IdColumn), int(InstanceTableModel::SourceColumn),
                  int(InstanceTableModel::CategoryColumn)}) {
        int width = header->sectionSizeHint(c);
        for (int r = 0; r < rows; ++r)
            width = std::max(width, metrics.horizontalAdvance(m_model->index(r, c).data().toString()) + em);
        header->resizeSection(c, std::min(width, 24 * em));
    }
}

void MainWindow::selectRow(int row)
{
    if (row < 0 || row >= m_model->rowCount())
        return;
    const QModelIndex index = m_model->index(row, InstanceTableModel::PromptColumn);
    m_view->selectionModel()->setCurrentIndex(
        index, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    m_view->scrollTo(index);
}

void MainWindow::onCurrentRowChanged(int row)
{
    m_detail->showInstance(row >= 0 ? m_model->instanceId(row) : 0);
}

void MainWindow::updateTitle()
{
    setWindowTitle(m_store ? tr("%1 – HyPER Workbench").arg(QFileInfo(m_store->path()).fileName())
                           : tr("HyPER Workbench"));
}

void MainWindow::showWelcome()
{
    m_welcome->show();
}

void MainWindow::updateCount()
{
    const QLocale locale;
    const int rows = m_model->rowCount();
    const bool empty = !m_store || m_totalRows == 0; // m_totalRows counts without the filter
    if (m_store)
        m_startPage->setProjectOpen(true, QFileInfo(m_store->path()).fileName());
    else
        m_startPage->setProjectOpen(false);
    m_datasetStack->setCurrentIndex(empty ? 1 : 0);
    if (!m_store)
        m_countLabel->setText(tr("No project"));
    else if (rows == m_totalRows)
        m_countLabel->setText(tr("%1 instances").arg(locale.toString(rows)));
    else
        m_countLabel->setText(
            tr("%1 of %2 instances").arg(locale.toString(rows), locale.toString(m_totalRows)));
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    if (m_jobs->currentJob() == ImportController::Job::Import) {
        const auto answer = QMessageBox::question(this, tr("Import Running"),
            tr("An import is running. Cancel it and quit? Nothing of it will be written."));
        if (answer != QMessageBox::Yes) {
            event->ignore();
            return;
        }
    }
    if (m_persistent) {
        settings::mainWindowGeometry.setValue(saveGeometry());
        settings::browserSplitterState.setValue(m_splitter->saveState());
        settings::currentTab.setValue(m_tabs->tabText(m_tabs->currentIndex()).remove(QLatin1Char('&')));
    }
    QMainWindow::closeEvent(event);
}

} // namespace hyper
