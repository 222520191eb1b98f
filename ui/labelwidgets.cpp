// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/labelwidgets.h"

#include <QButtonGroup>
#include <QCheckBox>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QStyle>
#include <QToolButton>
#include <QVBoxLayout>

namespace hyper {

namespace {

const char *const kRowStyle =
    "hyper--ScaleRow { border-left: 3px solid transparent; border-radius: 3px; }"
    "hyper--ScaleRow[current=\"true\"] { border-left: 3px solid palette(highlight); background: #eef3fb; }"
    "QToolButton { border: 1px solid #b9bec7; border-radius: 4px; background: #fbfbfc; min-width: 34px;"
    " min-height: 22px; font-weight: 600; }"
    "QToolButton:hover { border-color: palette(highlight); }"
    "QToolButton:checked { background: palette(highlight); color: palette(highlighted-text);"
    " border-color: palette(highlight); }";

} // namespace

ScaleRow::ScaleRow(const QString &title, const QStringList &captions,
                   const std::vector<labels::ReasonSpec> &reasons, QWidget *parent)
    : QFrame(parent)
{
    setStyleSheet(QString::fromLatin1(kRowStyle));
    setProperty("current", false);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(8, 4, 6, 4);
    layout->setSpacing(2);

    auto *titleLabel = new QLabel(title);
    QFont bold = titleLabel->font();
    bold.setBold(true);
    titleLabel->setFont(bold);
    layout->addWidget(titleLabel);

    m_group = new QButtonGroup(this);
    m_group->setExclusive(false); // exclusivity by hand: "nothing chosen" must be possible
    auto *buttons = new QHBoxLayout;
    buttons->setSpacing(4);
    for (int v = 1; v <= 5; ++v) {
        auto *b = new QToolButton;
        b->setText(QString::number(v));
        b->setCheckable(true);
        b->setFocusPolicy(Qt::NoFocus);
        b->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
        m_group->addButton(b, v);
        buttons->addWidget(b);
    }
    layout->addLayout(buttons);
    connect(m_group, &QButtonGroup::idClicked, this, [this](int v) {
        setValue(v);
        Q_EMIT picked(v);
    });

    if (captions.size() == 3) {
        auto *caps = new QHBoxLayout;
        QFont small = font();
        small.setPointSizeF(small.pointSizeF() * 0.85);
        for (int i = 0; i < 3; ++i) {
            auto *c = new QLabel(captions[i]);
            c->setFont(small);
            c->setForegroundRole(QPalette::PlaceholderText);
            c->setAlignment(i == 0 ? Qt::AlignLeft : i == 1 ? Qt::AlignHCenter : Qt::AlignRight);
            caps->addWidget(c, 1);
        }
        layout->addLayout(caps);
    }

    if (!reasons.empty()) {
        auto *grid = new QGridLayout;
        grid->setContentsMargins(0, 2, 0, 0);
        grid->setHorizontalSpacing(8);
        grid->setVerticalSpacing(0);
        const int rows = int(reasons.size() + 1) / 2;
        for (int i = 0; i < int(reasons.size()); ++i) {
            auto *check = new QCheckBox(tr(reasons[std::size_t(i)].text));
            check->setFocusPolicy(Qt::NoFocus);
            m_checks.push_back(check);
            m_keys << QString::fromLatin1(reasons[std::size_t(i)].key);
            grid->addWidget(check, i % rows, i / rows);
        }
        layout->addLayout(grid);
    }
}

void ScaleRow::setValue(int value)
{
    m_value = value >= 1 && value <= 5 ? value : 0;
    for (QAbstractButton *b : m_group->buttons())
        b->setChecked(m_group->id(b) == m_value);
}

void ScaleRow::setCurrent(bool current)
{
    if (current == m_current)
        return;
    m_current = current;
    setProperty("current", current);
    style()->unpolish(this);
    style()->polish(this);
    update();
}

QStringList ScaleRow::checkedReasons() const
{
    QStringList out;
    for (std::size_t i = 0; i < m_checks.size(); ++i)
        if (m_checks[i]->isChecked())
            out << m_keys[qsizetype(i)];
    return out;
}

void ScaleRow::setCheckedReasons(const QStringList &keys)
{
    for (std::size_t i = 0; i < m_checks.size(); ++i)
        m_checks[i]->setChecked(keys.contains(m_keys[qsizetype(i)]));
}

} // namespace hyper
