// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/lmselectionbox.h"

#include <QAbstractButton>
#include <QButtonGroup>
#include <QHBoxLayout>
#include <QLabel>
#include <QRadioButton>
#include <QSpinBox>
#include <QVBoxLayout>

namespace hyper {

LmSelectionBox::LmSelectionBox(std::vector<qint64> selectedIds, const QString &unlabelledText, QWidget *parent)
    : QGroupBox(tr("Instances"), parent)
    , m_selected(std::move(selectedIds))
{
    auto *layout = new QVBoxLayout(this);
    m_kind = new QButtonGroup(this);
    auto radio = [&](LmSelection::Kind kind, const QString &text, const QString &name) {
        auto *r = new QRadioButton(text);
        r->setObjectName(name);
        m_kind->addButton(r, int(kind));
        layout->addWidget(r);
    };
    radio(LmSelection::Kind::Ids, tr("Selected on the Dataset tab (%1)").arg(m_selected.size()), QStringLiteral("scopeSelected"));
    radio(LmSelection::Kind::RoutedLm, tr("Routed to the LM (the applied plan)"), QStringLiteral("scopeRoutedLm"));
    radio(LmSelection::Kind::Unlabelled, unlabelledText, QStringLiteral("scopeUnlabelled"));
    radio(LmSelection::Kind::All, tr("Every train instance"), QStringLiteral("scopeAll"));
    m_limit = new QSpinBox;
    m_limit->setObjectName(QStringLiteral("limitSpin"));
    m_limit->setRange(0, 10000000);
    m_limit->setSpecialValueText(tr("no limit"));
    m_limit->setToolTip(tr("At most this many instances (lowest ids first)"));
    auto *limitRow = new QHBoxLayout;
    limitRow->addWidget(new QLabel(tr("Limit:")));
    limitRow->addWidget(m_limit);
    limitRow->addStretch(1);
    layout->addLayout(limitRow);
    setInputsEnabled(true);
    setKind(m_selected.empty() ? LmSelection::Kind::Unlabelled : LmSelection::Kind::Ids);
}

LmSelection LmSelectionBox::selection() const
{
    LmSelection s;
    s.kind = LmSelection::Kind(m_kind->checkedId());
    if (s.kind == LmSelection::Kind::Ids)
        s.ids = m_selected;
    s.limit = m_limit->value();
    return s;
}

void LmSelectionBox::setKind(LmSelection::Kind kind)
{
    if (QAbstractButton *b = m_kind->button(int(kind)); b && b->isEnabled())
        b->setChecked(true);
}

void LmSelectionBox::setLimit(int limit)
{
    m_limit->setValue(limit);
}

void LmSelectionBox::setInputsEnabled(bool enabled)
{
    for (QAbstractButton *b : m_kind->buttons())
        b->setEnabled(enabled && (m_kind->id(b) != int(LmSelection::Kind::Ids) || !m_selected.empty()));
    m_limit->setEnabled(enabled);
}

} // namespace hyper
