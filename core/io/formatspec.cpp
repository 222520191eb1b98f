// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/io/formatspec.h"

#include <algorithm>

#include "core/io/importer.h"

#include <initializer_list>

namespace hyper {

namespace {

constexpr const char *kFieldNames[kFieldCount] = {
    "id", "prompt", "input", "response_a", "response_b", "model_a", "model_b",
    "source", "category", "chosen", "rejected", "split",
};

using Cols = std::vector<std::string>;

bool hasAll(const JsonValue &row, std::initializer_list<const char *> keys)
{
    for (const char *k : keys)
        if (!row.find(k))
            return false;
    return true;
}

void set(FormatSpec &s, Field f, Cols cols) { s.columns[std::size_t(f)] = std::move(cols); }

LabelColumn human(std::string name, std::string column, std::string kind = "normal",
                  LabelVocab vocab = LabelVocab::OneTwoZero, Cols rationale = {})
{
    LabelColumn c;
    c.name = std::move(name);
    c.column = std::move(column);
    c.kind = std::move(kind);
    c.vocab = vocab;
    c.rationaleColumns = std::move(rationale);
    return c;
}

LabelColumn judge(std::string name, std::string column, Cols rationale = {}, Cols unusable = {})
{
    LabelColumn c;
    c.lm = true;
    c.name = std::move(name);
    c.column = std::move(column);
    c.rationaleColumns = std::move(rationale);
    c.unusable = std::move(unusable);
    return c;
}

/** The generic candidate columns, which the presets narrow down. */
void genericColumns(FormatSpec &s)
{
    set(s, Field::Id, {"id", "idx", "comparison_id", "prompt_id", "question_id", "uid"});
    set(s, Field::Prompt, {"prompt", "instruction", "query", "question", "text", "input"});
    set(s, Field::Input, {"input"});
    set(s, Field::ResponseA, {"response_a", "response1", "response_1", "output_1", "answer_1", "answer_a", "completion_a"});
    set(s, Field::ResponseB, {"response_b", "response2", "response_2", "output_2", "answer_2", "answer_b", "completion_b"});
    set(s, Field::ModelA, {"model_a", "model_1", "model1", "generator_1", "generator_a"});
    set(s, Field::ModelB, {"model_b", "model_2", "model2", "generator_2", "generator_b"});
    set(s, Field::Source, {"source"});
    set(s, Field::Category, {"category", "subset"});
    set(s, Field::Chosen, {"chosen"});
    set(s, Field::Rejected, {"rejected"});
    set(s, Field::Split, {});
}

FormatSpec presetSpec(const std::string &name, const QString &fileStem)
{
    FormatSpec s;
    s.name = name;
    genericColumns(s);
    s.defaultSource = name;
    if (name == "generic") {
        s.defaultSource = fileStem.toStdString();
    } else if (name == "pairs") {
        s.shape = Shape::Pairs;
        set(s, Field::Prompt, {"prompt", "instruction", "query", "question"});
        set(s, Field::Input, {});
        s.pairAnnotator = fileStem.toStdString();
        s.defaultSource = fileStem.toStdString();
        // A is the chosen response, B the rejected one.
        set(s, Field::ModelA, {"chosen_model", "model_chosen", "model_a"});
        set(s, Field::ModelB, {"rejected_model", "model_rejected", "model_b"});
    } else if (name == "multipref") {
        s.shape = Shape::MultiPref;
        set(s, Field::Id, {"comparison_id", "prompt_id"});
        set(s, Field::Prompt, {"text", "prompt"});
        set(s, Field::Input, {});
        set(s, Field::ResponseA, {"completion_a"});
        set(s, Field::ResponseB, {"completion_b"});
        set(s, Field::ModelA, {"model_a"});
        set(s, Field::ModelB, {"model_b"});
        // GPT-4 labels, in the column names of the HyPER release, when a file has them.
        s.labels.push_back(judge("gpt4", "gpt4_overall_pref", {"gpt4_rationale", "gpt4_reason"}));
        s.labels.push_back(judge("gpt4", "gpt4_pref", {"gpt4_rationale", "gpt4_reason"}));
    } else if (name == "pandalm") {
        set(s, Field::Id, {"idx"});
        set(s, Field::Prompt, {"instruction"});
        set(s, Field::ResponseA, {"response1"});
        set(s, Field::ResponseB, {"response2"});
        set(s, Field::Category, {"motivation_app"});
        s.labels.push_back(human("pandalm_human", "human_labels"));
        s.labels.push_back(judge("gpt35", "gpt35_label", {"gpt35_reason"}, {"garbage"}));
        s.labels.push_back(judge("pandalm7b", "pandalm7b_label", {"pandalm7b_reason"}));
    } else if (name == "llmbar") {
        set(s, Field::Id, {});     // the hook makes "SOURCE/idx": idx repeats across subsets
        set(s, Field::Prompt, {"input"});
        set(s, Field::Input, {});
        set(s, Field::ResponseA, {"output_1"});
        set(s, Field::ResponseB, {"output_2"});
        s.labels.push_back(human("llmbar_gold", "gold_label", "gold"));
        s.hook = &llmbarHook;
    } else if (name == "prd") {
        set(s, Field::Id, {});     // the hook makes "question_id/model_1/model_2"
        set(s, Field::Prompt, {"question"});
        set(s, Field::ResponseA, {"answer_1"});
        set(s, Field::ResponseB, {"answer_2"});
        set(s, Field::ModelA, {"model_1"});
        set(s, Field::ModelB, {"model_2"});
        s.labels.push_back(human("prd_human", "human_scores", "normal", LabelVocab::OneTwoThree));
        s.hook = &prdHook;
    } else if (name == "llmeval2") {
        set(s, Field::Id, {"idx"});
        set(s, Field::Prompt, {"query"});
        set(s, Field::ResponseA, {"response1"});
        set(s, Field::ResponseB, {"response2"});
        set(s, Field::Category, {"dataset"});
        s.labels.push_back(human("llmeval2_human", "label"));
    } else if (name == "lfqa") {
        set(s, Field::Prompt, {"question"});
        set(s, Field::ResponseA, {"answer_a"});
        set(s, Field::ResponseB, {"answer_b"});
        set(s, Field::ModelA, {"answer_a_type"});
        set(s, Field::ModelB, {"answer_b_type"});
        s.labels.push_back(human("lfqa_expert", "overall_preference", "expert", LabelVocab::MinusOneOne,
                                 {"justification"}));
    } else if (name == "evalbiasbench") {
        set(s, Field::Prompt, {"instruction"});
        set(s, Field::ResponseA, {"response1"});
        set(s, Field::ResponseB, {"response2"});
        set(s, Field::Category, {"bias"});
        s.labels.push_back(human("evalbiasbench_gold", "label", "gold"));
    } else if (name == "hhh") {
        s.shape = Shape::Pairs;
        set(s, Field::Id, {"idx"});
        set(s, Field::Prompt, {"prompt"});
        set(s, Field::Input, {});
        set(s, Field::Category, {"subset"});
        s.pairAnnotator = "hhh_gold";
        s.pairKind = "gold";
    }
    return s;
}

} // namespace

const char *fieldName(Field f) { return kFieldNames[int(f)]; }

std::optional<Field> fieldFromName(std::string_view name)
{
    for (int i = 0; i < kFieldCount; ++i)
        if (name == kFieldNames[i])
            return Field(i);
    return std::nullopt;
}

QStringList formatNames()
{
    return {QStringLiteral("multipref"), QStringLiteral("pandalm"), QStringLiteral("llmbar"),
            QStringLiteral("prd"), QStringLiteral("llmeval2"), QStringLiteral("lfqa"),
            QStringLiteral("evalbiasbench"), QStringLiteral("hhh"), QStringLiteral("pairs"),
            QStringLiteral("generic")};
}

std::string detectFormat(const JsonValue &row, const QMap<QString, QString> &map)
{
    if (map.contains(QStringLiteral("chosen")) || map.contains(QStringLiteral("rejected")))
        return "pairs";
    if (row.find("normal_worker_annotations") || row.find("expert_worker_annotations"))
        return "multipref";
    if (hasAll(row, {"instruction", "response1", "response2", "human_labels"}))
        return "pandalm";
    if (hasAll(row, {"input", "output_1", "output_2", "gold_label"}))
        return "llmbar";
    if (hasAll(row, {"question", "answer_1", "answer_2"}) && (row.find("human_scores") || row.find("llm_scores")))
        return "prd";
    if (hasAll(row, {"query", "response1", "response2", "label"}))
        return "llmeval2";
    if (hasAll(row, {"question", "answer_a", "answer_b", "overall_preference"}))
        return "lfqa";
    if (hasAll(row, {"instruction", "response1", "response2", "label"}))
        return "evalbiasbench";
    if (hasAll(row, {"prompt", "chosen", "rejected", "subset"}))
        return "hhh";
    if (hasAll(row, {"chosen", "rejected"}))
        return "pairs";
    // Generic needs something that looks like a prompt and two responses (or --map).
    const FormatSpec g = presetSpec("generic", {});
    for (Field f : {Field::Prompt, Field::ResponseA, Field::ResponseB}) {
        bool found = map.contains(QString::fromLatin1(fieldName(f)));
        for (const std::string &c : g.candidates(f))
            found = found || row.find(c);
        if (!found)
            return {};
    }
    return "generic";
}

FormatSpec makeFormatSpec(const std::string &format, const ImportParams &params, const QString &fileStem)
{
    if (!formatNames().contains(QString::fromStdString(format)))
        throw ImportError(params.file, 0, QStringLiteral("unknown format '%1' (known: auto, %2)")
                                              .arg(QString::fromStdString(format), formatNames().join(QStringLiteral(", "))));
    FormatSpec s = presetSpec(format, fileStem);
    for (const QString &na : params.naValues)
        s.reading.naValues.push_back(asciiLower(trimmed(na.toStdString())));
    for (const QString &entry : params.labelMap) {
        std::string error;
        if (!addLabelMapEntry(entry.toStdString(), s.reading, error))
            throw ImportError(params.file, 0, QString::fromStdString(error));
    }
    if (!params.labelScale.isEmpty()) {
        const QStringList parts = params.labelScale.split(QLatin1Char(':'));
        bool ok1 = false, ok2 = false;
        const double lo = parts.size() == 2 ? parts[0].trimmed().toDouble(&ok1) : 0.0;
        const double hi = parts.size() == 2 ? parts[1].trimmed().toDouble(&ok2) : 0.0;
        if (!ok1 || !ok2 || lo == hi)
            throw ImportError(params.file, 0,
                              QStringLiteral("--label-scale needs LO:HI, two different numbers (LO means A better), got '%1'")
                                  .arg(params.labelScale));
        s.reading.scale = std::make_pair(lo, hi);
    }

    for (auto it = params.map.cbegin(); it != params.map.cend(); ++it) {
        const QString key = it.key().trimmed();
        const std::string column = it.value().trimmed().toStdString();
        const bool isHuman = key == QLatin1String("human") || key.startsWith(QLatin1String("human:"));
        const bool isLm = key.startsWith(QLatin1String("lm:"));
        if (isHuman || isLm) {
            const QString name = key.section(QLatin1Char(':'), 1);
            if (isLm && name.isEmpty())
                throw ImportError(params.file, 0, QStringLiteral("--map lm:JUDGE=COLUMN needs a judge name"));
            if (column.empty())
                throw ImportError(params.file, 0, QStringLiteral("--map %1= needs a column").arg(key));
            // A mapped column replaces whatever the preset read from that column.
            std::erase_if(s.labels, [&](const LabelColumn &l) { return l.column == column && !l.fromMap; });
            LabelColumn l = isLm ? judge(name.toStdString(), column)
                                 : human(name.isEmpty() ? column : name.toStdString(), column);
            l.fromMap = true;
            s.labels.push_back(std::move(l));
            continue;
        }
        // Long format: one row per judgement.
        const std::pair<const char *, std::string *> judgementKeys[] = {
            {"annotator", &s.judgement.annotator}, {"annotator_kind", &s.judgement.kind},
            {"time", &s.judgement.time},           {"rationale", &s.judgement.rationale},
            {"confidence", &s.judgement.confidence}, {"instance", &s.judgement.instance}};
        bool judgementKey = false;
        for (const auto &[name, target] : judgementKeys) {
            if (key == QLatin1String(name)) {
                if (column.empty())
                    throw ImportError(params.file, 0, QStringLiteral("--map %1= needs a column").arg(key));
                *target = column;
                judgementKey = true;
            }
        }
        if (key.startsWith(QLatin1String("aspect:"))) {
            const std::string aspect = key.section(QLatin1Char(':'), 1).toStdString();
            if (aspect != "helpfulness" && aspect != "truthfulness" && aspect != "harmlessness")
                throw ImportError(params.file, 0, QStringLiteral("--map aspect:NAME=COLUMN: NAME is helpfulness, truthfulness "
                                                                 "or harmlessness, not '%1'").arg(QString::fromStdString(aspect)));
            if (column.empty())
                throw ImportError(params.file, 0, QStringLiteral("--map %1= needs a column").arg(key));
            s.judgement.aspects.emplace_back(aspect, column);
            judgementKey = true;
        }
        if (judgementKey)
            continue;
        const std::optional<Field> f = fieldFromName(key.toStdString());
        if (!f) {
            QStringList known;
            for (const char *name : kFieldNames)
                known << QString::fromLatin1(name);
            known << QStringLiteral("human") << QStringLiteral("human:ANNOTATOR") << QStringLiteral("lm:JUDGE")
                  << QStringLiteral("annotator") << QStringLiteral("annotator_kind") << QStringLiteral("time")
                  << QStringLiteral("rationale") << QStringLiteral("confidence") << QStringLiteral("aspect:NAME")
                  << QStringLiteral("instance");
            throw ImportError(params.file, 0, QStringLiteral("unknown --map field '%1' (known: %2)")
                                                  .arg(key, known.join(QStringLiteral(", "))));
        }
        if ((*f == Field::Chosen || *f == Field::Rejected) && s.shape != Shape::Pairs)
            throw ImportError(params.file, 0, QStringLiteral("--map %1 applies only to the formats pairs and hhh, not %2")
                                                  .arg(key, QString::fromStdString(format)));
        // An empty COLUMN switches the field off (e.g. --map input= keeps input in metadata).
        s.columns[std::size_t(*f)] = column.empty() ? Cols{} : Cols{column};
        s.mapped[std::size_t(*f)] = true;
    }
    if (!s.judgement.annotator.empty() && std::none_of(s.labels.begin(), s.labels.end(), [](const LabelColumn &l) { return !l.lm; }))
        throw ImportError(params.file, 0, QStringLiteral("--map annotator=COLUMN needs the label column too: --map human=COLUMN"));
    return s;
}

} // namespace hyper
