// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/domain/preference.h"

#include <array>

namespace hyper {

namespace {
constexpr std::array<const char *, 5> kNames = {
    "A-is-clearly-better", "A-is-slightly-better", "Tie", "B-is-slightly-better",
    "B-is-clearly-better",
};
} // namespace

const char *preferenceNameUtf8(Preference p) { return kNames[static_cast<int>(p) + 2]; }

QString preferenceName(Preference p) { return QString::fromLatin1(preferenceNameUtf8(p)); }

QStringList preferenceNames()
{
    QStringList out;
    for (const char *n : kNames)
        out << QString::fromLatin1(n);
    return out;
}

std::optional<Preference> parsePreference(std::string_view text)
{
    for (int i = 0; i < 5; ++i)
        if (text == kNames[i])
            return static_cast<Preference>(i - 2);
    return std::nullopt;
}

std::optional<Preference> parsePreference(const QString &text)
{
    const QByteArray utf8 = text.toUtf8();
    return parsePreference(std::string_view(utf8.constData(), size_t(utf8.size())));
}

Preference foldSlightly(Preference p)
{
    switch (p) {
    case Preference::ASlightly: return Preference::AClearly;
    case Preference::BSlightly: return Preference::BClearly;
    default: return p;
    }
}

Preference swapSides(Preference p) { return static_cast<Preference>(-static_cast<int>(p)); }

std::optional<Preference> preferenceFromInt(int v)
{
    if (v < -2 || v > 2)
        return std::nullopt;
    return static_cast<Preference>(v);
}

} // namespace hyper

namespace hyper {
std::optional<int> foldedMajority(const int *votes, size_t n)
{
    if (n == 0)
        return std::nullopt;
    int a = 0, b = 0, t = 0;
    for (size_t i = 0; i < n; ++i) {
        if (votes[i] < 0)
            ++a;
        else if (votes[i] > 0)
            ++b;
        else
            ++t;
    }
    if (a > b && a > t)
        return -2;
    if (b > a && b > t)
        return 2;
    return 0;
}
} // namespace hyper
