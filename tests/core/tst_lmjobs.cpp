// SPDX-License-Identifier: GPL-3.0-or-later
// The LM judge and tagger (docs/LM.md "Judge", "Tagger", "Jobs and CLI"): templates,
// strict reply validation, both-order combination, content hashes, LmStore, and the
// jobs against the local test server (labels and tags stored right, invalid replies as
// failures, cache, retries, cancel and resume, pause, the key never stored).
#include "core/features/featurejob.h"
#include "core/jobs/feedback.h"
#include "core/lm/judge.h"
#include "core/lm/lmjob.h"
#include "core/lm/tagger.h"
#include "core/lm/testserver.h"
#include "core/storage/featurestore.h"
#include "core/storage/lmstore.h"
#include "core/storage/projectstore.h"
#include "core/storage/sqlite.h"
#include "lmtesthelpers.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTimer>
#include <QtTest>
#include <sqlite3.h>

using namespace hyper;
using namespace hyper::lm;
using namespace hyper::testing;

namespace {

const char *const kKeyVar = "HYPER_TST_LMJOBS_KEY";
const QByteArray kKey = "sk-lmjobsSECRET-7f3Qa91Zx0";

EndpointConfig endpointFor(const TestServer &server)
{
    EndpointConfig e;
    e.name = QStringLiteral("local");
    e.baseUrl = server.baseUrl();
    e.model = QStringLiteral("test-model");
    e.timeoutSeconds = 5;
    e.concurrency = 4;
    e.maxRetries = 4;
    e.backoffBaseSeconds = 0.01;
    e.backoffMaxSeconds = 0.05;
    e.pricePerMillionIn = 2.0;
    e.pricePerMillionOut = 8.0;
    return e;
}

qint64 scalar(ProjectStore &store, const char *query)
{
    sql::Stmt s(store.handle(), query);
    return s.step() ? s.i64(0) : -1;
}

struct StoredLabel {
    int overall = 99;
    std::optional<int> orig, swapped, helpfulness;
    QString templateId, hash, raw;
    std::optional<qint64> tokensIn;
    std::optional<double> cost;
};

/** The labels of a judge by instance id (every instance at most one: checked). */
std::map<qint64, StoredLabel> labelsOf(ProjectStore &store, const QString &judge, bool *unique)
{
    std::map<qint64, StoredLabel> out;
    *unique = true;
    sql::Stmt s(store.handle(), "SELECT l.instance_id, l.overall, l.verdict_orig, l.verdict_swapped, l.helpfulness,"
                                " l.template, l.content_hash, l.raw, l.tokens_in, l.cost FROM lm_labels l"
                                " JOIN judges j ON j.id = l.judge_id WHERE j.name = ?");
    s.bind(1, judge);
    while (s.step()) {
        StoredLabel l;
        l.overall = int(s.i64(1));
        l.orig = s.opt<int>(2);
        l.swapped = s.opt<int>(3);
        l.helpfulness = s.opt<int>(4);
        l.templateId = s.text(5);
        l.hash = s.text(6);
        l.raw = s.text(7);
        l.tokensIn = s.opt<qint64>(8);
        l.cost = s.opt<double>(9);
        if (out.count(s.i64(0)))
            *unique = false;
        out[s.i64(0)] = l;
    }
    return out;
}

QByteArray fileBytes(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

} // namespace

class TestLmJobs : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    int m_n = 0;
    QString fresh() { return m_dir.filePath(QStringLiteral("p%1.hyper").arg(++m_n)); }

private Q_SLOTS:
    void defaultTemplateFillsOnce()
    {
        const JudgeTemplate &t = defaultJudgeTemplate();
        QCOMPARE(t.id(), QStringLiteral("hyper-pairwise@1"));
        const QString prompt = QStringLiteral("P {response_2} {prompt}");
        const ChatRequest o = judgeRequest(t, prompt, QStringLiteral("AAA"), QStringLiteral("BBB"), Order::Original);
        const ChatRequest s = judgeRequest(t, prompt, QStringLiteral("AAA"), QStringLiteral("BBB"), Order::Swapped);
        QCOMPARE(int(o.messages.size()), 2);
        QCOMPARE(o.messages[0].role, QStringLiteral("system"));
        const QString u = o.messages[1].content;
        QVERIFY(u.contains(QStringLiteral("[Prompt]\nP {response_2} {prompt}\n"))); // braces in the data stay
        QVERIFY(u.indexOf(QStringLiteral("[Response A]\nAAA")) < u.indexOf(QStringLiteral("[Response B]\nBBB")));
        QVERIFY(s.messages[1].content.contains(QStringLiteral("[Response A]\nBBB")));
        QVERIFY(s.messages[1].content.contains(QStringLiteral("[Response B]\nAAA")));
        QVERIFY(o.jsonMode);
        QCOMPARE(o.temperature, 0.0);
        // the documented text is the one in the code
        const QByteArray doc = fileBytes(QStringLiteral(HYPER_SOURCE_DIR "/docs/LM.md"));
        QVERIFY2(doc.contains(t.user.toUtf8()), "docs/LM.md must quote the default user text word for word");
        QVERIFY2(doc.contains(t.system.toUtf8()), "docs/LM.md must quote the default system text word for word");
    }

    void templateFiles()
    {
        const QByteArray good = "# my judge\nname: terse\ntemperature: 0.2\nmax_tokens: 100\n[system]\nBe terse.\n"
                                "[user]\nQ: {prompt}\n1: {response_1}\n2: {response_2}\nJSON please.\n\n";
        const JudgeTemplate t = parseJudgeTemplate(good, QStringLiteral("t.txt"));
        QCOMPARE(t.name, QStringLiteral("terse"));
        QCOMPARE(t.version.size(), 8);
        QCOMPARE(t.temperature, 0.2);
        QCOMPARE(t.maxTokens, 100);
        QCOMPARE(t.system, QStringLiteral("Be terse."));
        QCOMPARE(t.user, QStringLiteral("Q: {prompt}\n1: {response_1}\n2: {response_2}\nJSON please."));
        // another text, another version; the same text, the same
        QByteArray other = good;
        other.replace("JSON please.", "JSON, please.");
        QVERIFY(parseJudgeTemplate(other, QStringLiteral("t.txt")).id() != t.id());
        QCOMPARE(parseJudgeTemplate(good, QStringLiteral("u.txt")).id(), t.id());
        // round trip of toText()
        const JudgeTemplate back = parseJudgeTemplate(t.toText().toUtf8(), QStringLiteral("back"));
        QCOMPARE(back.user, t.user);
        QCOMPARE(back.system, t.system);

        const struct {
            QByteArray text;
            const char *expect;
        } bad[] = {
            {"[user]\n{prompt} {response_1} {response_2}\n", "t.txt:1: the template has no 'name:'"},
            {"name: x\ncolour: red\n[user]\n{prompt}{response_1}{response_2}", "t.txt:2: unknown key 'colour'"},
            {"name: x\ntemperature: hot\n[user]\n{prompt}{response_1}{response_2}", "t.txt:2: temperature"},
            {"name: x\n[user]\n{prompt} {response_1}\n", "lacks the placeholder {response_2}"},
            {"name: x\n[system]\nhi\n", "no [user] section"},
            {"name: x\njust words\n[user]\n{prompt}{response_1}{response_2}", "t.txt:2: expected 'key: value'"},
            {"name: a@b\n[user]\n{prompt}{response_1}{response_2}", "t.txt:1: name"},
        };
        for (const auto &b : bad) {
            try {
                parseJudgeTemplate(b.text, QStringLiteral("t.txt"));
                QFAIL(b.expect);
            } catch (const TemplateError &e) {
                QVERIFY2(QString::fromUtf8(e.what()).contains(QLatin1String(b.expect)), e.what());
            }
        }
    }

    void judgeReplyValidation()
    {
        const JudgeParse plain = parseJudgeReply(QStringLiteral(
            R"({"overall": "B-is-slightly-better", "helpfulness": "Tie", "truthfulness": null, "rationale": " ok "})"));
        QVERIFY2(plain.verdict, qPrintable(plain.error));
        QCOMPARE(plain.verdict->overall, Preference::BSlightly);
        QCOMPARE(plain.verdict->aspects.size(), 1);
        QCOMPARE(plain.verdict->aspects.value(QStringLiteral("helpfulness")), Preference::Tie);
        QCOMPARE(plain.verdict->rationale, QStringLiteral("ok"));
        for (const char *ok : {"  \n{\"overall\": \"Tie\"}\n ", "```json\n{\"overall\": \"A-is-clearly-better\"}\n```",
                               "```\n{\"overall\": \"Tie\"}```", "```JSON\n{\"overall\":\"Tie\"}\n```"})
            QVERIFY2(parseJudgeReply(QString::fromUtf8(ok)).verdict, ok);

        const char *const rejected[] = {
            "",
            "   ",
            "A is better",
            "[]",
            "\"Tie\"",
            "{}",
            "{\"overall\": \"A\"}",
            "{\"overall\": \"tie\"}",
            "{\"overall\": \"A-is-better\"}",
            "{\"overall\": null}",
            "{\"overall\": -2}",
            "{\"overall\": [\"Tie\"]}",
            "{\"rationale\": \"no verdict\"}",
            "{\"overall\": \"Tie\", \"confidence\": 0.9}",
            "{\"overall\": \"Tie\", \"helpfulness\": \"good\"}",
            "{\"overall\": \"Tie\", \"harmlessness\": 1}",
            "{\"overall\": \"Tie\", \"rationale\": 5}",
            "{\"overall\": \"Tie\"",
            "{\"overall\": \"Tie\"} {\"overall\": \"Tie\"}",
            "Sure! {\"overall\": \"Tie\"}",
            "```python\n{\"overall\": \"Tie\"}\n```",
            "```json\n{\"overall\": \"Tie\"}",
        };
        for (const char *r : rejected) {
            const JudgeParse p = parseJudgeReply(QString::fromUtf8(r));
            QVERIFY2(!p.verdict, r);
            QVERIFY2(!p.error.isEmpty(), r);
        }
    }

    void combiningOrders()
    {
        JudgeVerdict o{Preference::AClearly, {{QStringLiteral("helpfulness"), Preference::AClearly}}, QStringLiteral("x")};
        // swapped order, as the judge saw it: it preferred the first shown (= B) slightly
        JudgeVerdict seen{Preference::ASlightly, {{QStringLiteral("helpfulness"), Preference::BClearly}}, QStringLiteral("y")};
        const JudgeVerdict back = toOriginalFrame(seen);
        QCOMPARE(back.overall, Preference::BSlightly);
        QCOMPARE(back.aspects.value(QStringLiteral("helpfulness")), Preference::AClearly);

        const CombinedVerdict inconsistent = combineVerdicts(o, back);
        QCOMPARE(*inconsistent.positionConsistent, false);
        QCOMPARE(inconsistent.overall, Preference::Tie);
        QCOMPARE(*inconsistent.verdictOriginal, Preference::AClearly);
        QCOMPARE(*inconsistent.verdictSwapped, Preference::BSlightly);
        QCOMPARE(inconsistent.aspects.value(QStringLiteral("helpfulness")), Preference::AClearly);
        QCOMPARE(inconsistent.rationale, QStringLiteral("x | y"));

        const CombinedVerdict consistent =
            combineVerdicts(o, JudgeVerdict{Preference::ASlightly, {}, QString()});
        QCOMPARE(*consistent.positionConsistent, true);
        QCOMPARE(consistent.overall, Preference::ASlightly); // mean toward zero
        QCOMPARE(combineVerdicts(o, o).overall, Preference::AClearly);
        const CombinedVerdict single = combineVerdicts(o, std::nullopt);
        QVERIFY(!single.positionConsistent);
        QVERIFY(!single.verdictSwapped);
        QCOMPARE(single.overall, Preference::AClearly);
    }

    void contentHash()
    {
        const ChatRequest r = judgeRequest(defaultJudgeTemplate(), QStringLiteral("p"), QStringLiteral("a"),
                                           QStringLiteral("b"), Order::Original);
        const QString h = requestHash(QStringLiteral("m"), QStringLiteral("t@1"), r);
        QCOMPARE(h.size(), 64);
        QCOMPARE(requestHash(QStringLiteral("m"), QStringLiteral("t@1"), r), h);
        QVERIFY(requestHash(QStringLiteral("m2"), QStringLiteral("t@1"), r) != h);
        QVERIFY(requestHash(QStringLiteral("m"), QStringLiteral("t@2"), r) != h);
        ChatRequest r2 = r;
        r2.temperature = 0.5;
        QVERIFY(requestHash(QStringLiteral("m"), QStringLiteral("t@1"), r2) != h);
        r2 = r;
        r2.messages[1].content += QLatin1Char(' ');
        QVERIFY(requestHash(QStringLiteral("m"), QStringLiteral("t@1"), r2) != h);
        r2 = r;
        r2.tag = 77; // the caller's id is not part of the question
        QCOMPARE(requestHash(QStringLiteral("m"), QStringLiteral("t@1"), r2), h);
        QCOMPARE(combinedHash({h}), h);
        QVERIFY(combinedHash({h, h}) != h);
    }

    void tagValidation()
    {
        QCOMPARE(int(tagDimensions().size()), 8);
        const TagDimension *subj = tagDimension(QStringLiteral("subject_of_expertise"));
        const TagDimension *safety = tagDimension(QStringLiteral("safety_concern"));
        const TagDimension *fmt = tagDimension(QStringLiteral("format_constraints"));
        const TagDimension *lang = tagDimension(QStringLiteral("languages"));
        QVERIFY(subj && safety && fmt && lang);
        QCOMPARE(subj->options.size(), 46);
        QCOMPARE(safety->options, (QStringList{QStringLiteral("safe"), QStringLiteral("low"),
                                               QStringLiteral("moderate"), QStringLiteral("high")}));
        // one dimension per request, the dimension named in the answer form
        const ChatRequest req = tagRequest(*safety, QStringLiteral("How do I pick a lock?"));
        QVERIFY(req.messages.back().content.contains(QStringLiteral("{\"safety_concern\": VALUE}")));
        QVERIFY(req.messages.back().content.contains(QStringLiteral("How do I pick a lock?")));

        auto value = [](const TagDimension *d, const char *reply) { return parseTagReply(*d, QString::fromUtf8(reply)); };
        QCOMPARE(value(safety, "{\"safety_concern\": \"Moderate\"}").value->toString(), QStringLiteral("moderate"));
        QCOMPARE(value(subj, "```json\n{\"subject_of_expertise\": [\"law\", \"History\"]}\n```").value->toArray(),
                 (QJsonArray{QStringLiteral("Law"), QStringLiteral("History")}));
        QCOMPARE(value(fmt, "{\"format_constraints\": []}").value->toArray().size(), 0);
        QCOMPARE(value(lang, "{\"languages\": [\" French \"]}").value->toArray(), QJsonArray{QStringLiteral("French")});
        const std::pair<const TagDimension *, const char *> rejected[] = {
            {safety, "{\"safety_concern\": \"very high\"}"},
            {safety, "{\"safety_concern\": [\"low\"]}"},
            {safety, "{\"safety\": \"low\"}"},
            {safety, "{\"safety_concern\": \"low\", \"why\": \"x\"}"},
            {safety, "low"},
            {subj, "{\"subject_of_expertise\": []}"},
            {subj, "{\"subject_of_expertise\": [\"Law\", \"History\", \"Logic\", \"Physics\"]}"},
            {subj, "{\"subject_of_expertise\": [\"Astrology\"]}"},
            {subj, "{\"subject_of_expertise\": [\"Law\", \"law\"]}"},
            {subj, "{\"subject_of_expertise\": \"Law\"}"},
            {lang, "{\"languages\": []}"},
            {lang, "{\"languages\": [\"\"]}"},
            {fmt, "{\"format_constraints\": [1]}"},
            {fmt, "{\"format_constraints\": null}"},
            {fmt, "{\"format_constraints\": [\"a\""},
        };
        for (const auto &[d, r] : rejected) {
            const TagParse p = value(d, r);
            QVERIFY2(!p.value, r);
            QVERIFY2(!p.error.isEmpty(), r);
        }

        // merging where featureset reads tags
        const QJsonObject nested{{QStringLiteral("tags"), QJsonObject{{QStringLiteral("languages"), QJsonArray{QStringLiteral("English")}}}}};
        const QJsonObject m = mergeTag(nested, QStringLiteral("safety_concern"), QStringLiteral("low"));
        QCOMPARE(m.value(QStringLiteral("tags")).toObject().value(QStringLiteral("safety_concern")).toString(), QStringLiteral("low"));
        QVERIFY(!m.contains(QStringLiteral("safety_concern")));
        const QJsonObject top = mergeTag(QJsonObject{{QStringLiteral("source_row"), 3}}, QStringLiteral("safety_concern"),
                                         QStringLiteral("low"));
        QCOMPARE(top.value(QStringLiteral("safety_concern")).toString(), QStringLiteral("low"));
        QCOMPARE(top.value(QStringLiteral("source_row")).toInt(), 3);
        QCOMPARE(missingTagDimensions(m).size(), 6);
        QVERIFY(!missingTagDimensions(m).contains(QStringLiteral("safety_concern")));
        QCOMPARE(missingTagDimensions(QJsonObject{}).size(), 8);
    }

    void storeEndpointsAndFailures()
    {
        ProjectStore store(makeLmProject(fresh(), 3), ProjectStore::Mode::OpenExisting);
        LmStore ls(store);
        SavedEndpoint e;
        e.name = QStringLiteral("vllm");
        e.baseUrl = QStringLiteral("http://127.0.0.1:8000/v1");
        e.model = QStringLiteral("llama");
        e.keyEnv = QStringLiteral("MY_KEY");
        e.settings = QJsonObject{{QStringLiteral("concurrency"), 8}, {QStringLiteral("price_in"), 0.5}};
        ls.saveEndpoint(e);
        e.model = QStringLiteral("llama-2");
        ls.saveEndpoint(e); // replaces
        QCOMPARE(int(ls.endpoints().size()), 1);
        const auto back = ls.endpoint(QStringLiteral("vllm"));
        QVERIFY(back);
        QCOMPARE(back->model, QStringLiteral("llama-2"));
        const EndpointConfig cfg = endpointFromSaved(*back);
        QCOMPARE(cfg.concurrency, 8);
        QCOMPARE(cfg.pricePerMillionIn, 0.5);
        QCOMPARE(cfg.apiKeyEnv, QStringLiteral("MY_KEY"));
        QCOMPARE(cfg.maxRetries, EndpointConfig().maxRetries);
        QVERIFY_THROWS_EXCEPTION(StoreError, ls.saveEndpoint(SavedEndpoint{}));
        QVERIFY(ls.removeEndpoint(QStringLiteral("vllm")));
        QVERIFY(!ls.removeEndpoint(QStringLiteral("vllm")));
        QVERIFY(ls.endpoints().empty());

        ls.addFailure(1, QStringLiteral("judge"), QStringLiteral("m"), QStringLiteral("bad"), QStringLiteral("raw"));
        QCOMPARE(ls.failureCount(QStringLiteral("judge")), 1);
        QCOMPARE(ls.failureCount(QStringLiteral("tag")), 0);
        QCOMPARE(ls.failures().front().raw, QStringLiteral("raw"));
        LmSelection ids;
        ids.kind = LmSelection::Kind::Ids;
        ids.ids = {3, 1, 3};
        QCOMPARE(ls.select(ids, QStringLiteral("j")), (std::vector<qint64>{1, 3}));
        ids.ids = {1, 999};
        QVERIFY_THROWS_EXCEPTION(StoreError, ls.select(ids, QStringLiteral("j")));
    }

    void judgeBothOrdersStoresPredictedLabels()
    {
        const int n = 24;
        ProjectStore store(makeLmProject(fresh(), n), ProjectStore::Mode::OpenExisting);
        TestServer server;
        server.setReplyGenerator([](const QJsonObject &r) { return judgeReply(r); });
        JudgeJobConfig cfg;
        cfg.endpoint = endpointFor(server);
        cfg.judgeName = QStringLiteral("longer-judge");
        cfg.bothOrders = true;
        Feedback feedback;
        std::vector<JobProgress> seen;
        const JobResult r = runJudgeJob(store, cfg, LmSelection{}, feedback, nullptr,
                                        [&](const JobProgress &p) { seen.push_back(p); });
        QVERIFY(!r.canceled);
        QCOMPARE(r.progress.total, n); // the eval instance is not selected
        QCOMPARE(r.progress.done, n);
        QCOMPARE(r.progress.failed, 0);
        QCOMPARE(r.progress.remaining, 0);
        QCOMPARE(r.progress.inconsistent, 0);
        QCOMPARE(server.requestCount(), 2 * n);
        QCOMPARE(r.progress.tokensIn, server.promptTokens());
        QCOMPARE(r.progress.tokensOut, server.completionTokens());
        QVERIFY(std::abs(r.progress.cost - (2.0 * server.promptTokens() + 8.0 * server.completionTokens()) / 1e6) < 1e-12);
        QVERIFY(seen.size() >= size_t(n));
        for (size_t k = 1; k < seen.size(); ++k)
            QVERIFY(seen[k].done >= seen[k - 1].done);

        bool unique = false;
        const auto labels = labelsOf(store, QStringLiteral("longer-judge"), &unique);
        QVERIFY(unique);
        QCOMPARE(int(labels.size()), n);
        for (const auto &[id, l] : labels) {
            const int expect = toInt(expectedLonger(int(id)));
            QCOMPARE(l.overall, expect);
            QCOMPARE(*l.orig, expect);
            QCOMPARE(*l.swapped, expect);
            QCOMPARE(*l.helpfulness, expect);
            QCOMPARE(l.templateId, QStringLiteral("hyper-pairwise@1"));
            QCOMPARE(l.hash.size(), 64);
            QVERIFY(l.tokensIn && *l.tokensIn > 0);
            QVERIFY(l.cost && *l.cost > 0);
            const QJsonObject raw = QJsonDocument::fromJson(l.raw.toUtf8()).object();
            QVERIFY(raw.value(QStringLiteral("original")).toString().contains(QStringLiteral("overall")));
            QVERIFY(raw.value(QStringLiteral("swapped")).toString().contains(QStringLiteral("overall")));
        }
        // denormalised stats kept in step: n_lm = 1 and lm_pref = the folded label
        sql::Stmt s(store.handle(), "SELECT id, n_lm, lm_pref FROM instances WHERE split = 'train'");
        while (s.step()) {
            QCOMPARE(s.i64(1), 1);
            QCOMPARE(int(s.i64(2)), toInt(foldSlightly(expectedLonger(int(s.i64(0))))));
        }
        QCOMPARE(LmStore(store).templateText(QStringLiteral("hyper-pairwise@1")).value_or(QString()),
                 defaultJudgeTemplate().toText());
        QCOMPARE(store.lmLabels(1).size(), size_t(1));
    }

    void positionBiasRecorded()
    {
        ProjectStore store(makeLmProject(fresh(), 6), ProjectStore::Mode::OpenExisting);
        TestServer server;
        server.setReplyGenerator([](const QJsonObject &r) { return judgeReply(r, true); });
        JudgeJobConfig cfg;
        cfg.endpoint = endpointFor(server);
        cfg.bothOrders = true;
        Feedback feedback;
        const JobResult r = runJudgeJob(store, cfg, LmSelection{}, feedback);
        QCOMPARE(r.progress.done, 6);
        QCOMPARE(r.progress.inconsistent, 6);
        bool unique = false;
        const auto labels = labelsOf(store, QStringLiteral("test-model"), &unique); // judge name = model
        QCOMPARE(int(labels.size()), 6);
        for (const auto &[id, l] : labels) {
            QCOMPARE(*l.orig, -2);
            QCOMPARE(*l.swapped, 2);   // "first is better" seen B-first, mapped back
            QCOMPARE(l.overall, 0);    // inconsistent: Tie
        }
    }

    void invalidRepliesBecomeFailures()
    {
        const int n = 12;
        const QMap<int, QString> markers{{2, QStringLiteral("[[bad-schema]]")},
                                         {5, QStringLiteral("[[not-json]]")},
                                         {7, QStringLiteral("[[extra-key]]")},
                                         {9, QStringLiteral("[[truncated]]")},
                                         {11, QStringLiteral("[[no-content]]")}};
        ProjectStore store(makeLmProject(fresh(), n, markers), ProjectStore::Mode::OpenExisting);
        TestServer server;
        server.setReplyGenerator([](const QJsonObject &r) { return judgeReply(r); });
        server.setScript([](int, const QJsonObject &r) {
            TestServer::Action a;
            const QString u = userContent(r);
            if (u.contains(QLatin1String("[[truncated]]")))
                a.behaviour = TestServer::Behaviour::Truncated;
            else if (u.contains(QLatin1String("[[no-content]]")))
                a.behaviour = TestServer::Behaviour::NoContent;
            return a;
        });
        JudgeJobConfig cfg;
        cfg.endpoint = endpointFor(server);
        cfg.endpoint.maxRetries = 1;
        Feedback feedback;
        const JobResult r = runJudgeJob(store, cfg, LmSelection{}, feedback);
        QCOMPARE(r.progress.done, n - 5);
        QCOMPARE(r.progress.failed, 5);
        LmStore ls(store);
        QCOMPARE(ls.failureCount(QStringLiteral("judge")), 5);
        bool unique = false;
        const auto labels = labelsOf(store, QStringLiteral("test-model"), &unique);
        QCOMPARE(int(labels.size()), n - 5);
        for (int bad : markers.keys())
            QVERIFY2(!labels.count(bad), qPrintable(QString::number(bad)));
        for (const auto &[id, l] : labels)
            QCOMPARE(l.overall, toInt(expectedLonger(int(id))));
        QSet<QString> raws;
        for (const LmFailure &f : ls.failures(QStringLiteral("judge"))) {
            QVERIFY(f.instanceId && markers.contains(int(*f.instanceId)));
            QVERIFY(!f.error.isEmpty());
            raws << f.raw;
        }
        QVERIFY(raws.contains(QStringLiteral("I think A is better.")));
        // invalid replies are not cached: a rerun asks the failed ones again, only them
        server.resetRecords();
        const JobResult again = runJudgeJob(store, cfg, LmSelection{}, feedback);
        QCOMPARE(again.progress.total, 5);
        QCOMPARE(again.progress.failed, 5);
        QVERIFY(server.requestCount() >= 5);
        QCOMPARE(scalar(store, "SELECT count(*) FROM lm_labels"), n - 5);
    }

    void cacheMeansNoNewRequests()
    {
        const int n = 10;
        ProjectStore store(makeLmProject(fresh(), n), ProjectStore::Mode::OpenExisting);
        TestServer server;
        server.setReplyGenerator([](const QJsonObject &r) { return judgeReply(r); });
        JudgeJobConfig cfg;
        cfg.endpoint = endpointFor(server);
        Feedback feedback;
        QCOMPARE(runJudgeJob(store, cfg, LmSelection{}, feedback).progress.done, n);
        QCOMPARE(server.requestCount(), n);
        // everything again: same hashes, nothing asked, nothing stored twice
        LmSelection all;
        all.kind = LmSelection::Kind::All;
        const JobResult again = runJudgeJob(store, cfg, all, feedback);
        QCOMPARE(again.progress.cached, n);
        QCOMPARE(again.progress.done, 0);
        QCOMPARE(again.progress.requests, 0);
        QCOMPARE(server.requestCount(), n);
        QCOMPARE(scalar(store, "SELECT count(*) FROM lm_labels"), n);
        // another judge name, same question: answered from lm_cache, stored under the new name
        cfg.judgeName = QStringLiteral("second-name");
        const JobResult other = runJudgeJob(store, cfg, all, feedback);
        QCOMPARE(other.progress.cached, n);
        QCOMPARE(server.requestCount(), n);
        bool unique = false;
        QCOMPARE(int(labelsOf(store, QStringLiteral("second-name"), &unique).size()), n);
        // another template: another question
        cfg.tmpl = parseJudgeTemplate(defaultJudgeTemplate().toText().toUtf8() + "\n# v2\n", QStringLiteral("x"));
        cfg.judgeName.clear();
        const JobResult v2 = runJudgeJob(store, cfg, all, feedback);
        QCOMPARE(v2.progress.done, n);
        QCOMPARE(server.requestCount(), 2 * n);
        QCOMPARE(scalar(store, "SELECT count(DISTINCT template) FROM lm_labels"), 2);
    }

    void retriesAndRateLimits()
    {
        const int n = 8;
        ProjectStore store(makeLmProject(fresh(), n), ProjectStore::Mode::OpenExisting);
        TestServer server;
        server.setReplyGenerator([](const QJsonObject &r) { return judgeReply(r); });
        TestServer::Action limited;
        limited.behaviour = TestServer::Behaviour::RateLimit;
        limited.retryAfter = QStringLiteral("0");
        server.enqueue(limited, 3);
        server.enqueue(TestServer::Behaviour::ServerError, 2);
        JudgeJobConfig cfg;
        cfg.endpoint = endpointFor(server);
        cfg.endpoint.concurrency = 2;
        Feedback feedback;
        const JobResult r = runJudgeJob(store, cfg, LmSelection{}, feedback);
        QCOMPARE(r.progress.done, n);
        QCOMPARE(r.progress.failed, 0);
        QCOMPARE(server.requestCount(), n + 5);
        QVERIFY(server.maxConcurrent() <= 2);
        QCOMPARE(scalar(store, "SELECT count(*) FROM lm_labels"), n);
        QCOMPARE(LmStore(store).failureCount(), 0);
    }

    void requestsPerMinuteObeyed()
    {
        ProjectStore store(makeLmProject(fresh(), 5), ProjectStore::Mode::OpenExisting);
        TestServer server;
        server.setReplyGenerator([](const QJsonObject &r) { return judgeReply(r); });
        JudgeJobConfig cfg;
        cfg.endpoint = endpointFor(server);
        cfg.endpoint.requestsPerMinute = 600; // one request every 100 ms at most
        Feedback feedback;
        QCOMPARE(runJudgeJob(store, cfg, LmSelection{}, feedback).progress.done, 5);
        const std::vector<qint64> at = server.arrivalsMs();
        QCOMPARE(int(at.size()), 5);
        for (size_t k = 1; k < at.size(); ++k)
            QVERIFY2(at[k] - at[k - 1] >= 90, qPrintable(QString::number(at[k] - at[k - 1])));
    }

    void cancelThenResume()
    {
        const int n = 30;
        ProjectStore store(makeLmProject(fresh(), n), ProjectStore::Mode::OpenExisting);
        TestServer server;
        server.setReplyGenerator([](const QJsonObject &r) { return judgeReply(r); });
        server.setLatencyMs(20);
        JudgeJobConfig cfg;
        cfg.endpoint = endpointFor(server);
        cfg.endpoint.concurrency = 3;
        cfg.bothOrders = true;
        Feedback feedback;
        const JobResult first = runJudgeJob(store, cfg, LmSelection{}, feedback, nullptr, [&](const JobProgress &p) {
            if (p.done >= 6)
                feedback.cancel();
        });
        QVERIFY(first.canceled);
        QVERIFY(first.progress.done >= 6 && first.progress.done < n);
        QCOMPARE(first.progress.failed, 0); // canceled requests are not failures
        QCOMPARE(first.progress.remaining, n - first.progress.done);
        QCOMPARE(scalar(store, "SELECT count(*) FROM lm_labels"), first.progress.done);
        QCOMPARE(LmStore(store).failureCount(), 0);

        Feedback again;
        const JobResult second = runJudgeJob(store, cfg, LmSelection{}, again);
        QVERIFY(!second.canceled);
        QCOMPARE(second.progress.total, n - first.progress.done);
        QCOMPARE(second.progress.done + second.progress.cached, n - first.progress.done);
        bool unique = false;
        const auto labels = labelsOf(store, QStringLiteral("test-model"), &unique);
        QVERIFY(unique);
        QCOMPARE(int(labels.size()), n);
        for (const auto &[id, l] : labels)
            QCOMPARE(l.overall, toInt(expectedLonger(int(id))));
        // no order was asked twice: at most 2n requests over both runs (a canceled
        // in-flight one may be asked again)
        QVERIFY(server.requestCount() <= 2 * n + 3 * 1);
    }

    void pauseHoldsRequests()
    {
        ProjectStore store(makeLmProject(fresh(), 4), ProjectStore::Mode::OpenExisting);
        TestServer server;
        server.setReplyGenerator([](const QJsonObject &r) { return judgeReply(r); });
        JudgeJobConfig cfg;
        cfg.endpoint = endpointFor(server);
        std::atomic<bool> paused{true};
        int requestsWhilePaused = -1;
        QTimer::singleShot(400, [&] {
            requestsWhilePaused = server.requestCount();
            paused = false;
        });
        Feedback feedback;
        QElapsedTimer t;
        t.start();
        const JobResult r = runJudgeJob(store, cfg, LmSelection{}, feedback, &paused);
        QCOMPARE(requestsWhilePaused, 0);
        QVERIFY(t.elapsed() >= 400);
        QCOMPARE(r.progress.done, 4);
    }

    void tagJobStoresTagsAndFeaturesSeeThem()
    {
        const int n = 6;
        // instance 4 is asked about a safety concern the tagger answers wrongly
        ProjectStore store(makeLmProject(fresh(), n, {{4, QStringLiteral("[[bad-tag]]")}},
                                         R"({"tags": {"languages": ["German"]}})"),
                           ProjectStore::Mode::OpenExisting);
        TestServer server;
        server.setReplyGenerator([](const QJsonObject &r) { return tagReply(r); });
        TagJobConfig cfg;
        cfg.endpoint = endpointFor(server);
        Feedback feedback;
        const JobResult r = runTagJob(store, cfg, LmSelection{}, feedback);
        QCOMPARE(r.progress.total, n);
        QCOMPARE(r.progress.done, n - 1);
        QCOMPARE(r.progress.failed, 1);
        QVERIFY(r.featuresStale);
        QCOMPARE(server.requestCount(), n * 7); // languages was there already
        LmStore ls(store);
        QCOMPARE(ls.failureCount(QStringLiteral("tag")), 1);
        QVERIFY(ls.failures(QStringLiteral("tag")).front().error.startsWith(QStringLiteral("safety_concern: ")));
        for (int i = 1; i <= n; ++i) {
            const QJsonObject meta = ls.input(i)->metadata;
            QVERIFY(!meta.contains(QStringLiteral("subject_of_expertise"))); // nested, where tags were
            const QJsonObject tags = meta.value(QStringLiteral("tags")).toObject();
            QCOMPARE(tags.value(QStringLiteral("languages")).toArray(), QJsonArray{QStringLiteral("German")});
            QCOMPARE(tags.value(QStringLiteral("subject_of_expertise")).toArray(), QJsonArray{QStringLiteral("Mathematics")});
            QCOMPARE(tags.value(QStringLiteral("expertise_level")).toString(), QStringLiteral("general public"));
            QCOMPARE(tags.value(QStringLiteral("format_constraints")).toArray(), QJsonArray{QStringLiteral("one number")});
            QCOMPARE(tags.value(QStringLiteral("type_of_in_context_material")).toArray(), QJsonArray{});
            QCOMPARE(tags.contains(QStringLiteral("safety_concern")), i != 4);
        }
        QVERIFY(!ls.input(n + 1)->metadata.value(QStringLiteral("tags")).toObject().contains(QStringLiteral("open_endedness")));

        // the feature table sees the tags
        FeatureParams fp;
        fp.threads = 1;
        const FeatureResult fr = computeFeatures(store, fp, feedback);
        QVERIFY(!fr.upToDate);
        QMap<QString, qint64> counts;
        for (const FeatureCount &c : FeatureStore(store).featureCounts())
            counts[c.name] = c.instances;
        QCOMPARE(counts.value(QStringLiteral("analyzer_closed_set::feature_name=subject_of_expertise|constraints=Mathematics")), n);
        QCOMPARE(counts.value(QStringLiteral("analyzer_scalar::feature_name=safety_concern|value=safe")), n - 1);
        QCOMPARE(counts.value(QStringLiteral("analyzer_open_set::feature_name=format_constraints|check_for_existence=1")), n);
        QCOMPARE(counts.value(QStringLiteral("analyzer_open_set::feature_name=type_of_in_context_material|check_for_existence=1")), 0);
        QCOMPARE(counts.value(QStringLiteral("analyzer_closed_set::feature_name=languages|constraints=English")), 0);

        // rerun: only instance 4's safety_concern is missing; asked once more, nothing else
        server.resetRecords();
        const JobResult again = runTagJob(store, cfg, LmSelection{}, feedback);
        QCOMPARE(again.progress.total, 1);
        QCOMPARE(server.requestCount(), 1);
        // everything, overwrite: answered from the cache
        TagJobConfig all = cfg;
        all.overwrite = true;
        all.dimensions = QStringList{QStringLiteral("open_endedness")};
        LmSelection everything;
        everything.kind = LmSelection::Kind::All;
        server.resetRecords();
        const JobResult cached = runTagJob(store, all, everything, feedback);
        QCOMPARE(cached.progress.cached, n);
        QCOMPARE(server.requestCount(), 0);
        all.dimensions = QStringList{QStringLiteral("colour")};
        QVERIFY_THROWS_EXCEPTION(JobConfigError, runTagJob(store, all, everything, feedback));
    }

    void keyNeverStored()
    {
        const QString path = fresh();
        ProjectStore store(makeLmProject(path, 6), ProjectStore::Mode::OpenExisting);
        TestServer server;
        server.setReplyGenerator([](const QJsonObject &r) { return judgeReply(r); });
        JudgeJobConfig cfg;
        cfg.endpoint = endpointFor(server);
        cfg.endpoint.apiKeyEnv = QString::fromLatin1(kKeyVar);
        LmSelection five;
        five.limit = 5;
        qunsetenv(kKeyVar);
        Feedback feedback;
        // a named variable without a key: refused before anything changes
        QVERIFY_THROWS_EXCEPTION(JobConfigError, runJudgeJob(store, cfg, five, feedback));
        QCOMPARE(server.requestCount(), 0);
        QCOMPARE(scalar(store, "SELECT count(*) FROM lm_labels"), 0);
        qputenv(kKeyVar, kKey);
        // a server that errors once with the key in sight must not carry it into failures
        server.enqueue(TestServer::Behaviour::BadRequest, 1);
        const JobResult r = runJudgeJob(store, cfg, five, feedback);
        QCOMPARE(r.progress.done + r.progress.failed, 5);
        QCOMPARE(r.progress.failed, 1);
        QVERIFY(server.authorizations().contains(QStringLiteral("Bearer ") + QString::fromLatin1(kKey)));
        // a server that echoes the key in a reply (valid or not): masked before anything is stored
        server.setReplyGenerator([](const QJsonObject &r) {
            return userContent(r).contains(QLatin1String("Question 6"))
                       ? QStringLiteral("{\"overall\": \"Tie\", \"rationale\": \"%1\"}").arg(QString::fromLatin1(kKey))
                       : QStringLiteral("not json %1").arg(QString::fromLatin1(kKey));
        });
        LmSelection six;
        six.kind = LmSelection::Kind::All;
        const JobResult echo = runJudgeJob(store, cfg, six, feedback);
        QCOMPARE(echo.progress.done, 1);   // instance 6
        QCOMPARE(echo.progress.failed, 1); // the one that failed above, asked again
        QCOMPARE(store.lmLabels(6).front().rationale, QStringLiteral("[api key]"));
        QCOMPARE(LmStore(store).failures().front().raw, QStringLiteral("not json [api key]"));
        LmStore(store).saveEndpoint(savedFromEndpoint(cfg.endpoint));
        TagJobConfig tc;
        tc.endpoint = cfg.endpoint;
        runTagJob(store, tc, LmSelection{}, feedback);
        qunsetenv(kKeyVar);
        QVERIFY(!fileBytes(path).isEmpty());
        QVERIFY(!fileBytes(path).contains(kKey));
        QVERIFY(!fileBytes(path + QStringLiteral("-wal")).contains(kKey));
        QVERIFY(fileBytes(path + QStringLiteral("-wal")).contains(kKeyVar) || fileBytes(path).contains(kKeyVar));
    }
};

QTEST_GUILESS_MAIN(TestLmJobs)
#include "tst_lmjobs.moc"
