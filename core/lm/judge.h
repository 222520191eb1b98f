// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/domain/preference.h"
#include "core/lm/chatclient.h"

#include <QByteArray>
#include <QJsonObject>
#include <QMap>
#include <QString>
#include <optional>
#include <vector>

namespace hyper::lm {

/** A template or reply that cannot be used; what() names the field (and for a template
 *  file, FILE:LINE:). */
class TemplateError : public std::runtime_error
{
public:
    using std::runtime_error::runtime_error;
};

/**
 * A pairwise judge prompt (docs/LM.md "Judge"). The system and user texts may hold the
 * placeholders {prompt}, {response_1} and {response_2}: the instance's prompt and its two
 * responses in the order shown to the judge (A then B for the original order, B then A
 * for the swapped one). The user text must hold all three. The version identifies the
 * text: labels from different texts never share a template id.
 */
struct JudgeTemplate {
    QString name;          // e.g. "hyper-pairwise"
    QString version;       // e.g. "1" for the built-in one; the text's sha8 for a file
    QString system;
    QString user;
    double temperature = 0.0;
    int maxTokens = 512;
    bool jsonMode = true;  // ask for response_format json_object

    /** name@version: what lm_labels.template and the content hash carry. */
    QString id() const { return name + QLatin1Char('@') + version; }
    /** The template as text in the file format of parseJudgeTemplate(). */
    QString toText() const;
};

/** The built-in template, documented word for word in docs/LM.md. */
const JudgeTemplate &defaultJudgeTemplate();

/**
 * Parses a template file (docs/LM.md "Template files"): lines "name: NAME",
 * optional "temperature: X", "max_tokens: N", "json_mode: true|false", then a line
 * "[system]" followed by the system text and a line "[user]" followed by the user text.
 * The version is the first 8 hex digits of the SHA-256 of the file's bytes. Throws
 * TemplateError with "SOURCE:LINE: ..." on a bad line or a missing placeholder.
 */
JudgeTemplate parseJudgeTemplate(const QByteArray &text, const QString &source);
/** Reads and parses a template file; TemplateError when unreadable or bad. */
JudgeTemplate loadJudgeTemplate(const QString &path);

/** Which order the judge saw the responses in. */
enum class Order { Original, Swapped };

/** The chat request for one order of one instance (tag left 0). */
ChatRequest judgeRequest(const JudgeTemplate &tmpl, const QString &prompt, const QString &responseA,
                         const QString &responseB, Order order);

/** A validated judge reply, in the frame the judge saw (first response = "A"). */
struct JudgeVerdict {
    Preference overall = Preference::Tie;
    QMap<QString, Preference> aspects;  // helpfulness / truthfulness / harmlessness, when given
    QString rationale;
};

/**
 * Strict validation of a judge reply. Accepted: one JSON object, optionally surrounded
 * by whitespace or wrapped in one ```json (or ```) fence; keys only "overall" (required),
 * "helpfulness", "truthfulness", "harmlessness" (each one of the five scale strings,
 * exactly) and "rationale" (a string). Anything else is an error: the message names the
 * problem. Never throws.
 */
struct JudgeParse {
    std::optional<JudgeVerdict> verdict;
    QString error;
};
JudgeParse parseJudgeReply(const QString &reply);

/** The JSON object of a reply: the trimmed text, or the inside of one ```json (or ```)
 *  fence around all of it; nullopt with *error set when that is not one JSON object.
 *  Shared by the judge and the tagger. */
std::optional<QJsonObject> replyObject(const QString &reply, QString *error);

/** A verdict given in the swapped order, mapped back to the A/B frame. */
JudgeVerdict toOriginalFrame(const JudgeVerdict &swapped);

/**
 * One LM label from one or two verdicts (already in the A/B frame). One order: the
 * verdict as is. Both orders: when the folded winners agree (position-consistent) each
 * scale value is the mean of the two rounded toward zero (A-clearly + A-slightly gives
 * A-slightly); when they differ, overall is Tie. Aspects combine the same way when both
 * orders gave them, else the one given; rationale: the original order's, then the
 * swapped one's after " | ".
 */
struct CombinedVerdict {
    Preference overall = Preference::Tie;
    QMap<QString, Preference> aspects;
    QString rationale;
    std::optional<Preference> verdictOriginal;
    std::optional<Preference> verdictSwapped;
    std::optional<bool> positionConsistent;  // set when both orders were judged
};
CombinedVerdict combineVerdicts(const JudgeVerdict &original, const std::optional<JudgeVerdict> &swapped);

/** The content hash of a request (hex SHA-256 over the model, the template id, the
 *  messages and the sampling parameters). Equal hashes mean the same question. */
QString requestHash(const QString &model, const QString &templateId, const ChatRequest &request);
/** The hash of a label made of several requests (both orders): over their hashes. */
QString combinedHash(const QStringList &requestHashes);

} // namespace hyper::lm
