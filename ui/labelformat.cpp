// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/labelformat.h"

#include <QCoreApplication>
#include <QLocale>
#include <cmath>

namespace hyper::labelformat {

QString shortText(Preference p)
{
    switch (p) {
    case Preference::AClearly:
        return QStringLiteral("A >> B");
    case Preference::ASlightly:
        return QStringLiteral("A > B");
    case Preference::Tie:
        return QCoreApplication::translate("labelformat", "tie");
    case Preference::BSlightly:
        return QStringLiteral("B > A");
    case Preference::BClearly:
        return QStringLiteral("B >> A");
    }
    return {};
}

QString shortText(const std::optional<Preference> &p)
{
    return p ? shortText(*p) : QString();
}

QString longText(Preference p)
{
    switch (p) {
    case Preference::AClearly:
        return QCoreApplication::translate("labelformat", "A is clearly better");
    case Preference::ASlightly:
        return QCoreApplication::translate("labelformat", "A is slightly better");
    case Preference::Tie:
        return QCoreApplication::translate("labelformat", "A and B are about the same");
    case Preference::BSlightly:
        return QCoreApplication::translate("labelformat", "B is slightly better");
    case Preference::BClearly:
        return QCoreApplication::translate("labelformat", "B is clearly better");
    }
    return {};
}

QString longText(const std::optional<Preference> &p)
{
    return p ? longText(*p) : QString();
}

QString lengthText(qsizetype characters)
{
    const QLocale locale;
    if (characters < 10000)
        return QCoreApplication::translate("labelformat", "%1 chars")
            .arg(locale.toString(qint64(characters)));
    return QCoreApplication::translate("labelformat", "%1 k chars")
        .arg(locale.toString(double(characters) / 1000.0, 'f', 1));
}

QString durationText(const std::optional<double> &seconds)
{
    if (!seconds)
        return {};
    const double s = *seconds;
    if (s < 60)
        return QCoreApplication::translate("labelformat", "%1 s").arg(s, 0, 'f', s < 10 ? 1 : 0);
    const int whole = int(std::lround(s));
    return QCoreApplication::translate("labelformat", "%1 min %2 s").arg(whole / 60).arg(whole % 60);
}

} // namespace hyper::labelformat
