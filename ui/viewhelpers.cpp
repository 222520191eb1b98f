// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/viewhelpers.h"

#include <QComboBox>
#include <QCoreApplication>
#include <QDateTime>
#include <QGroupBox>
#include <QHeaderView>
#include <QLabel>
#include <QTableWidget>
#include <QVBoxLayout>

#include <cmath>

namespace hyper::view {

QString localTime(const QString &isoUtc, const QString &format)
{
    const QDateTime t = QDateTime::fromString(isoUtc, Qt::ISODateWithMs);
    return t.isValid() ? t.toLocalTime().toString(format) : isoUtc;
}

QTableWidget *makeTable(const QString &objectName, const QStringList &headers)
{
    auto *t = new QTableWidget(0, int(headers.size()));
    t->setObjectName(objectName);
    t->setHorizontalHeaderLabels(headers);
    t->setSelectionBehavior(QAbstractItemView::SelectRows);
    t->setSelectionMode(QAbstractItemView::SingleSelection);
    t->setEditTriggers(QAbstractItemView::NoEditTriggers);
    t->verticalHeader()->hide();
    t->horizontalHeader()->setStretchLastSection(true);
    return t;
}

QTableWidgetItem *tableCell(const QString &text, const QVariant &data)
{
    auto *item = new QTableWidgetItem(text);
    if (data.isValid())
        item->setData(Qt::UserRole, data);
    return item;
}

void setMessage(QLabel *label, const QString &text, bool error)
{
    label->setText(text);
    label->setStyleSheet(error ? QStringLiteral("color: #b00020; font-weight: bold;") : QString());
}

QString number(double v, int decimals)
{
    return std::isnan(v) ? QStringLiteral("–") : QString::number(v, 'f', decimals);
}

QGroupBox *boxed(const QString &title, QWidget *w)
{
    auto *box = new QGroupBox(title);
    auto *l = new QVBoxLayout(box);
    l->setContentsMargins(4, 4, 4, 4);
    l->addWidget(w);
    return box;
}

QComboBox *makeSplitCombo()
{
    auto *combo = new QComboBox;
    combo->setObjectName(QStringLiteral("splitCombo"));
    combo->addItem(QCoreApplication::translate("view", "Train split"), QStringLiteral("train"));
    combo->addItem(QCoreApplication::translate("view", "Eval split"), QStringLiteral("eval"));
    combo->addItem(QCoreApplication::translate("view", "Both splits"), QString());
    return combo;
}

std::optional<Split> chosenSplit(const QComboBox *combo)
{
    const QString split = combo->currentData().toString();
    if (split.isEmpty())
        return std::nullopt;
    return split == QLatin1String("eval") ? Split::Eval : Split::Train;
}

} // namespace hyper::view
