// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QDateTime>
#include <QString>
#include <functional>
#include <optional>
#include <vector>

namespace hyper {
class Feedback;
}

namespace hyper::lm {

/** One OpenAI-compatible chat-completions endpoint (hosted API, vLLM, llama.cpp's
 *  server, Ollama). Holds no secret: the API key is looked up at use, from the
 *  environment variable named by apiKeyEnv (or the system keychain), and is never
 *  written to a project, an export, a log or an error message. */
struct EndpointConfig {
    QString name;                  // a label for saved endpoints; free text
    QString baseUrl;               // e.g. http://127.0.0.1:8000/v1 ; "/chat/completions" is appended
    QString model;
    QString apiKeyEnv;             // environment variable holding the key; empty: no key
    double timeoutSeconds = 60.0;  // per attempt
    int concurrency = 4;           // requests in flight at once
    int requestsPerMinute = 0;     // 0: unlimited
    int maxRetries = 5;            // retries after the first attempt (429, 5xx, timeouts, network errors)
    double backoffBaseSeconds = 0.5; // exponential backoff base: base * 2^attempt, with full jitter
    double backoffMaxSeconds = 30.0;
    double pricePerMillionIn = 0.0;  // cost estimate, currency units per 1M prompt tokens
    double pricePerMillionOut = 0.0; // ... per 1M completion tokens
};

struct ChatMessage {
    QString role;    // "system" | "user" | "assistant"
    QString content;
};

struct ChatRequest {
    qint64 tag = 0;                // caller's id, echoed in the result
    std::vector<ChatMessage> messages;
    double temperature = 0.0;
    int maxTokens = 512;
    bool jsonMode = false;         // adds response_format {"type": "json_object"}
};

struct ChatResult {
    qint64 tag = 0;
    bool ok = false;               // an HTTP 200 with a well-formed completion
    QString content;               // choices[0].message.content when ok
    int promptTokens = -1;         // usage, -1 when the server did not say
    int completionTokens = -1;
    int attempts = 0;
    int httpStatus = 0;            // of the last attempt; 0: no HTTP response
    QString error;                 // why not ok; never contains the API key
    double seconds = 0.0;          // from first send to the end, retries included
};

/** Estimated cost of one result under the endpoint's prices (0 when unknown). */
double costOf(const EndpointConfig &endpoint, const ChatResult &result);

/** The API key for the endpoint: the environment variable, else the keychain; empty when
 *  neither has one. The keychain is asked through `secret-tool lookup service
 *  hyper-workbench endpoint NAME` (libsecret-tools; GNOME Keyring, KWallet via the Secret
 *  Service) when that program is on PATH and the endpoint has a name; it gets 3 s. */
QString apiKey(const EndpointConfig &endpoint);

/** A Retry-After header value (delta-seconds or an HTTP-date, RFC 9110) as seconds to
 *  wait from `now`: >= 0, or -1 when empty or unreadable. */
double retryAfterSeconds(const QByteArray &value, const QDateTime &now);

/** `text` with every occurrence of `key` (as is and percent-encoded) replaced by "[key]". */
QString withoutKey(QString text, const QString &key);

/**
 * Sends chat-completion requests with a concurrency limit, a requests-per-minute limit
 * and retries (exponential backoff with jitter on 429, 5xx, timeouts and network errors;
 * a Retry-After header is honoured). Synchronous for its caller: run() spins its own
 * event loop in the calling thread (a worker thread, never the GUI thread) and calls
 * onResult in that thread as each request ends, so the caller can commit each result at
 * once on its own ProjectStore.
 *
 * Details (docs/LM.md, Transport): a request holds one of the `concurrency` slots from
 * next() to its result, retries and their waits included. The RPM limit paces every
 * attempt, retries included, at least 60/rpm s apart. Retry k waits a uniform random time
 * in [0, min(backoffMax, backoffBase * 2^(k-1))], and at least Retry-After. A 200 whose
 * body is not a completion (not JSON, cut short, no choices[0].message.content) is
 * retried too; other 4xx and 3xx (redirects are not followed) fail at once.
 * timeoutSeconds <= 0: no timeout. While paused() is true nothing is sent, retries
 * included. An exception from next(), onResult or paused ends the run (in-flight
 * requests aborted, not reported) and is rethrown by run().
 */
class ChatClient
{
public:
    ChatClient(EndpointConfig endpoint, QString apiKey);
    ~ChatClient();
    ChatClient(const ChatClient &) = delete;
    ChatClient &operator=(const ChatClient &) = delete;

    /** Pulls requests from next() until it returns nothing, keeping up to `concurrency`
     *  in flight; returns when all have ended or the feedback is canceled (in-flight
     *  requests are aborted and reported with error "canceled"). Progress is the caller's
     *  business. `paused` (optional) is polled: while it returns true no new request is
     *  sent. */
    void run(const std::function<std::optional<ChatRequest>()> &next,
             const std::function<void(const ChatResult &)> &onResult, Feedback &feedback,
             const std::function<bool()> &paused = {});

    const EndpointConfig &endpoint() const { return m_endpoint; }

private:
    struct Impl;
    EndpointConfig m_endpoint;
    QString m_key;
};

} // namespace hyper::lm
