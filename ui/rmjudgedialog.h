// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "ui/jobdialog.h"

#include <vector>

class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QPushButton;

namespace hyper {

class LmSelectionBox;
class ProjectStore;

/**
 * LM ▸ "Judge with a reward model…" (docs/GUI.md): a saved reward model fills LM labels
 * as a named judge (core/mlbridge/rmscore.h runModelJudge). Choose the model file (its
 * summary shows: kind, mix, Overall, where it was trained), the judge name, the two cut
 * points of the score difference, and the instances; Start runs on a background thread
 * with progress and Cancel. Labels are committed in batches; a rerun skips what the same
 * model and cuts labelled.
 *
 * Ownership: a child dialog of MainWindow; the store belongs to MainWindow. Thread
 * affinity: the GUI thread; the job runs in its TaskController's thread.
 */
class RmJudgeDialog : public JobDialog
{
    Q_OBJECT

public:
    RmJudgeDialog(ProjectStore &store, std::vector<qint64> selectedIds, QWidget *parent = nullptr);
    /** Disconnects the model field first: its focus-out during the teardown of the
     *  children would call showSummary() on a dialog already half destroyed. */
    ~RmJudgeDialog() override;

    /** For tests and scripted use: what the dialog's controls set. */
    void setModelFile(const QString &path);
    void setJudgeName(const QString &name);
    void setLimit(int limit);
    void setCuts(double tie, double clear);

public Q_SLOTS:
    void start() override;

protected:
    void setInputsEnabled(bool enabled) override;

private:
    void chooseModel();
    void showSummary();

    ProjectStore &m_store;
    QLineEdit *m_model = nullptr;
    QPushButton *m_browse = nullptr;
    QLabel *m_summary = nullptr;
    QLineEdit *m_judgeName = nullptr;
    QDoubleSpinBox *m_tie = nullptr;
    QDoubleSpinBox *m_clear = nullptr;
    LmSelectionBox *m_selection = nullptr;
};

} // namespace hyper
