// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/domain/types.h"
#include "ui/projectview.h"
#include "ui/taskcontroller.h"

#include <optional>

class QComboBox;
class QHBoxLayout;
class QLabel;
class QPushButton;

namespace hyper {

/**
 * The base of the report tabs (Agreement, Calibration): a report computed from the
 * project's labels on a worker thread, for the instances chosen on top. It owns
 * - the top bar: "Instances:" (train, eval, all), the subclass's own controls
 *   (addTopWidget), Refresh and the summary line;
 * - the TaskController and its TaskStatus (failures in the summary, in red);
 * - the life cycle: a new project cancels the running job and drops the report
 *   (clearReport, then showReport for the empty state); the report is computed when the
 *   tab is shown while stale, on Refresh and when the choice of instances changes.
 * A subclass builds its body (setBody) and says how to compute (startReport), drop
 * (clearReport) and show (showReport) its report.
 *
 * Ownership: owns the top bar's widgets and the controller; borrows the store.
 * Thread affinity: the GUI thread.
 */
class ReportView : public ProjectView
{
    Q_OBJECT

public:
    ReportView(const QString &threadName, QWidget *parent = nullptr);
    ~ReportView() override;

    void setProject(ProjectStore *store) final;
    /** Recomputes the report for the chosen instances (nothing while a job runs). */
    void refresh();
    TaskController *controller() const { return m_tasks; }

protected:
    void showEvent(QShowEvent *event) override;

    /** Adds a control to the top bar, after the instance chooser. */
    void addTopWidget(QWidget *widget);
    /** The tab's content under the top bar. */
    void setBody(QWidget *body);

    /** Starts the report's job on tasks() (and any job of the subclass's own). */
    virtual void startReport(const QString &projectPath, const std::optional<Split> &split) = 0;
    /** The project changed: drop the report (and cancel the subclass's own jobs). */
    virtual void clearReport() = 0;
    /** Shows the report, or the empty state without one. */
    virtual void showReport() = 0;

    /** Starts a job of the report on `tasks` (tasks(), or a controller of the subclass's
     *  own) for the project at projectPath. Its result reaches `accept` only while that
     *  project is still the open one: a job may end after another project was opened, and
     *  the report is then computed again. False when `tasks` is busy. */
    bool startFor(TaskController *tasks, const QString &projectPath, const QString &what,
                  TaskController::Work work, std::function<void(std::any &)> accept);

    ProjectStore *store() const { return m_store; }
    TaskController *tasks() const { return m_tasks; }
    QLabel *summary() const { return m_summary; }

private:
    ProjectStore *m_store = nullptr;
    TaskController *m_tasks;
    bool m_stale = true;
    QComboBox *m_split = nullptr;
    QPushButton *m_refresh = nullptr;
    QLabel *m_summary = nullptr;
    QHBoxLayout *m_top = nullptr;
};

} // namespace hyper
