// SPDX-License-Identifier: GPL-3.0-or-later
// hyper judge, hyper tag, hyper endpoint save|list|remove: the LM judge and tagger jobs
// on an OpenAI-compatible chat-completions endpoint (docs/LM.md "Jobs and CLI").
// The API key is only ever read from the environment variable named by --api-key-env
// (or the keychain); it is never a flag, never printed, never stored.
#include "app/cli/cli.h"
#include "core/ml/mlmodule.h"
#include "core/ml/bundle.h"
#include "core/mlbridge/rmscore.h"
#include "core/features/featurejob.h"
#include "core/jobs/feedback.h"
#include "core/lm/judge.h"
#include "core/lm/lmjob.h"
#include "core/lm/tagger.h"
#include "core/storage/lmstore.h"
#include "core/storage/projectstore.h"

#include <QFile>
#include <QJsonArray>
#include <QUrl>
#include <atomic>
#include <cmath>
#include <csignal>
#include <cstdio>

namespace hyper::cli {

namespace {

const QString kEndpoint = QStringLiteral("endpoint");

// Ctrl-C (SIGINT) or SIGTERM cancels the running job: what was committed stays, the
// command prints its counts and exits 1, and a rerun resumes. Feedback::cancel() is a
// lock-free atomic store, safe in a signal handler.
std::atomic<Feedback *> g_running{nullptr};

extern "C" void cancelOnSignal(int)
{
    if (Feedback *f = g_running.load())
        f->cancel();
}

/** Routes SIGINT/SIGTERM to the feedback while alive. */
class SignalCancel
{
public:
    explicit SignalCancel(Feedback &f)
    {
        g_running.store(&f);
        m_int = std::signal(SIGINT, cancelOnSignal);
        m_term = std::signal(SIGTERM, cancelOnSignal);
    }
    ~SignalCancel()
    {
        std::signal(SIGINT, m_int);
        std::signal(SIGTERM, m_term);
        g_running.store(nullptr);
    }
    SignalCancel(const SignalCancel &) = delete;
    SignalCancel &operator=(const SignalCancel &) = delete;

private:
    void (*m_int)(int) = SIG_DFL;
    void (*m_term)(int) = SIG_DFL;
};

void addEndpointOptions(QCommandLineParser &p, bool forSave)
{
    if (!forSave)
        p.addOption({kEndpoint,
                     QStringLiteral("The endpoint: a base URL (e.g. http://127.0.0.1:8000/v1; /chat/completions is "
                                    "appended) or the name of an endpoint saved with 'hyper endpoint save'."),
                     QStringLiteral("URL|NAME")});
    p.addOption({QStringLiteral("model"), QStringLiteral("The model name sent to the endpoint."), QStringLiteral("NAME")});
    p.addOption({QStringLiteral("api-key-env"),
                 QStringLiteral("Environment variable holding the API key (the key itself is never a flag and never "
                                "stored)."),
                 QStringLiteral("VAR")});
    p.addOption({QStringLiteral("concurrency"), QStringLiteral("Requests in flight at once (default 4)."), QStringLiteral("C")});
    p.addOption({QStringLiteral("rpm"), QStringLiteral("At most this many requests a minute (default: no limit)."),
                 QStringLiteral("N")});
    p.addOption({QStringLiteral("timeout"), QStringLiteral("Seconds per attempt (default 60)."), QStringLiteral("S")});
    p.addOption({QStringLiteral("retries"),
                 QStringLiteral("Retries after a failed attempt (429, 5xx, timeouts; default 5)."), QStringLiteral("N")});
    p.addOption({QStringLiteral("price-in"), QStringLiteral("Cost per million prompt tokens, for the estimate."),
                 QStringLiteral("X")});
    p.addOption({QStringLiteral("price-out"), QStringLiteral("Cost per million completion tokens."), QStringLiteral("X")});
}

double numberOption(const QCommandLineParser &p, const QString &name, double lo, double hi)
{
    bool ok = false;
    const double v = p.value(name).toDouble(&ok);
    if (!ok || !std::isfinite(v) || v < lo || v > hi)
        throw UsageError(QStringLiteral("--%1 takes a number in [%2, %3], got '%4'")
                             .arg(name)
                             .arg(lo)
                             .arg(hi)
                             .arg(p.value(name))
                             .toStdString());
    return v;
}

/** The flags over a base config (defaults or a saved endpoint). */
void applyEndpointFlags(const QCommandLineParser &p, lm::EndpointConfig &e)
{
    if (p.isSet(QStringLiteral("model")))
        e.model = p.value(QStringLiteral("model")).trimmed();
    if (p.isSet(QStringLiteral("api-key-env")))
        e.apiKeyEnv = p.value(QStringLiteral("api-key-env")).trimmed();
    if (p.isSet(QStringLiteral("concurrency")))
        e.concurrency = intOption(p, QStringLiteral("concurrency"), 1, 256);
    if (p.isSet(QStringLiteral("rpm")))
        e.requestsPerMinute = intOption(p, QStringLiteral("rpm"), 0, 1000000);
    if (p.isSet(QStringLiteral("timeout")))
        e.timeoutSeconds = numberOption(p, QStringLiteral("timeout"), 0.1, 3600);
    if (p.isSet(QStringLiteral("retries")))
        e.maxRetries = intOption(p, QStringLiteral("retries"), 0, 100);
    if (p.isSet(QStringLiteral("price-in")))
        e.pricePerMillionIn = numberOption(p, QStringLiteral("price-in"), 0, 1e9);
    if (p.isSet(QStringLiteral("price-out")))
        e.pricePerMillionOut = numberOption(p, QStringLiteral("price-out"), 0, 1e9);
}

bool looksLikeUrl(const QString &s)
{
    return s.startsWith(QLatin1String("http://")) || s.startsWith(QLatin1String("https://"));
}

/** --endpoint as a URL or a saved name, with the flags applied; checked (the key too). */
lm::EndpointConfig endpointConfig(const QCommandLineParser &p, ProjectStore &store)
{
    if (!p.isSet(kEndpoint) || p.value(kEndpoint).trimmed().isEmpty())
        throw UsageError("--endpoint URL|NAME is required");
    const QString value = p.value(kEndpoint).trimmed();
    lm::EndpointConfig e;
    if (looksLikeUrl(value)) {
        e.baseUrl = value;
    } else {
        const auto saved = LmStore(store).endpoint(value);
        if (!saved)
            throw UsageError(QStringLiteral("--endpoint: '%1' is neither an http(s) URL nor a saved endpoint "
                                            "(see 'hyper endpoint list')")
                                 .arg(value)
                                 .toStdString());
        e = lm::endpointFromSaved(*saved);
    }
    applyEndpointFlags(p, e);
    if (e.model.isEmpty())
        throw UsageError("--model NAME is required (or an --endpoint saved with a model)");
    try {
        lm::requireKey(e);
    } catch (const lm::JobConfigError &err) {
        throw UsageError(err.what());
    }
    return e;
}

void addSelectionOptions(QCommandLineParser &p, const QString &unlabelledName)
{
    p.addOption({QStringLiteral("select"),
                 QStringLiteral("Which train instances: all, %1 (default) or routed-lm.").arg(unlabelledName),
                 QStringLiteral("WHICH"), unlabelledName});
    p.addOption({QStringLiteral("ids"),
                 QStringLiteral("A file of instance ids, one per line ('#' comments): exactly these (overrides --select)."),
                 QStringLiteral("FILE")});
    p.addOption({QStringLiteral("limit"), QStringLiteral("At most N instances (lowest ids first)."), QStringLiteral("N")});
}

std::vector<qint64> readIds(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        throw BadInput(QStringLiteral("%1: cannot read: %2").arg(path, f.errorString()).toStdString());
    std::vector<qint64> ids;
    int line = 0;
    while (!f.atEnd()) {
        ++line;
        const QString t = QString::fromUtf8(f.readLine()).trimmed();
        if (t.isEmpty() || t.startsWith(QLatin1Char('#')))
            continue;
        bool ok = false;
        const qint64 id = t.toLongLong(&ok);
        if (!ok || id <= 0)
            throw BadInput(QStringLiteral("%1:%2: '%3' is not an instance id").arg(path).arg(line).arg(t.left(40)).toStdString());
        ids.push_back(id);
    }
    return ids;
}

LmSelection selection(const QCommandLineParser &p, ProjectStore &store, const QString &unlabelledName)
{
    LmSelection s;
    if (p.isSet(QStringLiteral("limit")))
        s.limit = intOption(p, QStringLiteral("limit"), 1, 1000000000);
    if (p.isSet(QStringLiteral("ids"))) {
        const QString path = p.value(QStringLiteral("ids"));
        s.kind = LmSelection::Kind::Ids;
        s.ids = readIds(path);
        try {
            LmStore(store).select(s, QStringLiteral("-"));
        } catch (const StoreError &e) {
            throw BadInput(QStringLiteral("%1: %2").arg(path, QString::fromUtf8(e.what())).toStdString());
        }
        return s;
    }
    const QString which = p.value(QStringLiteral("select"));
    if (which == QLatin1String("all"))
        s.kind = LmSelection::Kind::All;
    else if (which == unlabelledName)
        s.kind = LmSelection::Kind::Unlabelled;
    else if (which == QLatin1String("routed-lm"))
        s.kind = LmSelection::Kind::RoutedLm;
    else
        throw UsageError(QStringLiteral("--select takes all, %1 or routed-lm, got '%2'").arg(unlabelledName, which).toStdString());
    return s;
}

/** Progress on stderr: the fraction of items ended, and the counts. */
lm::ProgressFn progressTo(Feedback &feedback)
{
    return [&feedback](const lm::JobProgress &g) {
        const qint64 ended = g.total - g.remaining;
        feedback.setProgress(g.total > 0 ? double(ended) / double(g.total) : 1.0,
                             QStringLiteral("done %1, cached %2, failed %3, remaining %4, %5 tokens, cost %6")
                                 .arg(g.done)
                                 .arg(g.cached)
                                 .arg(g.failed)
                                 .arg(g.remaining)
                                 .arg(g.tokensIn + g.tokensOut)
                                 .arg(g.cost, 0, 'f', 4));
    };
}

/** The options `hyper judge` and `hyper tag` share: project, JSON, endpoint, selection. */
void addJobOptions(QCommandLineParser &p, const QString &unlabelledName)
{
    addProjectOption(p);
    addJsonOption(p);
    addEndpointOptions(p, false);
    addSelectionOptions(p, unlabelledName);
}

/** The project a job runs on and the instances it selects. */
struct JobInputs {
    std::unique_ptr<ProjectStore> project;
    LmSelection selection;
};

/** Opens the project, reads the endpoint flags into `endpoint` and the selection flags. */
JobInputs openJob(const QCommandLineParser &p, const QString &unlabelledName, lm::EndpointConfig &endpoint)
{
    JobInputs in;
    in.project = openProject(p);
    endpoint = endpointConfig(p, *in.project);
    in.selection = selection(p, *in.project, unlabelledName);
    return in;
}

/** The end of a job's text summary: requests, tokens, cost and time. */
QString totals(const lm::JobProgress &g)
{
    return QStringLiteral("%1 requests, %2 tokens, cost %3, %4 s")
        .arg(g.requests)
        .arg(g.tokensIn + g.tokensOut)
        .arg(g.cost, 0, 'f', 4)
        .arg(g.seconds, 0, 'f', 1);
}

/** Says that `hyper COMMAND` was canceled, if it was; the exit code. */
int jobExit(const QString &command, const lm::JobResult &r)
{
    if (r.canceled)
        say(QStringLiteral("hyper %1: canceled; what was committed stays, a rerun resumes").arg(command));
    return r.canceled ? 1 : 0;
}

QJsonObject commonJson(const lm::JobResult &r)
{
    const lm::JobProgress &g = r.progress;
    return {{QStringLiteral("failed"), g.failed},
            {QStringLiteral("cached"), g.cached},
            {QStringLiteral("seconds"), g.seconds},
            {QStringLiteral("selected"), g.total},
            {QStringLiteral("remaining"), g.remaining},
            {QStringLiteral("requests"), g.requests},
            {QStringLiteral("tokens_in"), g.tokensIn},
            {QStringLiteral("tokens_out"), g.tokensOut},
            {QStringLiteral("cost"), g.cost},
            {QStringLiteral("canceled"), r.canceled}};
}

} // namespace

namespace {

/** hyper judge --reward-model FILE: a saved RM labels the selection as a named judge. */
int judgeWithModel(const QCommandLineParser &p)
{
    RmJudgeParams params;
    params.model = p.value(QStringLiteral("reward-model"));
    params.judgeName = p.value(QStringLiteral("judge-name")).trimmed();
    params.device = p.value(QStringLiteral("device"));
    if (params.device != QLatin1String("auto") && params.device != QLatin1String("cpu") && params.device != QLatin1String("cuda"))
        throw UsageError("--device must be auto, cpu or cuda");
    if (p.isSet(QStringLiteral("cuts"))) {
        try {
            params.cuts = RmJudgeCuts::parse(p.value(QStringLiteral("cuts")));
        } catch (const std::invalid_argument &e) {
            throw UsageError(std::string("--cuts: ") + e.what());
        }
    }
    if (p.isSet(QStringLiteral("both-orders")) || p.isSet(QStringLiteral("template")))
        throw UsageError("--both-orders and --template are for LM endpoints, not --reward-model");
    std::unique_ptr<ProjectStore> store = openProject(p);
    params.selection = selection(p, *store, QStringLiteral("unlabelled"));
    Feedback feedback = stderrFeedback(QStringLiteral("judge"));
    const SignalCancel onSignal(feedback);
    RmJudgeResult r;
    try {
        r = runModelJudge(*store, params, feedback);
    } catch (const ml::MlModuleError &) {
        throw; // not the input's fault: exit 1 (main)
    } catch (const ml::TrainError &e) {
        throw BadInput(QStringLiteral("hyper judge: %1").arg(QString::fromUtf8(e.what())).toStdString());
    }
    if (p.isSet(QStringLiteral("json")))
        printJson({{QStringLiteral("judge"), r.judge},
                   {QStringLiteral("selected"), r.selected},
                   {QStringLiteral("judged"), r.labelled},
                   {QStringLiteral("already"), r.already},
                   {QStringLiteral("a_better"), r.aBetter},
                   {QStringLiteral("ties"), r.ties},
                   {QStringLiteral("b_better"), r.bBetter},
                   {QStringLiteral("seconds"), r.seconds}});
    else
        say(QStringLiteral("judge %1 (reward model): %2 judged (A better %3, tie %4, B better %5), %6 labelled before, "
                           "of %7 selected; %8 s")
                .arg(r.judge).arg(r.labelled).arg(r.aBetter).arg(r.ties).arg(r.bBetter).arg(r.already).arg(r.selected)
                .arg(r.seconds, 0, 'f', 1));
    return 0;
}

} // namespace

int cmdJudge(const QStringList &args)
{
    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral(
        "Ask an LM judge for a 5-point preference (and aspects) on train instances and store the validated "
        "replies as LM labels, each as it arrives. Replies are cached by content hash: a rerun does not re-ask, "
        "and resumes a canceled run. Invalid replies are recorded as failures, never as labels."));
    addJobOptions(p, QStringLiteral("unlabelled"));
    p.addOption({QStringLiteral("both-orders"),
                 QStringLiteral("Ask in both orders (A/B and B/A) and record position consistency.")});
    p.addOption({QStringLiteral("judge-name"), QStringLiteral("The judge name of the labels (default: the model)."),
                 QStringLiteral("NAME")});
    p.addOption({QStringLiteral("template"), QStringLiteral("A judge template file (docs/LM.md); default: the built-in one."),
                 QStringLiteral("FILE")});
    p.addOption({QStringLiteral("reward-model"),
                 QStringLiteral("Judge with a saved reward model instead of an endpoint (docs/TRAINING.md)."),
                 QStringLiteral("FILE")});
    p.addOption({QStringLiteral("cuts"),
                 QStringLiteral("With --reward-model: score-difference cut points TIE,CLEAR (default 0.2,1.386)."),
                 QStringLiteral("TIE,CLEAR")});
    p.addOption({QStringLiteral("device"), QStringLiteral("With --reward-model: auto | cpu | cuda."), QStringLiteral("DEVICE"),
                 QStringLiteral("auto")});
    parseOrThrow(p, args);
    requireProject(p);
    if (p.isSet(QStringLiteral("reward-model")))
        return judgeWithModel(p);

    lm::JudgeJobConfig cfg;
    if (p.isSet(QStringLiteral("template"))) {
        try {
            cfg.tmpl = lm::loadJudgeTemplate(p.value(QStringLiteral("template")));
        } catch (const lm::TemplateError &e) {
            throw BadInput(e.what());
        }
    }
    cfg.bothOrders = p.isSet(QStringLiteral("both-orders"));
    cfg.judgeName = p.value(QStringLiteral("judge-name")).trimmed();
    const JobInputs in = openJob(p, QStringLiteral("unlabelled"), cfg.endpoint);

    Feedback feedback = stderrFeedback(QStringLiteral("judge"));
    const SignalCancel onSignal(feedback);
    const lm::JobResult r = lm::runJudgeJob(*in.project, cfg, in.selection, feedback, nullptr, progressTo(feedback));
    const QString judge = cfg.judgeName.isEmpty() ? cfg.endpoint.model : cfg.judgeName;
    if (p.isSet(QStringLiteral("json"))) {
        QJsonObject o = commonJson(r);
        o.insert(QStringLiteral("judged"), r.progress.done);
        o.insert(QStringLiteral("judge"), judge);
        o.insert(QStringLiteral("template"), cfg.tmpl.id());
        o.insert(QStringLiteral("both_orders"), cfg.bothOrders);
        if (cfg.bothOrders)
            o.insert(QStringLiteral("inconsistent"), r.progress.inconsistent);
        printJson(o);
    } else {
        say(QStringLiteral("judge %1 (%2): %3 judged, %4 cached, %5 failed of %6; ")
                .arg(judge, cfg.tmpl.id())
                .arg(r.progress.done)
                .arg(r.progress.cached)
                .arg(r.progress.failed)
                .arg(r.progress.total)
            + totals(r.progress));
    }
    return jobExit(QStringLiteral("judge"), r);
}

int cmdTag(const QStringList &args)
{
    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral(
        "Ask an LM to tag the prompts of train instances along the eight metadata dimensions (one request per "
        "dimension), validate each reply against the dimension's options and merge the tags into the instance "
        "metadata, each instance as it completes. Only missing dimensions are asked unless --overwrite. The "
        "feature table is then stale: 'hyper features' (or --features here) recomputes it."));
    addJobOptions(p, QStringLiteral("untagged"));
    p.addOption({QStringLiteral("dimension"),
                 QStringLiteral("Only this dimension (repeatable); default: all eight."), QStringLiteral("NAME")});
    p.addOption({QStringLiteral("overwrite"), QStringLiteral("Ask also the dimensions an instance already has.")});
    p.addOption({QStringLiteral("features"), QStringLiteral("Recompute the feature table afterwards.")});
    parseOrThrow(p, args);
    requireProject(p);

    lm::TagJobConfig cfg;
    for (const QString &d : p.values(QStringLiteral("dimension"))) {
        if (!lm::tagDimension(d)) {
            QStringList names;
            for (const lm::TagDimension &t : lm::tagDimensions())
                names << t.name;
            throw UsageError(QStringLiteral("--dimension: unknown '%1'; use one of: %2")
                                 .arg(d, names.join(QStringLiteral(", ")))
                                 .toStdString());
        }
        cfg.dimensions << d;
    }
    cfg.overwrite = p.isSet(QStringLiteral("overwrite"));
    const JobInputs in = openJob(p, QStringLiteral("untagged"), cfg.endpoint);

    Feedback feedback = stderrFeedback(QStringLiteral("tag"));
    const SignalCancel onSignal(feedback);
    const lm::JobResult r = lm::runTagJob(*in.project, cfg, in.selection, feedback, nullptr, progressTo(feedback));
    bool featuresUpdated = false;
    if (p.isSet(QStringLiteral("features")) && !r.canceled) {
        Feedback ff = stderrFeedback(QStringLiteral("features"));
        computeFeatures(*in.project, FeatureParams{}, ff);
        featuresUpdated = true;
    }
    if (p.isSet(QStringLiteral("json"))) {
        QJsonObject o = commonJson(r);
        o.insert(QStringLiteral("tagged"), r.progress.done);
        o.insert(QStringLiteral("skipped"), r.progress.skipped);
        o.insert(QStringLiteral("features_stale"), r.featuresStale && !featuresUpdated);
        o.insert(QStringLiteral("features_updated"), featuresUpdated);
        printJson(o);
    } else {
        say(QStringLiteral("tag %1: %2 tagged, %3 cached, %4 failed, %5 skipped of %6; ")
                .arg(cfg.endpoint.model)
                .arg(r.progress.done)
                .arg(r.progress.cached)
                .arg(r.progress.failed)
                .arg(r.progress.skipped)
                .arg(r.progress.total)
            + totals(r.progress));
        if (r.featuresStale && !featuresUpdated)
            say(QStringLiteral("tags changed: run 'hyper features' to update the feature table"));
    }
    return jobExit(QStringLiteral("tag"), r);
}

int cmdEndpoint(const QStringList &args)
{
    const QString action = args.size() > 1 ? args[1] : QString();
    QStringList rest = args;
    if (args.size() > 1)
        rest.removeAt(1);
    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral(
        "Saved LM endpoints of a project: save | list | remove. An endpoint keeps the URL, the model, the NAME of "
        "the environment variable holding the key and settings; never the key."));
    addProjectOption(p);
    addJsonOption(p);
    p.addOption({QStringLiteral("name"), QStringLiteral("The endpoint's name (save, remove)."), QStringLiteral("NAME")});
    p.addOption({QStringLiteral("url"), QStringLiteral("The base URL (save)."), QStringLiteral("URL")});
    addEndpointOptions(p, true);
    p.addPositionalArgument(QStringLiteral("action"), QStringLiteral("save, list or remove"));
    if (action == QLatin1String("--help") || action == QLatin1String("-h")) {
        parseOrThrow(p, args);
        return 0;
    }
    if (action != QLatin1String("save") && action != QLatin1String("list") && action != QLatin1String("remove"))
        throw UsageError("hyper endpoint save | list | remove --project P ... (see --help)");
    parseOrThrow(p, rest);
    requireProject(p);
    const QString name = p.value(QStringLiteral("name")).trimmed();
    if (action != QLatin1String("list") && name.isEmpty())
        throw UsageError("--name NAME is required");

    if (action == QLatin1String("save")) {
        lm::EndpointConfig e;
        e.name = name;
        e.baseUrl = p.value(QStringLiteral("url")).trimmed();
        if (!looksLikeUrl(e.baseUrl) || !QUrl(e.baseUrl).isValid())
            throw UsageError("--url URL is required (an http:// or https:// base URL)");
        if (looksLikeUrl(name))
            throw UsageError("--name must not be a URL");
        applyEndpointFlags(p, e);
        if (e.model.isEmpty())
            throw UsageError("--model NAME is required");
        const auto project = openProject(p);
        LmStore(*project).saveEndpoint(lm::savedFromEndpoint(e));
        if (p.isSet(QStringLiteral("json")))
            printJson({{QStringLiteral("saved"), name}});
        else
            say(QStringLiteral("saved endpoint %1").arg(name));
        return 0;
    }
    const auto project = openProject(p);
    LmStore ls(*project);
    if (action == QLatin1String("remove")) {
        if (!ls.removeEndpoint(name))
            throw UsageError(QStringLiteral("no saved endpoint '%1'").arg(name).toStdString());
        if (p.isSet(QStringLiteral("json")))
            printJson({{QStringLiteral("removed"), name}});
        else
            say(QStringLiteral("removed endpoint %1").arg(name));
        return 0;
    }
    QJsonArray list;
    for (const SavedEndpoint &e : ls.endpoints()) {
        list.append(QJsonObject{{QStringLiteral("name"), e.name},
                                {QStringLiteral("url"), e.baseUrl},
                                {QStringLiteral("model"), e.model},
                                {QStringLiteral("api_key_env"), e.keyEnv},
                                {QStringLiteral("settings"), e.settings}});
        if (!p.isSet(QStringLiteral("json")))
            std::printf("%s\t%s\t%s\t%s\n", e.name.toUtf8().constData(), e.baseUrl.toUtf8().constData(),
                        e.model.toUtf8().constData(), e.keyEnv.toUtf8().constData());
    }
    if (p.isSet(QStringLiteral("json")))
        printJson({{QStringLiteral("endpoints"), list}});
    return 0;
}

} // namespace hyper::cli
