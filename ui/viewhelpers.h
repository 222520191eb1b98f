#pragma once

// Small pieces the project tabs share (Training, PPM, Routing, Agreement).
#include <QString>
#include <QStringList>
#include <QVariant>

class QLabel;
class QTableWidget;
class QTableWidgetItem;

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

} // namespace hyper::view
