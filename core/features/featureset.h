// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/features/lexical.h"

#include <QJsonObject>
#include <QJsonValue>
#include <QString>
#include <QStringList>
#include <optional>
#include <vector>

namespace hyper::features {

enum class FeatureKind { Lexical, Metadata };
/** The reference's three analyzer feature shapes (src/utils.py of hybrid-preferences). */
enum class TagKind { ClosedSet, Scalar, OpenSet };

/** One binary feature. The whole set lives in one table, featureTable(). */
struct FeatureDef {
    QString name;                      // the reference's string, e.g. "rouge::min_val=0.33|max_val=0.67"
    FeatureKind kind = FeatureKind::Lexical;
    // Lexical: which score, which bin (bounds as printed in the name).
    Score score = Score::Bertscore;
    double minVal = 0, maxVal = 0;
    // Metadata: which tag column, which value ("" for open-set existence).
    TagKind tagKind = TagKind::ClosedSet;
    QString column;
    QString value;
};

/** All 90 features in the reference order: the 27 lexical ones (scores alphabetically,
 *  bins low to high), then the 63 metadata ones (46 subjects, languages=English, the
 *  four scalar tags value by value, the two open-set tags). */
const std::vector<FeatureDef> &featureTable();
QStringList featureNames();
/** The feature of the table with this name; null when there is none. */
const FeatureDef *findFeature(const QString &name);
inline constexpr int kLexicalFeatureCount = 27;
inline constexpr int kMetadataFeatureCount = 63;

/** The 46 subject_of_expertise values of MultiPref's analyzer, in the reference order. */
const QStringList &subjectsOfExpertise();
/** The tag columns read from an instance's metadata. */
const QStringList &tagColumns();

/** How a bin tests membership (METHOD.md §3): inclusive min <= v <= max when counting
 *  and for the stored matrix; exclusive min < v < max for the reference's top-k gains. */
enum class BinTest { Inclusive, Exclusive };
bool inBin(double value, double minVal, double maxVal, BinTest test = BinTest::Inclusive);

/** pandas' Series.rank(pct=True): average 1-based rank of ties divided by n. NaN stays
 *  NaN and is not counted in n (pandas' default na_option='keep'). */
std::vector<double> percentileRanks(const std::vector<double> &values);

/** Python's repr of round(v, 2): "0.0", "0.33", "1.0". */
QString pythonFloat(double v);

/** A tag value as a list: a JSON array, a string holding a JSON or Python list
 *  ("['Law', 'History']"), or a plain non-empty string (a one-element list).
 *  nullopt when the value is absent or null; elements are trimmed. */
std::optional<QStringList> parseTagList(const QJsonValue &value);
/** A scalar tag: a string, or a one-element list of one string. */
std::optional<QString> parseTagScalar(const QJsonValue &value);

/** Where the tags of an instance are: the metadata object itself, or its "tags" object
 *  when it has one and the top level carries none of the tag columns. */
QJsonObject tagObject(const QJsonObject &metadata);

/** Whether an instance with these tags carries a metadata feature (case-insensitive
 *  comparison, as the reference's check_lists and analyzer_scalar). */
bool hasMetadataFeature(const FeatureDef &feature, const QJsonObject &tags);

/** The same, tested strictly, as the reference's get_instances does on the raw values
 *  pandas reads (scripts/get_count_feats.py 184-192): closed set `constraints in x` (an
 *  element of a list equal to the value, a substring of a string, a key of an object),
 *  scalar `x == value` (a string, exactly), open set `x is not None and len(x) > 0` (a
 *  non-empty list, string or object: "None", "nan" and "[]" count). Case and blanks
 *  matter. Where the reference would raise a TypeError (a number or a boolean in any tag
 *  column; a missing value, which pandas reads as NaN, in a closed-set or open-set
 *  column) the instance does not carry the feature. */
bool hasMetadataFeatureStrict(const FeatureDef &feature, const QJsonObject &tags);

/** A raw lexical score the source row already carried under the reference's column
 *  name (a number or a numeric string); nullopt when absent or not finite. */
std::optional<double> importedScore(const QJsonObject &metadata, Score score);

} // namespace hyper::features
