// SPDX-License-Identifier: GPL-3.0-or-later
// The importers (core/io/importer.h) on the golden files of tests/data/import (written
// by tests/data/import/generate.py), into real projects on temporary files.

#include "core/io/importer.h"
#include "tests/core/importtesthelpers.h"
#include "core/jobs/feedback.h"
#include "core/storage/projectstore.h"

#include <QFile>
#include <QJsonArray>
#include <QTemporaryDir>
#include <QtTest>

using namespace hyper;
using namespace hyper::testing;

namespace {


std::optional<HumanLabel> humanBy(const ProjectStore &store, qint64 id, const QString &annotator)
{
    for (const HumanLabel &h : store.humanLabels(id))
        if (h.annotator == annotator)
            return h;
    return std::nullopt;
}

std::optional<LmLabel> lmBy(const ProjectStore &store, qint64 id, const QString &judge)
{
    for (const LmLabel &l : store.lmLabels(id))
        if (l.judge == judge)
            return l;
    return std::nullopt;
}

QString s(const char *utf8) { return QString::fromUtf8(utf8); }

} // namespace

class TestImporters : public QObject, private ImportTestBase
{
    Q_OBJECT

private Q_SLOTS:
    void formatNames()
    {
        const QStringList names = importFormats();
        for (const char *n : {"multipref", "pairs", "generic", "pandalm", "llmbar", "prd", "llmeval2", "lfqa",
                              "evalbiasbench", "hhh"})
            QVERIFY2(names.contains(QString::fromLatin1(n)), n);
    }

    void detectsAndImports_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QString>("format");
        QTest::addColumn<int>("rows");

        QTest::newRow("multipref") << "multipref.jsonl" << "multipref" << 2;
        QTest::newRow("pairs strings") << "pairs_strings.jsonl" << "pairs" << 3;
        QTest::newRow("pairs message lists") << "pairs_messages.jsonl" << "pairs" << 2;
        QTest::newRow("HH-RLHF transcripts .gz") << "hh_transcripts.jsonl.gz" << "pairs" << 3;
        QTest::newRow("gzip named .jsonl") << "gzip_in_disguise.jsonl" << "pairs" << 2;
        QTest::newRow("gzip two members") << "multimember.jsonl.gz" << "generic" << 2;
        QTest::newRow("csv") << "generic.csv" << "generic" << 3;
        QTest::newRow("json array") << "generic_array.json" << "generic" << 3;
        QTest::newRow("pandalm") << "pandalm.jsonl" << "pandalm" << 2;
        QTest::newRow("llmbar") << "llmbar.jsonl" << "llmbar" << 2;
        QTest::newRow("prd") << "prd.jsonl" << "prd" << 2;
        QTest::newRow("llmeval2") << "llmeval2.jsonl" << "llmeval2" << 2;
        QTest::newRow("lfqa") << "lfqa.jsonl" << "lfqa" << 2;
        QTest::newRow("evalbiasbench") << "evalbiasbench.jsonl" << "evalbiasbench" << 2;
        QTest::newRow("hhh") << "hhh.jsonl" << "hhh" << 2;
    }

    void detectsAndImports()
    {
        QFETCH(QString, file);
        QFETCH(QString, format);
        QFETCH(int, rows);
        const ImportPreview preview = previewImport(params(file));
        QCOMPARE(preview.format, format);
        QCOMPARE(int(preview.rows.size()), rows);

        auto store = newStore();
        const ImportResult r = import(*store, params(file));
        QCOMPARE(r.format, format);
        QCOMPARE(r.imported, qint64(rows));
        QCOMPARE(r.skipped, qint64(0));
        QVERIFY(r.bytes > 0);
        QCOMPARE(store->info().instances, qint64(rows));
    }

    void multipref()
    {
        auto store = newStore();
        import(*store, params(QStringLiteral("multipref.jsonl")));
        const auto inst = allInstances(*store);
        QCOMPARE(inst.size(), size_t(2));
        const Instance &a = inst[0];
        QCOMPARE(a.externalId, QStringLiteral("cmp-1"));
        QCOMPARE(a.prompt, QStringLiteral("How do tides work?"));
        QCOMPARE(a.responseA, QStringLiteral("The moon pulls the oceans."));
        QCOMPARE(a.modelA, QStringLiteral("tulu-70b"));
        QCOMPARE(a.modelB, QStringLiteral("gpt-3.5"));
        QCOMPARE(a.source, QStringLiteral("anthropic_helpful"));
        QCOMPARE(a.category, QStringLiteral("Open QA"));
        QCOMPARE(a.metadata.value(QStringLiteral("subject_study")).toString(), QStringLiteral("Physics"));
        QCOMPARE(a.metadata.value(QStringLiteral("prompt_id")).toString(), QStringLiteral("p-1"));
        QVERIFY(!a.metadata.contains(QStringLiteral("normal_worker_annotations")));
        QCOMPARE(store->humanLabels(a.id).size(), size_t(4));

        const auto alice = humanBy(*store, a.id, QStringLiteral("w-alice"));
        QVERIFY(alice);
        QCOMPARE(alice->annotatorKind, QStringLiteral("normal"));
        QCOMPARE(alice->overall, Preference::AClearly);
        QCOMPARE(alice->aspects.value(QStringLiteral("helpfulness")), Preference::ASlightly);
        QCOMPARE(alice->aspects.value(QStringLiteral("truthfulness")), Preference::Tie);
        QCOMPARE(alice->reasons.value(QStringLiteral("helpfulness")),
                 QStringList({QStringLiteral("correct"), QStringLiteral("informative")}));
        QCOMPARE(alice->reasons.value(QStringLiteral("overall_confidence")),
                 QStringList{QStringLiteral("absolutely-confident")});
        QVERIFY(!alice->confidence); // textual scale: kept beside the reasons
        QCOMPARE(alice->rationale, QStringLiteral("helpfulness: B is wrong."));
        QCOMPARE(alice->timeSpentSeconds.value_or(-1), 120.0);

        const auto carol = humanBy(*store, a.id, QStringLiteral("e-carol"));
        QVERIFY(carol);
        QCOMPARE(carol->annotatorKind, QStringLiteral("expert"));
        QCOMPARE(carol->overall, Preference::Tie);
        QCOMPARE(carol->confidence.value_or(-1), 4.0); // numeric confidence
        const auto dave = humanBy(*store, a.id, QStringLiteral("e-dave"));
        QVERIFY(dave);
        QCOMPARE(dave->overall, Preference::BSlightly);
        QCOMPARE(store->humanLabels(inst[1].id).size(), size_t(1));
        QCOMPARE(store->info().annotators.size(), 4);
    }

    void pairsPlainStrings()
    {
        auto store = newStore();
        import(*store, params(QStringLiteral("pairs_strings.jsonl")));
        const auto inst = allInstances(*store);
        QCOMPARE(inst[0].prompt, QStringLiteral("Say hi."));
        QCOMPARE(inst[0].responseA, QStringLiteral("Hi!"));
        QCOMPARE(inst[0].responseB, QStringLiteral("Go away."));
        QCOMPARE(inst[0].externalId, QStringLiteral("1")); // no id column: the line
        QCOMPARE(inst[1].metadata.value(QStringLiteral("note")).toString(), QStringLiteral("arithmetic"));
        const auto h = store->humanLabels(inst[0].id);
        QCOMPARE(h.size(), size_t(1));
        QCOMPARE(h[0].annotator, QStringLiteral("pairs_strings")); // named after the file
        QCOMPARE(h[0].annotatorKind, QStringLiteral("normal"));
        QCOMPARE(h[0].overall, Preference::AClearly); // A = chosen
        QCOMPARE(inst[2].responseA, QStringLiteral("[\"a\",\n\"b\"]"));
        QCOMPARE(inst[2].responseB, QStringLiteral("\"a\",\n\"b\","));
    }

    void pairsMessageLists()
    {
        auto store = newStore();
        import(*store, params(QStringLiteral("pairs_messages.jsonl")));
        const auto inst = allInstances(*store);
        QCOMPARE(inst[0].externalId, QStringLiteral("m-1"));
        QCOMPARE(inst[0].prompt, QStringLiteral("Capital of France?"));
        QCOMPARE(inst[0].responseA, QStringLiteral("Paris."));
        QCOMPARE(inst[0].responseB, QStringLiteral("Lyon."));
        // Several turns before the last answer: the context, with roles.
        QCOMPARE(inst[1].prompt, QStringLiteral("System: Be brief.\n\nUser: Hi\n\nAssistant: Hello.\n\nUser: Bye"));
        QCOMPARE(inst[1].responseA, QStringLiteral("Goodbye!"));
        QCOMPARE(inst[1].responseB, QStringLiteral("Whatever."));
    }

    void hhTranscripts()
    {
        auto store = newStore();
        import(*store, params(QStringLiteral("hh_transcripts.jsonl.gz")));
        const auto inst = allInstances(*store);
        QCOMPARE(inst.size(), size_t(3));
        QCOMPARE(inst[0].prompt, QStringLiteral("\n\nHuman: Tell me a joke.\n\nAssistant:"));
        QCOMPARE(inst[0].responseA, QStringLiteral("Why did the chicken cross the road?"));
        QCOMPARE(inst[0].responseB, QStringLiteral("No."));
        QCOMPARE(inst[1].prompt, QStringLiteral("\n\nHuman: Hi\n\nAssistant: Hello!\n\nHuman: How are you?\n\nAssistant:"));
        QCOMPARE(inst[1].responseA, QStringLiteral("Fine, thanks."));
        // Diverging before the final turn: split at the last shared assistant turn.
        QCOMPARE(inst[2].prompt, QStringLiteral("\n\nHuman: Help?\n\nAssistant:"));
        QCOMPARE(inst[2].responseA, QStringLiteral("Sure.\n\nHuman: Thanks\n\nAssistant: Welcome."));
        QCOMPARE(inst[2].responseB, QStringLiteral("No."));
        QCOMPARE(store->humanLabels(inst[0].id).front().annotator, QStringLiteral("hh_transcripts"));
        QCOMPARE(store->humanLabels(inst[0].id).front().overall, Preference::AClearly);
    }

    void csvWithMappedLabels()
    {
        auto store = newStore();
        const ImportResult r = import(*store, params(QStringLiteral("generic.csv"), QStringLiteral("auto"),
                                                     {QStringLiteral("human=label"), QStringLiteral("human:crowd=votes"),
                                                      QStringLiteral("lm:gpt35=gpt35_label")}));
        QCOMPARE(r.imported, qint64(3));
        const auto inst = allInstances(*store);
        QCOMPARE(inst[0].externalId, QStringLiteral("g1"));
        QCOMPARE(inst[0].prompt, QStringLiteral("Say \"hello\""));
        QCOMPARE(inst[1].prompt, QStringLiteral("Two\nlines")); // a line break inside quotes
        QCOMPARE(inst[1].responseA, QStringLiteral("A, with comma"));
        QCOMPARE(inst[2].externalId, QStringLiteral("g3"));
        QCOMPARE(inst[0].metadata.value(QStringLiteral("extra")).toString(), QStringLiteral("x"));

        QCOMPARE(humanBy(*store, inst[0].id, QStringLiteral("label"))->overall, Preference::AClearly);
        QCOMPARE(humanBy(*store, inst[0].id, QStringLiteral("crowd_1"))->overall, Preference::AClearly);
        QCOMPARE(humanBy(*store, inst[0].id, QStringLiteral("crowd_2"))->overall, Preference::BClearly);
        QCOMPARE(humanBy(*store, inst[0].id, QStringLiteral("crowd_3"))->overall, Preference::AClearly);
        QCOMPARE(lmBy(*store, inst[0].id, QStringLiteral("gpt35"))->overall, Preference::BClearly);
        QCOMPARE(humanBy(*store, inst[1].id, QStringLiteral("label"))->overall, Preference::BClearly);
        QCOMPARE(store->humanLabels(inst[1].id).size(), size_t(1)); // empty votes cell: no labels
        QCOMPARE(lmBy(*store, inst[1].id, QStringLiteral("gpt35"))->overall, Preference::Tie);
        QCOMPARE(humanBy(*store, inst[2].id, QStringLiteral("label"))->overall, Preference::Tie);
        QCOMPARE(lmBy(*store, inst[2].id, QStringLiteral("gpt35"))->overall, Preference::ASlightly);
    }

    void csvRecordLines()
    {
        // The line of a record is the physical line where it starts (g3 follows a
        // record that spans two lines).
        ImportParams p = params(QStringLiteral("generic.csv"));
        const ImportPreview preview = previewImport(p);
        QCOMPARE(preview.rows.size(), size_t(3));
        QCOMPARE(preview.rows[0].line, 2);
        QCOMPARE(preview.rows[1].line, 3);
        QCOMPARE(preview.rows[2].line, 5);
        QCOMPARE(preview.columns.first(), QStringLiteral("id")); // the BOM is dropped
    }

    void jsonArray()
    {
        ImportParams p = params(QStringLiteral("generic_array.json"), QStringLiteral("auto"), {QStringLiteral("human=label")});
        const ImportPreview preview = previewImport(p);
        QCOMPARE(preview.rows.size(), size_t(3));
        QCOMPARE(preview.rows[0].line, 2);
        QCOMPARE(preview.rows[1].line, 4);
        QCOMPARE(preview.rows[2].line, 11);

        auto store = newStore();
        import(*store, p);
        const auto inst = allInstances(*store);
        QCOMPARE(inst[0].prompt, QStringLiteral("Translate 'chat'.\n\nFrench")); // instruction + input
        QCOMPARE(inst[1].prompt, QStringLiteral("Add.")); // empty input adds nothing
        QCOMPARE(inst[2].prompt, s("Unicode \xc3\xa9\xf0\x9f\x98\x80"));
        QCOMPARE(inst[2].responseA, s("\xc3\xa9"));
        QCOMPARE(humanBy(*store, inst[0].id, QStringLiteral("label"))->overall, Preference::AClearly);
        QCOMPARE(humanBy(*store, inst[1].id, QStringLiteral("label"))->overall, Preference::BClearly);
        QCOMPARE(humanBy(*store, inst[2].id, QStringLiteral("label"))->overall, Preference::Tie);
    }

    void mapOverridesFields()
    {
        ImportParams p = params(QStringLiteral("generic_map.jsonl"), QStringLiteral("generic"),
                                {QStringLiteral("prompt=q"), QStringLiteral("response_a=left"),
                                 QStringLiteral("response_b=right"), QStringLiteral("human:alice=who"),
                                 QStringLiteral("lm:judge=judge_says")});
        p.naValues = {QStringLiteral("NA")};
        const ImportPreview preview = previewImport(p);
        QCOMPARE(preview.mapping.value(QStringLiteral("prompt")), QStringLiteral("q"));
        QCOMPARE(preview.mapping.value(QStringLiteral("human:alice")), QStringLiteral("who"));
        QCOMPARE(preview.mapping.value(QStringLiteral("lm:judge")), QStringLiteral("judge_says"));

        auto store = newStore();
        import(*store, p);
        const auto inst = allInstances(*store);
        QCOMPARE(inst[0].prompt, QStringLiteral("Pick one."));
        QCOMPARE(inst[0].responseA, QStringLiteral("L1"));
        QCOMPARE(inst[0].responseB, QStringLiteral("R1"));
        QCOMPARE(inst[0].metadata.value(QStringLiteral("prompt")).toString(), QStringLiteral("ignored"));
        QCOMPARE(humanBy(*store, inst[0].id, QStringLiteral("alice"))->overall, Preference::AClearly);
        QCOMPARE(lmBy(*store, inst[0].id, QStringLiteral("judge"))->overall, Preference::BClearly);
        QCOMPARE(store->humanLabels(inst[1].id).size(), size_t(0)); // "na" is an NA value
        QCOMPARE(lmBy(*store, inst[1].id, QStringLiteral("judge"))->overall, Preference::AClearly); // "1"
    }

    void mapOverridesPresetFields()
    {
        // --map works on presets too: the category from another column, input switched off.
        ImportParams p = params(QStringLiteral("pandalm.jsonl"), QStringLiteral("auto"),
                                {QStringLiteral("category=cmp_key"), QStringLiteral("input=")});
        auto store = newStore();
        QCOMPARE(import(*store, p).format, QStringLiteral("pandalm"));
        const auto inst = allInstances(*store);
        QCOMPARE(inst[0].category, QStringLiteral("m1_m2"));
        QCOMPARE(inst[0].prompt, QStringLiteral("Shorten this."));
        QCOMPARE(inst[0].metadata.value(QStringLiteral("input")).toString(), QStringLiteral("A very long sentence."));
        QCOMPARE(inst[0].metadata.value(QStringLiteral("motivation_app")).toString(), QStringLiteral("Grammarly"));
    }

    void pandalm()
    {
        auto store = newStore();
        import(*store, params(QStringLiteral("pandalm.jsonl")));
        const auto inst = allInstances(*store);
        QCOMPARE(inst[0].externalId, QStringLiteral("0"));
        QCOMPARE(inst[0].prompt, QStringLiteral("Shorten this.\n\nA very long sentence."));
        QCOMPARE(inst[0].category, QStringLiteral("Grammarly"));
        QCOMPARE(inst[0].source, QStringLiteral("pandalm"));
        for (const char *who : {"pandalm_human_1", "pandalm_human_2", "pandalm_human_3"})
            QCOMPARE(humanBy(*store, inst[0].id, QString::fromLatin1(who))->overall, Preference::BClearly);
        QCOMPARE(lmBy(*store, inst[0].id, QStringLiteral("gpt35"))->overall, Preference::AClearly);
        QCOMPARE(lmBy(*store, inst[0].id, QStringLiteral("gpt35"))->rationale, QStringLiteral("1 is better."));
        QCOMPARE(lmBy(*store, inst[0].id, QStringLiteral("pandalm7b"))->overall, Preference::BClearly);
        QCOMPARE(inst[0].metadata.value(QStringLiteral("human_majority")).toInt(), 2);

        QCOMPARE(inst[1].prompt, QStringLiteral("Say yes."));
        QCOMPARE(inst[1].responseA, QStringLiteral("true")); // a JSON boolean as text
        QCOMPARE(humanBy(*store, inst[1].id, QStringLiteral("pandalm_human_1"))->overall, Preference::AClearly);
        QCOMPARE(humanBy(*store, inst[1].id, QStringLiteral("pandalm_human_2"))->overall, Preference::Tie);
        const auto garbage = lmBy(*store, inst[1].id, QStringLiteral("gpt35"));
        QVERIFY(garbage);
        QVERIFY(!garbage->overall); // unusable judge output: no verdict, raw kept
        QCOMPARE(garbage->raw, QStringLiteral("garbage"));
        QCOMPARE(lmBy(*store, inst[1].id, QStringLiteral("pandalm7b"))->overall, Preference::Tie);
    }

    void llmbar()
    {
        auto store = newStore();
        import(*store, params(QStringLiteral("llmbar.jsonl")));
        const auto inst = allInstances(*store);
        QCOMPARE(inst[0].externalId, QStringLiteral("LLMBar/Natural/0"));
        QCOMPARE(inst[1].externalId, QStringLiteral("LLMBar/Adversarial/Manual/0"));
        QCOMPARE(inst[0].source, QStringLiteral("LLMBar/Natural"));
        QCOMPARE(inst[0].prompt, QStringLiteral("Q1"));
        const auto gold = humanBy(*store, inst[0].id, QStringLiteral("llmbar_gold"));
        QCOMPARE(gold->overall, Preference::AClearly);
        QCOMPARE(gold->annotatorKind, QStringLiteral("gold"));
        QCOMPARE(humanBy(*store, inst[1].id, QStringLiteral("llmbar_gold"))->overall, Preference::BClearly);

        const auto agree = lmBy(*store, inst[0].id, QStringLiteral("GPT-4/Vanilla"));
        QCOMPARE(agree->overall, Preference::AClearly);
        QCOMPARE(agree->verdictOriginalOrder, Preference::AClearly);
        QCOMPARE(agree->verdictSwappedOrder, Preference::AClearly);
        QVERIFY(agree->raw.isEmpty());
        const auto disagree = lmBy(*store, inst[0].id, QStringLiteral("GPT-4/CoT"));
        QCOMPARE(disagree->overall, Preference::Tie);
        QCOMPARE(disagree->verdictSwappedOrder, Preference::BClearly);
        const auto half = lmBy(*store, inst[0].id, QStringLiteral("PaLM2/Vanilla"));
        QVERIFY(!half->verdictOriginalOrder);
        QCOMPARE(half->overall, Preference::BClearly); // the one usable verdict
        QVERIFY(half->raw.contains(QStringLiteral("None")));
        const auto rating = lmBy(*store, inst[0].id, QStringLiteral("ChatGPT/Rating"));
        QCOMPARE(rating->overall, Preference::BClearly);
        QVERIFY(rating->raw.contains(QStringLiteral("score_2")));
        const auto none = lmBy(*store, inst[1].id, QStringLiteral("GPT-4/Vanilla"));
        QVERIFY(!none->overall);
    }

    void prd()
    {
        auto store = newStore();
        import(*store, params(QStringLiteral("prd.jsonl")));
        const auto inst = allInstances(*store);
        QCOMPARE(inst[0].externalId, QStringLiteral("1/bard/claude"));
        QCOMPARE(inst[0].category, QStringLiteral("generic"));
        QCOMPARE(inst[0].modelA, QStringLiteral("bard"));
        QCOMPARE(store->humanLabels(inst[0].id).size(), size_t(0));
        QCOMPARE(lmBy(*store, inst[0].id, QStringLiteral("gpt4"))->overall, Preference::AClearly);
        QCOMPARE(lmBy(*store, inst[0].id, QStringLiteral("claude"))->overall, Preference::BClearly);
        QCOMPARE(lmBy(*store, inst[0].id, QStringLiteral("bard"))->overall, Preference::Tie); // 3 = tie
        QCOMPARE(humanBy(*store, inst[1].id, QStringLiteral("prd_human_1"))->overall, Preference::BClearly);
        QCOMPARE(humanBy(*store, inst[1].id, QStringLiteral("prd_human_2"))->overall, Preference::Tie);
        QCOMPARE(humanBy(*store, inst[1].id, QStringLiteral("prd_human_3"))->overall, Preference::AClearly);
    }

    void llmeval2LfqaEvalbiasHhh()
    {
        auto store = newStore();
        import(*store, params(QStringLiteral("llmeval2.jsonl")));
        auto inst = allInstances(*store);
        QCOMPARE(inst[0].externalId, QStringLiteral("7"));
        QCOMPARE(inst[0].category, QStringLiteral("webgpt"));
        QCOMPARE(inst[1].prompt, s("\xd0\x93\xd0\xb4\xd0\xb5?"));
        QCOMPARE(humanBy(*store, inst[0].id, QStringLiteral("llmeval2_human"))->overall, Preference::AClearly);
        QCOMPARE(humanBy(*store, inst[1].id, QStringLiteral("llmeval2_human"))->overall, Preference::Tie);
        QCOMPARE(inst[1].metadata.value(QStringLiteral("human")).toString(), QStringLiteral("TIE"));

        store = newStore();
        import(*store, params(QStringLiteral("lfqa.jsonl")));
        inst = allInstances(*store);
        auto expert = humanBy(*store, inst[0].id, QStringLiteral("lfqa_expert"));
        QCOMPARE(expert->overall, Preference::AClearly); // -1 = answer_a
        QCOMPARE(expert->annotatorKind, QStringLiteral("expert"));
        QCOMPARE(expert->rationale, QStringLiteral("A is right."));
        QCOMPARE(humanBy(*store, inst[1].id, QStringLiteral("lfqa_expert"))->overall, Preference::BClearly);
        QCOMPARE(inst[0].modelA, QStringLiteral("human"));
        QCOMPARE(inst[0].modelB, QStringLiteral("machine"));

        store = newStore();
        import(*store, params(QStringLiteral("evalbiasbench.jsonl")));
        inst = allInstances(*store);
        QCOMPARE(inst[0].category, QStringLiteral("length bias"));
        const auto gold = humanBy(*store, inst[0].id, QStringLiteral("evalbiasbench_gold"));
        QCOMPARE(gold->overall, Preference::AClearly);
        QCOMPARE(gold->annotatorKind, QStringLiteral("gold"));

        store = newStore();
        import(*store, params(QStringLiteral("hhh.jsonl")));
        inst = allInstances(*store);
        QCOMPARE(inst[0].category, QStringLiteral("harmless"));
        QCOMPARE(inst[1].category, QStringLiteral("honest"));
        QCOMPARE(inst[0].responseA, QStringLiteral("I can't help."));
        const auto hhh = humanBy(*store, inst[0].id, QStringLiteral("hhh_gold"));
        QCOMPARE(hhh->overall, Preference::AClearly);
        QCOMPARE(hhh->annotatorKind, QStringLiteral("gold"));
    }

    void splitParameter()
    {
        ImportParams p = params(QStringLiteral("hhh.jsonl"));
        p.split = Split::Eval;
        auto store = newStore();
        import(*store, p);
        QCOMPARE(store->info().instances, qint64(0));
        QCOMPARE(store->info().evalInstances, qint64(2));
    }
};

QTEST_GUILESS_MAIN(TestImporters)
#include "tst_importers.moc"
