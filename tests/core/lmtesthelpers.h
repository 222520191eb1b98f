// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Shared by tst_lmjobs and tst_cli_lm: a small project with predictable instances, and
// reply generators for lm::TestServer whose answers follow a rule the tests can predict.
#include "core/domain/preference.h"
#include "core/storage/importrecord.h"
#include "core/storage/projectstore.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QString>

namespace hyper::testing {

/** Response texts of instance i (1-based): word counts that differ by a rule. */
inline QString responseText(const char *word, int words)
{
    QStringList w;
    for (int k = 0; k < words; ++k)
        w << QLatin1String(word);
    return w.join(QLatin1Char(' '));
}
inline int wordsA(int i) { return 3 + (i * 7) % 11; }
inline int wordsB(int i) { return 3 + (i * 5) % 13; }

/** The prompt of instance i; `marker` (e.g. "[[not-json]]") makes the generators
 *  misbehave on it. Braces check that placeholders are never filled twice. */
inline QString promptText(int i, const QString &marker = {})
{
    return QStringLiteral("Question %1: what is the sum of %1 and {response_1}? %2").arg(i).arg(marker);
}

/** Creates a project with n train instances (plus one eval instance). markers: instance
 *  number (1-based) -> marker put in its prompt. Empty string on failure. */
inline QString makeLmProject(const QString &path, int n, const QMap<int, QString> &markers = {},
                             const QByteArray &metadataJson = {})
{
    ProjectStore store(path, ProjectStore::Mode::CreateNew);
    auto w = store.beginImport(QStringLiteral("lmtest.jsonl"), QStringLiteral("test"));
    for (int i = 1; i <= n + 1; ++i) {
        ImportRecord r;
        r.line = i;
        r.externalId = "x" + std::to_string(i);
        r.split = i <= n ? Split::Train : Split::Eval;
        r.prompt = promptText(i, markers.value(i)).toStdString();
        r.responseA = responseText("alpha", wordsA(i)).toStdString();
        r.responseB = responseText("beta", wordsB(i)).toStdString();
        r.metadataJson = metadataJson.toStdString();
        w->add(r);
    }
    w->commit(0);
    return path;
}

/** The scale value a length-preferring judge gives when it sees `first` then `second`
 *  (by characters): longer by more than 20: clearly, by less: slightly, equal: Tie. */
inline Preference longerWins(const QString &first, const QString &second)
{
    const qsizetype d = first.size() - second.size();
    if (d > 20)
        return Preference::AClearly;
    if (d > 0)
        return Preference::ASlightly;
    if (d == 0)
        return Preference::Tie;
    return d < -20 ? Preference::BClearly : Preference::BSlightly;
}

/** The expected label of instance i under longerWins (the same in both orders). */
inline Preference expectedLonger(int i)
{
    return longerWins(responseText("alpha", wordsA(i)), responseText("beta", wordsB(i)));
}

inline QString userContent(const QJsonObject &request)
{
    const QJsonArray messages = request.value(QStringLiteral("messages")).toArray();
    return messages.last().toObject().value(QStringLiteral("content")).toString();
}

/** Text between two markers of s ("" when absent). */
inline QString between(const QString &s, const QString &from, const QString &to)
{
    const qsizetype a = s.indexOf(from);
    if (a < 0)
        return {};
    const qsizetype b = s.indexOf(to, a + from.size());
    return b < 0 ? QString() : s.mid(a + from.size(), b - a - from.size());
}

/** A judge following longerWins on the default template; prompts holding [[bad-schema]],
 *  [[not-json]], [[extra-key]] get such replies. `positionBiased`: always prefers the
 *  response shown first. */
inline QString judgeReply(const QJsonObject &request, bool positionBiased = false)
{
    const QString user = userContent(request);
    if (user.contains(QLatin1String("[[bad-schema]]")))
        return QStringLiteral(R"({"overall": "A-is-better", "rationale": "x"})");
    if (user.contains(QLatin1String("[[not-json]]")))
        return QStringLiteral("I think A is better.");
    if (user.contains(QLatin1String("[[extra-key]]")))
        return QStringLiteral(R"({"overall": "Tie", "confidence": 0.5})");
    if (positionBiased)
        return QStringLiteral(R"({"overall": "A-is-clearly-better"})");
    const QString first = between(user, QStringLiteral("[Response A]\n"), QStringLiteral("\n\n[Response B]"));
    const QString second = between(user, QStringLiteral("[Response B]\n"), QStringLiteral("\n\nJudge the overall"));
    const Preference p = longerWins(first, second);
    return QStringLiteral(R"({"overall": "%1", "helpfulness": "%1", "rationale": "longer is better"})")
        .arg(preferenceName(p));
}

/** A tagger: the dimension is read from the requested answer form; subjects: Mathematics
 *  for prompts with "sum", scalars: the first option listed, lists: fixed values. A prompt
 *  with [[bad-tag]] gets an invalid safety_concern. */
inline QString tagReply(const QJsonObject &request)
{
    const QString user = userContent(request);
    static const QRegularExpression dimRe(QStringLiteral("nothing else: \\{\"([a-z_]+)\""));
    const QString dim = dimRe.match(user).captured(1);
    QJsonValue v;
    if (dim == QLatin1String("subject_of_expertise"))
        v = QJsonArray{user.contains(QLatin1String(" sum ")) ? QStringLiteral("mathematics") : QStringLiteral("History")};
    else if (dim == QLatin1String("languages"))
        v = QJsonArray{QStringLiteral("English")};
    else if (dim == QLatin1String("type_of_in_context_material"))
        v = QJsonArray{};
    else if (dim == QLatin1String("format_constraints"))
        v = QJsonArray{QStringLiteral("one number")};
    else if (dim == QLatin1String("safety_concern") && user.contains(QLatin1String("[[bad-tag]]")))
        v = QStringLiteral("very high");
    else {
        static const QRegularExpression firstOpt(QStringLiteral("exactly one of these strings: \"([^\"]+)\""));
        v = firstOpt.match(user).captured(1);
    }
    return QString::fromUtf8(QJsonDocument(QJsonObject{{dim, v}}).toJson(QJsonDocument::Compact));
}

} // namespace hyper::testing
