// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/features/featureset.h"

#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <algorithm>
#include <cmath>
#include <numeric>

namespace hyper::features {

namespace {

constexpr int kBins = 3;

// Python list literal of strings: [ 'a', "b", ... ] with backslash escapes. Returns
// nullopt when text is not such a literal.
std::optional<QStringList> parsePythonList(const QString &text)
{
    const QString t = text.trimmed();
    if (!t.startsWith(QLatin1Char('[')) || !t.endsWith(QLatin1Char(']')))
        return std::nullopt;
    QStringList out;
    int i = 1;
    const int end = int(t.size()) - 1;
    while (i < end) {
        const QChar c = t[i];
        if (c.isSpace() || c == QLatin1Char(',')) {
            ++i;
            continue;
        }
        if (c != QLatin1Char('\'') && c != QLatin1Char('"'))
            return std::nullopt;
        QString item;
        ++i;
        while (i < end && t[i] != c) {
            if (t[i] == QLatin1Char('\\') && i + 1 < end)
                ++i;
            item += t[i++];
        }
        if (i >= end)
            return std::nullopt;
        ++i;
        out << item.trimmed();
    }
    return out;
}

bool isNoneText(const QString &s)
{
    return s.isEmpty() || s == QLatin1String("None") || s == QLatin1String("null")
           || s == QLatin1String("nan") || s == QLatin1String("NaN");
}

std::vector<FeatureDef> buildTable()
{
    std::vector<FeatureDef> t;
    for (int s = 0; s < kScoreCount; ++s)
        for (int b = 0; b < kBins; ++b) {
            FeatureDef f;
            f.kind = FeatureKind::Lexical;
            f.score = Score(s);
            // As the reference: np.linspace(0, 1, 4) edges, rounded to 2 places when the
            // name is printed, and the name is what membership is tested against.
            f.minVal = std::round(100.0 * b / kBins) / 100.0;
            f.maxVal = std::round(100.0 * (b + 1) / kBins) / 100.0;
            f.name = scoreName(Score(s)) + QStringLiteral("::min_val=") + pythonFloat(f.minVal)
                     + QStringLiteral("|max_val=") + pythonFloat(f.maxVal);
            t.push_back(f);
        }
    auto meta = [&](TagKind kind, const char *column, const QString &value) {
        FeatureDef f;
        f.kind = FeatureKind::Metadata;
        f.tagKind = kind;
        f.column = QLatin1String(column);
        f.value = value;
        switch (kind) {
        case TagKind::ClosedSet:
            f.name = QStringLiteral("analyzer_closed_set::feature_name=%1|constraints=%2").arg(f.column, value);
            break;
        case TagKind::Scalar:
            f.name = QStringLiteral("analyzer_scalar::feature_name=%1|value=%2").arg(f.column, value);
            break;
        case TagKind::OpenSet:
            f.name = QStringLiteral("analyzer_open_set::feature_name=%1|check_for_existence=1").arg(f.column);
            break;
        }
        t.push_back(f);
    };
    for (const QString &s : subjectsOfExpertise())
        meta(TagKind::ClosedSet, "subject_of_expertise", s);
    meta(TagKind::ClosedSet, "languages", QStringLiteral("English"));
    const struct {
        const char *column;
        std::initializer_list<const char *> values;
    } scalars[] = {
        {"expertise_level", {"general public", "basic domain knowledge", "expert domain knowledge"}},
        {"open_endedness", {"no", "low", "moderate", "high"}},
        {"safety_concern", {"safe", "low", "moderate", "high"}},
        {"complexity_of_intents", {"simple", "moderate", "complex"}},
    };
    for (const auto &s : scalars)
        for (const char *v : s.values)
            meta(TagKind::Scalar, s.column, QLatin1String(v));
    meta(TagKind::OpenSet, "type_of_in_context_material", QString());
    meta(TagKind::OpenSet, "format_constraints", QString());
    return t;
}

} // namespace

const QStringList &subjectsOfExpertise()
{
    static const QStringList subjects = {
        QStringLiteral("Anthropology"), QStringLiteral("History"), QStringLiteral("Linguistics and language"),
        QStringLiteral("Philosophy"), QStringLiteral("Religion"), QStringLiteral("Economics"),
        QStringLiteral("Geography"), QStringLiteral("Political science"), QStringLiteral("Psychology"),
        QStringLiteral("Sociology"), QStringLiteral("Biology"), QStringLiteral("Chemistry"),
        QStringLiteral("Earth sciences"), QStringLiteral("Physics"), QStringLiteral("Space sciences"),
        QStringLiteral("Computer sciences"), QStringLiteral("Logic"), QStringLiteral("System science"),
        QStringLiteral("Agriculture"), QStringLiteral("Architecture and design"), QStringLiteral("Business"),
        QStringLiteral("Divinity"), QStringLiteral("Education"), QStringLiteral("Chemical engineering"),
        QStringLiteral("Civil engineering"), QStringLiteral("Electrical engineering"),
        QStringLiteral("Materials science and engineering"), QStringLiteral("Mechanical engineering"),
        QStringLiteral("Environmental studies and forestry"), QStringLiteral("Family and consumer science"),
        QStringLiteral("Human physical performance and recreation"), QStringLiteral("Journalism"),
        QStringLiteral("Media studies and communication"), QStringLiteral("Law"),
        QStringLiteral("Library and museum studies"), QStringLiteral("Medicine and health"),
        QStringLiteral("Military sciences"), QStringLiteral("Social work"), QStringLiteral("Transportation"),
        QStringLiteral("Culinary arts"), QStringLiteral("Literature"), QStringLiteral("Performing arts"),
        QStringLiteral("Visual arts"), QStringLiteral("Mathematics"), QStringLiteral("Public administration"),
        QStringLiteral("Others"),
    };
    return subjects;
}

const QStringList &tagColumns()
{
    static const QStringList columns = {
        QStringLiteral("subject_of_expertise"), QStringLiteral("languages"), QStringLiteral("expertise_level"),
        QStringLiteral("open_endedness"), QStringLiteral("safety_concern"), QStringLiteral("complexity_of_intents"),
        QStringLiteral("type_of_in_context_material"), QStringLiteral("format_constraints"),
    };
    return columns;
}

const std::vector<FeatureDef> &featureTable()
{
    static const std::vector<FeatureDef> table = buildTable();
    return table;
}

QStringList featureNames()
{
    QStringList out;
    for (const FeatureDef &f : featureTable())
        out << f.name;
    return out;
}

const FeatureDef *findFeature(const QString &name)
{
    static const QHash<QString, const FeatureDef *> byName = [] {
        QHash<QString, const FeatureDef *> h;
        for (const FeatureDef &d : featureTable())
            h.insert(d.name, &d);
        return h;
    }();
    return byName.value(name);
}

bool inBin(double value, double minVal, double maxVal, BinTest test)
{
    if (std::isnan(value))
        return false;
    return test == BinTest::Inclusive ? (minVal <= value && value <= maxVal) : (minVal < value && value < maxVal);
}

std::vector<double> percentileRanks(const std::vector<double> &values)
{
    std::vector<size_t> order;
    order.reserve(values.size());
    for (size_t i = 0; i < values.size(); ++i)
        if (!std::isnan(values[i]))
            order.push_back(i);
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return values[a] < values[b]; });
    std::vector<double> out(values.size(), std::nan(""));
    const double n = double(order.size());
    for (size_t i = 0; i < order.size();) {
        size_t j = i;
        while (j < order.size() && values[order[j]] == values[order[i]])
            ++j;
        // Ties occupy 1-based ranks i+1 .. j; each gets their mean.
        const double rank = (double(i + 1) + double(j)) / 2.0;
        for (size_t k = i; k < j; ++k)
            out[order[k]] = rank / n;
        i = j;
    }
    return out;
}

QString pythonFloat(double v)
{
    const double r = std::round(v * 100.0) / 100.0;
    QString s = QString::number(r, 'g', 15);
    if (!s.contains(QLatin1Char('.')) && !s.contains(QLatin1Char('e')))
        s += QStringLiteral(".0");
    return s;
}

std::optional<QStringList> parseTagList(const QJsonValue &value)
{
    if (value.isUndefined() || value.isNull())
        return std::nullopt;
    QStringList out;
    if (value.isArray()) {
        for (const QJsonValue &v : value.toArray())
            if (v.isString())
                out << v.toString().trimmed();
        return out;
    }
    if (!value.isString())
        return std::nullopt;
    const QString s = value.toString().trimmed();
    if (isNoneText(s))
        return s.isEmpty() ? std::optional<QStringList>(QStringList()) : std::nullopt;
    if (s.startsWith(QLatin1Char('['))) {
        const QJsonDocument doc = QJsonDocument::fromJson(s.toUtf8());
        if (doc.isArray())
            return parseTagList(doc.array());
        if (auto py = parsePythonList(s))
            return py;
    }
    return QStringList{s};
}

std::optional<QString> parseTagScalar(const QJsonValue &value)
{
    if (value.isString()) {
        const QString s = value.toString().trimmed();
        if (isNoneText(s))
            return std::nullopt;
        if (s.startsWith(QLatin1Char('['))) {
            const auto list = parseTagList(value);
            return list && list->size() == 1 ? std::optional<QString>(list->first()) : std::nullopt;
        }
        return s;
    }
    if (value.isArray()) {
        const auto list = parseTagList(value);
        return list && list->size() == 1 ? std::optional<QString>(list->first()) : std::nullopt;
    }
    return std::nullopt;
}

QJsonObject tagObject(const QJsonObject &metadata)
{
    for (const QString &c : tagColumns())
        if (metadata.contains(c))
            return metadata;
    const QJsonValue nested = metadata.value(QStringLiteral("tags"));
    return nested.isObject() ? nested.toObject() : metadata;
}

bool hasMetadataFeature(const FeatureDef &feature, const QJsonObject &tags)
{
    const QJsonValue v = tags.value(feature.column);
    switch (feature.tagKind) {
    case TagKind::ClosedSet: {
        const auto list = parseTagList(v);
        return list && list->contains(feature.value, Qt::CaseInsensitive);
    }
    case TagKind::Scalar: {
        const auto s = parseTagScalar(v);
        return s && s->compare(feature.value, Qt::CaseInsensitive) == 0;
    }
    case TagKind::OpenSet: {
        const auto list = parseTagList(v);
        return list && std::any_of(list->begin(), list->end(), [](const QString &x) { return !x.isEmpty(); });
    }
    }
    return false;
}

bool hasMetadataFeatureStrict(const FeatureDef &feature, const QJsonObject &tags)
{
    const QJsonValue v = tags.value(feature.column);
    switch (feature.tagKind) {
    case TagKind::ClosedSet:
        if (v.isArray()) {
            const QJsonArray a = v.toArray();
            return std::any_of(a.begin(), a.end(), [&](const QJsonValue &x) {
                return x.isString() && x.toString() == feature.value;
            });
        }
        if (v.isString())
            return v.toString().contains(feature.value);
        if (v.isObject())
            return v.toObject().contains(feature.value);
        return false;
    case TagKind::Scalar:
        return v.isString() && v.toString() == feature.value;
    case TagKind::OpenSet:
        if (v.isArray())
            return !v.toArray().isEmpty();
        if (v.isString())
            return !v.toString().isEmpty();
        if (v.isObject())
            return !v.toObject().isEmpty();
        return false;
    }
    return false;
}

std::optional<double> importedScore(const QJsonObject &metadata, Score score)
{
    const QJsonValue v = metadata.value(scoreName(score));
    double d = std::nan("");
    if (v.isDouble())
        d = v.toDouble();
    else if (v.isString()) {
        bool ok = false;
        d = v.toString().trimmed().toDouble(&ok);
        if (!ok)
            return std::nullopt;
    }
    if (!std::isfinite(d))
        return std::nullopt;
    return d;
}

} // namespace hyper::features
