// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/jobdialog.h"

#include "ui/taskcontroller.h"
#include "ui/viewhelpers.h"

#include <QDialogButtonBox>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QVBoxLayout>

namespace hyper {

JobDialog::JobDialog(const QString &taskName, QString runningRefusal, QString canceledText, QWidget *parent)
    : QDialog(parent)
    , m_tasks(new TaskController(taskName, this))
    , m_runningRefusal(std::move(runningRefusal))
    , m_canceledText(std::move(canceledText))
{
}

void JobDialog::addJobControls(QVBoxLayout *layout, const QString &progressName, const QString &startText)
{
    m_progress = new QProgressBar;
    m_progress->setObjectName(progressName);
    m_progress->setRange(0, 1000);
    m_message = new QLabel;
    m_message->setObjectName(QStringLiteral("messageLabel"));
    m_message->setWordWrap(true);
    m_message->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto *buttons = new QDialogButtonBox;
    m_start = buttons->addButton(startText, QDialogButtonBox::ActionRole);
    m_start->setObjectName(QStringLiteral("startButton"));
    m_cancel = buttons->addButton(tr("Cancel job"), QDialogButtonBox::ActionRole);
    m_cancel->setObjectName(QStringLiteral("cancelButton"));
    m_close = buttons->addButton(QDialogButtonBox::Close);
    connect(m_start, &QPushButton::clicked, this, &JobDialog::start);
    connect(m_cancel, &QPushButton::clicked, this, &JobDialog::cancel);
    connect(m_close, &QPushButton::clicked, this, &JobDialog::reject);
    layout->addWidget(m_progress);
    layout->addWidget(m_message);
    layout->addWidget(buttons);

    connect(m_tasks, &TaskController::progress, this, [this](double fraction, const QString &text) {
        m_progress->setValue(int(fraction * 1000.0 + 0.5));
        if (!text.isEmpty())
            setMessage(text, false);
    });
    connect(m_tasks, &TaskController::failed, this, [this](const QString &text) { setMessage(text, true); });
    connect(m_tasks, &TaskController::canceled, this, [this] { setMessage(m_canceledText, false); });
    connect(m_tasks, &TaskController::ended, this, [this] {
        setBusy(false);
        Q_EMIT jobEnded();
    });
}

bool JobDialog::isRunning() const
{
    return m_tasks->isRunning();
}

QString JobDialog::message() const
{
    return m_message ? m_message->text() : QString();
}

void JobDialog::cancel()
{
    m_tasks->cancel();
}

void JobDialog::reject()
{
    if (m_tasks->isRunning()) {
        setMessage(m_runningRefusal, true);
        return;
    }
    QDialog::reject();
}

void JobDialog::setBusy(bool busy)
{
    setInputsEnabled(!busy);
    m_start->setEnabled(!busy);
    m_close->setEnabled(!busy);
    m_cancel->setEnabled(busy);
}

void JobDialog::setMessage(const QString &text, bool error)
{
    view::setMessage(m_message, text, error);
}

} // namespace hyper
