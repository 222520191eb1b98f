// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/export/formats.h"

#include "core/domain/preference.h"
#include "core/export/jsontext.h"

#include <QJsonDocument>
#include <QJsonObject>

namespace hyper::exporting {

namespace {

/** The exported id: the dataset's own id, else the project's instance id. */
void appendId(std::string &out, const ExportInstance &in)
{
    if (!in.externalId.empty()) {
        appendJsonString(out, in.externalId);
    } else {
        out.push_back('"');
        appendJsonInt(out, in.id);
        out.push_back('"');
    }
}

std::string_view chosenText(const ExportInstance &in, const Resolution &r)
{
    return r.label < 0 ? in.responseA : in.responseB;
}

std::string_view rejectedText(const ExportInstance &in, const Resolution &r)
{
    return r.label < 0 ? in.responseB : in.responseA;
}

/** The prompt's turns as a JSON message list: the stored conversation, or
 *  [{"role":"user","content":P}] with P already a JSON literal. */
void appendPromptTurns(std::string &out, const ExportInstance &in, const std::string &promptLiteral)
{
    if (!in.promptMessages.empty()) {
        out.append(in.promptMessages);
        return;
    }
    out.append(R"([{"role":"user","content":)");
    out.append(promptLiteral);
    out.append("}]");
}

/** The prompt's turns followed by {"role":"assistant","content":R} (the prompt literal is
 *  escaped once per row, used three times). */
void appendMessages(std::string &out, const ExportInstance &in, const std::string &promptLiteral,
                    std::string_view response)
{
    appendPromptTurns(out, in, promptLiteral);
    out.pop_back(); // the list's ']'
    out.append(R"(,{"role":"assistant","content":)");
    appendJsonString(out, response);
    out.append("}]");
}

void appendNameList(std::string &out, const std::vector<int> &who, bool human, const ExportCatalog &c)
{
    out.push_back('[');
    for (std::size_t i = 0; i < who.size(); ++i) {
        if (i)
            out.push_back(',');
        const std::size_t k = std::size_t(who[i]);
        appendJsonString(out, human ? std::string_view(c.annotators[k].name) : std::string_view(c.judges[k]));
    }
    out.push_back(']');
}

/** The judge of an LM row: --judge, the one judge that voted, or "majority". */
std::string_view judgeName(const Resolution &r, const RowContext &ctx)
{
    if (ctx.judge >= 0)
        return ctx.catalog.judges[std::size_t(ctx.judge)];
    if (r.who.size() == 1)
        return ctx.catalog.judges[std::size_t(r.who.front())];
    return "majority";
}

/** "annotators":[...] or "judge":...,"judges":[...], then "votes":{...} (no braces). */
void appendProvenance(std::string &out, const Resolution &r, const RowContext &ctx)
{
    // Every row has the same keys, null where they do not apply: loaders that infer a
    // schema from the first rows (pandas, datasets) then read the whole file.
    const bool human = r.source == LabelSource::Human;
    out.append(R"("annotators":)");
    if (human)
        appendNameList(out, r.who, true, ctx.catalog);
    else
        out.append("null");
    out.append(R"(,"adjudicated_by":)");
    if (human && r.adjudicated)
        appendJsonString(out, r.adjudicator);
    else
        out.append("null");
    out.append(R"(,"judge":)");
    if (!human)
        appendJsonString(out, judgeName(r, ctx));
    else
        out.append("null");
    out.append(R"(,"judges":)");
    if (!human)
        appendNameList(out, r.who, false, ctx.catalog);
    else
        out.append("null");
    out.append(R"(,"votes":{"a":)");
    appendJsonInt(out, r.votesA);
    out.append(R"(,"tie":)");
    appendJsonInt(out, r.votesTie);
    out.append(R"(,"b":)");
    appendJsonInt(out, r.votesB);
    out.push_back('}');
}

const char *sourceName(const Resolution &r)
{
    if (r.adjudicated)
        return "adjudicated";
    return r.source == LabelSource::Human ? "human" : "lm";
}

void appendOptPreference(std::string &out, const std::optional<int> &v)
{
    if (v) {
        out.push_back('"');
        out.append(preferenceNameUtf8(Preference(*v)));
        out.push_back('"');
    } else {
        out.append("null");
    }
}

} // namespace

std::optional<Format> parseFormat(const QString &name)
{
    if (name == QLatin1String("dpo"))
        return Format::Dpo;
    if (name == QLatin1String("trl"))
        return Format::Trl;
    if (name == QLatin1String("csv"))
        return Format::Csv;
    return std::nullopt;
}

QString formatName(Format format)
{
    switch (format) {
    case Format::Dpo:
        return QStringLiteral("dpo");
    case Format::Trl:
        return QStringLiteral("trl");
    case Format::Csv:
        return QStringLiteral("csv");
    }
    return {};
}

void appendDpoRow(std::string &out, const ExportInstance &in, const Resolution &r, const RowContext &ctx)
{
    std::string prompt;
    prompt.reserve(in.prompt.size() + 16);
    appendJsonString(prompt, in.prompt);
    const bool a = r.label < 0;
    out.append(R"({"id":)");
    appendId(out, in);
    out.append(R"(,"source":)");
    appendJsonString(out, in.source);
    out.append(R"(,"prompt":)");
    out.append(prompt);
    out.append(R"(,"chosen":)");
    appendMessages(out, in, prompt, chosenText(in, r));
    out.append(R"(,"rejected":)");
    appendMessages(out, in, prompt, rejectedText(in, r));
    out.append(R"(,"chosen_model":)");
    appendJsonString(out, a ? in.modelA : in.modelB);
    out.append(R"(,"rejected_model":)");
    appendJsonString(out, a ? in.modelB : in.modelA);
    out.append(R"(,"is_swapped":)");
    out.append(r.source == LabelSource::Human ? "true" : "false");
    out.append(R"(,"instance":)");
    appendJsonInt(out, in.id);
    out.append(R"(,"label_source":")");
    out.append(sourceName(r));
    out.append("\",");
    appendProvenance(out, r, ctx);
    out.append("}\n");
}

void appendTrlRow(std::string &out, const ExportInstance &in, const Resolution &r, bool conversational)
{
    if (!conversational) {
        out.append(R"({"prompt":)");
        appendJsonString(out, in.prompt);
        out.append(R"(,"chosen":)");
        appendJsonString(out, chosenText(in, r));
        out.append(R"(,"rejected":)");
        appendJsonString(out, rejectedText(in, r));
        out.append("}\n");
        return;
    }
    std::string prompt;
    if (in.promptMessages.empty())
        appendJsonString(prompt, in.prompt);
    out.append(R"({"prompt":)");
    appendPromptTurns(out, in, prompt);
    out.append(R"(,"chosen":[{"role":"assistant","content":)");
    appendJsonString(out, chosenText(in, r));
    out.append(R"(}],"rejected":[{"role":"assistant","content":)");
    appendJsonString(out, rejectedText(in, r));
    out.append("}]}\n");
}

void appendCsvHeader(std::string &out)
{
    out.append(
        "id,source,prompt,chosen,rejected,chosen_model,rejected_model,label_source,provenance,instance\r\n");
}

void appendCsvRow(std::string &out, const ExportInstance &in, const Resolution &r, const RowContext &ctx)
{
    const bool a = r.label < 0;
    if (!in.externalId.empty())
        appendCsvField(out, in.externalId);
    else
        appendJsonInt(out, in.id);
    out.push_back(',');
    appendCsvField(out, in.source);
    out.push_back(',');
    appendCsvField(out, in.prompt);
    out.push_back(',');
    appendCsvField(out, chosenText(in, r));
    out.push_back(',');
    appendCsvField(out, rejectedText(in, r));
    out.push_back(',');
    appendCsvField(out, a ? in.modelA : in.modelB);
    out.push_back(',');
    appendCsvField(out, a ? in.modelB : in.modelA);
    out.push_back(',');
    out.append(sourceName(r));
    out.push_back(',');
    std::string provenance = "{";
    appendProvenance(provenance, r, ctx);
    provenance.push_back('}');
    appendCsvField(out, provenance);
    out.push_back(',');
    appendJsonInt(out, in.id);
    out.append("\r\n");
}

namespace {
/** The fields every raw label line starts with. */
template <typename Label>
void appendRawHead(std::string &out, const char *type, const Label &l)
{
    out.append(R"({"type":")");
    out.append(type);
    out.append(R"(","label_id":)");
    appendJsonInt(out, l.labelId);
    out.append(R"(,"instance":)");
    appendJsonInt(out, l.instanceId);
    out.append(R"(,"id":)");
    appendJsonString(out, l.externalId);
    out.append(R"(,"split":)");
    appendJsonString(out, l.split);
}
} // namespace

void appendRawHumanRow(std::string &out, const RawHumanLabel &l)
{
    appendRawHead(out, "human", l);
    out.append(R"(,"annotator":)");
    appendJsonString(out, l.annotator);
    out.append(R"(,"annotator_kind":)");
    appendJsonString(out, l.annotatorKind);
    out.append(R"(,"overall":)");
    appendOptPreference(out, l.overall);
    out.append(R"(,"helpfulness":)");
    appendOptPreference(out, l.helpfulness);
    out.append(R"(,"truthfulness":)");
    appendOptPreference(out, l.truthfulness);
    out.append(R"(,"harmlessness":)");
    appendOptPreference(out, l.harmlessness);
    out.append(R"(,"reasons":)");
    // The stored reasons are a JSON object written by the store; anything else is kept
    // as a string rather than trusted into the line.
    const QJsonDocument reasons = l.reasonsJson.empty()
        ? QJsonDocument()
        : QJsonDocument::fromJson(
            QByteArray::fromRawData(l.reasonsJson.data(), qsizetype(l.reasonsJson.size())));
    if (l.reasonsJson.empty())
        out.append("null");
    else if (reasons.isObject())
        out.append(reasons.toJson(QJsonDocument::Compact).toStdString());
    else
        appendJsonString(out, l.reasonsJson);
    out.append(R"(,"rationale":)");
    appendJsonString(out, l.rationale);
    out.append(R"(,"confidence":)");
    appendJsonOptDouble(out, l.confidence);
    out.append(R"(,"time_spent":)");
    appendJsonOptDouble(out, l.timeSpent);
    out.append(R"(,"shown_order":)");
    appendJsonString(out, l.shownOrder);
    out.append(R"(,"created_at":)");
    appendJsonString(out, l.createdAt);
    out.append("}\n");
}

void appendRawLmRow(std::string &out, const RawLmLabel &l)
{
    appendRawHead(out, "lm", l);
    out.append(R"(,"judge":)");
    appendJsonString(out, l.judge);
    out.append(R"(,"overall":)");
    appendOptPreference(out, l.overall);
    out.append(R"(,"verdict_orig":)");
    appendOptPreference(out, l.verdictOriginal);
    out.append(R"(,"verdict_swapped":)");
    appendOptPreference(out, l.verdictSwapped);
    out.append(R"(,"rationale":)");
    appendJsonString(out, l.rationale);
    out.append(R"(,"raw":)");
    appendJsonString(out, l.raw);
    out.append(R"(,"created_at":)");
    appendJsonString(out, l.createdAt);
    out.append("}\n");
}

} // namespace hyper::exporting
