// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QObject>
#include <QPointer>
#include <QWidget>

namespace hyper {

/**
 * Reports the first completed paint of a widget (e.g. a table's viewport): it filters
 * the widget's first QEvent::Paint, lets the widget paint, then emits painted().
 * Used by --measure-startup and --screenshot.
 *
 * Ownership: an ordinary QObject (parent it, or delete it yourself); it does not own
 * the widget. Thread affinity: the GUI thread.
 */
class FirstPaintWatcher : public QObject
{
    Q_OBJECT

public:
    explicit FirstPaintWatcher(QWidget *widget, QObject *parent = nullptr);

Q_SIGNALS:
    /** Emitted once, right after the widget's first paint has completed. */
    void painted();

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    QPointer<QWidget> m_widget;
    bool m_done = false;
};

} // namespace hyper
