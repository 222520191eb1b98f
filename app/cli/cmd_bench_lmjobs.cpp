// SPDX-License-Identifier: GPL-3.0-or-later
// hyper bench lmjobs: the cost of the judge and tag jobs themselves (request building,
// hashing, cache look-ups, validation, one commit per item) against the in-process test
// server, on a synthetic project in a temporary directory (docs/LM.md, "Figures").
#include "app/cli/cli.h"
#include "core/lm/lmjob.h"
#include "core/lm/tagger.h"
#include "core/lm/testserver.h"
#include "core/storage/importrecord.h"
#include "core/storage/projectstore.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QTemporaryDir>

namespace hyper::cli {

namespace {

std::string words(const char *w, int n, int salt)
{
    std::string s;
    for (int k = 0; k < n; ++k) {
        s += w;
        s += std::to_string((k * 31 + salt) % 97);
        s += ' ';
    }
    return s;
}

// A valid reply to any judge or tag request (the dimension read off the answer form).
QString benchReply(const QJsonObject &request)
{
    const QJsonArray messages = request.value(QStringLiteral("messages")).toArray();
    const QString user = messages.last().toObject().value(QStringLiteral("content")).toString();
    static const QRegularExpression dimRe(QStringLiteral("nothing else: \\{\"([a-z_]+)\""));
    const QString dim = dimRe.match(user).captured(1);
    if (dim.isEmpty())
        return QStringLiteral("{\"overall\": \"B-is-slightly-better\", \"helpfulness\": \"Tie\", \"rationale\": \"B is fuller.\"}");
    const lm::TagDimension *d = lm::tagDimension(dim);
    QJsonValue v;
    if (d->shape == lm::TagShape::Scalar)
        v = d->options.first();
    else if (d->shape == lm::TagShape::Subjects)
        v = QJsonArray{d->options.at(15)};
    else
        v = QJsonArray{QStringLiteral("English")};
    return QString::fromUtf8(QJsonDocument(QJsonObject{{dim, v}}).toJson(QJsonDocument::Compact));
}

} // namespace

int benchLmJobs(const QStringList &args)
{
    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral(
        "The judge and tag jobs against the in-process test server (latency 0 by default, so the figures are "
        "the jobs' own cost): a judge run over N instances, the same run again (everything already judged), "
        "a both-orders run, and a tag run over N/4 instances (8 requests each), on a temporary project."));
    addJsonOption(p);
    p.addOption({QStringLiteral("instances"), QStringLiteral("Train instances (N)."), QStringLiteral("N"),
                 QStringLiteral("2000")});
    p.addOption({QStringLiteral("latency-ms"), QStringLiteral("Simulated latency per request."), QStringLiteral("MS"),
                 QStringLiteral("0")});
    p.addOption({QStringLiteral("concurrency"), QStringLiteral("Requests in flight."), QStringLiteral("C"),
                 QStringLiteral("16")});
    parseOrThrow(p, args);
    const int n = intOption(p, QStringLiteral("instances"), 4, 1000000);
    const int latency = intOption(p, QStringLiteral("latency-ms"), 0, 60000);
    const int concurrency = intOption(p, QStringLiteral("concurrency"), 1, 1024);

    QTemporaryDir dir;
    if (!dir.isValid())
        throw std::runtime_error("cannot create a temporary directory");
    const QString path = dir.filePath(QStringLiteral("bench.hyper"));
    ProjectStore store(path, ProjectStore::Mode::CreateNew);
    {
        auto w = store.beginImport(QStringLiteral("bench"), QStringLiteral("synthetic"));
        for (int i = 1; i <= n; ++i) {
            ImportRecord r;
            r.line = i;
            r.prompt = "Question " + std::to_string(i) + ": " + words("topic", 30, i);
            r.responseA = words("alpha", 110, i);
            r.responseB = words("beta", 90 + i % 40, i);
            w->add(r);
        }
        w->commit(0);
    }

    lm::TestServer server;
    server.setLatencyMs(latency);
    server.setReplyGenerator(benchReply);
    lm::EndpointConfig e;
    e.name = QStringLiteral("bench");
    e.baseUrl = server.baseUrl();
    e.model = QStringLiteral("bench-model");
    e.concurrency = concurrency;
    e.timeoutSeconds = 60;
    Feedback quiet;

    struct Phase {
        QString name;
        lm::JobResult r;
        int requests = 0;
    };
    std::vector<Phase> phases;
    auto judge = [&](const QString &name, bool both, LmSelection::Kind kind, const QString &judgeName) {
        lm::JudgeJobConfig cfg;
        cfg.endpoint = e;
        cfg.bothOrders = both;
        cfg.judgeName = judgeName;
        LmSelection sel;
        sel.kind = kind;
        const int before = server.requestCount();
        Phase ph{name, lm::runJudgeJob(store, cfg, sel, quiet), 0};
        ph.requests = server.requestCount() - before;
        say(QStringLiteral("%1: %2 items (%3 judged, %4 cached, %5 failed), %6 requests in %7 s: %8 items/s")
                .arg(name)
                .arg(ph.r.progress.total)
                .arg(ph.r.progress.done)
                .arg(ph.r.progress.cached)
                .arg(ph.r.progress.failed)
                .arg(ph.requests)
                .arg(ph.r.progress.seconds, 0, 'f', 2)
                .arg(double(ph.r.progress.total) / ph.r.progress.seconds, 0, 'f', 0));
        phases.push_back(ph);
    };
    judge(QStringLiteral("judge"), false, LmSelection::Kind::Unlabelled, QStringLiteral("one"));
    judge(QStringLiteral("judge_rerun"), false, LmSelection::Kind::All, QStringLiteral("one"));
    judge(QStringLiteral("judge_both_orders"), true, LmSelection::Kind::Unlabelled, QStringLiteral("both"));
    {
        lm::TagJobConfig cfg;
        cfg.endpoint = e;
        LmSelection sel;
        sel.limit = n / 4;
        const int before = server.requestCount();
        Phase ph{QStringLiteral("tag"), lm::runTagJob(store, cfg, sel, quiet), 0};
        ph.requests = server.requestCount() - before;
        say(QStringLiteral("tag: %1 instances (%2 tagged, %3 failed), %4 requests in %5 s: %6 instances/s")
                .arg(ph.r.progress.total)
                .arg(ph.r.progress.done)
                .arg(ph.r.progress.failed)
                .arg(ph.requests)
                .arg(ph.r.progress.seconds, 0, 'f', 2)
                .arg(double(ph.r.progress.total) / ph.r.progress.seconds, 0, 'f', 0));
        phases.push_back(ph);
    }
    qint64 failed = 0;
    QJsonObject out{{QStringLiteral("instances"), n},
                    {QStringLiteral("latency_ms"), latency},
                    {QStringLiteral("concurrency"), concurrency},
                    {QStringLiteral("load_average"), loadAverage()}};
    for (const Phase &ph : phases) {
        failed += ph.r.progress.failed;
        out.insert(ph.name + QStringLiteral("_seconds"), ph.r.progress.seconds);
        out.insert(ph.name + QStringLiteral("_items_per_s"), double(ph.r.progress.total) / ph.r.progress.seconds);
        out.insert(ph.name + QStringLiteral("_requests"), ph.requests);
    }
    if (failed > 0)
        throw std::runtime_error(QStringLiteral("%1 items failed").arg(failed).toStdString());
    if (p.isSet(QStringLiteral("json")))
        printJson(out);
    return 0;
}

} // namespace hyper::cli
