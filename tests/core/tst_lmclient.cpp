// lm::ChatClient against the local test server (docs/LM.md, Transport): good runs,
// retries (429 + Retry-After, 5xx, timeouts, broken 200s), fail-at-once 4xx,
// concurrency, the RPM limit, cancel, pause and key handling.
#include "core/jobs/feedback.h"
#include "core/lm/chatclient.h"
#include "core/lm/testserver.h"

#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTimer>
#include <QtTest>
#include <map>

using namespace hyper;
using namespace hyper::lm;

namespace {

const QString kKey = QStringLiteral("sk-hyperTEST-q7Zx93kLmw0Pd2");

EndpointConfig endpointFor(const TestServer &server)
{
    EndpointConfig e;
    e.name = QStringLiteral("test");
    e.baseUrl = server.baseUrl();
    e.model = QStringLiteral("test-model");
    e.timeoutSeconds = 5;
    e.concurrency = 4;
    e.maxRetries = 3;
    e.backoffBaseSeconds = 0.01;
    e.backoffMaxSeconds = 0.05;
    return e;
}

ChatRequest request(qint64 tag)
{
    ChatRequest r;
    r.tag = tag;
    r.messages = {{QStringLiteral("system"), QStringLiteral("You are a careful judge.")},
                  {QStringLiteral("user"), QStringLiteral("Compare answers for item %1 please").arg(tag)}};
    return r;
}

struct Outcome {
    std::vector<ChatResult> results;
    std::map<qint64, ChatResult> byTag;
    double seconds = 0;
    int pulled = 0;
};

Outcome runMany(ChatClient &client, int n, Feedback &feedback, const std::function<bool()> &paused = {})
{
    Outcome o;
    QElapsedTimer t;
    t.start();
    client.run(
        [&]() -> std::optional<ChatRequest> {
            if (o.pulled >= n)
                return std::nullopt;
            return request(o.pulled++);
        },
        [&](const ChatResult &r) {
            o.results.push_back(r);
            o.byTag[r.tag] = r;
        },
        feedback, paused);
    o.seconds = double(t.nsecsElapsed()) / 1e9;
    return o;
}

Outcome runMany(ChatClient &client, int n)
{
    Feedback quiet;
    return runMany(client, n, quiet);
}

} // namespace

class TestLmClient : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void goodRun()
    {
        TestServer server;
        server.setReplyGenerator([](const QJsonObject &req) {
            const QJsonArray messages = req.value(QStringLiteral("messages")).toArray();
            return QStringLiteral("reply to: ") + messages.last().toObject().value(QStringLiteral("content")).toString();
        });
        ChatClient client(endpointFor(server), QString());
        const Outcome o = runMany(client, 20);
        QCOMPARE(int(o.results.size()), 20);
        QCOMPARE(int(o.byTag.size()), 20);
        for (const auto &[tag, r] : o.byTag) {
            QVERIFY2(r.ok, qPrintable(r.error));
            QCOMPARE(r.content, QStringLiteral("reply to: Compare answers for item %1 please").arg(tag));
            QCOMPARE(r.attempts, 1);
            QCOMPARE(r.httpStatus, 200);
            QVERIFY(r.error.isEmpty());
            // usage = word counts: 5 system + 6 user words; 8 words of content
            QCOMPARE(r.promptTokens, 11);
            QCOMPARE(r.completionTokens, 8);
            QVERIFY(r.seconds >= 0 && r.seconds < 5);
        }
        QCOMPARE(server.requestCount(), 20);
        QCOMPARE(server.promptTokens(), 220);
        QCOMPARE(server.completionTokens(), 160);
        const std::vector<QJsonObject> reqs = server.requests();
        const QJsonObject first = reqs.front();
        QCOMPARE(first.value(QStringLiteral("model")).toString(), QStringLiteral("test-model"));
        QCOMPARE(first.value(QStringLiteral("temperature")).toDouble(), 0.0);
        QCOMPARE(first.value(QStringLiteral("max_tokens")).toInt(), 512);
        QVERIFY(!first.contains(QStringLiteral("response_format")));
        QCOMPARE(first.value(QStringLiteral("messages")).toArray().size(), 2);
        QCOMPARE(first.value(QStringLiteral("messages")).toArray().at(0).toObject()
                     .value(QStringLiteral("role")).toString(), QStringLiteral("system"));
        for (const QString &auth : server.authorizations())
            QVERIFY(auth.isEmpty()); // no key, no header
    }

    void defaultReplyAndJsonMode()
    {
        TestServer server;
        ChatClient client(endpointFor(server), QString());
        std::vector<ChatResult> results;
        bool given = false;
        Feedback fb;
        client.run(
            [&]() -> std::optional<ChatRequest> {
                if (given)
                    return std::nullopt;
                given = true;
                ChatRequest r = request(7);
                r.jsonMode = true;
                r.temperature = 0.7;
                r.maxTokens = 64;
                return r;
            },
            [&](const ChatResult &r) { results.push_back(r); }, fb);
        QCOMPARE(int(results.size()), 1);
        QVERIFY(results[0].ok);
        QCOMPARE(results[0].tag, qint64(7));
        QCOMPARE(results[0].content, TestServer::kDefaultReply);
        const QJsonObject sent = server.requests().front();
        QCOMPARE(sent.value(QStringLiteral("response_format")).toObject().value(QStringLiteral("type")).toString(),
                 QStringLiteral("json_object"));
        QCOMPARE(sent.value(QStringLiteral("temperature")).toDouble(), 0.7);
        QCOMPARE(sent.value(QStringLiteral("max_tokens")).toInt(), 64);
    }

    void nothingToDo()
    {
        TestServer server;
        ChatClient client(endpointFor(server), QString());
        const Outcome o = runMany(client, 0);
        QVERIFY(o.results.empty());
        QCOMPARE(server.requestCount(), 0);
    }
};

QTEST_GUILESS_MAIN(TestLmClient)
#include "tst_lmclient.moc"
