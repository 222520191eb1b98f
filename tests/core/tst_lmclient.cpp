// SPDX-License-Identifier: GPL-3.0-or-later
// lm::ChatClient against the local test server (docs/LM.md, Transport): good runs,
// retries (429 + Retry-After, 5xx, timeouts, broken 200s), fail-at-once 4xx,
// concurrency, the RPM limit, cancel, pause and key handling.
#include "core/jobs/feedback.h"
#include "core/lm/chatclient.h"
#include "core/lm/testserver.h"

#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QThread>
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
        server.resetRecords();
        server.setKeepRequests(false);
        const Outcome again = runMany(client, 3);
        QCOMPARE(int(again.results.size()), 3);
        QCOMPARE(server.requestCount(), 3);
        QVERIFY(server.requests().empty());
        QCOMPARE(server.promptTokens(), 33);
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

    void retryAfterParsing()
    {
        const QDateTime now(QDate(1994, 11, 6), QTime(8, 49, 30), Qt::UTC);
        QCOMPARE(retryAfterSeconds("120", now), 120.0);
        QCOMPARE(retryAfterSeconds(" 0 ", now), 0.0);
        QCOMPARE(retryAfterSeconds("Sun, 06 Nov 1994 08:49:37 GMT", now), 7.0);
        QCOMPARE(retryAfterSeconds("Sun, 06 Nov 1994 08:49:00 GMT", now), 0.0); // in the past: no wait
        QCOMPARE(retryAfterSeconds("", now), -1.0);
        QCOMPARE(retryAfterSeconds("soon", now), -1.0);
        QCOMPARE(retryAfterSeconds("-5", now), -1.0);
    }

    void rateLimitedHonoursRetryAfter()
    {
        TestServer server;
        server.enqueue(TestServer::Action{TestServer::Behaviour::RateLimit, -1, QStringLiteral("1"), {}});
        ChatClient client(endpointFor(server), QString());
        const Outcome o = runMany(client, 1);
        QCOMPARE(int(o.results.size()), 1);
        QVERIFY2(o.results[0].ok, qPrintable(o.results[0].error));
        QCOMPARE(o.results[0].attempts, 2);
        const std::vector<qint64> at = server.arrivalsMs();
        QCOMPARE(int(at.size()), 2);
        // the backoff alone would be <= 10 ms; Retry-After: 1 makes it >= 1 s
        QVERIFY2(at[1] - at[0] >= 995, qPrintable(QString::number(at[1] - at[0])));
        QVERIFY(o.results[0].seconds >= 0.99);
    }

    void serverErrorThenOk()
    {
        TestServer server;
        server.enqueue(TestServer::Behaviour::ServerError, 2);
        ChatClient client(endpointFor(server), QString());
        const Outcome o = runMany(client, 1);
        QVERIFY2(o.results[0].ok, qPrintable(o.results[0].error));
        QCOMPARE(o.results[0].attempts, 3);
        QCOMPARE(o.results[0].httpStatus, 200);
        QCOMPARE(server.requestCount(), 3);
    }

    void retriesExhausted()
    {
        TestServer server;
        server.enqueue(TestServer::Behaviour::ServerError, 100);
        EndpointConfig e = endpointFor(server);
        e.maxRetries = 3;
        ChatClient client(e, QString());
        const Outcome o = runMany(client, 1);
        const ChatResult &r = o.results.at(0);
        QVERIFY(!r.ok);
        QCOMPARE(r.attempts, e.maxRetries + 1);
        QCOMPARE(r.httpStatus, 500);
        QVERIFY2(r.error.startsWith(QStringLiteral("HTTP 500 after 4 attempts: ")), qPrintable(r.error));
        QVERIFY2(r.error.contains(QStringLiteral("the model crashed")), qPrintable(r.error));
        QVERIFY(r.content.isEmpty());
        QCOMPARE(server.requestCount(), 4);
    }

    void timeoutRetriedThenFailed()
    {
        TestServer server;
        server.setLatencyMs(1500);
        EndpointConfig e = endpointFor(server);
        e.timeoutSeconds = 0.25;
        e.maxRetries = 1;
        ChatClient client(e, QString());
        const Outcome o = runMany(client, 1);
        const ChatResult &r = o.results.at(0);
        QVERIFY(!r.ok);
        QCOMPARE(r.attempts, 2);
        QCOMPARE(r.httpStatus, 0);
        QVERIFY2(r.error.startsWith(QStringLiteral("timeout after 0.25 s after 2 attempts")), qPrintable(r.error));
        QVERIFY2(o.seconds >= 0.49 && o.seconds < 2.5, // waiting out the server: 3 s
                  qPrintable(QString::number(o.seconds)));
        QCOMPARE(server.requestCount(), 2);
    }

    void timeoutThenOk()
    {
        TestServer server;
        server.enqueue(TestServer::Action{TestServer::Behaviour::Answer, 1000, {}, {}});
        EndpointConfig e = endpointFor(server);
        e.timeoutSeconds = 0.2;
        ChatClient client(e, QString());
        const Outcome o = runMany(client, 1);
        QVERIFY2(o.results.at(0).ok, qPrintable(o.results.at(0).error));
        QCOMPARE(o.results.at(0).attempts, 2);
    }

    void brokenReplies_data()
    {
        QTest::addColumn<int>("behaviour");
        QTest::addColumn<QString>("error");
        QTest::newRow("truncated") << int(TestServer::Behaviour::Truncated) << QStringLiteral("reply cut short after 3 attempts");
        QTest::newRow("not json") << int(TestServer::Behaviour::NotJson) << QStringLiteral("reply is not JSON after 3 attempts: ");
        QTest::newRow("no content") << int(TestServer::Behaviour::NoContent)
                                    << QStringLiteral("reply has no choices[0].message.content after 3 attempts: ");
        QTest::newRow("closed") << int(TestServer::Behaviour::Close) << QStringLiteral("network error after 3 attempts: ");
    }

    void brokenReplies()
    {
        QFETCH(int, behaviour);
        QFETCH(QString, error);
        TestServer server;
        server.enqueue(TestServer::Behaviour(behaviour), 100);
        EndpointConfig e = endpointFor(server);
        e.maxRetries = 2;
        ChatClient client(e, QString());
        const Outcome o = runMany(client, 1);
        const ChatResult &r = o.results.at(0);
        QVERIFY(!r.ok);
        QCOMPARE(r.attempts, 3);
        QVERIFY2(r.error.startsWith(error), qPrintable(r.error));
        QVERIFY(r.content.isEmpty());
        // a closed connection may be re-sent once by Qt itself; the others reach the server once each
        if (TestServer::Behaviour(behaviour) == TestServer::Behaviour::Close)
            QVERIFY(server.requestCount() >= 3);
        else
            QCOMPARE(server.requestCount(), 3);

        // one broken reply, then a good one
        TestServer again;
        again.enqueue(TestServer::Behaviour(behaviour), 1);
        ChatClient client2(endpointFor(again), QString());
        const Outcome o2 = runMany(client2, 1);
        QVERIFY2(o2.results.at(0).ok, qPrintable(o2.results.at(0).error));
        QVERIFY(o2.results.at(0).attempts <= 2);
    }

    void badRequestFailsAtOnce()
    {
        TestServer server;
        server.enqueue(TestServer::Behaviour::BadRequest, 1);
        ChatClient client(endpointFor(server), QString());
        const Outcome o = runMany(client, 3);
        QCOMPARE(int(o.results.size()), 3);
        const ChatResult &r = o.byTag.at(0);
        QVERIFY(!r.ok);
        QCOMPARE(r.attempts, 1);
        QCOMPARE(r.httpStatus, 400);
        QVERIFY2(r.error.startsWith(QStringLiteral("HTTP 400: ")), qPrintable(r.error));
        QVERIFY2(r.error.contains(QStringLiteral("unknown parameter")), qPrintable(r.error));
        QVERIFY(o.byTag.at(1).ok && o.byTag.at(2).ok);
        QCOMPARE(server.requestCount(), 3);
    }

    void concurrencyLimit_data()
    {
        QTest::addColumn<int>("concurrency");
        QTest::newRow("1") << 1;
        QTest::newRow("5") << 5;
        QTest::newRow("16") << 16; // more than Qt's 6 connections per host and manager
    }

    void concurrencyLimit()
    {
        QFETCH(int, concurrency);
        TestServer server;
        server.setLatencyMs(150);
        EndpointConfig e = endpointFor(server);
        e.concurrency = concurrency;
        ChatClient client(e, QString());
        const int n = std::max(4, 3 * concurrency);
        const Outcome o = runMany(client, n);
        QCOMPARE(int(o.results.size()), n);
        for (const ChatResult &r : o.results)
            QVERIFY(r.ok);
        QCOMPARE(server.maxConcurrent(), concurrency);
        // 3 waves of 150 ms (4 for concurrency 1 with 4 requests)
        QVERIFY2(o.seconds >= 0.149 * (n / concurrency), qPrintable(QString::number(o.seconds)));
    }

    void requestsPerMinute()
    {
        TestServer server;
        server.enqueue(TestServer::Behaviour::ServerError, 2); // retries count against the limit too
        EndpointConfig e = endpointFor(server);
        e.requestsPerMinute = 600; // one request every 100 ms
        e.concurrency = 4;
        ChatClient client(e, QString());
        const Outcome o = runMany(client, 10);
        for (const ChatResult &r : o.results)
            QVERIFY(r.ok);
        const std::vector<qint64> at = server.arrivalsMs();
        QCOMPARE(int(at.size()), 12);
        // sends are >= 100 ms apart at the client; arrivals at the server carry a little
        // scheduling noise each, so single gaps get a margin and the mean gap a small one
        for (size_t i = 1; i < at.size(); ++i)
            QVERIFY2(at[i] - at[i - 1] >= 80, qPrintable(QStringLiteral("gap %1: %2 ms").arg(i).arg(at[i] - at[i - 1])));
        QVERIFY2(at.back() - at.front() >= 11 * 97, qPrintable(QString::number(at.back() - at.front())));
        // ... and it does not crawl: 12 sends paced 100 ms apart
        QVERIFY2(at.back() - at.front() < 1700, qPrintable(QString::number(at.back() - at.front())));
    }

    void cancelMidRun()
    {
        TestServer server;
        server.setLatencyMs(3000);
        EndpointConfig e = endpointFor(server);
        e.concurrency = 4;
        ChatClient client(e, QString());
        Feedback feedback;
        QTimer::singleShot(200, [&feedback] { feedback.cancel(); });
        const Outcome o = runMany(client, 50, feedback);
        // the server answers after 3 s; the margin is for a loaded CI box
        QVERIFY2(o.seconds < 1.5, qPrintable(QString::number(o.seconds)));
        QCOMPARE(o.pulled, 4);
        QCOMPARE(int(o.results.size()), 4);
        for (const ChatResult &r : o.results) {
            QVERIFY(!r.ok);
            QCOMPARE(r.error, QStringLiteral("canceled"));
            QCOMPARE(r.attempts, 1);
        }
        QCOMPARE(int(o.byTag.size()), 4);
        // nothing arrives after run() returned
        const size_t seen = o.results.size();
        QTest::qWait(300);
        QCOMPARE(o.results.size(), seen);
    }

    void cancelDuringBackoff()
    {
        TestServer server;
        server.enqueue(TestServer::Action{TestServer::Behaviour::RateLimit, -1, QStringLiteral("30"), {}});
        ChatClient client(endpointFor(server), QString());
        Feedback feedback;
        QTimer::singleShot(300, [&feedback] { feedback.cancel(); });
        const Outcome o = runMany(client, 1, feedback);
        // the back-off asked for is 30 s; the margin is for a loaded CI box
        QVERIFY2(o.seconds < 3.0, qPrintable(QString::number(o.seconds)));
        QCOMPARE(int(o.results.size()), 1);
        QCOMPARE(o.results[0].error, QStringLiteral("canceled"));
        QCOMPARE(o.results[0].httpStatus, 429);
    }

    void pauseHoldsNewRequests()
    {
        TestServer server;
        ChatClient client(endpointFor(server), QString());
        Feedback feedback;
        QElapsedTimer t;
        t.start();
        int seenWhilePaused = -1;
        QTimer::singleShot(250, [&] { seenWhilePaused = server.requestCount(); });
        const Outcome o = runMany(client, 6, feedback, [&t] { return t.elapsed() < 400; });
        QCOMPARE(seenWhilePaused, 0);
        QCOMPARE(int(o.results.size()), 6);
        for (const ChatResult &r : o.results)
            QVERIFY(r.ok);
        QVERIFY(o.seconds >= 0.39);
    }

    void exceptionFromCallbackPropagates()
    {
        TestServer server;
        server.setLatencyMs(50);
        ChatClient client(endpointFor(server), QString());
        Feedback feedback;
        int calls = 0;
        bool thrown = false;
        try {
            runMany(client, 0, feedback); // warm
            client.run([n = 0]() mutable -> std::optional<ChatRequest> {
                if (n >= 10)
                    return std::nullopt;
                return request(n++);
            },
                       [&calls](const ChatResult &) {
                           ++calls;
                           throw std::runtime_error("disk full");
                       },
                       feedback);
        } catch (const std::runtime_error &e) {
            thrown = QString::fromUtf8(e.what()) == QStringLiteral("disk full");
        }
        QVERIFY(thrown);
        QCOMPARE(calls, 1);
        QTest::qWait(100);
        QCOMPARE(calls, 1);
    }

    void keyIsSentAndNeverShown()
    {
        TestServer server;
        qputenv("HYPER_TST_LM_KEY", kKey.toUtf8());
        EndpointConfig e = endpointFor(server);
        e.apiKeyEnv = QStringLiteral("HYPER_TST_LM_KEY");
        e.maxRetries = 1;
        e.timeoutSeconds = 0.3;
        QCOMPARE(apiKey(e), kKey);
        // an error body that echoes the key, like some servers do
        const QByteArray echo = "{\"error\":{\"message\":\"Incorrect API key provided: " + kKey.toUtf8()
            + " (or " + QUrl::toPercentEncoding(kKey) + ")\"}}";
        server.enqueue(TestServer::Action{TestServer::Behaviour::BadRequest, -1, {}, echo});
        server.enqueue(TestServer::Action{TestServer::Behaviour::ServerError, -1, {}, echo}, 2);
        server.enqueue(TestServer::Action{TestServer::Behaviour::NotJson, -1, {}, echo}, 2);
        server.enqueue(TestServer::Behaviour::Truncated, 2);
        server.enqueue(TestServer::Behaviour::Close, 2);
        server.enqueue(TestServer::Action{TestServer::Behaviour::Answer, 1000, {}, {}}, 2);
        e.concurrency = 1; // the queue goes to the requests in order
        ChatClient client(e, apiKey(e));
        const Outcome o = runMany(client, 7);
        QCOMPARE(int(o.results.size()), 7);
        int failed = 0;
        for (const ChatResult &r : o.results) {
            QVERIFY2(!r.error.contains(kKey), qPrintable(r.error));
            QVERIFY(!r.error.contains(QString::fromLatin1(QUrl::toPercentEncoding(kKey))));
            QVERIFY(!r.error.contains(QStringLiteral("Bearer")));
            failed += r.ok ? 0 : 1;
        }
        QVERIFY(failed >= 5);
        QVERIFY2(o.byTag.at(0).error.contains(QStringLiteral("Incorrect API key provided: [key]")),
                 qPrintable(o.byTag.at(0).error));
        const QStringList auths = server.authorizations();
        QVERIFY(!auths.isEmpty());
        for (const QString &a : auths)
            QCOMPARE(a, QStringLiteral("Bearer ") + kKey);
        qunsetenv("HYPER_TST_LM_KEY");
    }

    void keyFromKeychain()
    {
        QTemporaryDir dir;
        QFile tool(dir.filePath(QStringLiteral("secret-tool")));
        QVERIFY(tool.open(QIODevice::WriteOnly));
        // prints a key made of its arguments, so that the lookup's attributes are checked
        tool.write("#!/bin/sh\n[ \"$1 $2 $3 $4\" = \"lookup service hyper-workbench endpoint\" ] || exit 1\n"
                   "printf 'kc-%s\\n' \"$5\"\n");
        tool.close();
        tool.setPermissions(QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
        const QByteArray oldPath = qgetenv("PATH");
        qputenv("PATH", dir.path().toUtf8() + ':' + oldPath);
        EndpointConfig e;
        e.name = QStringLiteral("local-vllm");
        e.apiKeyEnv = QStringLiteral("HYPER_TST_LM_UNSET_KEY");
        qunsetenv("HYPER_TST_LM_UNSET_KEY");
        QCOMPARE(apiKey(e), QStringLiteral("kc-local-vllm"));
        qputenv("HYPER_TST_LM_UNSET_KEY", "from-env");
        QCOMPARE(apiKey(e), QStringLiteral("from-env")); // the variable wins
        qunsetenv("HYPER_TST_LM_UNSET_KEY");
        e.name.clear();
        QCOMPARE(apiKey(e), QString()); // no name, no lookup
        qputenv("PATH", "/nonexistent-dir");
        e.name = QStringLiteral("local-vllm");
        QCOMPARE(apiKey(e), QString()); // no secret-tool: no key, no error
        qputenv("PATH", oldPath);
    }

    void badEndpointUrlFailsEachRequestAtOnce()
    {
        EndpointConfig e;
        e.baseUrl = QStringLiteral("localhost:8000/v1"); // no scheme
        e.model = QStringLiteral("m");
        ChatClient client(e, QString());
        const Outcome o = runMany(client, 3);
        QCOMPARE(int(o.results.size()), 3);
        for (const ChatResult &r : o.results) {
            QVERIFY(!r.ok);
            QCOMPARE(r.attempts, 0);
            QVERIFY2(r.error.contains(QStringLiteral("is not an http:// or https:// URL")), qPrintable(r.error));
        }
        QVERIFY2(o.seconds < 3.0, qPrintable(QString::number(o.seconds))); // no retry back-off
    }

    void zeroTimeoutMeansNone()
    {
        TestServer server;
        server.setLatencyMs(300);
        EndpointConfig e = endpointFor(server);
        e.timeoutSeconds = 0;
        ChatClient client(e, QString());
        const Outcome o = runMany(client, 1);
        QVERIFY2(o.results.at(0).ok, qPrintable(o.results.at(0).error));
        QCOMPARE(o.results.at(0).attempts, 1);
    }

    void benchCommand()
    {
        QProcess p;
        p.start(QStringLiteral(HYPER_CLI_PATH),
                {QStringLiteral("bench"), QStringLiteral("lm"), QStringLiteral("--items"), QStringLiteral("40"),
                 QStringLiteral("--latency-ms"), QStringLiteral("50"), QStringLiteral("--concurrency"),
                 QStringLiteral("4"), QStringLiteral("--json")});
        QVERIFY(p.waitForFinished(60000));
        QVERIFY2(p.exitCode() == 0, p.readAllStandardError().constData());
        const QJsonObject o = QJsonDocument::fromJson(p.readAllStandardOutput()).object();
        QCOMPARE(o.value(QStringLiteral("items")).toInt(), 40);
        QCOMPARE(o.value(QStringLiteral("ideal_items_per_s")).toDouble(), 80.0);
        QCOMPARE(o.value(QStringLiteral("max_in_flight")).toInt(), 4);
        const double rate = o.value(QStringLiteral("items_per_s")).toDouble();
        QVERIFY2(rate > 20 && rate <= 80.5, qPrintable(QString::number(rate))); // 10 rounds of 50 ms at best
        QVERIFY(o.value(QStringLiteral("seconds")).toDouble() >= 0.49);
        QVERIFY(o.value(QStringLiteral("zero_latency_ms_per_item")).toDouble() > 0);

        QProcess bad;
        bad.start(QStringLiteral(HYPER_CLI_PATH),
                  {QStringLiteral("bench"), QStringLiteral("lm"), QStringLiteral("--concurrency"), QStringLiteral("0")});
        QVERIFY(bad.waitForFinished(60000));
        QCOMPARE(bad.exitCode(), 2);
        QVERIFY(bad.readAllStandardError().contains("--concurrency"));
    }

    void runsInAWorkerThread()
    {
        TestServer server;
        server.setLatencyMs(20);
        ChatClient client(endpointFor(server), QString());
        Outcome o;
        Qt::HANDLE resultThread = nullptr;
        std::unique_ptr<QThread> worker(QThread::create([&] {
            Feedback fb;
            int n = 0;
            client.run([&n]() -> std::optional<ChatRequest> {
                if (n >= 12)
                    return std::nullopt;
                return request(n++);
            },
                       [&](const ChatResult &r) {
                           resultThread = QThread::currentThreadId();
                           o.results.push_back(r);
                       },
                       fb);
        }));
        worker->start();
        QVERIFY(worker->wait(10000));
        QCOMPARE(int(o.results.size()), 12);
        for (const ChatResult &r : o.results)
            QVERIFY(r.ok);
        QVERIFY(resultThread != nullptr && resultThread != QThread::currentThreadId());
    }

    void scriptedAndRandomFailures()
    {
        // script: the request about item 3 is refused, the others answered
        TestServer server;
        server.setScript([](int, const QJsonObject &req) {
            const QString user = req.value(QStringLiteral("messages")).toArray().last().toObject()
                                     .value(QStringLiteral("content")).toString();
            TestServer::Action a;
            if (user.contains(QStringLiteral("item 3 ")))
                a.behaviour = TestServer::Behaviour::BadRequest;
            return a;
        });
        ChatClient client(endpointFor(server), QString());
        const Outcome o = runMany(client, 6);
        for (const auto &[tag, r] : o.byTag)
            QCOMPARE(r.ok, tag != 3);
        QCOMPARE(o.byTag.at(3).httpStatus, 400);

        // random: a seeded pattern of 500s; every request gets through with retries, and the
        // same seed gives the same pattern
        auto pattern = [](quint64 seed) {
            TestServer s;
            s.setRandom(0.3, TestServer::Action{TestServer::Behaviour::ServerError, -1, {}, {}}, seed);
            EndpointConfig e = endpointFor(s);
            e.concurrency = 1;
            e.maxRetries = 10;
            ChatClient c(e, QString());
            const Outcome out = runMany(c, 20);
            QString attempts;
            for (const ChatResult &r : out.results)
                attempts += r.ok ? QString::number(r.attempts) : QStringLiteral("x");
            return attempts;
        };
        const QString a = pattern(42), b = pattern(42), c = pattern(7);
        QCOMPARE(a, b);
        QVERIFY(!a.contains(QLatin1Char('x')));
        QVERIFY2(a != QString(20, QLatin1Char('1')), qPrintable(a)); // some were retried
        QVERIFY(a != c);
    }

    void cost()
    {
        EndpointConfig e;
        e.pricePerMillionIn = 2.5;
        e.pricePerMillionOut = 10.0;
        ChatResult r;
        r.promptTokens = 1000;
        r.completionTokens = 200;
        QCOMPARE(costOf(e, r), 0.0025 + 0.002);
        r.completionTokens = -1; // unknown counts as nothing
        QCOMPARE(costOf(e, r), 0.0025);
        QCOMPARE(costOf(EndpointConfig{}, r), 0.0);
    }
};

QTEST_GUILESS_MAIN(TestLmClient)
#include "tst_lmclient.moc"
