// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QDialog>
#include <vector>

class QComboBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;
class QSpinBox;
class QTabWidget;
class QTableWidget;

namespace hyper {

class ProjectStore;
class TaskController;

/**
 * File > Annotator Packs…: the lead's export of one pack file per annotator (names, kind,
 * overlap k, limit, folder, with a per-annotator preview of the assignment) and the merge
 * of returned packs (a list with annotator, labels, new and already merged, status). The
 * export and the merge run on a TaskController (their own connection, off the GUI
 * thread); each pack merges all or nothing (docs/TEAM.md).
 *
 * Ownership: borrows the store (the GUI thread's) for the previews. Thread affinity: GUI.
 */
class PacksDialog : public QDialog
{
    Q_OBJECT

public:
    enum Page { ExportPage, MergePage };
    explicit PacksDialog(ProjectStore &store, QWidget *parent = nullptr);
    ~PacksDialog() override;

    void showPage(Page page);
    /** Sets the export form (for tests and the Team view). */
    void setExportForm(const QStringList &annotators, int overlap, const QString &folder, int limit = 0);
    /** Adds pack files to the merge list and previews each. */
    void addPacks(const QStringList &files);
    /** Starts the export / merge; false when the form is incomplete or a job runs. */
    bool startExport();
    bool startMerge();
    bool isBusy() const;

Q_SIGNALS:
    /** After an export or a merge wrote to the project. */
    void projectChanged();
    /** After the export or merge job ended (written, failed or canceled). */
    void jobEnded();

private:
    QWidget *buildExportPage();
    QWidget *buildMergePage();
    void updatePreview();
    void setBusy(bool busy);

    ProjectStore &m_store;
    TaskController *m_tasks;
    QTabWidget *m_pages;
    QPlainTextEdit *m_names;
    QComboBox *m_kind;
    QSpinBox *m_overlap;
    QSpinBox *m_limit;
    QLineEdit *m_folder;
    QTableWidget *m_preview;
    QLabel *m_previewNote;
    QPushButton *m_export;
    QTableWidget *m_packs;
    QPushButton *m_merge;
    QProgressBar *m_progress;
    QLabel *m_message;
    std::vector<QString> m_files;
};

} // namespace hyper
