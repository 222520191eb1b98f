// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QWidget>

class QLabel;
class QProgressBar;
class QToolButton;

namespace hyper {

/**
 * The status-bar part that shows a running background job: a label, a progress bar and
 * a Cancel button. Hidden while idle.
 *
 * Ownership: a child widget of its parent (usually QStatusBar). Thread affinity: GUI.
 */
class JobStatusWidget : public QWidget
{
    Q_OBJECT

public:
    explicit JobStatusWidget(QWidget *parent = nullptr);

    /** Shows the widget with text and an empty (busy until the first progress) bar. */
    void begin(const QString &text, bool cancelable = true);
    /** fraction in [0,1]; message (optional) is appended to the text. */
    void setProgress(double fraction, const QString &message = {});
    /** Hides the widget. */
    void end();

    QString text() const;
    int percent() const;

Q_SIGNALS:
    void cancelRequested();

private:
    QLabel *m_label = nullptr;
    QProgressBar *m_bar = nullptr;
    QToolButton *m_cancel = nullptr;
    QString m_text;
};

} // namespace hyper
