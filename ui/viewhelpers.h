// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Small pieces the project tabs share (Training, PPM, Routing, Agreement, Calibration).
#include "core/domain/types.h"

#include <QString>
#include <QStringList>
#include <QVariant>

#include <optional>

class QComboBox;
class QGroupBox;
class QLabel;
class QTableWidget;
class QTableWidgetItem;
class QWidget;

namespace hyper::view {

/** An ISO-8601 UTC time stamp from the store as local time in `format`; the text as is
 *  when it does not parse. */
QString localTime(const QString &isoUtc, const QString &format = QStringLiteral("yyyy-MM-dd hh:mm"));

/** A read-only table with whole-row single selection, no row numbers, the last column
 *  stretched. */
QTableWidget *makeTable(const QString &objectName, const QStringList &headers);

/** A table item with `data` under Qt::UserRole when valid. */
QTableWidgetItem *tableCell(const QString &text, const QVariant &data = {});

/** Shows a view's one-line message; errors in bold red. */
void setMessage(QLabel *label, const QString &text, bool error);

/** `v` with `decimals` decimals; "–" when NaN. */
QString number(double v, int decimals = 3);

/** `w` in a group box titled `title`, with small margins. */
QGroupBox *boxed(const QString &title, QWidget *w);

/** The "splitCombo" picker of the instances a report covers: Train split (the first),
 *  Eval split, Both splits. */
QComboBox *makeSplitCombo();

/** The split chosen in a makeSplitCombo() picker; nullopt for both. */
std::optional<Split> chosenSplit(const QComboBox *combo);

} // namespace hyper::view
