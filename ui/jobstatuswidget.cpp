// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/jobstatuswidget.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QProgressBar>
#include <QToolButton>
#include <cmath>

namespace hyper {

JobStatusWidget::JobStatusWidget(QWidget *parent)
    : QWidget(parent)
{
    m_label = new QLabel(this);
    m_bar = new QProgressBar(this);
    m_bar->setRange(0, 1000);
    m_bar->setTextVisible(true);
    m_bar->setFixedWidth(180);
    m_bar->setMaximumHeight(fontMetrics().height() + 4);
    m_cancel = new QToolButton(this);
    m_cancel->setText(tr("Cancel"));
    m_cancel->setToolTip(tr("Cancel the running job; an import that is canceled writes nothing"));
    m_cancel->setAutoRaise(true);

    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_label);
    layout->addWidget(m_bar);
    layout->addWidget(m_cancel);

    connect(m_cancel, &QToolButton::clicked, this, [this] {
        m_cancel->setEnabled(false);
        m_label->setText(tr("Canceling…"));
        Q_EMIT cancelRequested();
    });
    hide();
}

void JobStatusWidget::begin(const QString &text, bool cancelable)
{
    m_text = text;
    m_label->setText(text);
    m_bar->setRange(0, 0); // busy until the first progress report
    m_cancel->setEnabled(cancelable);
    m_cancel->setVisible(cancelable);
    show();
}

void JobStatusWidget::setProgress(double fraction, const QString &message)
{
    if (m_bar->maximum() == 0)
        m_bar->setRange(0, 1000);
    m_bar->setValue(int(std::lround(std::clamp(fraction, 0.0, 1.0) * 1000)));
    m_bar->setFormat(QStringLiteral("%1%").arg(m_bar->value() / 10.0, 0, 'f', 0));
    if (!m_cancel->isEnabled() && !m_cancel->isHidden())
        return; // keep "Canceling…"
    // Jobs often repeat what the label already says; show each part once.
    QString text = m_text;
    if (message.contains(m_text))
        text = message;
    else if (!message.isEmpty() && !m_text.contains(message))
        text += QStringLiteral(" – ") + message;
    m_label->setText(text);
}

void JobStatusWidget::end()
{
    hide();
    m_bar->reset();
}

QString JobStatusWidget::text() const
{
    return m_label->text();
}

int JobStatusWidget::percent() const
{
    return m_bar->maximum() == 0 ? 0 : m_bar->value() / 10;
}

} // namespace hyper
