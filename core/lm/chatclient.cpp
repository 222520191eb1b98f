// SPDX-License-Identifier: GPL-3.0-or-later
// The OpenAI-compatible chat-completions client (see chatclient.h and docs/LM.md,
// Transport). run() owns everything it creates: network managers, replies, timers and
// an event loop in the calling thread, all gone when it returns.
#include "core/lm/chatclient.h"

#include "core/jobs/feedback.h"

#include <QElapsedTimer>
#include <QEventLoop>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLocale>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QProcess>
#include <QStandardPaths>
#include <QTimer>
#include <QUrl>
#include <algorithm>
#include <cmath>
#include <exception>
#include <limits>
#include <list>
#include <memory>
#include <random>

namespace hyper::lm {

namespace {

constexpr int kPollMs = 20;               // cancel / pause / timeout polling
constexpr int kConnectionsPerManager = 6; // Qt 6.4 opens at most 6 HTTP/1.1 connections per host and manager
constexpr int kSnippetChars = 200;        // of a reply body quoted in an error
constexpr int kKeychainTimeoutMs = 3000;

QString snippet(const QByteArray &body)
{
    QString s = QString::fromUtf8(body.left(kSnippetChars * 4)).simplified();
    if (s.size() > kSnippetChars)
        s = s.left(kSnippetChars) + QStringLiteral("...");
    return s;
}

QString seconds(double s) { return QString::number(s, 'g', 4); }

// One request from next() until its result: in flight, or waiting for its next attempt.
struct Item {
    ChatRequest request;
    QByteArray body;
    int attempts = 0;
    qint64 firstSendMs = -1;
    qint64 readyAtMs = 0;  // while waiting: the earliest time of the next attempt
    qint64 deadlineMs = 0; // while in flight: the attempt's timeout
    QNetworkReply *reply = nullptr;
    QMetaObject::Connection finishedConnection; // ours, to the reply's finished()
    int manager = -1;
    int lastStatus = 0;
    QString lastWhat;   // the last failed attempt: "HTTP 500", "timeout", "reply is not JSON", ...
    QString lastDetail; // ... and its detail (a body snippet, a parse error)
};

enum class Verdict { Ok, Retry, Fail };

} // namespace

QString withoutKey(QString text, const QString &key)
{
    if (key.isEmpty())
        return text;
    text.replace(key, QStringLiteral("[key]"));
    const QString encoded = QString::fromLatin1(QUrl::toPercentEncoding(key));
    if (encoded != key)
        text.replace(encoded, QStringLiteral("[key]"));
    return text;
}

double retryAfterSeconds(const QByteArray &value, const QDateTime &now)
{
    const QByteArray v = value.trimmed();
    if (v.isEmpty())
        return -1;
    bool ok = false;
    const qint64 delta = v.toLongLong(&ok);
    if (ok)
        return delta >= 0 ? double(delta) : -1;
    // IMF-fixdate, "Sun, 06 Nov 1994 08:49:37 GMT" (the obsolete RFC 850 and asctime forms
    // are not accepted: no server this client talks to sends them).
    const QString text = QString::fromLatin1(v);
    QDateTime when = QLocale::c().toDateTime(text, QStringLiteral("ddd, dd MMM yyyy HH:mm:ss 'GMT'"));
    if (!when.isValid())
        when = QDateTime::fromString(text, Qt::RFC2822Date);
    else
        when = QDateTime(when.date(), when.time(), Qt::UTC);
    if (!when.isValid())
        return -1;
    return std::max(0.0, double(now.msecsTo(when)) / 1000.0);
}

double costOf(const EndpointConfig &endpoint, const ChatResult &result)
{
    const double in = std::max(0, result.promptTokens), out = std::max(0, result.completionTokens);
    return (in * endpoint.pricePerMillionIn + out * endpoint.pricePerMillionOut) / 1e6;
}

namespace {

QString keychainKey(const QString &name)
{
    if (name.isEmpty())
        return {};
    const QString exe = QStandardPaths::findExecutable(QStringLiteral("secret-tool"));
    if (exe.isEmpty())
        return {};
    QProcess p;
    p.setStandardErrorFile(QProcess::nullDevice());
    p.start(exe, {QStringLiteral("lookup"), QStringLiteral("service"), QStringLiteral("hyper-workbench"),
                  QStringLiteral("endpoint"), name});
    if (!p.waitForStarted(kKeychainTimeoutMs))
        return {};
    p.closeWriteChannel();
    if (!p.waitForFinished(kKeychainTimeoutMs)) {
        p.kill();
        p.waitForFinished(1000);
        return {};
    }
    if (p.exitStatus() != QProcess::NormalExit || p.exitCode() != 0)
        return {};
    return QString::fromUtf8(p.readAllStandardOutput()).trimmed();
}

} // namespace

QString apiKey(const EndpointConfig &endpoint)
{
    if (!endpoint.apiKeyEnv.isEmpty()) {
        const QString v = qEnvironmentVariable(endpoint.apiKeyEnv.toLocal8Bit().constData()).trimmed();
        if (!v.isEmpty())
            return v;
    }
    return keychainKey(endpoint.name);
}

struct ChatClient::Impl {
    const EndpointConfig &cfg;
    const QString &key;
    const std::function<std::optional<ChatRequest>()> &next;
    const std::function<void(const ChatResult &)> &onResult;
    Feedback &feedback;
    const std::function<bool()> &paused;

    QUrl url;
    QString urlError; // non-empty: the base URL is unusable
    int concurrency = 1;
    double intervalMs = 0; // RPM limit: at least this long between two sends
    qint64 nextSendMs = 0;
    QEventLoop loop;
    QTimer tick, wake;
    QElapsedTimer clock;
    std::vector<std::unique_ptr<QNetworkAccessManager>> managers;
    std::vector<int> managerLoad;
    std::list<std::unique_ptr<Item>> items;
    bool exhausted = false, done = false;
    std::exception_ptr error;
    std::mt19937_64 rng{std::random_device{}()};

    Impl(const EndpointConfig &c, const QString &k, const std::function<std::optional<ChatRequest>()> &n,
         const std::function<void(const ChatResult &)> &r, Feedback &f, const std::function<bool()> &p)
        : cfg(c), key(k), next(n), onResult(r), feedback(f), paused(p)
    {
        QString base = cfg.baseUrl.trimmed();
        while (base.endsWith(QLatin1Char('/')))
            base.chop(1);
        url = QUrl(base + QStringLiteral("/chat/completions"));
        if (!url.isValid() || url.host().isEmpty()
            || (url.scheme() != QLatin1String("http") && url.scheme() != QLatin1String("https")))
            urlError = QStringLiteral("endpoint URL '%1' is not an http:// or https:// URL").arg(cfg.baseUrl);
        concurrency = std::max(1, cfg.concurrency);
        intervalMs = cfg.requestsPerMinute > 0 ? 60000.0 / cfg.requestsPerMinute : 0.0;
        const int nManagers = (concurrency + kConnectionsPerManager - 1) / kConnectionsPerManager;
        for (int i = 0; i < nManagers; ++i) {
            managers.push_back(std::make_unique<QNetworkAccessManager>());
            // Redirects are not followed: the Authorization header must not travel to another host.
            managers.back()->setRedirectPolicy(QNetworkRequest::ManualRedirectPolicy);
            managerLoad.push_back(0);
        }
        tick.setInterval(kPollMs);
        QObject::connect(&tick, &QTimer::timeout, &loop, [this] { pump(); });
        wake.setSingleShot(true);
        wake.setTimerType(Qt::PreciseTimer);
        QObject::connect(&wake, &QTimer::timeout, &loop, [this] { pump(); });
    }

    ~Impl() { dropAll(); }

    QByteArray bodyOf(const ChatRequest &r) const
    {
        QJsonArray messages;
        for (const ChatMessage &m : r.messages)
            messages.append(QJsonObject{{QStringLiteral("role"), m.role}, {QStringLiteral("content"), m.content}});
        QJsonObject o{{QStringLiteral("model"), cfg.model},
                      {QStringLiteral("messages"), messages},
                      {QStringLiteral("temperature"), r.temperature},
                      {QStringLiteral("max_tokens"), r.maxTokens}};
        if (r.jsonMode)
            o.insert(QStringLiteral("response_format"),
                     QJsonObject{{QStringLiteral("type"), QStringLiteral("json_object")}});
        return QJsonDocument(o).toJson(QJsonDocument::Compact);
    }

    bool rateOk(qint64 now) const { return intervalMs <= 0 || now >= nextSendMs; }

    void send(Item *item, qint64 now)
    {
        ++item->attempts;
        if (item->firstSendMs < 0)
            item->firstSendMs = now;
        if (intervalMs > 0)
            nextSendMs = now + qint64(std::ceil(intervalMs));
        int m = 0;
        for (int i = 1; i < int(managers.size()); ++i)
            if (managerLoad[i] < managerLoad[m])
                m = i;
        QNetworkRequest req(url);
        req.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
        req.setRawHeader("Accept", "application/json");
        if (!key.isEmpty())
            req.setRawHeader("Authorization", "Bearer " + key.toUtf8());
        item->manager = m;
        ++managerLoad[m];
        item->deadlineMs = cfg.timeoutSeconds > 0 ? now + qint64(std::ceil(cfg.timeoutSeconds * 1000.0))
                                                  : std::numeric_limits<qint64>::max();
        item->reply = managers[m]->post(req, item->body);
        auto onFinished = [this, item] {
            finished(item);
            pump(); // the freed slot takes the next request now, not at the next tick
        };
        item->finishedConnection = QObject::connect(item->reply, &QNetworkReply::finished, item->reply, onFinished);
    }

    // Detaches the item's reply (no more signals from it) and aborts it if still open.
    void detach(Item *item)
    {
        if (!item->reply)
            return;
        QNetworkReply *r = item->reply;
        item->reply = nullptr;
        --managerLoad[item->manager];
        QObject::disconnect(item->finishedConnection);
        if (r->isRunning())
            r->abort();
        r->deleteLater();
    }

    void deliver(Item *item, ChatResult result)
    {
        result.tag = item->request.tag;
        result.attempts = item->attempts;
        result.seconds = item->firstSendMs < 0 ? 0.0 : double(clock.elapsed() - item->firstSendMs) / 1000.0;
        result.error = withoutKey(result.error, key);
        items.remove_if([item](const std::unique_ptr<Item> &p) { return p.get() == item; });
        if (error)
            return;
        try {
            onResult(result);
        } catch (...) {
            fail(std::current_exception());
        }
    }

    QString finalError(const Item *item) const
    {
        QString s = item->lastWhat;
        if (item->attempts > 1)
            s += QStringLiteral(" after %1 attempts").arg(item->attempts);
        if (!item->lastDetail.isEmpty())
            s += QStringLiteral(": ") + item->lastDetail;
        return s;
    }

    // The attempt failed with a retryable or final cause.
    void attemptFailed(Item *item, Verdict verdict, double retryAfter)
    {
        if (verdict == Verdict::Retry && item->attempts <= cfg.maxRetries) {
            const double cap = std::min(cfg.backoffMaxSeconds,
                                        cfg.backoffBaseSeconds * std::pow(2.0, item->attempts - 1));
            std::uniform_real_distribution<double> jitter(0.0, std::max(0.0, cap));
            const double wait = std::max(jitter(rng), retryAfter);
            item->readyAtMs = clock.elapsed() + qint64(std::ceil(wait * 1000.0));
            return;
        }
        ChatResult r;
        r.httpStatus = item->lastStatus;
        r.error = finalError(item);
        deliver(item, r);
    }

    void finished(Item *item)
    {
        QNetworkReply *reply = item->reply;
        item->reply = nullptr;
        --managerLoad[item->manager];
        QObject::disconnect(item->finishedConnection);
        reply->deleteLater();
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        const QNetworkReply::NetworkError netError = reply->error();
        const QByteArray body = reply->readAll();
        item->lastStatus = status;
        item->lastDetail.clear();
        double retryAfter = 0;
        Verdict v = Verdict::Retry;
        if (status >= 200 && status < 300) {
            if (netError != QNetworkReply::NoError) {
                item->lastWhat = QStringLiteral("reply cut short");
                item->lastDetail = reply->errorString();
            } else {
                QJsonParseError perr;
                const QJsonDocument doc = QJsonDocument::fromJson(body, &perr);
                const QJsonObject o = doc.object();
                const QJsonValue content = o.value(QStringLiteral("choices")).toArray().at(0).toObject()
                                               .value(QStringLiteral("message")).toObject()
                                               .value(QStringLiteral("content"));
                if (perr.error != QJsonParseError::NoError || !doc.isObject()) {
                    item->lastWhat = QStringLiteral("reply is not JSON");
                    item->lastDetail = (perr.error != QJsonParseError::NoError ? perr.errorString()
                                                                               : QStringLiteral("not an object"))
                        + QStringLiteral(" in '") + snippet(body) + QLatin1Char('\'');
                } else if (!content.isString()) {
                    item->lastWhat = QStringLiteral("reply has no choices[0].message.content");
                    item->lastDetail = snippet(body);
                } else {
                    const QJsonObject usage = o.value(QStringLiteral("usage")).toObject();
                    ChatResult r;
                    r.ok = true;
                    r.httpStatus = status;
                    r.content = content.toString();
                    r.promptTokens = usage.value(QStringLiteral("prompt_tokens")).toInt(-1);
                    r.completionTokens = usage.value(QStringLiteral("completion_tokens")).toInt(-1);
                    deliver(item, r);
                    return;
                }
            }
        } else if (status > 0) {
            item->lastWhat = QStringLiteral("HTTP %1").arg(status);
            item->lastDetail = snippet(body);
            if (status >= 300 && status < 400)
                item->lastDetail =
                    QStringLiteral("redirected to '%1' (redirects are not followed: give the final URL)").arg(QString::fromUtf8(reply->rawHeader("Location")));
            if (status == 429 || status >= 500)
                retryAfter = std::max(0.0, retryAfterSeconds(reply->rawHeader("Retry-After"),
                                                              QDateTime::currentDateTimeUtc()));
            else
                v = Verdict::Fail;
        } else {
            item->lastWhat = QStringLiteral("network error");
            item->lastDetail = reply->errorString();
        }
        attemptFailed(item, v, retryAfter);
    }

    void fail(std::exception_ptr e)
    {
        if (!error)
            error = e;
        dropAll();
        finish();
    }

    void finish()
    {
        done = true;
        tick.stop();
        wake.stop();
        loop.quit();
    }

    void dropAll()
    {
        for (const auto &item : items)
            detach(item.get());
        items.clear();
    }

    void cancelAll()
    {
        std::vector<Item *> all;
        for (const auto &item : items)
            all.push_back(item.get());
        for (Item *item : all) {
            detach(item);
            ChatResult r;
            r.httpStatus = item->lastStatus;
            r.error = QStringLiteral("canceled");
            deliver(item, r);
        }
        finish();
    }

    void pump()
    {
        if (done)
            return;
        if (feedback.isCanceled())
            return cancelAll();
        qint64 now = clock.elapsed();
        std::vector<Item *> late;
        for (const auto &item : items)
            if (item->reply && now >= item->deadlineMs)
                late.push_back(item.get());
        for (Item *item : late) {
            detach(item);
            item->lastStatus = 0;
            item->lastWhat = QStringLiteral("timeout after %1 s").arg(seconds(cfg.timeoutSeconds));
            item->lastDetail.clear();
            attemptFailed(item, Verdict::Retry, 0);
            if (done)
                return;
        }
        bool hold = false;
        try {
            hold = paused && paused();
        } catch (...) {
            return fail(std::current_exception());
        }
        if (!hold) {
            now = clock.elapsed();
            while (rateOk(now)) { // retries first, the earliest due first
                Item *due = nullptr;
                for (const auto &item : items)
                    if (!item->reply && item->readyAtMs <= now && (!due || item->readyAtMs < due->readyAtMs))
                        due = item.get();
                if (!due)
                    break;
                send(due, now);
            }
            while (!exhausted && int(items.size()) < concurrency && rateOk(now)) {
                std::optional<ChatRequest> r;
                try {
                    r = next();
                } catch (...) {
                    return fail(std::current_exception());
                }
                if (!r) {
                    exhausted = true;
                    break;
                }
                auto item = std::make_unique<Item>();
                item->request = std::move(*r);
                item->body = bodyOf(item->request);
                Item *p = item.get();
                items.push_back(std::move(item));
                if (!urlError.isEmpty()) { // nothing to send to: each request fails at once
                    ChatResult bad;
                    bad.error = urlError;
                    deliver(p, bad);
                    if (done)
                        return;
                    continue;
                }
                send(p, now);
            }
        }
        if (exhausted && items.empty())
            return finish();
        // Wake for the next retry or rate-limit slot; cancel, pause and timeouts ride the tick.
        if (!hold) {
            qint64 at = -1;
            auto consider = [&at](qint64 t) { at = at < 0 ? t : std::min(at, t); };
            for (const auto &item : items)
                if (!item->reply)
                    consider(std::max(item->readyAtMs, intervalMs > 0 ? nextSendMs : 0));
            if (!exhausted && int(items.size()) < concurrency && intervalMs > 0)
                consider(nextSendMs);
            if (at >= 0)
                wake.start(int(std::max<qint64>(0, at - now)));
        }
    }
};

ChatClient::ChatClient(EndpointConfig endpoint, QString apiKey)
    : m_endpoint(std::move(endpoint)), m_key(std::move(apiKey))
{
}

ChatClient::~ChatClient() = default;

void ChatClient::run(const std::function<std::optional<ChatRequest>()> &next,
                     const std::function<void(const ChatResult &)> &onResult, Feedback &feedback,
                     const std::function<bool()> &paused)
{
    std::exception_ptr error;
    {
        Impl impl(m_endpoint, m_key, next, onResult, feedback, paused);
        impl.clock.start();
        impl.tick.start();
        impl.pump();
        if (!impl.done)
            impl.loop.exec();
        impl.dropAll();
        error = impl.error;
    } // the managers and their replies go here, before run() returns: no callback after it
    if (error)
        std::rethrow_exception(error);
}

} // namespace hyper::lm
