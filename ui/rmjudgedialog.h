#pragma once

#include <QDialog>
#include <vector>

class QButtonGroup;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QSpinBox;

namespace hyper {

class ProjectStore;
class TaskController;

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
class RmJudgeDialog : public QDialog
{
    Q_OBJECT

public:
    enum class Scope { Selected, RoutedLm, Unlabelled, All };

    RmJudgeDialog(ProjectStore &store, std::vector<qint64> selectedIds, QWidget *parent = nullptr);

    /** For tests and scripted use: what the dialog's controls set. */
    void setModelFile(const QString &path);
    void setJudgeName(const QString &name);
    void setScope(Scope scope);
    void setLimit(int limit);
    void setCuts(double tie, double clear);
    bool isRunning() const;

public Q_SLOTS:
    void start();
    void cancel();

Q_SIGNALS:
    /** After a run ends (labels may have been written). */
    void jobEnded();

protected:
    void reject() override;

private:
    void chooseModel();
    void showSummary();
    void setBusy(bool busy);
    void setMessage(const QString &text, bool error);

    ProjectStore &m_store;
    std::vector<qint64> m_selected;
    TaskController *m_tasks = nullptr;
    QLineEdit *m_model = nullptr;
    QPushButton *m_browse = nullptr;
    QLabel *m_summary = nullptr;
    QLineEdit *m_judgeName = nullptr;
    QDoubleSpinBox *m_tie = nullptr;
    QDoubleSpinBox *m_clear = nullptr;
    QButtonGroup *m_scope = nullptr;
    QSpinBox *m_limit = nullptr;
    QProgressBar *m_progress = nullptr;
    QLabel *m_message = nullptr;
    QPushButton *m_start = nullptr;
    QPushButton *m_cancel = nullptr;
    QPushButton *m_close = nullptr;
};

} // namespace hyper
