// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/taskstatus.h"

#include "ui/projectview.h"
#include "ui/taskcontroller.h"
#include "ui/viewhelpers.h"

#include <QLabel>
#include <QProgressBar>
#include <QPushButton>

namespace hyper {

TaskStatus::TaskStatus(TaskController *tasks, ProjectView *view, QLabel *message, QProgressBar *bar, QPushButton *cancel)
    : QObject(view)
    , m_tasks(tasks)
    , m_view(view)
    , m_message(message)
    , m_bar(bar)
    , m_cancel(cancel)
{
    if (m_bar)
        m_bar->setRange(0, 1000);
    if (m_cancel)
        connect(m_cancel, &QPushButton::clicked, m_tasks, &TaskController::cancel);
    connect(m_tasks, &TaskController::started, this, [this] { setRunning(true); });
    connect(m_tasks, &TaskController::ended, this, [this] { setRunning(false); });
    connect(m_tasks, &TaskController::progress, this, [this](double fraction, const QString &text) {
        if (m_bar)
            m_bar->setValue(int(fraction * 1000.0 + 0.5));
        if (!text.isEmpty() && m_message)
            view::setMessage(m_message, m_tasks->current() + QStringLiteral(": ") + text, false);
    });
    connect(m_tasks, &TaskController::failed, this, [this](const QString &text) {
        say(tr("%1 failed: %2").arg(m_tasks->latest().isEmpty() ? tr("The job") : m_tasks->latest(), text), true);
    });
    connect(m_tasks, &TaskController::canceled, this, [this] {
        const QString job = m_tasks->latest();
        say(m_canceledTexts.value(job, job.isEmpty() ? tr("Canceled.") : tr("%1 canceled.").arg(job)), false);
    });
    setRunning(m_tasks->isRunning());
}

void TaskStatus::say(const QString &text, bool error)
{
    if (m_message)
        view::setMessage(m_message, text, error);
    Q_EMIT m_view->statusMessage(text);
}

void TaskStatus::setRunning(bool running)
{
    if (m_bar) {
        m_bar->setValue(0);
        m_bar->setVisible(running);
    }
    if (m_cancel) {
        m_cancel->setVisible(running);
        m_cancel->setEnabled(running);
    }
}

} // namespace hyper
