// SPDX-License-Identifier: GPL-3.0-or-later
// A local chat-completions server for tests and benches (see testserver.h). Everything
// network-side lives in the server thread; the records are behind one mutex.
#include "core/lm/testserver.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QMutex>
#include <QMutexLocker>
#include <QPointer>
#include <QRegularExpression>
#include <QTcpServer>
#include <QTcpSocket>
#include <QThread>
#include <QTimer>
#include <deque>
#include <random>

namespace hyper::lm {

const QString TestServer::kDefaultReply = QStringLiteral(
    "{\"overall\": \"A-is-slightly-better\", \"rationale\": \"A answers the question; B does not.\"}");

namespace {

constexpr qsizetype kMaxHeaderBytes = 64 * 1024;

int wordCount(const QString &text)
{
    static const QRegularExpression space(QStringLiteral("\\s+"));
    return int(text.split(space, Qt::SkipEmptyParts).size());
}

QByteArray reasonPhrase(int status)
{
    switch (status) {
    case 200: return "OK";
    case 400: return "Bad Request";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    default: return "Internal Server Error";
    }
}

QByteArray errorBody(const QString &message, const QString &type)
{
    return QJsonDocument(QJsonObject{{QStringLiteral("error"),
                                      QJsonObject{{QStringLiteral("message"), message},
                                                  {QStringLiteral("type"), type}}}})
        .toJson(QJsonDocument::Compact);
}

// One client connection: bytes not yet parsed, and whether a request is being answered.
struct Connection {
    QByteArray buffer;
    bool busy = false;    // a request was read and is not answered yet (no pipelining)
    bool counted = false; // that request counts in the server's in-flight figure
};

} // namespace

struct TestServer::Impl {
    QThread thread;
    QObject *context = nullptr; // lives in `thread`; parent of the QTcpServer
    QTcpServer *server = nullptr;
    quint16 port = 0;
    QElapsedTimer clock;

    mutable QMutex mutex; // guards everything below
    std::function<QString(const QJsonObject &)> generator;
    std::function<Action(int, const QJsonObject &)> script;
    std::deque<Action> queue;
    double randomProbability = 0.0;
    Action randomAction;
    std::mt19937_64 rng{1};
    int latencyMs = 0;
    bool keepBodies = true;
    int count = 0, inFlight = 0, maxInFlight = 0;
    std::vector<qint64> arrivals;
    QStringList auths;
    std::vector<QJsonObject> bodies;
    qint64 promptTokens = 0, completionTokens = 0;

    void accept();
    void readFrom(QTcpSocket *socket, const std::shared_ptr<Connection> &conn);
    void handle(QTcpSocket *socket, const std::shared_ptr<Connection> &conn, const QByteArray &method,
                const QByteArray &path, const QByteArray &auth, const QByteArray &body);
    void answer(QTcpSocket *socket, const std::shared_ptr<Connection> &conn, const Action &action,
                const QJsonObject &request);
    void finish(const std::shared_ptr<Connection> &conn);
    Action decide(int index, const QJsonObject &request);
};

void TestServer::Impl::accept()
{
    while (QTcpSocket *socket = server->nextPendingConnection()) {
        auto conn = std::make_shared<Connection>();
        QObject::connect(socket, &QTcpSocket::readyRead, socket, [this, socket, conn] { readFrom(socket, conn); });
        QObject::connect(socket, &QTcpSocket::disconnected, socket, [this, socket, conn] {
            finish(conn);
            socket->deleteLater();
        });
    }
}

// Called when a request ends, answered or not (the peer went away): it no longer counts.
void TestServer::Impl::finish(const std::shared_ptr<Connection> &conn)
{
    conn->busy = false;
    if (conn->counted) {
        conn->counted = false;
        QMutexLocker lock(&mutex);
        --inFlight;
    }
}

void TestServer::Impl::readFrom(QTcpSocket *socket, const std::shared_ptr<Connection> &conn)
{
    conn->buffer += socket->readAll();
    if (conn->busy)
        return; // the client waits for the answer before it sends more (QNAM does not pipeline)
    const qsizetype headerEnd = conn->buffer.indexOf("\r\n\r\n");
    if (headerEnd < 0) {
        if (conn->buffer.size() > kMaxHeaderBytes)
            socket->abort();
        return;
    }
    const QList<QByteArray> lines = conn->buffer.left(headerEnd).split('\n');
    const QList<QByteArray> requestLine = lines.value(0).trimmed().split(' ');
    qint64 contentLength = 0;
    QByteArray auth;
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const QByteArray &line = lines[i];
        const qsizetype colon = line.indexOf(':');
        if (colon < 0)
            continue;
        const QByteArray name = line.left(colon).trimmed().toLower();
        const QByteArray value = line.mid(colon + 1).trimmed();
        if (name == "content-length")
            contentLength = value.toLongLong();
        else if (name == "authorization")
            auth = value;
    }
    const qint64 total = headerEnd + 4 + contentLength;
    if (conn->buffer.size() < total)
        return;
    const QByteArray body = conn->buffer.mid(headerEnd + 4, contentLength);
    conn->buffer.remove(0, total);
    conn->busy = true;
    handle(socket, conn, requestLine.value(0), requestLine.value(1), auth, body);
}

TestServer::Action TestServer::Impl::decide(int index, const QJsonObject &request)
{
    std::function<Action(int, const QJsonObject &)> s;
    {
        QMutexLocker lock(&mutex);
        if (!queue.empty()) {
            const Action a = queue.front();
            queue.pop_front();
            return a;
        }
        s = script;
    }
    if (s)
        return s(index, request);
    QMutexLocker lock(&mutex);
    if (randomProbability > 0.0) {
        std::uniform_real_distribution<double> u(0.0, 1.0);
        if (u(rng) < randomProbability)
            return randomAction;
    }
    return Action{};
}

void TestServer::Impl::handle(QTcpSocket *socket, const std::shared_ptr<Connection> &conn,
                              const QByteArray &method, const QByteArray &path, const QByteArray &auth,
                              const QByteArray &body)
{
    auto respond = [this, socket, conn](int status, const QByteArray &payload) {
        socket->write("HTTP/1.1 " + QByteArray::number(status) + ' ' + reasonPhrase(status)
                      + "\r\nContent-Type: application/json\r\nContent-Length: "
                      + QByteArray::number(payload.size()) + "\r\nConnection: keep-alive\r\n\r\n" + payload);
        finish(conn);
        if (!conn->buffer.isEmpty())
            readFrom(socket, conn);
    };
    if (!path.endsWith("/chat/completions"))
        return respond(404, errorBody(QStringLiteral("not found"), QStringLiteral("invalid_request_error")));
    if (method != "POST")
        return respond(405, errorBody(QStringLiteral("use POST"), QStringLiteral("invalid_request_error")));
    QJsonParseError perr;
    const QJsonDocument doc = QJsonDocument::fromJson(body, &perr);
    if (!doc.isObject())
        return respond(400, errorBody(QStringLiteral("body is not a JSON object"),
                                      QStringLiteral("invalid_request_error")));
    const QJsonObject request = doc.object();
    int index = 0, delay = 0;
    {
        QMutexLocker lock(&mutex);
        index = count++;
        arrivals.push_back(clock.elapsed());
        auths.push_back(QString::fromUtf8(auth));
        if (keepBodies)
            bodies.push_back(request);
        maxInFlight = std::max(maxInFlight, ++inFlight);
        delay = latencyMs;
    }
    conn->counted = true;
    const Action action = decide(index, request);
    if (action.delayMs >= 0)
        delay = action.delayMs;
    QPointer<QTcpSocket> guard(socket);
    if (delay <= 0)
        return answer(socket, conn, action, request);
    QTimer::singleShot(delay, Qt::PreciseTimer, socket, [this, guard, conn, action, request] {
        if (guard && guard->state() == QAbstractSocket::ConnectedState)
            answer(guard.data(), conn, action, request);
    });
}

void TestServer::Impl::answer(QTcpSocket *socket, const std::shared_ptr<Connection> &conn, const Action &action,
                              const QJsonObject &request)
{
    auto send = [&](int status, const QByteArray &standard, const QByteArray &extraHeaders = {}) {
        const QByteArray payload = action.body.isEmpty() ? standard : action.body;
        socket->write("HTTP/1.1 " + QByteArray::number(status) + ' ' + reasonPhrase(status)
                      + "\r\nContent-Type: application/json\r\nContent-Length: "
                      + QByteArray::number(payload.size()) + "\r\nConnection: keep-alive\r\n" + extraHeaders
                      + "\r\n" + payload);
    };
    switch (action.behaviour) {
    case Behaviour::Answer: {
        std::function<QString(const QJsonObject &)> gen;
        {
            QMutexLocker lock(&mutex);
            gen = generator;
        }
        const QString content = gen ? gen(request) : kDefaultReply;
        int promptWords = 0;
        const QJsonArray messages = request.value(QStringLiteral("messages")).toArray();
        for (const QJsonValue &m : messages)
            promptWords += wordCount(m.toObject().value(QStringLiteral("content")).toString());
        const int completionWords = wordCount(content);
        {
            QMutexLocker lock(&mutex);
            promptTokens += promptWords;
            completionTokens += completionWords;
        }
        const QJsonObject reply{
            {QStringLiteral("id"), QStringLiteral("chatcmpl-test")},
            {QStringLiteral("object"), QStringLiteral("chat.completion")},
            {QStringLiteral("created"), QDateTime::currentSecsSinceEpoch()},
            {QStringLiteral("model"), request.value(QStringLiteral("model"))},
            {QStringLiteral("choices"),
             QJsonArray{QJsonObject{{QStringLiteral("index"), 0},
                                    {QStringLiteral("message"),
                                     QJsonObject{{QStringLiteral("role"), QStringLiteral("assistant")},
                                                 {QStringLiteral("content"), content}}},
                                    {QStringLiteral("finish_reason"), QStringLiteral("stop")}}}},
            {QStringLiteral("usage"), QJsonObject{{QStringLiteral("prompt_tokens"), promptWords},
                                                  {QStringLiteral("completion_tokens"), completionWords},
                                                  {QStringLiteral("total_tokens"), promptWords + completionWords}}}};
        send(200, QJsonDocument(reply).toJson(QJsonDocument::Compact));
        break;
    }
    case Behaviour::RateLimit:
        send(429, errorBody(QStringLiteral("rate limit reached, slow down"), QStringLiteral("rate_limit_error")),
             action.retryAfter.isEmpty() ? QByteArray() : "Retry-After: " + action.retryAfter.toUtf8() + "\r\n");
        break;
    case Behaviour::ServerError:
        send(500, errorBody(QStringLiteral("the model crashed"), QStringLiteral("server_error")));
        break;
    case Behaviour::BadRequest:
        send(400, errorBody(QStringLiteral("unknown parameter"), QStringLiteral("invalid_request_error")));
        break;
    case Behaviour::NotJson:
        send(200, "<html><body>502 gateway says hello</body></html>");
        break;
    case Behaviour::NoContent:
        send(200, "{\"object\":\"chat.completion\",\"choices\":[]}");
        break;
    case Behaviour::Truncated: {
        const QByteArray full = "{\"object\":\"chat.completion\",\"choices\":[{\"index\":0,\"message\":"
                                "{\"role\":\"assistant\",\"content\":\"cut short\"}}]}";
        const QByteArray half = full.left(full.size() / 2);
        socket->write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
                      + QByteArray::number(full.size()) + "\r\n\r\n" + half);
        finish(conn);
        socket->disconnectFromHost();
        return;
    }
    case Behaviour::Close:
        finish(conn);
        socket->abort();
        return;
    }
    finish(conn);
    if (!conn->buffer.isEmpty())
        readFrom(socket, conn);
}

TestServer::TestServer() : d(std::make_unique<Impl>())
{
    d->clock.start();
    d->thread.setObjectName(QStringLiteral("hyper-lm-testserver"));
    d->context = new QObject;
    d->context->moveToThread(&d->thread);
    d->thread.start();
    QMetaObject::invokeMethod(
        d->context,
        [this] {
            d->server = new QTcpServer(d->context);
            QObject::connect(d->server, &QTcpServer::newConnection, d->context, [this] { d->accept(); });
            d->server->setMaxPendingConnections(1024);
            if (d->server->listen(QHostAddress::LocalHost, 0))
                d->port = d->server->serverPort();
        },
        Qt::BlockingQueuedConnection);
    if (d->port == 0)
        qWarning("TestServer: cannot listen on 127.0.0.1");
}

TestServer::~TestServer()
{
    QMetaObject::invokeMethod(
        d->context, [this] { delete d->server; d->server = nullptr; }, Qt::BlockingQueuedConnection);
    d->thread.quit();
    d->thread.wait();
    delete d->context;
}

quint16 TestServer::port() const { return d->port; }

QString TestServer::baseUrl() const { return QStringLiteral("http://127.0.0.1:%1/v1").arg(d->port); }

void TestServer::setReplyGenerator(std::function<QString(const QJsonObject &)> generator)
{
    QMutexLocker lock(&d->mutex);
    d->generator = std::move(generator);
}

void TestServer::setLatencyMs(int ms)
{
    QMutexLocker lock(&d->mutex);
    d->latencyMs = std::max(0, ms);
}

void TestServer::setKeepRequests(bool keep)
{
    QMutexLocker lock(&d->mutex);
    d->keepBodies = keep;
}

void TestServer::enqueue(const Action &action, int times)
{
    QMutexLocker lock(&d->mutex);
    for (int i = 0; i < times; ++i)
        d->queue.push_back(action);
}

void TestServer::setScript(std::function<Action(int, const QJsonObject &)> script)
{
    QMutexLocker lock(&d->mutex);
    d->script = std::move(script);
}

void TestServer::setRandom(double probability, const Action &action, quint64 seed)
{
    QMutexLocker lock(&d->mutex);
    d->randomProbability = probability;
    d->randomAction = action;
    d->rng.seed(seed);
}

int TestServer::requestCount() const
{
    QMutexLocker lock(&d->mutex);
    return d->count;
}

int TestServer::maxConcurrent() const
{
    QMutexLocker lock(&d->mutex);
    return d->maxInFlight;
}

std::vector<qint64> TestServer::arrivalsMs() const
{
    QMutexLocker lock(&d->mutex);
    return d->arrivals;
}

QStringList TestServer::authorizations() const
{
    QMutexLocker lock(&d->mutex);
    return d->auths;
}

std::vector<QJsonObject> TestServer::requests() const
{
    QMutexLocker lock(&d->mutex);
    return d->bodies;
}

qint64 TestServer::promptTokens() const
{
    QMutexLocker lock(&d->mutex);
    return d->promptTokens;
}

qint64 TestServer::completionTokens() const
{
    QMutexLocker lock(&d->mutex);
    return d->completionTokens;
}

void TestServer::resetRecords()
{
    QMutexLocker lock(&d->mutex);
    d->count = 0;
    d->maxInFlight = d->inFlight;
    d->arrivals.clear();
    d->auths.clear();
    d->bodies.clear();
    d->promptTokens = d->completionTokens = 0;
}

} // namespace hyper::lm
