// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/firstpaintwatcher.h"

#include <QCoreApplication>
#include <QEvent>

namespace hyper {

FirstPaintWatcher::FirstPaintWatcher(QWidget *widget, QObject *parent)
    : QObject(parent)
    , m_widget(widget)
{
    widget->installEventFilter(this);
}

bool FirstPaintWatcher::eventFilter(QObject *watched, QEvent *event)
{
    if (m_done || watched != m_widget || event->type() != QEvent::Paint)
        return QObject::eventFilter(watched, event);
    m_done = true;
    // Deliver the paint ourselves (to the remaining filters, e.g. a scroll area's, and
    // the widget) so that painted() reports a finished paint, not one about to start.
    m_widget->removeEventFilter(this);
    QCoreApplication::sendEvent(m_widget, event);
    Q_EMIT painted();
    return true;
}

} // namespace hyper
