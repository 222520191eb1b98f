// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/io/rowconverter.h"

#include "core/io/rowsource.h"

#include <algorithm>
#include <set>

namespace hyper {

RowAccess::RowAccess(JsonValue &object) : m_obj(object), m_used(object.items.size(), 0) {}

JsonValue *RowAccess::take(std::string_view key)
{
    for (std::size_t i = 0; i < m_obj.items.size(); ++i) {
        if (m_obj.items[i].key == key) {
            m_used[i] = 1;
            return &m_obj.items[i];
        }
    }
    return nullptr;
}

JsonValue *RowAccess::takeFirst(const std::vector<std::string> &columns, std::string *usedColumn)
{
    for (const std::string &c : columns) {
        const JsonValue *v = m_obj.find(c);
        if (v && !v->isNull()) {
            if (usedColumn)
                *usedColumn = c;
            return take(c);
        }
    }
    return nullptr;
}

std::string RowAccess::leftoverJson() const
{
    std::string out;
    for (std::size_t i = 0; i < m_obj.items.size(); ++i) {
        if (m_used[i])
            continue;
        out.push_back(out.empty() ? '{' : ',');
        appendJsonString(out, m_obj.items[i].key);
        out.push_back(':');
        appendJson(out, m_obj.items[i]);
    }
    if (!out.empty())
        out.push_back('}');
    return out;
}

[[noreturn]] void throwUnknownLabel(const JsonValue &value, const std::string &column)
{
    throw RowError{"unknown label value '" + scalarText(value) + "' in column '" + column + "'"};
}

namespace {

void addOne(const LabelColumn &col, const std::string &name, const JsonValue &v, const std::string &rationale,
            const LabelReading &reading, ImportRecord &out)
{
    const LabelValue lv = parseLabelValue(v, col.vocab, reading);
    if (lv.status == LabelValue::Status::Empty)
        return;
    if (lv.status == LabelValue::Status::Unknown) {
        const std::string raw = scalarText(v);
        const std::string lower = asciiLower(trimmed(raw));
        if (col.lm && std::find(col.unusable.begin(), col.unusable.end(), lower) != col.unusable.end()) {
            ImportLmLabel l;
            l.judge = name;
            l.rationale = rationale;
            l.raw = raw;
            out.lm.push_back(std::move(l));
            return;
        }
        throwUnknownLabel(v, col.column);
    }
    if (col.lm) {
        ImportLmLabel l;
        l.judge = name;
        l.overall = lv.preference;
        l.rationale = rationale;
        out.lm.push_back(std::move(l));
    } else {
        ImportHumanLabel h;
        h.annotator = name;
        h.kind = col.kind;
        h.overall = lv.preference;
        h.rationale = rationale;
        out.human.push_back(std::move(h));
    }
}

} // namespace

void addLabels(const LabelColumn &col, const JsonValue &value, const std::string &rationale,
               const LabelReading &reading, ImportRecord &out)
{
    JsonValue storage;
    if (const JsonValue *list = asArray(value, storage)) {
        for (std::size_t i = 0; i < list->items.size(); ++i)
            addOne(col, col.name + "_" + std::to_string(i + 1), list->items[i], rationale, reading, out);
        return;
    }
    addOne(col, col.name, value, rationale, reading, out);
}

namespace {

// A fixed pseudo-random draw per line (splitmix64), so a held-out part is the same rows
// on every run and every machine.
bool heldOut(std::int64_t line, double fraction)
{
    std::uint64_t z = std::uint64_t(line) + 0x9e3779b97f4a7c15ULL;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    z ^= z >> 31;
    return double(z >> 11) * 0x1.0p-53 < fraction;
}

} // namespace

RowConverter::RowConverter(FormatSpec spec, Split defaultSplit, double evalFraction)
    : m_spec(std::move(spec)), m_defaultSplit(defaultSplit), m_evalFraction(evalFraction)
{
    // A text field may move its string out of the row only when no other field or
    // label reads the same column; otherwise the second reader would find it emptied.
    std::multiset<std::string> readers;
    for (const auto &cols : m_spec.columns)
        for (const std::string &c : cols)
            readers.insert(c);
    for (const LabelColumn &l : m_spec.labels) {
        readers.insert(l.column);
        for (const std::string &r : l.rationaleColumns)
            readers.insert(r);
    }
    for (int f = 0; f < kFieldCount; ++f) {
        bool alone = true;
        for (const std::string &c : m_spec.columns[std::size_t(f)])
            alone = alone && readers.count(c) == 1;
        m_movable[std::size_t(f)] = alone;
    }
}

std::string RowConverter::text(RowAccess &row, Field f, bool required) const
{
    const auto &cols = m_spec.candidates(f);
    JsonValue *v = row.takeFirst(cols);
    if (!v) {
        if (!required)
            return {};
        std::string looked;
        for (const std::string &c : cols)
            looked += (looked.empty() ? "" : ", ") + c;
        throw RowError{"missing field '" + std::string(fieldName(f)) + "' ("
                       + (looked.empty() ? std::string("no column is mapped to it") : "looked for: " + looked) + ")"};
    }
    if (v->isString() && m_movable[std::size_t(f)])
        return std::move(v->text);
    return scalarText(*v);
}

void RowConverter::convert(SourceRow &source, ImportRecord &out) const
{
    out = ImportRecord{};
    out.line = source.line;
    RowAccess row(source.value);

    if (m_spec.shape == Shape::Pairs) {
        convertPairs(row, out);
    } else {
        takePrompt(row, out);
        out.responseA = text(row, Field::ResponseA, true);
        out.responseB = text(row, Field::ResponseB, true);
    }
    std::string promptColumn;
    for (const std::string &c : m_spec.candidates(Field::Prompt))
        if (row.peek(c) && !row.peek(c)->isNull()) {
            promptColumn = c;
            break;
        }
    // instruction + input, as Alpaca-style data sets split a prompt.
    for (const std::string &c : m_spec.candidates(Field::Input)) {
        if (c == promptColumn)
            continue;
        if (JsonValue *in = row.take(c)) {
            const std::string s = scalarText(*in);
            if (!trimmed(s).empty())
                out.prompt += "\n\n" + s;
            break;
        }
    }
    // An empty row (a CSV line of commas) is no instance. An empty prompt with responses
    // is kept: real benchmarks have a few (LLMEval2).
    if (trimmed(out.prompt).empty() && trimmed(out.responseA).empty() && trimmed(out.responseB).empty())
        throw RowError{"empty row (no prompt and no responses)"};
    out.externalId = text(row, Field::Id, false);
    if (out.externalId.empty())
        out.externalId = std::to_string(source.line);
    out.modelA = text(row, Field::ModelA, false);
    out.modelB = text(row, Field::ModelB, false);
    out.source = text(row, Field::Source, false);
    if (out.source.empty())
        out.source = m_spec.defaultSource;
    out.category = text(row, Field::Category, false);

    out.split = m_defaultSplit;
    if (m_evalFraction > 0 && heldOut(source.line, m_evalFraction))
        out.split = Split::Eval;
    const std::string split = asciiLower(trimmed(text(row, Field::Split, false)));
    if (split == "train")
        out.split = Split::Train;
    else if (split == "eval" || split == "test" || split == "validation" || split == "dev")
        out.split = Split::Eval;
    else if (!split.empty())
        throw RowError{"unknown split value '" + split + "' (expected train or eval)"};

    if (m_spec.shape == Shape::MultiPref)
        convertMultiPref(row, out);
    convertLabels(row, out);
    if (m_spec.judgement.any())
        convertJudgement(row, out);
    if (m_spec.hook)
        m_spec.hook(row, out, m_spec);
    out.metadataJson = row.leftoverJson();
}

void RowConverter::convertLabels(RowAccess &row, ImportRecord &out) const
{
    for (const LabelColumn &col : m_spec.labels) {
        std::string rationale;
        if (const JsonValue *r = row.takeFirst(col.rationaleColumns))
            rationale = scalarText(*r);
        const JsonValue *v = row.take(col.column);
        if (!v)
            continue;
        // The distinct values of the column so far, for the message about an unknown one.
        std::set<std::string> &seen = m_seenLabels[col.column];
        if (seen.size() < kSeenLabelValues && !v->isNull()) {
            JsonValue storage;
            if (const JsonValue *list = asArray(*v, storage)) {
                for (const JsonValue &item : list->items)
                    if (!item.isNull() && seen.size() < kSeenLabelValues)
                        seen.insert(trimmed(scalarText(item)));
            } else {
                seen.insert(trimmed(scalarText(*v)));
            }
        }
        try {
            addLabels(col, *v, rationale, m_spec.reading, out);
        } catch (const RowError &e) {
            std::string values;
            for (const std::string &s : seen)
                if (!s.empty())
                    values += (values.empty() ? "" : ", ") + s;
            throw RowError{e.message + " (values in this column so far: " + values
                           + (seen.size() >= kSeenLabelValues ? ", ..." : "")
                           + "); map them with --label-map VALUE=PREF (PREF: A, B, tie, A-slightly, B-slightly), a "
                             "preset --label-map winner|a1a2|a-is-better, or --label-scale LO:HI for scores"};
        }
    }
}

void RowConverter::convertJudgement(RowAccess &row, ImportRecord &out) const
{
    const JudgementColumns &j = m_spec.judgement;
    out.judgement = true;
    const auto cell = [&row](const std::string &column) -> std::string {
        if (column.empty())
            return {};
        const JsonValue *v = row.take(column);
        return v ? trimmed(scalarText(*v)) : std::string();
    };
    if (!j.instance.empty()) {
        out.instanceKey = cell(j.instance);
        if (out.instanceKey.empty())
            throw RowError{"empty instance key in column '" + j.instance + "'"};
        if (!m_spec.mapped[std::size_t(Field::Id)])
            out.externalId = out.instanceKey;
    }
    if (j.annotator.empty())
        return;
    const std::string annotator = cell(j.annotator);
    if (annotator.empty())
        throw RowError{"empty annotator in column '" + j.annotator + "'"};
    const std::string kind = cell(j.kind);
    const std::string rationale = cell(j.rationale);
    const auto number = [&](const std::string &column, const char *what) -> std::optional<double> {
        const std::string t = cell(column);
        if (t.empty())
            return std::nullopt;
        JsonValue v;
        v.type = JsonValue::Type::String;
        v.text = t;
        double d = 0;
        if (!numberValue(v, d))
            throw RowError{std::string(what) + " '" + t + "' in column '" + column + "' is not a number"};
        return d;
    };
    const std::optional<double> time = number(j.time, "time");
    const std::optional<double> confidence = number(j.confidence, "confidence");
    std::vector<std::pair<std::string, std::optional<int>>> aspects;
    for (const auto &[aspect, column] : j.aspects) {
        const JsonValue *v = row.take(column);
        const LabelValue lv = v ? parseLabelValue(*v, LabelVocab::OneTwoZero, m_spec.reading) : LabelValue{};
        if (lv.status == LabelValue::Status::Unknown)
            throw RowError{"unknown label value '" + scalarText(*v) + "' in column '" + column + "'"};
        aspects.emplace_back(aspect, lv.status == LabelValue::Status::Value ? std::optional(lv.preference) : std::nullopt);
    }
    for (ImportHumanLabel &h : out.human) {
        h.annotator = annotator;
        if (!kind.empty())
            h.kind = asciiLower(kind);
        if (!rationale.empty())
            h.rationale = rationale;
        h.timeSpentSeconds = time;
        h.confidence = confidence;
        for (const auto &[aspect, value] : aspects)
            (aspect == "helpfulness" ? h.helpfulness : aspect == "truthfulness" ? h.truthfulness : h.harmlessness) = value;
    }
}

QMap<QString, QString> RowConverter::mapping(const JsonValue &row) const
{
    QMap<QString, QString> m;
    for (int f = 0; f < kFieldCount; ++f) {
        for (const std::string &c : m_spec.columns[std::size_t(f)]) {
            const JsonValue *v = row.find(c);
            if (v && !v->isNull()) {
                m.insert(QString::fromLatin1(fieldName(Field(f))), QString::fromStdString(c));
                break;
            }
        }
    }
    for (const LabelColumn &l : m_spec.labels) {
        if (!row.find(l.column))
            continue;
        const QString key = QString::fromLatin1(l.lm ? "lm:" : "human:") + QString::fromStdString(l.name);
        m.insert(key, QString::fromStdString(l.column));
    }
    return m;
}

std::vector<std::string> RowConverter::missingMappedColumns(const JsonValue &row) const
{
    std::vector<std::string> missing;
    for (int f = 0; f < kFieldCount; ++f)
        if (m_spec.mapped[std::size_t(f)])
            for (const std::string &c : m_spec.columns[std::size_t(f)])
                if (!row.find(c))
                    missing.push_back(c);
    for (const LabelColumn &l : m_spec.labels)
        if (l.fromMap && !row.find(l.column))
            missing.push_back(l.column);
    return missing;
}

} // namespace hyper
