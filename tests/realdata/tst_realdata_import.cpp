// SPDX-License-Identifier: GPL-3.0-or-later
// Imports the public data sets of ../shared/data/real (see its README.md) and checks
// row and label counts and the orientation of labels on rows looked up by hand.
// Label "real-data": skipped (QSKIP) where a file is missing.

#include "core/io/importer.h"
#include "core/jobs/feedback.h"
#include "core/storage/projectstore.h"

#include <QDir>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QtTest>

using namespace hyper;

namespace {

QString realDir()
{
    const QByteArray env = qgetenv("HYPER_REAL_DATA_DIR");
    return env.isEmpty() ? QStringLiteral(HYPER_REAL_DATA_DIR) : QString::fromLocal8Bit(env);
}

constexpr const char *kPandaLm = "pandalm_testset_human3_gpt35_pandalm7b.jsonl";
constexpr const char *kLlmBar = "llmbar_human_gold_vs_llm_judges.jsonl";
constexpr const char *kPrd = "prd_vicuna80_human_vs_llm_reviewers.jsonl.gz";
constexpr const char *kLlmEval2 = "llmeval2_benchmark_human.jsonl.gz";
constexpr const char *kHh = "hh_rlhf_harmless_base_test.jsonl.gz";
constexpr const char *kHhh = "hhh_alignment_pairs.jsonl";
constexpr const char *kLfqa = "lfqa_experts_pairwise_human.jsonl";
constexpr const char *kEvalBias = "evalbiasbench.jsonl";

} // namespace

class TestRealDataImport : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    int m_projects = 0;
    QString m_error; // of the last importReal()

    /** Imports the real file into a fresh project (QSKIP when the file is missing). */
    std::unique_ptr<ProjectStore> importReal(const char *name, ImportResult *result = nullptr)
    {
        const QString file = QDir(realDir()).filePath(QString::fromLatin1(name));
        if (!QFileInfo::exists(file))
            return nullptr;
        auto store = std::make_unique<ProjectStore>(m_dir.filePath(QStringLiteral("r%1.hyper").arg(++m_projects)),
                                                    ProjectStore::Mode::CreateNew);
        ImportParams params;
        params.file = file;
        Feedback feedback;
        try {
            const ImportResult r = runImport(*store, params, feedback);
            if (result)
                *result = r;
        } catch (const ImportError &e) {
            m_error = QString::fromUtf8(e.what());
        }
        return store;
    }

    /** The instance with this external id. */
    static std::optional<Instance> byExternalId(const ProjectStore &store, const QString &ext)
    {
        for (const InstanceSummary &s : store.listInstances({}, 0, 100000))
            if (s.externalId == ext)
                return store.instance(s.id);
        return std::nullopt;
    }

    static std::optional<HumanLabel> human(const ProjectStore &store, qint64 id, const QString &who)
    {
        for (const HumanLabel &h : store.humanLabels(id))
            if (h.annotator == who)
                return h;
        return std::nullopt;
    }

    static std::optional<LmLabel> judge(const ProjectStore &store, qint64 id, const QString &who)
    {
        for (const LmLabel &l : store.lmLabels(id))
            if (l.judge == who)
                return l;
        return std::nullopt;
    }

#define REQUIRE_STORE(store)                                                                       \
    if (!(store))                                                                                  \
        QSKIP(qPrintable(QStringLiteral("real data file missing in %1").arg(realDir())));         \
    if (!m_error.isEmpty())                                                                        \
        QFAIL(qPrintable(std::exchange(m_error, QString())));

private Q_SLOTS:
    void importsEveryFile_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QString>("format");
        QTest::addColumn<int>("rows");
        QTest::addColumn<int>("humanLabels");
        QTest::addColumn<int>("lmLabels");

        // Row counts: the README's table, checked with `wc -l`. Label counts: summed
        // over the files with a short Python script (list lengths, judge entries).
        QTest::newRow("pandalm") << kPandaLm << "pandalm" << 999 << 2997 << 1998;
        QTest::newRow("llmbar") << kLlmBar << "llmbar" << 885 << 885 << 30963;
        QTest::newRow("prd") << kPrd << "prd" << 1600 << 1760 << 8000;
        QTest::newRow("llmeval2") << kLlmEval2 << "llmeval2" << 2553 << 2553 << 0;
        QTest::newRow("hh-rlhf") << kHh << "pairs" << 2312 << 2312 << 0;
        QTest::newRow("hhh") << kHhh << "hhh" << 221 << 221 << 0;
        QTest::newRow("lfqa") << kLfqa << "lfqa" << 260 << 260 << 0;
        QTest::newRow("evalbiasbench") << kEvalBias << "evalbiasbench" << 80 << 80 << 0;
    }

    void importsEveryFile()
    {
        QFETCH(QString, file);
        QFETCH(QString, format);
        QFETCH(int, rows);
        QFETCH(int, humanLabels);
        QFETCH(int, lmLabels);
        ImportResult r;
        auto store = importReal(file.toLatin1().constData(), &r);
        REQUIRE_STORE(store);
        QCOMPARE(r.format, format);
        QCOMPARE(r.imported, qint64(rows));
        QCOMPARE(r.skipped, qint64(0));
        const ProjectInfo info = store->info();
        QCOMPARE(info.instances, qint64(rows));
        QCOMPARE(info.humanLabels, qint64(humanLabels));
        QCOMPARE(info.lmLabels, qint64(lmLabels));
    }

    void allFilesIntoOneProject()
    {
        const QStringList files = QDir(realDir()).entryList({QStringLiteral("*.jsonl"), QStringLiteral("*.jsonl.gz")},
                                                            QDir::Files, QDir::Name);
        if (files.isEmpty())
            QSKIP(qPrintable(QStringLiteral("no real data in %1").arg(realDir())));
        // The files share some pairs: by default a pair an earlier file brought in is not
        // added again (its new labels are merged); --on-duplicate keep adds every row.
        ProjectStore store(m_dir.filePath(QStringLiteral("all.hyper")), ProjectStore::Mode::CreateNew);
        ProjectStore kept(m_dir.filePath(QStringLiteral("all-kept.hyper")), ProjectStore::Mode::CreateNew);
        qint64 total = 0, duplicates = 0;
        for (const QString &f : files) {
            ImportParams params;
            params.file = QDir(realDir()).filePath(f);
            Feedback feedback;
            const ImportResult r = runImport(store, params, feedback);
            total += r.imported;
            duplicates += r.merged.duplicateRows;
            QCOMPARE(r.merged.instances + r.merged.duplicateRows, r.imported);
            params.onDuplicate = OnDuplicate::Keep;
            runImport(kept, params, feedback);
        }
        QCOMPARE(store.info().instances, total - duplicates);
        QCOMPARE(kept.info().instances, total);
        qInfo("%lld rows, %lld of pairs an earlier file had", qlonglong(total), qlonglong(duplicates));
        if (files.size() == 8)
            QCOMPARE(total, qint64(999 + 885 + 1600 + 2553 + 2312 + 221 + 260 + 80));
    }

    void pandalmOrientation()
    {
        auto store = importReal(kPandaLm);
        REQUIRE_STORE(store);
        // idx 0: human_labels [2, 2, 2] (response2 better for all three); gpt35 1, pandalm7b 2.
        const auto row = byExternalId(*store, QStringLiteral("0"));
        QVERIFY(row);
        QVERIFY(row->prompt.startsWith(QStringLiteral("The sentence you are given might be too wordy")));
        QVERIFY(row->prompt.contains(QStringLiteral("\n\nIf you have any questions about my rate")));
        QCOMPARE(row->responseA, QStringLiteral("If you have any questions about my rate, please let me know."));
        for (const char *who : {"pandalm_human_1", "pandalm_human_2", "pandalm_human_3"})
            QCOMPARE(human(*store, row->id, QString::fromLatin1(who))->overall, Preference::BClearly);
        QCOMPARE(judge(*store, row->id, QStringLiteral("gpt35"))->overall, Preference::AClearly);
        QCOMPARE(judge(*store, row->id, QStringLiteral("pandalm7b"))->overall, Preference::BClearly);
        QCOMPARE(row->category, QStringLiteral("Grammarly"));

        int garbage = 0;
        for (const InstanceSummary &s : store->listInstances({}, 0, 100000))
            for (const LmLabel &l : store->lmLabels(s.id))
                if (l.judge == QLatin1String("gpt35") && !l.overall && l.raw == QLatin1String("garbage"))
                    ++garbage;
        QCOMPARE(garbage, 25); // the README's count of unusable GPT-3.5 outputs
    }

    void llmbarOrientation()
    {
        auto store = importReal(kLlmBar);
        REQUIRE_STORE(store);
        // First row: GPTInst idx 0, gold_label 2; GPT-4/Vanilla_1shot says 2 then 1.
        const auto row = byExternalId(*store, QStringLiteral("LLMBar/Adversarial/GPTInst/0"));
        QVERIFY(row);
        QCOMPARE(row->source, QStringLiteral("LLMBar/Adversarial/GPTInst"));
        QCOMPARE(row->prompt, QStringLiteral("What does the phrase \"smaller fish to fry\" mean?"));
        const auto gold = human(*store, row->id, QStringLiteral("llmbar_gold"));
        QCOMPARE(gold->overall, Preference::BClearly);
        QCOMPARE(gold->annotatorKind, QStringLiteral("gold"));
        const auto split = judge(*store, row->id, QStringLiteral("GPT-4/Vanilla_1shot"));
        QCOMPARE(split->verdictOriginalOrder, Preference::BClearly);
        QCOMPARE(split->verdictSwappedOrder, Preference::AClearly);
        QCOMPARE(split->overall, Preference::Tie);
        QCOMPARE(judge(*store, row->id, QStringLiteral("ChatGPT/CoT"))->overall, Preference::BClearly);
        QCOMPARE(store->info().judges.size(), 65);
        // GPTInst idx 12: PaLM2/Vanilla_NoRules answered "None" in both orders.
        const auto none = byExternalId(*store, QStringLiteral("LLMBar/Adversarial/GPTInst/12"));
        const auto palm = judge(*store, none->id, QStringLiteral("PaLM2/Vanilla_NoRules"));
        QVERIFY(!palm->overall);
        QVERIFY(palm->raw.contains(QStringLiteral("None")));
    }

    void prdOrientation()
    {
        auto store = importReal(kPrd);
        REQUIRE_STORE(store);
        // question 1, bard vs claude: no human; llm_scores bard 1, claude 2.
        const auto first = byExternalId(*store, QStringLiteral("1/bard/claude"));
        QVERIFY(first);
        QCOMPARE(first->prompt, QStringLiteral("How can I improve my time management skills?"));
        QCOMPARE(first->category, QStringLiteral("generic"));
        QVERIFY(store->humanLabels(first->id).empty());
        QCOMPARE(judge(*store, first->id, QStringLiteral("bard"))->overall, Preference::AClearly);
        QCOMPARE(judge(*store, first->id, QStringLiteral("claude"))->overall, Preference::BClearly);
        // question 1, bard vs gpt35: human_scores [1, 1, 3] (3 = tie); vicuna-13b says 2.
        const auto three = byExternalId(*store, QStringLiteral("1/bard/gpt35"));
        QVERIFY(three);
        QCOMPARE(human(*store, three->id, QStringLiteral("prd_human_1"))->overall, Preference::AClearly);
        QCOMPARE(human(*store, three->id, QStringLiteral("prd_human_2"))->overall, Preference::AClearly);
        QCOMPARE(human(*store, three->id, QStringLiteral("prd_human_3"))->overall, Preference::Tie);
        QCOMPARE(judge(*store, three->id, QStringLiteral("vicuna-13b"))->overall, Preference::BClearly);
    }

    void llmeval2Orientation()
    {
        auto store = importReal(kLlmEval2);
        REQUIRE_STORE(store);
        const auto tie = byExternalId(*store, QStringLiteral("0")); // label 0
        QCOMPARE(human(*store, tie->id, QStringLiteral("llmeval2_human"))->overall, Preference::Tie);
        QCOMPARE(tie->category, QStringLiteral("summarizefeedback"));
        const auto b = byExternalId(*store, QStringLiteral("1")); // label 2
        QCOMPARE(human(*store, b->id, QStringLiteral("llmeval2_human"))->overall, Preference::BClearly);
    }

    void hhRlhfSplit()
    {
        auto store = importReal(kHh);
        REQUIRE_STORE(store);
        const auto row = byExternalId(*store, QStringLiteral("1"));
        QVERIFY(row->prompt.startsWith(QStringLiteral("\n\nHuman: what are some pranks with a pen i can do?")));
        QVERIFY(row->prompt.endsWith(QStringLiteral(
            "\n\nHuman: okay some of these do not have anything to do with pens\n\nAssistant:")));
        QVERIFY(row->responseA.startsWith(QStringLiteral("No, sorry!  All of these involve a pen")));
        QVERIFY(row->responseB.startsWith(QStringLiteral("There are lots of funny things you can do with pens")));
        const auto h = store->humanLabels(row->id);
        QCOMPARE(h.size(), size_t(1));
        QCOMPARE(h[0].annotator, QStringLiteral("hh_rlhf_harmless_base_test"));
        QCOMPARE(h[0].overall, Preference::AClearly); // A = chosen
    }

    void goldAndExpertFiles()
    {
        auto hhh = importReal(kHhh);
        REQUIRE_STORE(hhh);
        auto row = byExternalId(*hhh, QStringLiteral("0"));
        QCOMPARE(row->category, QStringLiteral("harmless"));
        QVERIFY(row->responseA.startsWith(QStringLiteral("Sorry, I'm not interested in helping you")));
        auto gold = human(*hhh, row->id, QStringLiteral("hhh_gold"));
        QCOMPARE(gold->overall, Preference::AClearly);
        QCOMPARE(gold->annotatorKind, QStringLiteral("gold"));

        auto lfqa = importReal(kLfqa);
        REQUIRE_STORE(lfqa);
        row = byExternalId(*lfqa, QStringLiteral("1")); // overall_preference -1
        QVERIFY(row->responseA.startsWith(QStringLiteral("Those clues are kind of vague")));
        auto expert = human(*lfqa, row->id, QStringLiteral("lfqa_expert"));
        QCOMPARE(expert->overall, Preference::AClearly);
        QCOMPARE(expert->annotatorKind, QStringLiteral("expert"));
        QVERIFY(!expert->rationale.isEmpty());
        row = byExternalId(*lfqa, QStringLiteral("2")); // overall_preference 1
        QCOMPARE(human(*lfqa, row->id, QStringLiteral("lfqa_expert"))->overall, Preference::BClearly);

        auto bias = importReal(kEvalBias);
        REQUIRE_STORE(bias);
        row = byExternalId(*bias, QStringLiteral("1"));
        QCOMPARE(row->category, QStringLiteral("length bias"));
        gold = human(*bias, row->id, QStringLiteral("evalbiasbench_gold"));
        QCOMPARE(gold->overall, Preference::AClearly); // label 1 = response1
        QCOMPARE(gold->annotatorKind, QStringLiteral("gold"));
    }
};

QTEST_GUILESS_MAIN(TestRealDataImport)
#include "tst_realdata_import.moc"
