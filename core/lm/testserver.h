// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QJsonObject>
#include <QString>
#include <QStringList>
#include <functional>
#include <memory>
#include <vector>

namespace hyper::lm {

/**
 * A local OpenAI-compatible chat-completions server for tests and benches: listens on
 * 127.0.0.1 (ephemeral port) and serves from its OWN thread, so that it answers while the
 * caller's thread runs ChatClient::run(). Minimal HTTP/1.1: keep-alive, Content-Length
 * bodies, POST .../chat/completions only (anything else: 404/405/400).
 *
 * What each request gets is scriptable: first the queue (enqueue: the next N requests),
 * else the script callback, else the random pattern (setRandom: probability, seeded),
 * else a good answer. A good answer's content comes from the reply generator (default:
 * a fixed valid judge reply, kDefaultReply); usage is word counts: prompt_tokens = words
 * of all message contents, completion_tokens = words of the content.
 *
 * All setters and accessors are thread-safe.
 */
class TestServer
{
public:
    enum class Behaviour {
        Answer,      // 200, a well-formed completion
        RateLimit,   // 429 with Retry-After (Action::retryAfter)
        ServerError, // 500 with a short JSON error body
        BadRequest,  // 400 with a short JSON error body
        Truncated,   // 200, Content-Length larger than the bytes sent, then the connection closes
        NotJson,     // 200 with a body that is not JSON
        NoContent,   // 200 with JSON that has no choices[0].message.content
        Close,       // closes the connection without answering
    };
    struct Action {
        Behaviour behaviour = Behaviour::Answer;
        int delayMs = -1;          // before answering; -1: the server's latency (setLatencyMs)
        QString retryAfter = QStringLiteral("1"); // RateLimit's header value; empty: no header
        QByteArray body;           // non-empty: sent instead of the standard body (not by Truncated)
    };

    static const QString kDefaultReply;

    TestServer();
    ~TestServer(); // stops the thread; open connections are closed
    TestServer(const TestServer &) = delete;
    TestServer &operator=(const TestServer &) = delete;

    quint16 port() const;
    /** http://127.0.0.1:PORT/v1 (a ChatClient baseUrl). */
    QString baseUrl() const;

    /** The assistant content of a good answer, called in the server thread. */
    void setReplyGenerator(std::function<QString(const QJsonObject &request)> generator);
    /** Delay before every answer whose Action has delayMs -1. */
    void setLatencyMs(int ms);
    /** The next `times` requests get `action` (after those already queued). */
    void enqueue(const Action &action, int times = 1);
    void enqueue(Behaviour behaviour, int times = 1)
    {
        enqueue(Action{behaviour, -1, QStringLiteral("1"), {}}, times);
    }
    /** When the queue is empty: request number `index` (0-based, all requests counted)
     *  gets what the script returns. Empty function: no script. */
    void setScript(std::function<Action(int index, const QJsonObject &request)> script);
    /** When neither queue nor script decides: with `probability`, `action`, from a
     *  generator seeded with `seed` (same seed, same pattern for the same request order). */
    void setRandom(double probability, const Action &action, quint64 seed);

    /** Whether requests() keeps each body (default true; benches with many requests turn
     *  it off to save memory). */
    void setKeepRequests(bool keep);

    // Records.
    int requestCount() const;                  // chat-completions requests received
    int maxConcurrent() const;                 // most requests received and not yet answered at once
    std::vector<qint64> arrivalsMs() const;    // arrival times, ms on a steady clock (differences matter)
    QStringList authorizations() const;        // the Authorization header of each request ("" when none)
    std::vector<QJsonObject> requests() const; // each request body (see setKeepRequests)
    qint64 promptTokens() const;               // sums of the usage in good answers
    qint64 completionTokens() const;
    /** Clears the records (not the queue, script, random pattern or latency). */
    void resetRecords();

private:
    struct Impl;
    std::unique_ptr<Impl> d;
};

} // namespace hyper::lm
