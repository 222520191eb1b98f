// SPDX-License-Identifier: GPL-3.0-or-later
// Preset hooks: the parts of the real data sets' layouts that a column-per-field
// mapping cannot express.

#include "core/io/formatspec.h"
#include "core/io/rowconverter.h"

#include "core/domain/preference.h"

namespace hyper {

namespace {

/** LLMBar's verdicts: 1 or 2 (output_1/output_2); anything else is unusable. */
std::optional<int> llmbarVerdict(const JsonValue *v)
{
    if (!v)
        return std::nullopt;
    double d = 0;
    if (!numberValue(*v, d))
        return std::nullopt;
    if (d == 1)
        return toInt(Preference::AClearly);
    if (d == 2)
        return toInt(Preference::BClearly);
    return std::nullopt;
}

bool fieldMapped(const FormatSpec &spec, Field f) { return spec.mapped[std::size_t(f)]; }

} // namespace

void llmbarHook(RowAccess &row, ImportRecord &rec, const FormatSpec &spec)
{
    if (!fieldMapped(spec, Field::Id)) {
        // idx restarts in every subset, so the subset makes it unique.
        if (const JsonValue *idx = row.take("idx"))
            rec.externalId = (rec.source.empty() ? std::string() : rec.source + "/") + scalarText(*idx);
    }
    JsonValue *judges = row.take("judges");
    if (!judges || judges->isNull())
        return;
    if (!judges->isObject())
        throw RowError{"'judges' is not an object of \"MODEL/STRATEGY\": {orig_order, swapped_order}"};
    for (const JsonValue &j : judges->items) {
        if (!j.isObject())
            throw RowError{"judges[\"" + j.key + "\"] is not an object"};
        const JsonValue *orig = j.find("orig_order");
        const JsonValue *swapped = j.find("swapped_order");
        ImportLmLabel l;
        l.judge = j.key;
        l.verdictOriginal = llmbarVerdict(orig);
        l.verdictSwapped = llmbarVerdict(swapped); // LLMBar already maps it back to A/B
        if (l.verdictOriginal && l.verdictSwapped)
            l.overall = *l.verdictOriginal == *l.verdictSwapped ? *l.verdictOriginal : toInt(Preference::Tie);
        else if (l.verdictOriginal || l.verdictSwapped)
            l.overall = l.verdictOriginal ? l.verdictOriginal : l.verdictSwapped;
        // Keep the judge's own record when it holds more than two clean verdicts
        // ("None" outputs, rating scores).
        const bool clean = j.items.size() == 2 && l.verdictOriginal && l.verdictSwapped;
        if (!clean)
            l.raw = toJson(j);
        rec.lm.push_back(std::move(l));
    }
}

void prdHook(RowAccess &row, ImportRecord &rec, const FormatSpec &spec)
{
    if (!fieldMapped(spec, Field::Id)) {
        // Each question is compared for every ordered pair of models.
        if (const JsonValue *q = row.take("question_id"))
            rec.externalId = scalarText(*q) + "/" + rec.modelA + "/" + rec.modelB;
    }
    const JsonValue *scores = row.take("llm_scores");
    if (!scores || scores->isNull())
        return;
    LabelColumn col;
    col.lm = true;
    col.column = "llm_scores";
    col.vocab = LabelVocab::OneTwoThree;
    JsonValue storage;
    if (scores->isObject()) {
        for (const JsonValue &s : scores->items) {
            col.name = s.key;
            addLabels(col, s, {}, spec.reading, rec);
        }
    } else if (const JsonValue *list = asArray(*scores, storage)) {
        col.name = "prd_llm";
        addLabels(col, *list, {}, spec.reading, rec);
    } else {
        throw RowError{"'llm_scores' is neither a map of reviewer to score nor a list"};
    }
}

} // namespace hyper
