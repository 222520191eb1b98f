// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QDialog>

#include <atomic>
#include <memory>
#include <vector>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QTableWidget;

namespace hyper {

class LmSelectionBox;
class ProjectStore;
class TaskController;

/**
 * LM > Judge… and LM > Tag…: runs lm::runJudgeJob or lm::runTagJob (core/lm/lmjob.h) on
 * a worker thread. Chooses the saved endpoint (Endpoints… edits them), for a judge job
 * the judge's name, the template (built-in or a template file) and both orders; the
 * instances: those selected on the Dataset tab, those routed to the LM, those not yet
 * labelled by this judge (tag: missing a tag), or every train instance; and a limit.
 * While the job runs: a progress bar and a line with done / cached / failed / remaining,
 * requests, tokens, estimated cost and seconds; Pause/Resume and Cancel. Each result is
 * committed by the job as it arrives, so Cancel keeps them and Start again resumes (the
 * instances already labelled with the same question are skipped). jobEnded() tells the
 * window to reload the Dataset tab and the other tabs.
 *
 * Ownership: owns its widgets and controller; borrows the store (GUI thread; the job
 * opens its own). Thread affinity: the GUI thread.
 */
class LmJobDialog : public QDialog
{
    Q_OBJECT

public:
    enum class Kind { Judge, Tag };

    LmJobDialog(Kind kind, ProjectStore &store, std::vector<qint64> selectedIds, QWidget *parent = nullptr);
    ~LmJobDialog() override;

    void setLimit(int limit);
    void setBothOrders(bool both);
    /** Chooses the saved endpoint by name; false when there is none. */
    bool setEndpoint(const QString &name);
    void setJudgeName(const QString &name);

    /** Starts the job; false (and the message says why) when it cannot start. */
    bool start();
    void cancel();
    /** Pauses (no new request is sent) or resumes the running job. */
    void setPaused(bool paused);
    bool isPaused() const;

    TaskController *controller() const { return m_tasks; }
    QString message() const;
    QString progressText() const;
    /** Rows of the failed-items table (0 when it is hidden). */
    int failureRows() const;

Q_SIGNALS:
    /** After a job ended (finished, failed or canceled): the project's labels may have
     *  changed. */
    void jobEnded();

protected:
    void reject() override;

private:
    void reloadEndpoints();
    /** Lists the newest failed items of this kind (lm_failures); hidden when none. */
    void showFailures();
    void updateKeyNote();
    void setBusy(bool busy);
    void setMessage(const QString &text, bool error);
    void chooseTemplateFile();

    Kind m_kind;
    ProjectStore &m_store;
    TaskController *m_tasks = nullptr;
    std::shared_ptr<std::atomic<bool>> m_paused;

    QComboBox *m_endpoint = nullptr;
    QPushButton *m_editEndpoints = nullptr;
    QPushButton *m_templateFile = nullptr;
    QLabel *m_keyNote = nullptr;
    QLineEdit *m_judgeName = nullptr;
    QComboBox *m_template = nullptr;
    QCheckBox *m_bothOrders = nullptr;
    QCheckBox *m_overwrite = nullptr;
    LmSelectionBox *m_selection = nullptr;
    QProgressBar *m_progress = nullptr;
    QLabel *m_counts = nullptr;
    QLabel *m_failuresTitle = nullptr;
    QTableWidget *m_failures = nullptr;
    QLabel *m_message = nullptr;
    QPushButton *m_start = nullptr;
    QPushButton *m_pause = nullptr;
    QPushButton *m_cancel = nullptr;
    QPushButton *m_close = nullptr;
};

} // namespace hyper
