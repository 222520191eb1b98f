// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/labelformpanel.h"

#include "core/labels/labelform.h"
#include "ui/labelwidgets.h"

#include <QApplication>
#include <QCheckBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScrollBar>
#include <QVBoxLayout>

namespace hyper {

LabelFormPanel::LabelFormPanel(QWidget *parent)
    : QScrollArea(parent)
{
    // The form, in the shown frame.
    // Captions under Overall and Confidence only; every button names its value in its
    // tooltip and to screen readers.
    const QStringList preference{tr("left better"), tr("tie"), tr("right better")};
    const QStringList preferenceValues{tr("left clearly better"), tr("left slightly better"), tr("tie"),
                                       tr("right slightly better"), tr("right clearly better")};
    m_rows[Overall] = new ScaleRow(tr("Overall"), preference, preferenceValues, {});
    for (int a = 0; a < 3; ++a) {
        const labels::AspectSpec &spec = labels::labelAspects()[std::size_t(a)];
        m_rows[std::size_t(Helpfulness + a)] = new ScaleRow(tr(spec.title), {}, preferenceValues, spec.reasons);
    }
    m_rows[Confidence] = new ScaleRow(tr("Confidence"), {tr("unsure"), QString(), tr("certain")},
                                      {tr("unsure"), tr("rather unsure"), tr("fairly sure"), tr("sure"), tr("certain")}, {});
    const QStringList rowNames{QStringLiteral("overallRow"), QStringLiteral("helpfulnessRow"),
                               QStringLiteral("truthfulnessRow"), QStringLiteral("harmlessnessRow"),
                               QStringLiteral("confidenceRow")};
    for (int r = 0; r < RowCount; ++r) {
        m_rows[std::size_t(r)]->setObjectName(rowNames[r]);
        connect(m_rows[std::size_t(r)], &ScaleRow::picked, this, [this, r] {
            setCurrentRow(r);
            Q_EMIT rowPicked(r);
        });
    }
    m_rationale = new QPlainTextEdit;
    m_rationale->setObjectName(QStringLiteral("rationaleEdit"));
    m_rationale->setPlaceholderText(tr("Rationale (R to type, Esc or Tab to leave)"));
    m_rationale->setTabChangesFocus(true);
    m_rationale->setFixedHeight(m_rationale->fontMetrics().lineSpacing() * 2 + 14);
    m_rationale->setAccessibleName(tr("Rationale"));
    m_saveButton = new QPushButton(tr("Save && Next  (Enter)"));
    m_saveButton->setObjectName(QStringLiteral("saveButton"));
    m_skipButton = new QPushButton(tr("Skip  (S)"));
    m_skipButton->setObjectName(QStringLiteral("skipButton"));
    m_flagButton = new QPushButton(tr("Flag  (F)"));
    m_flagButton->setObjectName(QStringLiteral("flagButton"));
    for (QPushButton *b : {m_saveButton, m_skipButton, m_flagButton})
        b->setFocusPolicy(Qt::NoFocus);
    m_saveButton->setAccessibleName(tr("Save and next"));
    m_skipButton->setAccessibleName(tr("Skip"));
    m_flagButton->setAccessibleName(tr("Flag for review"));
    m_saveButton->setDefault(true);
    connect(m_saveButton, &QPushButton::clicked, this, &LabelFormPanel::saveClicked);
    connect(m_skipButton, &QPushButton::clicked, this, &LabelFormPanel::skipClicked);
    connect(m_flagButton, &QPushButton::clicked, this, &LabelFormPanel::flagClicked);
    m_lmPanel = new QLabel;
    m_lmPanel->setObjectName(QStringLiteral("lmLabelPanel"));
    m_lmPanel->setWordWrap(true);
    m_lmPanel->setTextFormat(Qt::RichText);
    m_lmPanel->setFrameShape(QFrame::StyledPanel);
    m_lmPanel->setMargin(4);
    m_lmPanel->setAccessibleName(tr("LM label"));
    auto *formWidget = new QWidget;
    auto *fl = new QVBoxLayout(formWidget);
    fl->setContentsMargins(4, 0, 4, 0);
    fl->setSpacing(4);
    for (ScaleRow *row : m_rows)
        fl->addWidget(row);
    fl->addWidget(m_rationale);
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_saveButton, 2);
    buttons->addWidget(m_skipButton, 1);
    buttons->addWidget(m_flagButton, 1);
    fl->addLayout(buttons);
    fl->addWidget(m_lmPanel);
    fl->addStretch(1);
    setObjectName(QStringLiteral("formScroll"));
    setWidget(formWidget);
    setWidgetResizable(true);
    setFrameShape(QFrame::NoFrame);
    setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    setFocusPolicy(Qt::NoFocus);
    setMinimumWidth(formWidget->sizeHint().width() + verticalScrollBar()->sizeHint().width());
}

LabelFormPanel::Form LabelFormPanel::form() const
{
    Form f;
    for (int r = 0; r < RowCount; ++r)
        f.values[std::size_t(r)] = m_rows[std::size_t(r)]->value();
    for (int a = 0; a < 3; ++a)
        f.reasons[std::size_t(a)] = m_rows[std::size_t(Helpfulness + a)]->checkedReasons();
    f.rationale = m_rationale->toPlainText();
    return f;
}

void LabelFormPanel::setForm(const Form &form)
{
    for (int r = 0; r < RowCount; ++r)
        m_rows[std::size_t(r)]->setValue(form.values[std::size_t(r)]);
    for (int a = 0; a < 3; ++a)
        m_rows[std::size_t(Helpfulness + a)]->setCheckedReasons(form.reasons[std::size_t(a)]);
    m_rationale->setPlainText(form.rationale);
}

void LabelFormPanel::clear(bool enabled)
{
    for (ScaleRow *row : m_rows) {
        row->setValue(0);
        row->setCheckedReasons({});
    }
    m_rationale->clear();
    for (QWidget *w : std::initializer_list<QWidget *>{m_saveButton, m_skipButton, m_flagButton, m_rationale})
        w->setEnabled(enabled);
    for (ScaleRow *row : m_rows)
        row->setEnabled(enabled);
}

void LabelFormPanel::setValue(int row, int value)
{
    if (row >= 0 && row < RowCount)
        m_rows[std::size_t(row)]->setValue(value);
}

int LabelFormPanel::value(int row) const
{
    return row >= 0 && row < RowCount ? m_rows[std::size_t(row)]->value() : 0;
}

void LabelFormPanel::setCurrentRow(int row)
{
    if (row < 0 || row >= RowCount)
        return;
    m_row = row;
    for (int r = 0; r < RowCount; ++r)
        m_rows[std::size_t(r)]->setCurrent(r == row);
}

bool LabelFormPanel::reasonHasFocus() const
{
    QWidget *focus = QApplication::focusWidget();
    return focus && qobject_cast<QCheckBox *>(focus) && isAncestorOf(focus);
}

bool LabelFormPanel::moveReasonFocus(int delta)
{
    return m_rows[std::size_t(m_row)]->moveReasonFocus(delta);
}

} // namespace hyper
