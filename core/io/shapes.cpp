// SPDX-License-Identifier: GPL-3.0-or-later
// The two row shapes that need more than a column per field: chosen/rejected pairs
// and MultiPref's annotation lists. Part of RowConverter.

#include "core/io/rowconverter.h"

#include "core/domain/preference.h"
#include "core/io/jsonvalue.h"

namespace hyper {

namespace {

constexpr std::string_view kAssistantTurn = "\n\nAssistant:";

std::string stripLeadingSpace(std::string_view s)
{
    while (!s.empty() && (s.front() == ' ' || s.front() == '\n' || s.front() == '\t' || s.front() == '\r'))
        s.remove_prefix(1);
    return std::string(s);
}

/** A message's content: a string, or a list of parts ({"type":"text","text":...} or strings). */
std::string contentText(const JsonValue *c)
{
    if (!c)
        return {};
    if (!c->isArray())
        return scalarText(*c);
    std::string out;
    for (const JsonValue &part : c->items) {
        const JsonValue *t = part.isObject() ? part.find("text") : &part;
        if (t && t->isString())
            out += (out.empty() ? "" : "\n") + t->text;
    }
    return out;
}

std::string roleOf(const JsonValue &m)
{
    const JsonValue *r = m.find("role");
    return r ? asciiLower(scalarText(*r)) : std::string();
}

/** v as a message list: an array, or (in CSV cells) a string holding a JSON array of
 *  {"role", ...} objects. Other strings are text even when they look like JSON: HHH has
 *  answers that are JSON arrays of strings. */
/** Every item of the list is a {"role", ...} object. */
bool allTurns(const JsonValue &list)
{
    for (const JsonValue &m : list.items)
        if (!m.isObject() || !m.find("role"))
            return false;
    return true;
}

const JsonValue *messageList(const JsonValue &v, JsonValue &storage)
{
    if (v.isArray())
        return &v;
    const JsonValue *list = asArray(v, storage);
    return list && !list->items.empty() && allTurns(*list) ? list : nullptr;
}

/** "user" -> "User" (ASCII; roles are lower-cased by roleOf). */
std::string roleTitle(std::string role)
{
    if (!role.empty() && role[0] >= 'a' && role[0] <= 'z')
        role[0] = char(role[0] - 'a' + 'A');
    return role;
}

/** The context turns [0, end) of a message list: a lone user turn is its text; several
 *  turns become "Role: text" paragraphs (the prompt's text, which features, hashes and
 *  reward models read) and, in messagesJson, the list itself as canonical JSON
 *  [{"role":"...","content":"..."},...] so the conversation is kept as turns. */
std::string contextOf(const JsonValue &list, std::size_t end, std::string &messagesJson)
{
    messagesJson.clear();
    if (end == 0)
        return {};
    if (end == 1 && roleOf(list.items[0]) == "user")
        return contentText(list.items[0].find("content"));
    std::string prompt;
    messagesJson.push_back('['); // cleared above
    for (std::size_t i = 0; i < end; ++i) {
        const std::string role = roleOf(list.items[i]);
        const std::string content = contentText(list.items[i].find("content"));
        if (!prompt.empty())
            prompt += "\n\n";
        prompt += roleTitle(role);
        prompt += ": ";
        prompt += content;
        if (i)
            messagesJson += ',';
        messagesJson += "{\"role\":";
        appendJsonString(messagesJson, role);
        messagesJson += ",\"content\":";
        appendJsonString(messagesJson, content);
        messagesJson += '}';
    }
    messagesJson += ']';
    return prompt;
}

/** Splits a message list into the prompt (the turns before the last assistant turn, see
 *  contextOf) and the response (that turn's content). */
void splitMessages(const JsonValue &list, const char *column, std::string &prompt, std::string &messagesJson,
                   std::string &response)
{
    std::size_t last = list.items.size();
    for (std::size_t i = list.items.size(); i-- > 0;) {
        if (!list.items[i].isObject())
            throw RowError{std::string("'") + column + "' is a list whose items are not {\"role\", \"content\"} objects"};
        if (last == list.items.size() && roleOf(list.items[i]) == "assistant")
            last = i;
    }
    if (last == list.items.size())
        throw RowError{std::string("'") + column + "' has no assistant message"};
    response = contentText(list.items[last].find("content"));
    prompt = contextOf(list, last, messagesJson);
}

} // namespace

void RowConverter::takePrompt(RowAccess &row, ImportRecord &out) const
{
    // The first prompt column present: a message list there (an array, or a cell holding
    // one) is a conversation; anything else is text.
    for (const std::string &c : m_spec.candidates(Field::Prompt)) {
        const JsonValue *v = row.peek(c);
        if (!v || v->isNull())
            continue;
        JsonValue storage;
        if (const JsonValue *list = messageList(*v, storage); list && allTurns(*list)) {
            out.prompt = contextOf(*list, list->items.size(), out.promptMessagesJson);
            row.take(c);
            return;
        }
        break;
    }
    out.prompt = text(row, Field::Prompt, true);
}

void RowConverter::convertPairs(RowAccess &row, ImportRecord &out) const
{
    std::string chosenCol, rejectedCol;
    JsonValue *chosen = row.takeFirst(m_spec.candidates(Field::Chosen), &chosenCol);
    JsonValue *rejected = row.takeFirst(m_spec.candidates(Field::Rejected), &rejectedCol);
    const auto missing = [&](Field f) {
        std::string looked;
        for (const std::string &c : m_spec.candidates(f))
            looked += (looked.empty() ? "" : ", ") + c;
        return RowError{"missing field '" + std::string(fieldName(f)) + "' (looked for: " + looked + ")"};
    };
    if (!chosen)
        throw missing(Field::Chosen);
    if (!rejected)
        throw missing(Field::Rejected);

    JsonValue chosenStore, rejectedStore;
    const JsonValue *chosenList = messageList(*chosen, chosenStore);
    const JsonValue *rejectedList = messageList(*rejected, rejectedStore);
    std::string derivedPrompt, derivedJson;
    bool haveDerived = false;
    if (chosenList || rejectedList) {
        if (!chosenList || !rejectedList)
            throw RowError{"'" + chosenCol + "' and '" + rejectedCol + "' must both be message lists or both be text"};
        std::string otherPrompt, otherJson;
        splitMessages(*chosenList, chosenCol.c_str(), derivedPrompt, derivedJson, out.responseA);
        splitMessages(*rejectedList, rejectedCol.c_str(), otherPrompt, otherJson, out.responseB);
        haveDerived = true;
    } else {
        out.responseA = scalarText(*chosen);
        out.responseB = scalarText(*rejected);
    }

    if (JsonValue *p = row.takeFirst(m_spec.candidates(Field::Prompt))) {
        JsonValue promptStore;
        if (const JsonValue *promptList = messageList(*p, promptStore)) {
            out.prompt = contextOf(*promptList, promptList->items.size(), out.promptMessagesJson);
        } else {
            out.prompt = scalarText(*p);
            // A text prompt beside chosen/rejected lists that carry the same turns (this
            // tool's dpo export): keep the turns.
            if (haveDerived && !derivedJson.empty() && derivedPrompt == out.prompt)
                out.promptMessagesJson = std::move(derivedJson);
        }
    } else if (haveDerived) {
        out.prompt = std::move(derivedPrompt);
        out.promptMessagesJson = std::move(derivedJson);
    } else if (out.responseA.find(kAssistantTurn) != std::string::npos) {
        // HH-RLHF: both texts are whole dialogues. The prompt is their shared prefix up
        // to and including the last "\n\nAssistant:" inside it; a few rows diverge
        // before the final turn, and this still splits them where they first differ.
        const std::string &a = out.responseA;
        const std::string &b = out.responseB;
        std::size_t common = 0;
        while (common < a.size() && common < b.size() && a[common] == b[common])
            ++common;
        const std::size_t at = std::string_view(a.data(), common).rfind(kAssistantTurn);
        if (at == std::string_view::npos)
            throw RowError{"cannot split the transcripts: '" + chosenCol + "' and '" + rejectedCol
                           + "' share no \"\\n\\nAssistant:\" turn"};
        const std::size_t cut = at + kAssistantTurn.size();
        std::string prompt = a.substr(0, cut);
        std::string respA = stripLeadingSpace(std::string_view(a).substr(cut));
        std::string respB = stripLeadingSpace(std::string_view(b).substr(cut));
        out.prompt = std::move(prompt);
        out.responseA = std::move(respA);
        out.responseB = std::move(respB);
    } else {
        throw missing(Field::Prompt);
    }

    ImportHumanLabel h;
    h.annotator = m_spec.pairAnnotator;
    h.kind = m_spec.pairKind;
    h.overall = toInt(Preference::AClearly);
    out.human.push_back(std::move(h));
}

void RowConverter::convertMultiPref(RowAccess &row, ImportRecord &out) const
{
    struct Aspect {
        const char *prefix;
        const char *name;
    };
    static constexpr Aspect kAspects[] = {
        {"overall", "overall"}, {"helpful", "helpfulness"}, {"truthful", "truthfulness"}, {"harmless", "harmlessness"}};

    for (const char *listKey : {"normal_worker_annotations", "expert_worker_annotations"}) {
        const JsonValue *v = row.take(listKey);
        if (!v || v->isNull())
            continue;
        JsonValue storage;
        const JsonValue *list = asArray(*v, storage);
        if (!list)
            throw RowError{std::string("'") + listKey + "' is not a list of annotations"};
        const std::string kind = listKey[0] == 'n' ? "normal" : "expert";
        for (std::size_t i = 0; i < list->items.size(); ++i) {
            const JsonValue &ann = list->items[i];
            const std::string where = std::string(listKey) + "[" + std::to_string(i) + "]";
            if (!ann.isObject())
                throw RowError{"'" + where + "' is not an object"};
            const JsonValue *overall = ann.find("overall_pref");
            const LabelValue ov = overall ? parseLabelValue(*overall, LabelVocab::OneTwoZero, m_spec.reading)
                                          : LabelValue{};
            if (ov.status == LabelValue::Status::Unknown)
                throwUnknownLabel(*overall, where + ".overall_pref");
            if (ov.status == LabelValue::Status::Empty)
                continue; // an annotation without an overall judgement is no label

            ImportHumanLabel h;
            h.kind = kind;
            h.overall = ov.preference;
            const JsonValue *ev = ann.find("evaluator");
            h.annotator = ev ? scalarText(*ev) : std::string();
            if (h.annotator.empty())
                h.annotator = "multipref_" + kind + "_" + std::to_string(i + 1);

            std::string reasons;
            const auto addReasons = [&reasons](const std::string &key, const JsonValue &list) {
                reasons += reasons.empty() ? "{" : ",";
                appendJsonString(reasons, key);
                reasons += ':';
                appendJson(reasons, list);
            };
            for (const Aspect &a : kAspects) {
                const std::string p = a.prefix;
                if (p != "overall") {
                    const JsonValue *pref = ann.find(p + "_pref");
                    const LabelValue lv = pref ? parseLabelValue(*pref, LabelVocab::OneTwoZero, m_spec.reading)
                                               : LabelValue{};
                    if (lv.status == LabelValue::Status::Unknown)
                        throwUnknownLabel(*pref, where + "." + p + "_pref");
                    if (lv.status == LabelValue::Status::Value) {
                        if (p == "helpful")
                            h.helpfulness = lv.preference;
                        else if (p == "truthful")
                            h.truthfulness = lv.preference;
                        else
                            h.harmlessness = lv.preference;
                    }
                }
                if (const JsonValue *r = ann.find(p + "_checked_reasons")) {
                    JsonValue rs;
                    if (const JsonValue *l = asArray(*r, rs)) {
                        if (!l->items.empty())
                            addReasons(a.name, *l);
                    } else if (!trimmed(scalarText(*r)).empty()) {
                        JsonValue one;
                        one.type = JsonValue::Type::Array;
                        one.items.push_back(*r);
                        addReasons(a.name, one);
                    }
                }
                if (const JsonValue *own = ann.find(p + "_own_reason")) {
                    const std::string t = trimmed(scalarText(*own));
                    if (!t.empty())
                        h.rationale += (h.rationale.empty() ? "" : "\n\n") + std::string(a.name) + ": " + t;
                }
                if (const JsonValue *c = ann.find(p + "_confidence")) {
                    double d = 0;
                    if (p == "overall" && numberValue(*c, d)) {
                        h.confidence = d;
                    } else if (!trimmed(scalarText(*c)).empty()) {
                        // Textual (or per-aspect) confidences have no numeric field; keep
                        // them beside the reasons as one-element lists.
                        JsonValue one;
                        one.type = JsonValue::Type::Array;
                        one.items.emplace_back();
                        one.items.back().type = JsonValue::Type::String;
                        one.items.back().text = scalarText(*c);
                        addReasons(std::string(a.name) + "_confidence", one);
                    }
                }
            }
            if (!reasons.empty())
                reasons += '}';
            h.reasonsJson = std::move(reasons);
            double t = 0;
            if (const JsonValue *ts = ann.find("time_spent"); ts && numberValue(*ts, t))
                h.timeSpentSeconds = t;
            out.human.push_back(std::move(h));
        }
    }
}

} // namespace hyper
