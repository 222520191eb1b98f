// SPDX-License-Identifier: GPL-3.0-or-later
// hyper bench lm: the throughput of lm::ChatClient against the in-process test server
// with a simulated latency, wired into cmd_bench.cpp as "lm" (docs/LM.md, Transport).
#include "app/cli/cli.h"
#include "core/lm/chatclient.h"
#include "core/lm/testserver.h"

#include <QElapsedTimer>
#include <QJsonObject>

namespace hyper::cli {

namespace {

struct Pass {
    double seconds = 0;
    int failed = 0, maxConcurrent = 0;
};

// A judge-sized request (~1.5 KB: instructions, a prompt, two responses).
lm::ChatRequest benchRequest(qint64 tag)
{
    static const QString filler = QStringLiteral(
        "The quick brown fox jumps over the lazy dog while the careful judge weighs both answers. ");
    lm::ChatRequest r;
    r.tag = tag;
    r.jsonMode = true;
    const QString user = QStringLiteral("Item %1\nPrompt: %2\nResponse A: %3\nResponse B: %4")
                             .arg(tag)
                             .arg(filler.repeated(2), filler.repeated(7), filler.repeated(7));
    r.messages = {{QStringLiteral("system"), QStringLiteral("You compare two responses to a prompt and reply in JSON.")},
                  {QStringLiteral("user"), user}};
    return r;
}

Pass runPass(int items, int latencyMs, int concurrency)
{
    lm::TestServer server;
    server.setLatencyMs(latencyMs);
    server.setKeepRequests(false);
    lm::EndpointConfig e;
    e.name = QStringLiteral("bench");
    e.baseUrl = server.baseUrl();
    e.model = QStringLiteral("bench-model");
    e.concurrency = concurrency;
    e.timeoutSeconds = 30;
    lm::ChatClient client(e, QString());
    Feedback quiet;
    int pulled = 0;
    Pass pass;
    QElapsedTimer t;
    t.start();
    client.run(
        [&]() -> std::optional<lm::ChatRequest> {
            if (pulled >= items)
                return std::nullopt;
            return benchRequest(pulled++);
        },
        [&](const lm::ChatResult &r) { pass.failed += r.ok ? 0 : 1; }, quiet);
    pass.seconds = double(t.nsecsElapsed()) / 1e9;
    pass.maxConcurrent = server.maxConcurrent();
    return pass;
}

} // namespace

int benchLm(const QStringList &args)
{
    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral(
        "Throughput of the chat-completions client against the in-process test server, which answers "
        "each request after a simulated latency: items/s against the ideal C * 1000 / latency, and the "
        "client's own cost per item measured at latency 0. Target: close to 160 items/s at 100 ms and "
        "concurrency 16."));
    addJsonOption(p);
    p.addOption(
        {QStringLiteral("items"), QStringLiteral("Requests (N)."), QStringLiteral("N"), QStringLiteral("1000")});
    p.addOption({QStringLiteral("latency-ms"), QStringLiteral("Simulated latency per request."), QStringLiteral("MS"),
                 QStringLiteral("100")});
    p.addOption({QStringLiteral("concurrency"), QStringLiteral("Requests in flight (C)."), QStringLiteral("C"),
                 QStringLiteral("16")});
    parseOrThrow(p, args);
    const int items = intOption(p, QStringLiteral("items"), 1, 10000000);
    const int latency = intOption(p, QStringLiteral("latency-ms"), 0, 600000);
    const int concurrency = intOption(p, QStringLiteral("concurrency"), 1, 1024);

    say(QStringLiteral("latency 0 (the client's and the loopback's own cost) ..."));
    const Pass zero = runPass(items, 0, concurrency);
    const double zeroMsPerItem = zero.seconds * 1000.0 / items;
    say(QStringLiteral("  %1 items in %2 s: %3 items/s, %4 ms per item")
            .arg(items)
            .arg(zero.seconds, 0, 'f', 2)
            .arg(items / zero.seconds, 0, 'f', 0)
            .arg(zeroMsPerItem, 0, 'f', 3));
    say(QStringLiteral("latency %1 ms ...").arg(latency));
    const Pass run = runPass(items, latency, concurrency);
    const double rate = items / run.seconds;
    const double ideal = latency > 0 ? concurrency * 1000.0 / latency : 0.0;
    const double load = loadAverage();
    say(QStringLiteral("  %1 items in %2 s: %3 items/s; ideal %4 items/s; ratio %5; max in flight at the server %6")
            .arg(items).arg(run.seconds, 0, 'f', 2).arg(rate, 0, 'f', 1).arg(ideal, 0, 'f', 1)
            .arg(ideal > 0 ? rate / ideal : 0.0, 0, 'f', 3).arg(run.maxConcurrent));
    const double idealSeconds = double(items) * latency / 1000.0 / concurrency;
    const double overheadMs = latency > 0 ? (run.seconds - idealSeconds) * 1000.0 / items : zeroMsPerItem;
    say(QStringLiteral("  above the ideal: %1 ms per item; load average %2")
            .arg(overheadMs, 0, 'f', 3)
            .arg(load, 0, 'f', 2));
    if (zero.failed + run.failed > 0)
        throw std::runtime_error(QStringLiteral("%1 requests failed").arg(zero.failed + run.failed).toStdString());
    if (p.isSet(QStringLiteral("json")))
        printJson({{QStringLiteral("items"), items},
                   {QStringLiteral("latency_ms"), latency},
                   {QStringLiteral("concurrency"), concurrency},
                   {QStringLiteral("seconds"), run.seconds},
                   {QStringLiteral("items_per_s"), rate},
                   {QStringLiteral("ideal_items_per_s"), ideal},
                   {QStringLiteral("ratio"), ideal > 0 ? rate / ideal : 0.0},
                   {QStringLiteral("overhead_ms_per_item"), overheadMs},
                   {QStringLiteral("zero_latency_seconds"), zero.seconds},
                   {QStringLiteral("zero_latency_items_per_s"), items / zero.seconds},
                   {QStringLiteral("zero_latency_ms_per_item"), zeroMsPerItem},
                   {QStringLiteral("max_in_flight"), run.maxConcurrent},
                   {QStringLiteral("load_average"), load}});
    return 0;
}

} // namespace hyper::cli
