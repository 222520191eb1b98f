// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/lm/judge.h"

#include <QCryptographicHash>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>

namespace hyper::lm {

namespace {

const char *const kAspectKeys[] = {"helpfulness", "truthfulness", "harmlessness"};

// The built-in template. docs/LM.md quotes it word for word: change both together, and
// bump the version so that labels made with the old text stay apart.
const char *const kDefaultSystem =
    "You are an impartial expert judge of the quality of AI assistant responses. You compare two "
    "responses to the same prompt and say which one is better. You are not swayed by the order in "
    "which the responses are shown, by their length, or by their style, only by how well they serve "
    "the person who wrote the prompt.";

const char *const kDefaultUser =
    "Compare the two responses to the prompt below.\n"
    "\n"
    "[Prompt]\n"
    "{prompt}\n"
    "\n"
    "[Response A]\n"
    "{response_1}\n"
    "\n"
    "[Response B]\n"
    "{response_2}\n"
    "\n"
    "Judge the overall quality and, where you can, three aspects:\n"
    "- helpfulness: does the response do what the prompt asks, completely and clearly?\n"
    "- truthfulness: is what it says accurate, without invented facts?\n"
    "- harmlessness: is it safe, respectful and appropriate?\n"
    "\n"
    "Answer with one JSON object and nothing else, in this form:\n"
    "{\"overall\": PREF, \"helpfulness\": PREF, \"truthfulness\": PREF, \"harmlessness\": PREF, "
    "\"rationale\": \"one or two sentences\"}\n"
    "where each PREF is one of the strings \"A-is-clearly-better\", \"A-is-slightly-better\", "
    "\"Tie\", \"B-is-slightly-better\", \"B-is-clearly-better\". \"overall\" is required; the "
    "aspects and the rationale may be left out.";

// Replaces {prompt}, {response_1} and {response_2} in one pass, so that braces inside the
// instance's texts are never taken for placeholders.
QString fill(const QString &text, const QString &prompt, const QString &first, const QString &second)
{
    QString out;
    out.reserve(text.size() + prompt.size() + first.size() + second.size());
    qsizetype i = 0;
    while (i < text.size()) {
        if (text[i] == QLatin1Char('{')) {
            const QStringView rest = QStringView(text).mid(i);
            if (rest.startsWith(QLatin1String("{prompt}"))) {
                out += prompt;
                i += 8;
                continue;
            }
            if (rest.startsWith(QLatin1String("{response_1}"))) {
                out += first;
                i += 12;
                continue;
            }
            if (rest.startsWith(QLatin1String("{response_2}"))) {
                out += second;
                i += 12;
                continue;
            }
        }
        out += text[i++];
    }
    return out;
}

Preference meanTowardZero(Preference a, Preference b)
{
    return *preferenceFromInt((toInt(a) + toInt(b)) / 2); // C++ division truncates toward zero
}

bool sameFoldedWinner(Preference a, Preference b)
{
    return foldSlightly(a) == foldSlightly(b);
}

Preference combineOne(Preference a, Preference b)
{
    return sameFoldedWinner(a, b) ? meanTowardZero(a, b) : Preference::Tie;
}

} // namespace

const JudgeTemplate &defaultJudgeTemplate()
{
    static const JudgeTemplate t = [] {
        JudgeTemplate d;
        d.name = QStringLiteral("hyper-pairwise");
        d.version = QStringLiteral("1");
        d.system = QString::fromUtf8(kDefaultSystem);
        d.user = QString::fromUtf8(kDefaultUser);
        return d;
    }();
    return t;
}

QString JudgeTemplate::toText() const
{
    QString s = QStringLiteral("name: %1\ntemperature: %2\nmax_tokens: %3\njson_mode: %4\n")
                    .arg(name, QString::number(temperature), QString::number(maxTokens),
                         jsonMode ? QStringLiteral("true") : QStringLiteral("false"));
    s += QStringLiteral("[system]\n") + system + QStringLiteral("\n[user]\n") + user + QLatin1Char('\n');
    return s;
}

JudgeTemplate parseJudgeTemplate(const QByteArray &bytes, const QString &source)
{
    auto fail = [&](int line, const QString &what) {
        return TemplateError(QStringLiteral("%1:%2: %3").arg(source).arg(line).arg(what).toStdString());
    };
    JudgeTemplate t;
    t.maxTokens = 512;
    const QStringList lines = QString::fromUtf8(bytes).split(QLatin1Char('\n'));
    enum class Part { Header, System, User } part = Part::Header;
    QStringList system, user;
    bool sawSystem = false, sawUser = false;
    for (int n = 0; n < lines.size(); ++n) {
        QString line = lines[n];
        if (line.endsWith(QLatin1Char('\r')))
            line.chop(1);
        const int lineNo = n + 1;
        if (line.trimmed() == QLatin1String("[system]")) {
            if (sawSystem || sawUser)
                throw fail(lineNo, QStringLiteral("[system] must come once, before [user]"));
            sawSystem = true;
            part = Part::System;
            continue;
        }
        if (line.trimmed() == QLatin1String("[user]")) {
            if (sawUser)
                throw fail(lineNo, QStringLiteral("[user] given twice"));
            sawUser = true;
            part = Part::User;
            continue;
        }
        if (part == Part::System) {
            system << line;
            continue;
        }
        if (part == Part::User) {
            user << line;
            continue;
        }
        const QString trimmed = line.trimmed();
        if (trimmed.isEmpty() || trimmed.startsWith(QLatin1Char('#')))
            continue;
        const qsizetype colon = trimmed.indexOf(QLatin1Char(':'));
        if (colon <= 0)
            throw fail(lineNo, QStringLiteral("expected 'key: value', [system] or [user], got '%1'").arg(trimmed.left(60)));
        const QString key = trimmed.left(colon).trimmed();
        const QString value = trimmed.mid(colon + 1).trimmed();
        bool ok = true;
        if (key == QLatin1String("name")) {
            if (value.isEmpty() || value.contains(QLatin1Char('@')))
                throw fail(lineNo, QStringLiteral("name: must be non-empty and without '@'"));
            t.name = value;
        } else if (key == QLatin1String("temperature")) {
            t.temperature = value.toDouble(&ok);
            if (!ok || t.temperature < 0 || t.temperature > 2)
                throw fail(lineNo, QStringLiteral("temperature: a number in [0, 2], got '%1'").arg(value));
        } else if (key == QLatin1String("max_tokens")) {
            t.maxTokens = value.toInt(&ok);
            if (!ok || t.maxTokens < 1 || t.maxTokens > 100000)
                throw fail(lineNo, QStringLiteral("max_tokens: an integer in [1, 100000], got '%1'").arg(value));
        } else if (key == QLatin1String("json_mode")) {
            if (value != QLatin1String("true") && value != QLatin1String("false"))
                throw fail(lineNo, QStringLiteral("json_mode: true or false, got '%1'").arg(value));
            t.jsonMode = value == QLatin1String("true");
        } else {
            throw fail(lineNo, QStringLiteral("unknown key '%1' (name, temperature, max_tokens, json_mode)").arg(key));
        }
    }
    const int last = int(lines.size());
    if (t.name.isEmpty())
        throw fail(1, QStringLiteral("the template has no 'name:' line"));
    if (!sawUser)
        throw fail(last, QStringLiteral("the template has no [user] section"));
    auto joinText = [](QStringList parts) {
        while (!parts.isEmpty() && parts.last().trimmed().isEmpty())
            parts.removeLast();
        return parts.join(QLatin1Char('\n'));
    };
    t.system = joinText(system);
    t.user = joinText(user);
    for (const char *ph : {"{prompt}", "{response_1}", "{response_2}"})
        if (!t.user.contains(QLatin1String(ph)))
            throw fail(last, QStringLiteral("the [user] text lacks the placeholder %1").arg(QLatin1String(ph)));
    t.version = QString::fromLatin1(QCryptographicHash::hash(bytes, QCryptographicHash::Sha256).toHex().left(8));
    return t;
}

JudgeTemplate loadJudgeTemplate(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        throw TemplateError(QStringLiteral("%1: cannot read: %2").arg(path, f.errorString()).toStdString());
    return parseJudgeTemplate(f.readAll(), path);
}

ChatRequest judgeRequest(const JudgeTemplate &tmpl, const QString &prompt, const QString &responseA,
                         const QString &responseB, Order order)
{
    const QString &first = order == Order::Original ? responseA : responseB;
    const QString &second = order == Order::Original ? responseB : responseA;
    ChatRequest r;
    if (!tmpl.system.isEmpty())
        r.messages.push_back({QStringLiteral("system"), fill(tmpl.system, prompt, first, second)});
    r.messages.push_back({QStringLiteral("user"), fill(tmpl.user, prompt, first, second)});
    r.temperature = tmpl.temperature;
    r.maxTokens = tmpl.maxTokens;
    r.jsonMode = tmpl.jsonMode;
    return r;
}

namespace {

QString unfenceJson(const QString &reply)
{
    QString t = reply.trimmed();
    if (t.startsWith(QLatin1String("```"))) {
        const qsizetype eol = t.indexOf(QLatin1Char('\n'));
        if (eol < 0 || !t.endsWith(QLatin1String("```")) || t.size() < 6)
            return QString(); // an unclosed fence: not JSON
        const QString lang = t.mid(3, eol - 3).trimmed();
        if (!lang.isEmpty() && lang.compare(QLatin1String("json"), Qt::CaseInsensitive) != 0)
            return QString();
        t = t.mid(eol + 1);
        t.chop(3);
        t = t.trimmed();
    }
    return t;
}

} // namespace

std::optional<QJsonObject> replyObject(const QString &reply, QString *error)
{
    const QString body = unfenceJson(reply);
    if (body.isEmpty()) {
        *error = reply.trimmed().isEmpty() ? QStringLiteral("empty reply") : QStringLiteral("not a JSON object");
        return std::nullopt;
    }
    QJsonParseError pe;
    const QJsonDocument doc = QJsonDocument::fromJson(body.toUtf8(), &pe);
    if (pe.error != QJsonParseError::NoError) {
        *error = QStringLiteral("not JSON: %1 at offset %2").arg(pe.errorString()).arg(pe.offset);
        return std::nullopt;
    }
    if (!doc.isObject()) {
        *error = QStringLiteral("not a JSON object");
        return std::nullopt;
    }
    return doc.object();
}

JudgeParse parseJudgeReply(const QString &reply)
{
    JudgeParse r;
    const auto obj = replyObject(reply, &r.error);
    if (!obj)
        return r;
    JudgeVerdict v;
    for (auto it = obj->begin(); it != obj->end(); ++it) {
        const QString key = it.key();
        const QJsonValue value = it.value();
        bool aspect = false;
        for (const char *a : kAspectKeys)
            aspect = aspect || key == QLatin1String(a);
        if (key == QLatin1String("overall") || aspect) {
            if (aspect && value.isNull())
                continue; // an aspect the judge declined: as if absent
            const auto p = value.isString() ? parsePreference(value.toString()) : std::nullopt;
            if (!p) {
                r.error = QStringLiteral("\"%1\" is not one of the five scale strings").arg(key);
                return r;
            }
            if (aspect)
                v.aspects.insert(key, *p);
            else
                v.overall = *p;
        } else if (key == QLatin1String("rationale")) {
            if (value.isNull())
                continue;
            if (!value.isString()) {
                r.error = QStringLiteral("\"rationale\" is not a string");
                return r;
            }
            v.rationale = value.toString().trimmed();
        } else {
            r.error = QStringLiteral("unexpected key \"%1\"").arg(key.left(40));
            return r;
        }
    }
    if (!obj->contains(QStringLiteral("overall"))) {
        r.error = QStringLiteral("\"overall\" is missing");
        return r;
    }
    r.verdict = v;
    return r;
}

JudgeVerdict toOriginalFrame(const JudgeVerdict &swapped)
{
    JudgeVerdict v = swapped;
    v.overall = swapSides(swapped.overall);
    for (auto it = v.aspects.begin(); it != v.aspects.end(); ++it)
        it.value() = swapSides(it.value());
    return v;
}

CombinedVerdict combineVerdicts(const JudgeVerdict &original, const std::optional<JudgeVerdict> &swapped)
{
    CombinedVerdict c;
    c.verdictOriginal = original.overall;
    if (!swapped) {
        c.overall = original.overall;
        c.aspects = original.aspects;
        c.rationale = original.rationale;
        return c;
    }
    c.verdictSwapped = swapped->overall;
    c.positionConsistent = sameFoldedWinner(original.overall, swapped->overall);
    c.overall = combineOne(original.overall, swapped->overall);
    c.aspects = original.aspects;
    for (auto it = swapped->aspects.begin(); it != swapped->aspects.end(); ++it) {
        const auto mine = c.aspects.find(it.key());
        if (mine == c.aspects.end())
            c.aspects.insert(it.key(), it.value());
        else
            mine.value() = combineOne(mine.value(), it.value());
    }
    c.rationale = original.rationale;
    if (!swapped->rationale.isEmpty())
        c.rationale += (c.rationale.isEmpty() ? QString() : QStringLiteral(" | ")) + swapped->rationale;
    return c;
}

QString requestHash(const QString &model, const QString &templateId, const ChatRequest &request)
{
    QCryptographicHash h(QCryptographicHash::Sha256);
    auto field = [&](const QString &s) {
        const QByteArray b = s.toUtf8();
        h.addData(QByteArray::number(b.size()) + ':');
        h.addData(b);
    };
    field(QStringLiteral("hyper-lm-request/1"));
    field(model);
    field(templateId);
    field(QString::number(request.temperature, 'g', 17));
    field(QString::number(request.maxTokens));
    field(request.jsonMode ? QStringLiteral("json") : QStringLiteral("text"));
    for (const ChatMessage &m : request.messages) {
        field(m.role);
        field(m.content);
    }
    return QString::fromLatin1(h.result().toHex());
}

QString combinedHash(const QStringList &requestHashes)
{
    if (requestHashes.size() == 1)
        return requestHashes.first();
    QCryptographicHash h(QCryptographicHash::Sha256);
    h.addData(QByteArrayLiteral("hyper-lm-orders/1"));
    for (const QString &s : requestHashes)
        h.addData('\n' + s.toLatin1());
    return QString::fromLatin1(h.result().toHex());
}

} // namespace hyper::lm
