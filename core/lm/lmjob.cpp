// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/lm/lmjob.h"

#include "core/jobs/feedback.h"
#include "core/lm/tagger.h"
#include "core/storage/projectstore.h"

#include <QElapsedTimer>
#include <QJsonDocument>
#include <QUrl>
#include <deque>
#include <map>

namespace hyper::lm {

namespace {

const QString kJudge = QStringLiteral("judge");
const QString kTag = QStringLiteral("tag");

/** The bookkeeping both jobs share: counts, tokens, cost, the progress callback. */
struct Tally {
    JobProgress p;
    QElapsedTimer clock;
    const ProgressFn &fn;

    explicit Tally(const ProgressFn &f) : fn(f) { clock.start(); }
    void report()
    {
        p.remaining = p.total - p.done - p.cached - p.failed - p.skipped;
        p.seconds = double(clock.nsecsElapsed()) / 1e9;
        if (fn)
            fn(p);
    }
    void request(const EndpointConfig &ep, const ChatResult &r)
    {
        ++p.requests;
        if (!r.ok)
            return;
        p.tokensIn += std::max(0, r.promptTokens);
        p.tokensOut += std::max(0, r.completionTokens);
        p.cost += costOf(ep, r);
    }
};

std::optional<qint64> tokens(int n)
{
    return n >= 0 ? std::optional<qint64>(n) : std::nullopt;
}

std::function<bool()> pauseFn(const std::atomic<bool> *paused)
{
    if (!paused)
        return {};
    return [paused] { return paused->load(std::memory_order_relaxed); };
}

/** Whatever came back from the server, with the key (should a server echo it) masked:
 *  nothing from a reply is stored before this. */
QString scrubbed(const QString &text, const QString &key)
{
    if (key.size() < 4 || !text.contains(key))
        return text;
    QString t = text;
    return t.replace(key, QStringLiteral("[api key]"));
}

bool canceledResult(const ChatResult &r, const Feedback &feedback)
{
    return !r.ok && feedback.isCanceled() && r.error == QLatin1String("canceled");
}

/** One reply of a pending item: from the cache or from the server. */
struct Reply {
    bool have = false;
    bool fresh = false;       // asked in this run
    QString hash;
    QString content;
    std::optional<qint64> tokensIn, tokensOut;
};

/** One item in flight: the replies to its requests (one slot per request), how many are
 *  still to come back, and whether any failed or was canceled. */
struct PendingItem {
    qint64 instanceId = 0;
    std::vector<Reply> replies;
    int outstanding = 0;
    bool failed = false;
    bool abandoned = false; // canceled in flight
};

/** What prepare() says of an item. */
enum class Prepared {
    Ask,     // its requests are in the out-vector
    Cached,  // already stored: counted as cached, nothing asked
    Skipped, // nothing to ask: counted as skipped
};

/** The request pipeline both jobs share. Items (by index into ids) are built lazily as the
 *  client asks for requests: prepare(input, item, requests) fills the item's reply
 *  hashes and the requests, one per reply slot; replies found in the cache are used,
 *  the rest are queued with tag = index * stride + slot. When all replies of an item are
 *  in, finish(item) validates and stores it (false: it failed or was abandoned), and the
 *  item is counted done, cached or failed. failurePrefix(item, slot) starts the message of
 *  a failure row written for a request that failed. */
template <class P, class Prepare, class Finish, class FailurePrefix>
void runPipeline(LmStore &ls, const EndpointConfig &ep, const QString &key, const QString &kind, int stride,
                 const std::vector<qint64> &ids, Tally &tally, Feedback &feedback, const std::atomic<bool> *paused,
                 Prepare prepare, Finish finish, FailurePrefix failurePrefix)
{
    std::map<qint64, P> pending; // by item index
    std::deque<ChatRequest> queue;
    size_t nextItem = 0;

    auto next = [&]() -> std::optional<ChatRequest> {
        while (queue.empty() && nextItem < ids.size() && !feedback.isCanceled()) {
            const qint64 index = qint64(nextItem++);
            const qint64 id = ids[size_t(index)];
            const std::optional<LmJobInput> in = ls.input(id);
            if (!in)
                throw StoreError("no instance with id " + std::to_string(id));
            P p;
            p.instanceId = id;
            std::vector<ChatRequest> reqs;
            const Prepared prepared = prepare(*in, p, reqs);
            if (prepared != Prepared::Ask) {
                ++(prepared == Prepared::Cached ? tally.p.cached : tally.p.skipped);
                tally.report();
                continue;
            }
            for (size_t k = 0; k < reqs.size(); ++k) {
                if (const auto c = ls.cached(p.replies[k].hash)) {
                    p.replies[k].have = true;
                    p.replies[k].content = c->reply;
                    p.replies[k].tokensIn = c->tokensIn;
                    p.replies[k].tokensOut = c->tokensOut;
                } else {
                    reqs[k].tag = index * stride + qint64(k);
                    queue.push_back(std::move(reqs[k]));
                    ++p.outstanding;
                }
            }
            if (p.outstanding == 0) {
                if (finish(p))
                    ++tally.p.cached;
                else
                    ++tally.p.failed;
                tally.report();
                continue;
            }
            pending.emplace(index, std::move(p));
        }
        if (queue.empty())
            return std::nullopt;
        ChatRequest r = std::move(queue.front());
        queue.pop_front();
        return r;
    };

    auto onResult = [&](const ChatResult &r) {
        tally.request(ep, r);
        const auto it = pending.find(r.tag / stride);
        if (it == pending.end())
            return;
        P &p = it->second;
        const size_t k = size_t(r.tag % stride);
        if (canceledResult(r, feedback)) {
            p.abandoned = true;
        } else if (!r.ok) {
            ls.addFailure(p.instanceId, kind, ep.model, failurePrefix(p, k) + scrubbed(r.error, key),
                          scrubbed(r.content, key));
            p.failed = true;
        } else {
            p.replies[k] = {true, true, p.replies[k].hash, scrubbed(r.content, key), tokens(r.promptTokens),
                            tokens(r.completionTokens)};
        }
        if (--p.outstanding > 0)
            return;
        const bool abandoned = p.abandoned && !p.failed;
        if (finish(p))
            ++tally.p.done;
        else if (!abandoned)
            ++tally.p.failed;
        pending.erase(it);
        tally.report();
    };

    ChatClient client(ep, key);
    client.run(next, onResult, feedback, pauseFn(paused));
}

} // namespace

QString requireKey(const EndpointConfig &endpoint)
{
    const QUrl url(endpoint.baseUrl);
    if (endpoint.baseUrl.trimmed().isEmpty() || !url.isValid()
        || (url.scheme() != QLatin1String("http") && url.scheme() != QLatin1String("https")))
        throw JobConfigError(QStringLiteral("the endpoint URL '%1' is not an http(s) URL").arg(endpoint.baseUrl).toStdString());
    if (endpoint.model.trimmed().isEmpty())
        throw JobConfigError("the endpoint has no model name");
    const QString key = apiKey(endpoint);
    if (!endpoint.apiKeyEnv.isEmpty() && key.isEmpty())
        throw JobConfigError(QStringLiteral("the API key variable %1 is not set (or empty), and the keychain has no key%2")
                                 .arg(endpoint.apiKeyEnv,
                                      endpoint.name.isEmpty() ? QString()
                                                              : QStringLiteral(" for endpoint '%1'").arg(endpoint.name))
                                 .toStdString());
    return key;
}

EndpointConfig endpointFromSaved(const SavedEndpoint &saved)
{
    EndpointConfig e;
    e.name = saved.name;
    e.baseUrl = saved.baseUrl;
    e.model = saved.model;
    e.apiKeyEnv = saved.keyEnv;
    const QJsonObject &s = saved.settings;
    e.concurrency = s.value(QStringLiteral("concurrency")).toInt(e.concurrency);
    e.requestsPerMinute = s.value(QStringLiteral("rpm")).toInt(e.requestsPerMinute);
    e.timeoutSeconds = s.value(QStringLiteral("timeout")).toDouble(e.timeoutSeconds);
    e.maxRetries = s.value(QStringLiteral("retries")).toInt(e.maxRetries);
    e.pricePerMillionIn = s.value(QStringLiteral("price_in")).toDouble(e.pricePerMillionIn);
    e.pricePerMillionOut = s.value(QStringLiteral("price_out")).toDouble(e.pricePerMillionOut);
    return e;
}

SavedEndpoint savedFromEndpoint(const EndpointConfig &e)
{
    SavedEndpoint s;
    s.name = e.name;
    s.baseUrl = e.baseUrl;
    s.model = e.model;
    s.keyEnv = e.apiKeyEnv;
    s.settings = QJsonObject{{QStringLiteral("concurrency"), e.concurrency},
                             {QStringLiteral("rpm"), e.requestsPerMinute},
                             {QStringLiteral("timeout"), e.timeoutSeconds},
                             {QStringLiteral("retries"), e.maxRetries},
                             {QStringLiteral("price_in"), e.pricePerMillionIn},
                             {QStringLiteral("price_out"), e.pricePerMillionOut}};
    return s;
}

// ---------------------------------------------------------------------------------------
// Judge job

JobResult runJudgeJob(ProjectStore &store, const JudgeJobConfig &config, const LmSelection &selection,
                      Feedback &feedback, const std::atomic<bool> *paused, const ProgressFn &progress)
{
    const EndpointConfig &ep = config.endpoint;
    const QString key = requireKey(ep);
    const QString judge = config.judgeName.trimmed().isEmpty() ? ep.model : config.judgeName.trimmed();
    const JudgeTemplate &tmpl = config.tmpl;
    const QString templateId = tmpl.id();
    const int orders = config.bothOrders ? 2 : 1;

    LmStore ls(store);
    const std::vector<qint64> ids = ls.select(selection, judge);
    const QSet<QString> judged = ls.labelHashes(judge);
    Tally tally(progress);
    tally.p.total = qint64(ids.size());
    tally.report();
    bool templateSaved = false;

    struct Pending : PendingItem {
        QString labelHash;
        std::optional<JudgeVerdict> verdicts[2]; // in the frame the judge saw
    };
    auto failurePrefix = [](const Pending &, size_t o) {
        return o == 1 ? QStringLiteral("swapped order: ") : QString();
    };

    // Validates, combines and stores an item whose replies are all in; returns false when
    // a reply does not validate (a failure row is written for it).
    auto finish = [&](Pending &p) {
        std::vector<LmCacheEntry> cache;
        for (int o = 0; o < orders; ++o) {
            if (!p.replies[o].have || p.verdicts[o])
                continue;
            const JudgeParse parse = parseJudgeReply(p.replies[o].content);
            if (!parse.verdict) {
                ls.addFailure(p.instanceId, kJudge, ep.model, failurePrefix(p, size_t(o)) + parse.error,
                              p.replies[o].content);
                p.failed = true;
            } else {
                p.verdicts[o] = parse.verdict;
            }
        }
        for (int o = 0; o < orders; ++o)
            if (p.verdicts[o] && p.replies[o].fresh)
                cache.push_back({p.replies[o].hash, kJudge, ep.model, p.replies[o].content, p.replies[o].tokensIn,
                                 p.replies[o].tokensOut});
        if (p.failed || p.abandoned) {
            if (!cache.empty())
                ls.putCache(cache); // the valid order is not asked again
            return false;
        }
        const std::optional<JudgeVerdict> swapped =
            orders == 2 ? std::optional<JudgeVerdict>(toOriginalFrame(*p.verdicts[1])) : std::nullopt;
        const CombinedVerdict c = combineVerdicts(*p.verdicts[0], swapped);
        if (c.positionConsistent && !*c.positionConsistent)
            ++tally.p.inconsistent;
        LmLabelWrite w;
        w.instanceId = p.instanceId;
        w.judge = judge;
        w.overall = c.overall;
        w.aspects = c.aspects;
        w.verdictOriginal = c.verdictOriginal;
        w.verdictSwapped = c.verdictSwapped;
        w.rationale = c.rationale;
        w.raw = orders == 1 ? p.replies[0].content
                            : QString::fromUtf8(QJsonDocument(QJsonObject{{QStringLiteral("original"), p.replies[0].content},
                                                                          {QStringLiteral("swapped"), p.replies[1].content}})
                                                    .toJson(QJsonDocument::Compact));
        w.templateId = templateId;
        qint64 in = 0, out = 0;
        bool knownIn = true, knownOut = true;
        for (int o = 0; o < orders; ++o) {
            knownIn = knownIn && p.replies[o].tokensIn;
            knownOut = knownOut && p.replies[o].tokensOut;
            in += p.replies[o].tokensIn.value_or(0);
            out += p.replies[o].tokensOut.value_or(0);
        }
        if (knownIn)
            w.tokensIn = in;
        if (knownOut)
            w.tokensOut = out;
        if (knownIn || knownOut)
            w.cost = (double(in) * ep.pricePerMillionIn + double(out) * ep.pricePerMillionOut) / 1e6;
        w.contentHash = p.labelHash;
        if (!templateSaved) {
            ls.saveTemplate(templateId, kJudge, tmpl.toText());
            templateSaved = true;
        }
        ls.addLabel(w, cache);
        return true;
    };

    // One request per order; an item whose combined hash is already labelled is cached.
    auto prepare = [&](const LmJobInput &in, Pending &p, std::vector<ChatRequest> &reqs) {
        QStringList hashes;
        p.replies.resize(size_t(orders));
        for (int o = 0; o < orders; ++o) {
            reqs.push_back(judgeRequest(tmpl, in.prompt, in.responseA, in.responseB,
                                        o == 0 ? Order::Original : Order::Swapped));
            hashes << requestHash(ep.model, templateId, reqs.back());
            p.replies[size_t(o)].hash = hashes.last();
        }
        p.labelHash = combinedHash(hashes);
        return judged.contains(p.labelHash) ? Prepared::Cached : Prepared::Ask;
    };

    runPipeline<Pending>(ls, ep, key, kJudge, 2, ids, tally, feedback, paused, prepare, finish, failurePrefix);
    JobResult result;
    result.canceled = feedback.isCanceled();
    tally.report();
    result.progress = tally.p;
    return result;
}

// ---------------------------------------------------------------------------------------
// Tag job

JobResult runTagJob(ProjectStore &store, const TagJobConfig &config, const LmSelection &selection,
                    Feedback &feedback, const std::atomic<bool> *paused, const ProgressFn &progress)
{
    const EndpointConfig &ep = config.endpoint;
    std::vector<const TagDimension *> dims;
    if (config.dimensions.isEmpty()) {
        for (const TagDimension &d : tagDimensions())
            dims.push_back(&d);
    } else {
        for (const QString &name : config.dimensions) {
            const TagDimension *d = tagDimension(name);
            if (!d)
                throw JobConfigError(QStringLiteral("unknown tag dimension '%1'").arg(name).toStdString());
            if (std::find(dims.begin(), dims.end(), d) == dims.end())
                dims.push_back(d);
        }
    }
    const QString key = requireKey(ep);
    const QString templateId = taggerTemplateId();
    QStringList dimNames;
    for (const TagDimension *d : dims)
        dimNames << d->name;
    auto toAsk = [&](const QJsonObject &metadata) {
        if (config.overwrite)
            return dimNames;
        const QStringList missing = missingTagDimensions(metadata);
        QStringList out;
        for (const QString &n : dimNames)
            if (missing.contains(n))
                out << n;
        return out;
    };

    LmStore ls(store);
    const std::vector<qint64> ids =
        ls.select(selection, QString(), [&](const QJsonObject &m) { return !toAsk(m).isEmpty(); });
    Tally tally(progress);
    tally.p.total = qint64(ids.size());
    tally.report();
    JobResult result;
    bool templateSaved = false;

    struct Pending : PendingItem {
        std::vector<const TagDimension *> dims; // one per reply slot
    };
    auto failurePrefix = [](const Pending &p, size_t k) { return p.dims[k]->name + QStringLiteral(": "); };

    auto finish = [&](Pending &p) {
        std::vector<std::pair<QString, QJsonValue>> values;
        std::vector<LmCacheEntry> cache;
        for (size_t k = 0; k < p.dims.size(); ++k) {
            const Reply &r = p.replies[k];
            if (!r.have)
                continue;
            const TagParse parse = parseTagReply(*p.dims[k], r.content);
            if (!parse.value) {
                ls.addFailure(p.instanceId, kTag, ep.model, failurePrefix(p, k) + parse.error, r.content);
                p.failed = true;
                continue;
            }
            values.emplace_back(p.dims[k]->name, *parse.value);
            if (r.fresh)
                cache.push_back({r.hash, kTag, ep.model, r.content, r.tokensIn, r.tokensOut});
        }
        if (!values.empty()) {
            const std::optional<LmJobInput> now = ls.input(p.instanceId);
            if (!now)
                throw StoreError("no instance with id " + std::to_string(p.instanceId));
            QJsonObject meta = now->metadata;
            for (const auto &[name, value] : values)
                meta = mergeTag(meta, name, value);
            if (!templateSaved) {
                QString text;
                for (const TagDimension &d : tagDimensions())
                    for (const ChatMessage &m : tagRequest(d, QStringLiteral("{prompt}")).messages)
                        text += QStringLiteral("[%1 %2]\n%3\n").arg(d.name, m.role, m.content);
                ls.saveTemplate(templateId, kTag, text);
                templateSaved = true;
            }
            ls.writeMetadata(p.instanceId, meta, cache);
            result.featuresStale = true;
        }
        return !p.failed && !p.abandoned;
    };

    // One request per dimension still to ask; an item with none left is skipped.
    auto prepare = [&](const LmJobInput &in, Pending &p, std::vector<ChatRequest> &reqs) {
        for (const QString &name : toAsk(in.metadata))
            p.dims.push_back(tagDimension(name));
        if (p.dims.empty())
            return Prepared::Skipped;
        p.replies.resize(p.dims.size());
        for (size_t k = 0; k < p.dims.size(); ++k) {
            reqs.push_back(tagRequest(*p.dims[k], in.prompt));
            p.replies[k].hash = requestHash(ep.model, templateId, reqs.back());
        }
        return Prepared::Ask;
    };

    runPipeline<Pending>(ls, ep, key, kTag, int(tagDimensions().size()), ids, tally, feedback, paused, prepare, finish,
                         failurePrefix);
    result.canceled = feedback.isCanceled();
    tally.report();
    result.progress = tally.p;
    return result;
}

} // namespace hyper::lm
