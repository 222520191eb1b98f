// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/labels/labelform.h"

#include <QFrame>
#include <QStringList>
#include <vector>

class QButtonGroup;
class QCheckBox;
class QLabel;

namespace hyper {

/**
 * One row of the labelling form: the title and five exclusive buttons 1..5 on one line
 * (none checked until a value is set), optional captions under the ends and the middle,
 * and optional reason checkboxes in three columns (short words; the full reason in the
 * tooltip and the accessible name). The row the keyboard acts on is drawn "current" (an
 * accent bar and a tinted background). Clicks never move the focus, so that the Label
 * tab's keys keep working after a click; the keyboard reaches the reasons with
 * moveReasonFocus() (← and → in the Label tab), and Space ticks the focused one.
 *
 * Ownership: a child widget of its parent. Thread affinity: the GUI thread.
 */
class ScaleRow : public QFrame
{
    Q_OBJECT

public:
    /** valueNames: the five values in words ("left clearly better", ...), for tooltips
     *  and screen readers; captions: three words under the buttons, or none. */
    ScaleRow(const QString &title, const QStringList &captions, const QStringList &valueNames,
             const std::vector<labels::ReasonSpec> &reasons, QWidget *parent = nullptr);

    /** 0 when nothing is chosen, else 1..5. */
    int value() const { return m_value; }
    /** Sets the value (0 clears) without emitting picked(). */
    void setValue(int value);
    void setCurrent(bool current);
    bool isCurrent() const { return m_current; }

    /** The keys of the checked reasons, in the order of the list. */
    QStringList checkedReasons() const;
    void setCheckedReasons(const QStringList &keys);
    /** Moves the keyboard focus to the next (delta 1) or previous (-1) reason checkbox,
     *  from the focused one or from the ends; false when the row has no reasons. */
    bool moveReasonFocus(int delta);
    /** The reason checkboxes, in list order. */
    const std::vector<QCheckBox *> &reasonBoxes() const { return m_checks; }

Q_SIGNALS:
    /** The user clicked button `value`. */
    void picked(int value);

private:
    QButtonGroup *m_group = nullptr;
    std::vector<QCheckBox *> m_checks;
    QStringList m_keys;
    int m_value = 0;
    bool m_current = false;
};

} // namespace hyper
