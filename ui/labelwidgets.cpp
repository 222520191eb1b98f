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
    " border-color: palette(highlight); }"
    "QCheckBox:focus { background: #d6e4f7; border-radius: 3px; }";

} // namespace

ScaleRow::ScaleRow(const QString &title, const QStringList &captions, const QStringList &valueNames,
                   const std::vector<labels::ReasonSpec> &reasons, QWidget *parent)
    : QFrame(parent)
{
    setStyleSheet(QString::fromLatin1(kRowStyle));
    setProperty("current", false);
    setAccessibleName(title);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(8, 3, 6, 3);
    layout->setSpacing(1);

    // The title and the buttons share a line: the form fits a 720 px high laptop screen.
    auto *titleLabel = new QLabel(title);
    QFont bold = titleLabel->font();
    bold.setBold(true);
    titleLabel->setFont(bold);
    titleLabel->setMinimumWidth(titleLabel->fontMetrics().horizontalAdvance(QStringLiteral("Truthfulness ")) + 4);
    m_group = new QButtonGroup(this);
    m_group->setExclusive(false); // exclusivity by hand: "nothing chosen" must be possible
    auto *buttons = new QHBoxLayout;
    buttons->setSpacing(4);
    buttons->addWidget(titleLabel);
    for (int v = 1; v <= 5; ++v) {
        auto *b = new QToolButton;
        b->setText(QString::number(v));
        b->setCheckable(true);
        b->setFocusPolicy(Qt::NoFocus);
        b->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
        const QString name = valueNames.value(v - 1);
        b->setToolTip(name.isEmpty() ? QString::number(v) : tr("%1: %2 (key %1)").arg(v).arg(name));
        b->setAccessibleName(tr("%1 %2").arg(title).arg(v));
        b->setAccessibleDescription(name);
        m_group->addButton(b, v);
        buttons->addWidget(b, 1);
    }
    layout->addLayout(buttons);
    connect(m_group, &QButtonGroup::idClicked, this, [this](int v) {
        setValue(v);
        Q_EMIT picked(v);
    });

    if (captions.size() == 3) {
        auto *caps = new QHBoxLayout;
        caps->addSpacing(titleLabel->minimumWidth() + buttons->spacing());
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
        grid->setContentsMargins(0, 1, 0, 0);
        grid->setHorizontalSpacing(10);
        grid->setVerticalSpacing(0);
        constexpr int kColumns = 3;
        const int rows = (int(reasons.size()) + kColumns - 1) / kColumns;
        for (int i = 0; i < int(reasons.size()); ++i) {
            const labels::ReasonSpec &r = reasons[std::size_t(i)];
            auto *check = new QCheckBox(tr(r.shortText));
            check->setFocusPolicy(Qt::NoFocus); // reached by ← and → (moveReasonFocus)
            check->setToolTip(tr(r.text));
            check->setAccessibleName(tr("%1 reason: %2").arg(title, tr(r.text)));
            m_checks.push_back(check);
            m_keys << QString::fromLatin1(r.key);
            grid->addWidget(check, i % rows, i / rows);
        }
        layout->addLayout(grid);
    }
}

bool ScaleRow::moveReasonFocus(int delta)
{
    if (m_checks.empty())
        return false;
    const int n = int(m_checks.size());
    int at = -1;
    for (int i = 0; i < n; ++i)
        if (m_checks[std::size_t(i)]->hasFocus())
            at = i;
    const int next = at < 0 ? (delta > 0 ? 0 : n - 1) : (at + delta + n) % n;
    m_checks[std::size_t(next)]->setFocus(Qt::TabFocusReason);
    return true;
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
