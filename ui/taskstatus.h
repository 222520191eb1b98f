// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QHash>
#include <QObject>
#include <QString>

class QLabel;
class QProgressBar;
class QPushButton;

namespace hyper {

class ProjectView;
class TaskController;

/**
 * Shows the jobs of one TaskController in a view, the same way in every tab (PPM,
 * Routing, Agreement, Calibration):
 * - the progress bar and the Cancel button are shown while a job runs and hidden when it
 *   ends, so that a finished job leaves no "0%" behind;
 * - progress messages go to the message label as "Job: message";
 * - a failure is said in red ("Fit failed: …"), a cancel in plain text; both go to the
 *   view's status-bar message too.
 * The bar and the button may be null (a tab that shows no progress).
 *
 * Thread affinity: the GUI thread; parented to the view.
 */
class TaskStatus : public QObject
{
    Q_OBJECT

public:
    TaskStatus(TaskController *tasks, ProjectView *view, QLabel *message, QProgressBar *bar = nullptr,
               QPushButton *cancel = nullptr);

    /** What the message label says after a cancel of the job named `job` (as passed to
     *  TaskController::start); other jobs say "JOB canceled.". */
    void setCanceledText(const QString &job, const QString &text) { m_canceledTexts.insert(job, text); }
    /** A message in the label (red when error) and in the status bar. */
    void say(const QString &text, bool error = false);

private:
    void setRunning(bool running);

    TaskController *m_tasks;
    ProjectView *m_view;
    QLabel *m_message;
    QProgressBar *m_bar;
    QPushButton *m_cancel;
    QHash<QString, QString> m_canceledTexts;
};

} // namespace hyper
