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
 * One row of the labelling form: a title, five exclusive buttons 1..5 (none checked
 * until a value is set) with captions under the ends and the middle, and optional reason
 * checkboxes in two columns. The row the keyboard acts on is drawn "current" (an accent
 * bar and a tinted background). Buttons and checkboxes never take the focus, so that the
 * Label tab's keys keep working after a click.
 *
 * Ownership: a child widget of its parent. Thread affinity: the GUI thread.
 */
class ScaleRow : public QFrame
{
    Q_OBJECT

public:
    ScaleRow(const QString &title, const QStringList &captions, const std::vector<labels::ReasonSpec> &reasons,
             QWidget *parent = nullptr);

    /** 0 when nothing is chosen, else 1..5. */
    int value() const { return m_value; }
    /** Sets the value (0 clears) without emitting picked(). */
    void setValue(int value);
    void setCurrent(bool current);
    bool isCurrent() const { return m_current; }

    /** The keys of the checked reasons, in the order of the list. */
    QStringList checkedReasons() const;
    void setCheckedReasons(const QStringList &keys);

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
