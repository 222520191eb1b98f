// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/lm/chatclient.h"

#include <QJsonObject>
#include <QJsonValue>
#include <QString>
#include <QStringList>
#include <optional>
#include <vector>

namespace hyper::lm {

/** How a dimension's answer is shaped. */
enum class TagShape {
    Subjects,  // a list of 1 to 3 of the 46 subjects of expertise
    Languages, // a list of 1 to 10 language names (free text)
    Scalar,    // one of the options
    OpenList,  // a list (possibly empty) of short free-text items
};

/** One of the eight metadata dimensions of METHOD.md §2 (docs/LM.md "Tagger"). */
struct TagDimension {
    QString name;          // the tag column, e.g. "safety_concern"
    TagShape shape = TagShape::Scalar;
    QString instruction;   // what the analyzer is asked
    QStringList options;   // allowed values (Subjects, Scalar); empty for free text
};

/** The eight dimensions in the feature order (names and options from
 *  core/features/featureset.cpp, so tags map onto the metadata features). */
const std::vector<TagDimension> &tagDimensions();
/** nullptr when no dimension has this name. */
const TagDimension *tagDimension(const QString &name);

/** The tagger's template id (name@version), part of every tag request's content hash. */
QString taggerTemplateId();

/** The chat request asking one dimension of one prompt (tag left 0). */
ChatRequest tagRequest(const TagDimension &dimension, const QString &prompt);

/**
 * Strict validation of a tagger reply: one JSON object (whitespace or one ```json fence
 * around it tolerated) with exactly one key, the dimension's name, whose value is a
 * string (Scalar: one of the options, case-insensitive) or an array of strings
 * (Subjects: 1-3 distinct options, case-insensitive; Languages: 1-10 non-empty names;
 * OpenList: 0-10 non-empty items of at most 200 characters). The value returned is
 * normalised: options in their canonical spelling, items trimmed.
 */
struct TagParse {
    std::optional<QJsonValue> value;
    QString error;
};
TagParse parseTagReply(const TagDimension &dimension, const QString &reply);

/** The metadata object with the tag set where featureset's tagObject() reads tags: at the
 *  top level when the top level already carries a tag column or has no "tags" object,
 *  else inside "tags". */
QJsonObject mergeTag(const QJsonObject &metadata, const QString &dimension, const QJsonValue &value);

/** The dimensions the metadata lacks (absent or null where tagObject() reads). */
QStringList missingTagDimensions(const QJsonObject &metadata);

} // namespace hyper::lm
