// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/domain/types.h"

namespace hyper {

QString splitName(Split s) { return s == Split::Train ? QStringLiteral("train") : QStringLiteral("eval"); }

std::optional<Split> parseSplit(const QString &s)
{
    if (s == QLatin1String("train"))
        return Split::Train;
    if (s == QLatin1String("eval"))
        return Split::Eval;
    return std::nullopt;
}

} // namespace hyper
