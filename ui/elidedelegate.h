// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QStyledItemDelegate>

namespace hyper {

/**
 * Draws a column with its own elide mode, e.g. Qt::ElideMiddle for ids such as
 * "LLMBar/Adversarial/GPTInst/12" whose distinguishing part is at the end.
 *
 * Ownership: parent it to the view. Thread affinity: the GUI thread.
 */
class ElideDelegate : public QStyledItemDelegate
{
    Q_OBJECT

public:
    explicit ElideDelegate(Qt::TextElideMode mode, QObject *parent = nullptr)
        : QStyledItemDelegate(parent)
        , m_mode(mode)
    {
    }

protected:
    void initStyleOption(QStyleOptionViewItem *option, const QModelIndex &index) const override
    {
        QStyledItemDelegate::initStyleOption(option, index);
        option->textElideMode = m_mode;
    }

private:
    Qt::TextElideMode m_mode;
};

} // namespace hyper
