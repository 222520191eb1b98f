// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QDialog>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QTextBrowser;
class QPushButton;

namespace hyper {

class ProjectStore;
class TaskController;

/**
 * File > Export Mix…: the GUI face of `hyper export` (docs/EXPORT.md). Format (dpo, trl,
 * csv; trl conversational), which instances are human (the applied routes or a stored
 * plan), which LM label (the majority of the judges or one judge), expert weighting, the
 * dataset card, the output file. Preview runs the export into a temporary folder on a
 * worker thread and shows the first rows, the counts and the card; Export writes the
 * files (atomically: a failure leaves none) and reports the counts.
 *
 * Ownership: owns its widgets and controller; borrows the store (its path is used by the
 * worker's own store). Thread affinity: the GUI thread.
 */
class ExportDialog : public QDialog
{
    Q_OBJECT

public:
    ExportDialog(ProjectStore &store, QWidget *parent = nullptr);
    ~ExportDialog() override;

    void setOutputPath(const QString &path);
    /** Starts a preview (the first rows and the card). */
    void preview();
    /** Starts the export to the output path. */
    void exportNow();
    TaskController *controller() const { return m_tasks; }
    QString previewText() const;
    QString message() const;

private:
    void setBusy(bool busy);

    ProjectStore &m_store;
    TaskController *m_tasks = nullptr;
    QComboBox *m_format = nullptr;
    QCheckBox *m_conversational = nullptr;
    QComboBox *m_plan = nullptr;
    QComboBox *m_judge = nullptr;
    QCheckBox *m_expert = nullptr;
    QCheckBox *m_card = nullptr;
    QLineEdit *m_out = nullptr;
    QPushButton *m_browse = nullptr;
    QPushButton *m_preview = nullptr;
    QPushButton *m_export = nullptr;
    QTextBrowser *m_text = nullptr;
    QLabel *m_message = nullptr;
};

} // namespace hyper
