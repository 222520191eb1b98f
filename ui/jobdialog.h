// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QDialog>

class QDialogButtonBox;
class QLabel;
class QProgressBar;
class QPushButton;
class QVBoxLayout;

namespace hyper {

class TaskController;

/**
 * A dialog that runs one background job at a time (a TaskController): its progress bar,
 * message line and Start / Cancel job / Close buttons, the busy state that disables the
 * inputs while the job runs, and a Close that is refused while it runs (cancel first).
 * Subclasses build their form, call addJobControls() below it and say in
 * setInputsEnabled() which of their controls a running job disables.
 *
 * Ownership: a top-level dialog; the TaskController is its child. Thread affinity: the
 * GUI thread.
 */
class JobDialog : public QDialog
{
    Q_OBJECT

public:
    bool isRunning() const;
    /** The message line's text. */
    QString message() const;

public Q_SLOTS:
    virtual void start() = 0;
    void cancel();

Q_SIGNALS:
    /** After a run ends (whatever it wrote stays). */
    void jobEnded();

protected:
    /** taskName names the worker thread; runningRefusal is shown when Close is pressed
     *  while the job runs; canceledText when a cancel has stopped it. */
    JobDialog(const QString &taskName, QString runningRefusal, QString canceledText, QWidget *parent);

    /** Adds the progress bar (objectName progressName), the message line and the buttons
     *  (Start named startText) to layout, and connects them and the task's signals. */
    void addJobControls(QVBoxLayout *layout, const QString &progressName, const QString &startText);
    void reject() override;
    void setBusy(bool busy);
    void setMessage(const QString &text, bool error);
    /** Enables or disables the subclass's own inputs (not the job buttons). */
    virtual void setInputsEnabled(bool enabled) = 0;

    TaskController *const m_tasks;
    QProgressBar *m_progress = nullptr;
    QPushButton *m_start = nullptr;

private:
    const QString m_runningRefusal;
    const QString m_canceledText;
    QLabel *m_message = nullptr;
    QPushButton *m_cancel = nullptr;
    QPushButton *m_close = nullptr;
};

} // namespace hyper
