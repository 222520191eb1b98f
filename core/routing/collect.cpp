// SPDX-License-Identifier: GPL-3.0-or-later
// hyper ppm collect: candidate mixes measured into PPM training rows (docs/ROUTING.md,
// "Collecting"). The store is touched only on the calling thread; proxy RMs train on
// worker threads that see nothing but their bundle.
#include "core/routing/collect.h"
#include "core/routing/planner.h"
#include "core/routing/route.h"

#include "core/jobs/feedback.h"
#include "core/ml/trainer.h"
#include "core/mlbridge/mix.h"
#include "core/mlbridge/mlload.h"
#include "core/ml/job.h"
#include "core/ml/mlmodule.h"
#include "core/storage/mixqueries.h"
#include "core/storage/packstore.h"
#include "core/storage/projectstore.h"

#include <QCoreApplication>
#include <QDir>
#include <QDirIterator>
#include <QStandardPaths>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QSaveFile>

#include <QCryptographicHash>
#include <cstring>
#include <QElapsedTimer>
#include <QJsonDocument>
#include <QJsonObject>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <unordered_set>

namespace hyper::routing {

namespace {

// Separate random streams per purpose, so that adding one never shifts another.
constexpr std::uint32_t kBudgetStream = 0x62756467; // "budg"
constexpr std::uint32_t kSetStream = 0x63616e64; // "cand"
constexpr std::uint32_t kRmStream = 0x726d7364; // "rmsd"

std::mt19937_64 streamRng(quint64 seed, std::uint64_t index, std::uint32_t stream)
{
    // seed_seq and mt19937_64 are specified exactly by the standard: the same stream
    // with every standard library.
    std::seed_seq seq { std::uint32_t(seed), std::uint32_t(seed >> 32), std::uint32_t(index),
        std::uint32_t(index >> 32), stream };
    return std::mt19937_64(seq);
}

enum class Metric { Rm, Agreement };

struct MetricSpec {
    Metric kind = Metric::Rm;
    QString source; // agreement: gold | human | lm
};

MetricSpec parseMetric(const QString &text)
{
    MetricSpec m;
    if (text == QLatin1String("rm"))
        return m;
    if (text.startsWith(QLatin1String("agreement:"))) {
        m.kind = Metric::Agreement;
        m.source = text.mid(10);
        if (m.source == QLatin1String("gold") || m.source == QLatin1String("human")
            || m.source == QLatin1String("lm"))
            return m;
        throw CollectError(
            "unknown agreement source '" + m.source.toStdString() + "' (expected gold, human or lm)");
    }
    throw CollectError(
        "unknown metric '" + text.toStdString() + "' (expected rm or agreement:gold|human|lm)");
}

const std::vector<int> &sourceVotes(const MixInstance &m, const QString &source)
{
    if (source == QLatin1String("gold"))
        return m.goldVotes;
    return source == QLatin1String("human") ? m.humanVotes : m.lmVotes;
}

QByteArray bitsBlob(const Bits &bits)
{
    return QByteArray(
        reinterpret_cast<const char *>(bits.data()), qsizetype(bits.size() * sizeof(std::uint64_t)));
}

/** What the rows depend on besides metric, seed and matrix: the resume key. */
QString configKey(const MetricSpec &metric, const ml::TrainConfig &rm, CountMode mode)
{
    QJsonObject c;
    c.insert(QStringLiteral("count_mode"), countModeName(mode));
    if (mode == CountMode::ReferenceCompat) // strict tags, ties out of the counts (issue 20)
        c.insert(QStringLiteral("reference_rules"), 2);
    // 2: the sampler's inner draws from xoshiro256** (issue 17). Candidate i of a seed is
    // another set than in earlier builds, so their datasets (no "sampler") are not resumed.
    c.insert(QStringLiteral("sampler"), 2);
    if (metric.kind == Metric::Rm) {
        QJsonObject r = QJsonDocument::fromJson(QByteArray::fromStdString(ml::configJson(rm))).object();
        r.remove(QStringLiteral("seed")); // per candidate, derived from (seed, index)
        c.insert(QStringLiteral("rm"), r);
    }
    return QString::fromUtf8(QJsonDocument(c).toJson(QJsonDocument::Compact));
}

/** Token ids of every train instance's texts, computed once for all candidates. */
struct TrainTokens {
    std::vector<std::vector<std::int64_t>> prompt, a, b;
};

TrainTokens tokenizeTrain(const std::vector<MixInstance> &train, const ml::TrainConfig &config)
{
    const bool bag = config.model == "bag";
    auto ids = [&](const std::string &text) {
        return bag ? ml::bagIds(text, config.tokenizer) : ml::sequenceIds(text, config.tokenizer);
    };
    TrainTokens t;
    t.prompt.reserve(train.size());
    t.a.reserve(train.size());
    t.b.reserve(train.size());
    for (const MixInstance &m : train) {
        t.prompt.push_back(ids(m.prompt));
        t.a.push_back(ids(m.responseA));
        t.b.push_back(ids(m.responseB));
    }
    return t;
}

/** The train pairs of a mix as ml::tokenizePairs(mixTrainPairs(...)) gives them, from
 *  the cached token ids. */
ml::TokenizedPairs assemblePairs(const TrainTokens &tokens, const std::vector<MixChoice> &choices)
{
    ml::TokenizedPairs t;
    t.margin.reserve(choices.size());
    t.subset.reserve(choices.size());
    for (const MixChoice &c : choices) {
        const bool aBetter = c.label < 0; // the scale's frame: negative prefers A
        t.prompt.append(tokens.prompt[c.index]);
        t.chosen.append(aBetter ? tokens.a[c.index] : tokens.b[c.index]);
        t.rejected.append(aBetter ? tokens.b[c.index] : tokens.a[c.index]);
        t.margin.push_back(c.clear ? kMixClearMargin : 0.0f);
        t.subset.push_back(0);
    }
    if (!choices.empty())
        t.subsetNames.push_back(std::string()); // train pairs have subset ""
    return t;
}

struct Job {
    PpmRow row;
    ml::Bundle bundle;
    qint64 runId = 0;
    double prepareSeconds = 0;
};

struct Outcome {
    enum class Status { Done, Canceled, Failed };
    Job job;
    Status status = Status::Done;
    ml::TrainResult result;
    QString error;
};

/**
 * Worker threads that train proxy RMs. LibTorch draws a new model's initial weights from
 * its one global generator right after trainBundle() seeds it (torch::manual_seed), so
 * two runs starting at once would interleave their draws. Each run therefore holds
 * m_initMutex from its start until trainBundle first polls for cancellation, which it
 * does after the model is built and before the first batch; the bag model draws nothing
 * random after that point. The transformer does (dropout) and runs with one worker.
 */
class RmPool
{
public:
    RmPool(int workers, Feedback &feedback)
        : m_feedback(feedback)
    {
        for (int i = 0; i < workers; ++i)
            m_threads.emplace_back([this] { work(); });
    }
    ~RmPool()
    {
        m_stop = true; // a run still going (an error on the calling thread) stops early
        {
            std::lock_guard<std::mutex> lock(m_mutex);
            m_closing = true;
        }
        m_todoReady.notify_all();
        for (std::thread &t : m_threads)
            t.join();
    }
    RmPool(const RmPool &) = delete;
    RmPool &operator=(const RmPool &) = delete;

    void submit(Job job)
    {
        {
            std::lock_guard<std::mutex> lock(m_mutex);
            m_todo.push_back(std::move(job));
        }
        m_todoReady.notify_one();
    }

    /** Stops the runs in flight at their next batch. */
    void stop() { m_stop = true; }

    /** The next finished run, or nothing after `wait`. */
    std::optional<Outcome> next(std::chrono::milliseconds wait)
    {
        std::unique_lock<std::mutex> lock(m_mutex);
        if (!m_doneReady.wait_for(lock, wait, [this] { return !m_done.empty(); }))
            return std::nullopt;
        Outcome o = std::move(m_done.front());
        m_done.pop_front();
        return o;
    }

private:
    void work()
    {
        for (;;) {
            Job job;
            {
                std::unique_lock<std::mutex> lock(m_mutex);
                m_todoReady.wait(lock, [this] { return m_closing || !m_todo.empty(); });
                if (m_todo.empty())
                    return;
                job = std::move(m_todo.front());
                m_todo.pop_front();
            }
            Outcome o = train(std::move(job));
            {
                std::lock_guard<std::mutex> lock(m_mutex);
                m_done.push_back(std::move(o));
            }
            m_doneReady.notify_all();
        }
    }

    Outcome train(Job job)
    {
        Outcome o;
        std::unique_lock<std::mutex> init(m_initMutex); // released at the first poll (see above)
        ml::TrainCallbacks callbacks;
        callbacks.canceled = [&] {
            if (init.owns_lock())
                init.unlock();
            return m_stop.load() || m_feedback.isCanceled();
        };
        try {
            o.result = ml::trainBundle(job.bundle, callbacks);
            o.status = o.result.status == ml::TrainResult::Status::Canceled ? Outcome::Status::Canceled
                                                                            : Outcome::Status::Done;
        } catch (const std::exception &e) {
            o.status = Outcome::Status::Failed;
            o.error = QString::fromUtf8(e.what());
        }
        if (init.owns_lock())
            init.unlock();
        job.bundle = {}; // the tokens are not needed any more
        o.job = std::move(job);
        return o;
    }

    Feedback &m_feedback;
    std::vector<std::thread> m_threads;
    std::mutex m_mutex, m_initMutex;
    std::condition_variable m_todoReady, m_doneReady;
    std::deque<Job> m_todo;
    std::deque<Outcome> m_done;
    bool m_closing = false;
    std::atomic<bool> m_stop { false };
};

/** One collection run; collectPpmData() is its public face. */
class Collector
{
public:
    Collector(ProjectStore &store, const CollectParams &params, Feedback &feedback,
        const std::function<void(int, const PpmRow &)> &onRow)
        : m_store(store)
        , m_params(params)
        , m_feedback(feedback)
        , m_onRow(onRow)
    {
    }

    CollectResult run();
    SlurmJob writeJob(const SlurmOptions &options);
    SlurmImport importJob(const QString &dir, const QJsonObject &manifest);

private:
    struct Candidate {
        PpmRow row;
        std::vector<MixChoice> choices;
    };

    void prepare();
    /** The collection keyed by (metric, seed, config, matrix), created when new. */
    qint64 findOrCreateDataset(const QString &config, const QString &hash, bool *created);
    Candidate candidate(int index);
    void measureAgreement(const std::vector<int> &pending);
    void measureRm(const std::vector<int> &pending);
    void store(PpmRow row);
    void fail(int index, const QString &message);
    void progress(int index, const QString &what);

    ProjectStore &m_store;
    const CollectParams &m_params;
    Feedback &m_feedback;
    const std::function<void(int, const PpmRow &)> &m_onRow;

    MetricSpec m_metric;
    ml::TrainConfig m_rm;
    FeatureMatrix m_matrix;
    std::vector<std::int64_t> m_budgets;
    std::vector<std::int64_t> m_trainIndex; // matrix index -> index into m_train, -1 when absent
    std::vector<MixInstance> m_train;
    std::vector<std::optional<int>> m_sourceLabels; // agreement
    TrainTokens m_tokens; // rm
    ml::TokenizedPairs m_eval; // rm
    std::unique_ptr<CandidateSampler> m_sampler;
    CollectResult m_result;
    int m_done = 0, m_total = 0;
};

void Collector::prepare()
{
    if (m_params.candidates < 0)
        throw CollectError("the number of candidates must not be negative");
    m_metric = parseMetric(m_params.metric);
    const bool reference = m_params.countMode == CountMode::ReferenceCompat;
    m_matrix = FeatureMatrix::fromStore(m_store, reference);
    if (m_matrix.features() == 0)
        throw CollectError(m_store.path().toStdString() + " has no features: run 'hyper features' first");
    if (reference && !m_matrix.hasScores())
        throw CollectError(m_store.path().toStdString()
                           + " has no stored scores, which reference counts recompute: run 'hyper features' again");
    if (m_matrix.instances() == 0)
        throw CollectError(m_store.path().toStdString() + " has no train instances");
    if (reference) {
        // The reference's rules: strict tag matching, ties out of each mix's counts.
        prepareReferenceMatrix(m_store, m_matrix);
        m_matrix.setCountMode(CountMode::ReferenceCompat);
    }
    m_train = loadMixInstances(m_store, Split::Train);
    m_trainIndex.assign(std::size_t(m_matrix.instances()), -1);
    for (std::size_t k = 0, t = 0; k < m_trainIndex.size(); ++k) {
        while (t < m_train.size() && m_train[t].id < m_matrix.ids()[k])
            ++t;
        if (t < m_train.size() && m_train[t].id == m_matrix.ids()[k])
            m_trainIndex[k] = std::int64_t(t);
    }
    m_rm = m_params.rm;
    m_rm.threads = 1;
    m_rm.seed = 0;
    if (m_metric.kind == Metric::Agreement) {
        bool any = false;
        for (const MixInstance &m : m_train) {
            m_sourceLabels.push_back(resolvedLabel(sourceVotes(m, m_metric.source)));
            any = any || m_sourceLabels.back().has_value();
        }
        if (!any)
            throw CollectError("no train instance has a usable (non-tie) " + m_metric.source.toStdString()
                + " label to agree with");
    } else {
        try {
            m_rm.validate();
            loadMlModule(m_feedback);
            ml::resolveDevice(m_rm.device);
        } catch (const ml::MlModuleError &) {
            throw;
        } catch (const ml::TrainError &e) {
            throw CollectError(e.what());
        }
        const std::vector<ml::PairText> eval = mixEvalPairs(loadMixInstances(m_store, Split::Eval));
        if (eval.empty())
            throw CollectError(
                "the eval split has no labelled (non-tie) instance to evaluate the proxy RMs on");
        m_eval = ml::tokenizePairs(eval, m_rm);
    }
    m_budgets = candidateBudgets(m_params.seed, m_params.candidates, m_matrix.instances());
    m_sampler = std::make_unique<CandidateSampler>(m_matrix);
}

qint64 Collector::findOrCreateDataset(const QString &config, const QString &hash, bool *created)
{
    if (const std::optional<qint64> id = findCollectDataset(m_store, m_params.metric, m_params.seed, config, hash))
        return *id;
    PpmDataset d;
    d.kind = QStringLiteral("collect");
    d.metric = m_params.metric;
    d.seed = m_params.seed;
    d.config = config;
    d.features = m_matrix.names();
    d.matrixHash = hash;
    d.instances = m_matrix.instances();
    *created = true;
    return createDataset(m_store, d);
}

Collector::Candidate Collector::candidate(int index)
{
    Candidate c;
    c.row.index = index;
    c.row.budget = m_budgets[std::size_t(index)];
    std::mt19937_64 rng = candidateRng(m_params.seed, index);
    Bits set;
    c.row.size = m_sampler->sample(rng, set, c.row.budget);
    // In the matrix's mode; reference mode counts what the reference's mix keeps of S (the
    // human ties leave it).
    std::vector<std::int64_t> counts(std::size_t(m_matrix.features()));
    countFor(m_matrix, set, counts.data());
    c.row.counts.assign(counts.begin(), counts.end());
    c.row.human = bitsBlob(set);
    std::vector<char> mask(m_train.size(), 0);
    for (std::int64_t k = 0; k < m_matrix.instances(); ++k)
        if (testBit(set, k) && m_trainIndex[std::size_t(k)] >= 0)
            mask[std::size_t(m_trainIndex[std::size_t(k)])] = 1;
    c.choices = mixChoices(m_train, mask);
    return c;
}

void Collector::store(PpmRow row)
{
    insertPpmRow(m_store, m_result.datasetId, row);
    ++m_result.measured;
    progress(row.index, QStringLiteral("score %1").arg(row.score, 0, 'f', 4));
    if (m_onRow)
        m_onRow(row.index, row);
}

void Collector::fail(int index, const QString &message)
{
    ++m_result.failed;
    m_result.errors << QStringLiteral("candidate %1: %2").arg(index).arg(message);
    progress(index, QStringLiteral("failed"));
}

void Collector::progress(int index, const QString &what)
{
    ++m_done;
    m_feedback.setProgress(m_total > 0 ? double(m_done) / m_total : 1.0,
        QStringLiteral("candidate %1 (%2/%3): %4").arg(index).arg(m_done).arg(m_total).arg(what));
}

void Collector::measureAgreement(const std::vector<int> &pending)
{
    for (int index : pending) {
        if (m_feedback.isCanceled())
            throw Canceled {};
        QElapsedTimer timer;
        timer.start();
        Candidate c = candidate(index);
        if (c.choices.empty()) {
            fail(index, QStringLiteral("the mix is empty: no instance has a usable label"));
            continue;
        }
        qint64 both = 0, agree = 0;
        for (const MixChoice &choice : c.choices) {
            const std::optional<int> &s = m_sourceLabels[choice.index];
            if (!s)
                continue;
            ++both;
            agree += (choice.label < 0) == (*s < 0) ? 1 : 0;
        }
        if (both == 0) {
            fail(index,
                QStringLiteral("no instance has both a mix label and a %1 label").arg(m_metric.source));
            continue;
        }
        c.row.score = double(agree) / double(both);
        c.row.seconds = double(timer.nsecsElapsed()) / 1e9;
        store(std::move(c.row));
    }
}

void Collector::measureRm(const std::vector<int> &pending)
{
    if (pending.empty())
        return;
    int workers
        = m_params.workers > 0 ? m_params.workers : int(std::max(1u, std::thread::hardware_concurrency()));
    if (m_rm.model != "bag" || ml::resolveDevice(m_rm.device) != "cpu")
        workers = 1; // see CollectParams::workers
    workers = std::max(1, std::min(workers, int(pending.size())));
    m_tokens = tokenizeTrain(m_train, m_rm);

    RmPool pool(workers, m_feedback);
    std::size_t next = 0;
    int inFlight = 0;
    bool canceled = false;
    auto dispatch = [&] {
        canceled = canceled || m_feedback.isCanceled();
        while (!canceled && inFlight < workers && next < pending.size()) {
            const int index = pending[next++];
            QElapsedTimer timer;
            timer.start();
            Candidate c = candidate(index);
            if (c.choices.empty()) {
                fail(index, QStringLiteral("the mix is empty: no instance has a usable label"));
                continue;
            }
            Job job;
            job.bundle.config = m_rm;
            job.bundle.config.seed = candidateRmSeed(m_params.seed, index);
            job.bundle.train = assemblePairs(m_tokens, c.choices);
            job.bundle.eval = m_eval;
            job.row = std::move(c.row);
            job.runId
                = insertRmRun(m_store, QStringLiteral("candidate:%1/%2").arg(m_result.datasetId).arg(index),
                    QString::fromStdString(m_rm.model),
                    QString::fromStdString(ml::configJson(job.bundle.config)));
            job.row.rmRunId = job.runId;
            job.prepareSeconds = double(timer.nsecsElapsed()) / 1e9;
            pool.submit(std::move(job));
            ++inFlight;
        }
    };
    dispatch();
    while (inFlight > 0) {
        std::optional<Outcome> o = pool.next(std::chrono::milliseconds(100));
        if (!canceled && m_feedback.isCanceled()) {
            canceled = true;
            pool.stop();
        }
        if (!o)
            continue;
        --inFlight;
        const ml::TrainResult &r = o->result;
        const QString metrics
            = o->status == Outcome::Status::Failed ? QString() : QString::fromStdString(ml::metricsJson(r));
        const QString device = QString::fromStdString(r.device);
        switch (o->status) {
        case Outcome::Status::Done:
            finishRmRun(m_store, o->job.runId, QStringLiteral("done"), metrics, device, r.seconds);
            o->job.row.score = r.scores.overall;
            o->job.row.seconds = o->job.prepareSeconds + r.seconds;
            store(std::move(o->job.row));
            break;
        case Outcome::Status::Canceled:
            finishRmRun(m_store, o->job.runId, QStringLiteral("canceled"), metrics, device, r.seconds);
            break;
        case Outcome::Status::Failed:
            finishRmRun(m_store, o->job.runId, QStringLiteral("failed"), {}, {}, 0.0, o->error);
            fail(o->job.row.index, o->error);
            break;
        }
        dispatch();
    }
    if (canceled)
        throw Canceled {};
}

CollectResult Collector::run()
{
    QElapsedTimer timer;
    timer.start();
    prepare();
    const QString config = configKey(m_metric, m_rm, m_params.countMode);
    const QString hash = matrixHash(m_matrix);
    m_result.requested = m_params.candidates;
    bool created = false;
    m_result.datasetId = findOrCreateDataset(config, hash, &created);
    // A dataset this call created and left without a row is not worth keeping.
    auto dropIfEmpty = [&] {
        if (created && ppmRowIndices(m_store, m_result.datasetId).empty()) {
            deletePpmDataset(m_store, m_result.datasetId);
            m_result.datasetId = 0;
        }
    };
    try {
        std::vector<int> pending;
        const std::vector<int> stored = ppmRowIndices(m_store, m_result.datasetId);
        const std::unordered_set<int> have(stored.begin(), stored.end());
        for (int i = 0; i < m_params.candidates; ++i) {
            if (have.count(i))
                ++m_result.reused;
            else
                pending.push_back(i);
        }
        m_total = int(pending.size());
        m_feedback.setProgress(
            0.0, QStringLiteral("%1 to measure, %2 stored").arg(m_total).arg(m_result.reused));
        if (m_metric.kind == Metric::Agreement)
            measureAgreement(pending);
        else
            measureRm(pending);
    } catch (...) {
        try {
            dropIfEmpty();
        } catch (const StoreError &) {
            // the original error is the one to report
        }
        throw;
    }
    dropIfEmpty();
    m_feedback.setProgress(1.0,
        QStringLiteral("%1 measured, %2 reused, %3 failed")
            .arg(m_result.measured)
            .arg(m_result.reused)
            .arg(m_result.failed));
    m_result.seconds = double(timer.nsecsElapsed()) / 1e9;
    return m_result;
}

namespace {

QJsonObject readManifest(const QString &dir)
{
    QFile f(QDir(dir).filePath(QStringLiteral("manifest.json")));
    if (!f.open(QIODevice::ReadOnly))
        throw CollectError(dir.toStdString() + " is not a job folder of 'hyper ppm collect --slurm-dir' (no manifest.json)");
    QJsonParseError error{};
    const QJsonObject m = QJsonDocument::fromJson(f.readAll(), &error).object();
    if (error.error != QJsonParseError::NoError || m.value(QStringLiteral("format")).toString() != QLatin1String("hyper-slurm-collect@1"))
        throw CollectError(f.fileName().toStdString() + ": not a job manifest this version reads");
    return m;
}

void writeText(const QString &path, const QByteArray &text)
{
    QSaveFile f(path);
    if (!f.open(QIODevice::WriteOnly) || f.write(text) != text.size() || !f.commit())
        throw CollectError("cannot write " + path.toStdString());
}

/** "0-4,7,9-12" from sorted indices, each range as sbatch --array reads it. */
QString arraySpec(const std::vector<int> &indices)
{
    QStringList parts;
    for (std::size_t i = 0; i < indices.size();) {
        std::size_t j = i;
        while (j + 1 < indices.size() && indices[j + 1] == indices[j] + 1)
            ++j;
        parts << (i == j ? QString::number(indices[i]) : QStringLiteral("%1-%2").arg(indices[i]).arg(indices[j]));
        i = j + 1;
    }
    return parts.join(QLatin1Char(','));
}

QString logTail(const QString &path, int lines)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    QStringList all = QString::fromUtf8(f.readAll()).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    return all.mid(std::max<qsizetype>(0, all.size() - lines)).join(QStringLiteral(" / "));
}

qint64 folderBytes(const QString &dir)
{
    qint64 n = 0;
    QDirIterator it(dir, QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        it.next();
        n += it.fileInfo().size();
    }
    return n;
}

} // namespace

SlurmJob Collector::writeJob(const SlurmOptions &options)
{
    prepare();
    if (m_metric.kind != Metric::Rm)
        throw CollectError("a Slurm job trains proxy RMs: use --metric rm");
    if (options.trainCommand.isEmpty() || !QFileInfo(options.trainCommand).isAbsolute())
        throw CollectError("the job needs the absolute path of hyper-train on the nodes (--train-command)");
    const QString config = configKey(m_metric, m_rm, m_params.countMode);
    const QString hash = matrixHash(m_matrix);
    std::unordered_set<int> have;
    if (const std::optional<qint64> id = findCollectDataset(m_store, m_params.metric, m_params.seed, config, hash))
        for (int i : ppmRowIndices(m_store, *id))
            have.insert(i);
    const QDir dir(QFileInfo(options.dir).absoluteFilePath()); // the nodes run elsewhere
    for (const char *sub : {"tasks", "logs", "results"})
        if (!QDir().mkpath(dir.filePath(QLatin1String(sub))))
            throw CollectError("cannot create " + dir.filePath(QLatin1String(sub)).toStdString());
    if (QFileInfo::exists(dir.filePath(QStringLiteral("manifest.json"))))
        throw CollectError(dir.filePath(QStringLiteral("manifest.json")).toStdString()
                           + " exists: write a new job into an empty folder");
    SlurmJob job;
    job.dir = dir.absolutePath();
    // The shared data: every train instance's texts tokenized once, as (prompt, A, B).
    m_tokens = tokenizeTrain(m_train, m_rm);
    ml::Bundle shared;
    shared.config = m_rm;
    for (std::size_t i = 0; i < m_train.size(); ++i) {
        shared.train.prompt.append(m_tokens.prompt[i]);
        shared.train.chosen.append(m_tokens.a[i]);
        shared.train.rejected.append(m_tokens.b[i]);
        shared.train.margin.push_back(0);
        shared.train.subset.push_back(0);
    }
    shared.train.subsetNames.push_back(std::string());
    shared.eval = m_eval;
    ml::saveBundle(shared, dir.filePath(QStringLiteral("data.bundle")).toStdString());

    QJsonArray tasks;
    std::vector<int> indices;
    for (int index = 0; index < m_params.candidates; ++index) {
        if (m_feedback.isCanceled())
            throw Canceled{};
        if (have.count(index)) {
            ++job.stored;
            continue;
        }
        Candidate c = candidate(index);
        if (c.choices.empty()) {
            job.errors << QStringLiteral("candidate %1: the mix is empty: no instance has a usable label").arg(index);
            continue;
        }
        ml::TaskSpec spec;
        spec.task = index;
        spec.seed = candidateRmSeed(m_params.seed, index);
        spec.budget = c.row.budget;
        spec.size = c.row.size;
        for (const MixChoice &choice : c.choices)
            spec.choices.push_back({std::int64_t(choice.index), choice.label < 0, choice.clear ? kMixClearMargin : 0.0f});
        ml::writeTaskSpec(spec, dir.filePath(QStringLiteral("tasks/%1.txt").arg(index)).toStdString());
        tasks.append(QJsonObject{{QStringLiteral("index"), index}, {QStringLiteral("budget"), qint64(c.row.budget)},
                                 {QStringLiteral("size"), qint64(c.row.size)}});
        indices.push_back(index);
        m_feedback.setProgress(double(index + 1) / double(std::max(1, m_params.candidates)),
                               QStringLiteral("task %1").arg(index));
    }
    if (indices.empty())
        throw CollectError("nothing to run: every candidate is stored already or has an empty mix");
    const QJsonObject manifest{
        {QStringLiteral("format"), QStringLiteral("hyper-slurm-collect@1")},
        {QStringLiteral("project_uuid"), packs::projectUuid(m_store)},
        {QStringLiteral("project"), QFileInfo(m_store.path()).absoluteFilePath()},
        {QStringLiteral("matrix_hash"), hash},
        {QStringLiteral("metric"), m_params.metric},
        {QStringLiteral("seed"), QString::number(m_params.seed)},
        {QStringLiteral("candidates"), m_params.candidates},
        {QStringLiteral("config"), config},
        {QStringLiteral("rm"), QJsonDocument::fromJson(QByteArray::fromStdString(ml::configJson(m_rm))).object()},
        {QStringLiteral("tasks"), tasks},
        {QStringLiteral("created"), QDateTime::currentDateTimeUtc().toString(Qt::ISODate)}};
    writeText(dir.filePath(QStringLiteral("manifest.json")), QJsonDocument(manifest).toJson());

    job.tasks = int(indices.size());
    job.script = dir.filePath(QStringLiteral("collect.sbatch"));
    const QString logs = dir.filePath(QStringLiteral("logs"));
    QStringList s{QStringLiteral("#!/bin/bash"),
                  QStringLiteral("# HyPER Workbench: %1 proxy reward models of a PPM collection (docs/CLUSTER.md).")
                      .arg(job.tasks),
                  QStringLiteral("#SBATCH --job-name=hyper-collect"),
                  QStringLiteral("#SBATCH --array=%1%2").arg(arraySpec(indices),
                      options.arrayLimit > 0 ? QStringLiteral("%%1").arg(options.arrayLimit) : QString()),
                  QStringLiteral("#SBATCH --output=%1/task-%a.out").arg(logs),
                  QStringLiteral("#SBATCH --error=%1/task-%a.err").arg(logs),
                  QStringLiteral("#SBATCH --cpus-per-task=%1").arg(std::max(1, options.cpusPerTask))};
    if (!options.partition.isEmpty())
        s << QStringLiteral("#SBATCH --partition=%1").arg(options.partition);
    if (!options.gres.isEmpty())
        s << QStringLiteral("#SBATCH --gres=%1").arg(options.gres);
    if (!options.time.isEmpty())
        s << QStringLiteral("#SBATCH --time=%1").arg(options.time);
    if (!options.mem.isEmpty())
        s << QStringLiteral("#SBATCH --mem=%1").arg(options.mem);
    s << QString() << QStringLiteral("exec \"%1\" --job \"%2\" --task \"$SLURM_ARRAY_TASK_ID\" --device auto")
                           .arg(options.trainCommand, job.dir)
      << QString();
    writeText(job.script, s.join(QLatin1Char('\n')).toUtf8());
    QFile::setPermissions(job.script, QFile::permissions(job.script) | QFileDevice::ExeOwner);
    job.sbatch = QStringLiteral("sbatch %1").arg(job.script);
    job.bytes = folderBytes(job.dir);
    return job;
}

SlurmImport Collector::importJob(const QString &dir, const QJsonObject &manifest)
{
    prepare();
    const QString config = configKey(m_metric, m_rm, m_params.countMode);
    const QString hash = matrixHash(m_matrix);
    const QString uuid = packs::projectUuid(m_store);
    if (manifest.value(QStringLiteral("project_uuid")).toString() != uuid)
        throw CollectError(dir.toStdString() + " belongs to another project ("
                           + manifest.value(QStringLiteral("project")).toString().toStdString() + ", "
                           + manifest.value(QStringLiteral("project_uuid")).toString().toStdString() + ")");
    if (manifest.value(QStringLiteral("matrix_hash")).toString() != hash)
        throw CollectError(dir.toStdString()
                           + " was written for another feature matrix: the features or the train split changed since");
    if (manifest.value(QStringLiteral("config")).toString() != config)
        throw CollectError(dir.toStdString() + " was written with another proxy RM config");
    SlurmImport out;
    out.status = slurmStatus(dir);
    bool created = false;
    m_result.datasetId = findOrCreateDataset(config, hash, &created);
    out.datasetId = m_result.datasetId;
    const std::vector<int> stored = ppmRowIndices(m_store, m_result.datasetId);
    const std::unordered_set<int> have(stored.begin(), stored.end());
    const QDir results(QDir(dir).filePath(QStringLiteral("results")));
    for (const QJsonValue &t : manifest.value(QStringLiteral("tasks")).toArray()) {
        const int index = t.toObject().value(QStringLiteral("index")).toInt();
        QFile f(results.filePath(QStringLiteral("%1.json").arg(index)));
        if (!f.open(QIODevice::ReadOnly))
            continue; // missing or failed: in the status
        if (have.count(index)) {
            ++out.already;
            continue;
        }
        const QByteArray metrics = f.readAll().trimmed();
        const QJsonObject m = QJsonDocument::fromJson(metrics).object();
        if (m.value(QStringLiteral("task")).toInt(-1) != index || !m.contains(QStringLiteral("score")))
            throw CollectError(f.fileName().toStdString() + ": not the result of task " + std::to_string(index));
        Candidate c = candidate(index);
        c.row.score = m.value(QStringLiteral("score")).toDouble(); // %.17g: the exact double
        c.row.seconds = m.value(QStringLiteral("seconds")).toDouble();
        ml::TrainConfig rc = m_rm;
        rc.seed = candidateRmSeed(m_params.seed, index);
        const qint64 run = insertRmRun(m_store, QStringLiteral("candidate:%1/%2").arg(m_result.datasetId).arg(index),
                                       QString::fromStdString(m_rm.model), QString::fromStdString(ml::configJson(rc)));
        finishRmRun(m_store, run, QStringLiteral("done"), QString::fromUtf8(metrics),
                    m.value(QStringLiteral("device")).toString(), c.row.seconds);
        c.row.rmRunId = run;
        insertPpmRow(m_store, m_result.datasetId, c.row);
        ++out.imported;
    }
    if (created && out.imported == 0) {
        deletePpmDataset(m_store, m_result.datasetId);
        out.datasetId = 0;
    }
    return out;
}

} // namespace

QString findTrainCommand()
{
    const QDir here(QCoreApplication::applicationDirPath());
    for (const QString &candidate : {here.filePath(QStringLiteral("hyper-train")), here.filePath(QStringLiteral("../train/hyper-train"))})
        if (QFileInfo(candidate).isExecutable())
            return QFileInfo(candidate).canonicalFilePath();
    return QStandardPaths::findExecutable(QStringLiteral("hyper-train"));
}

SlurmJob writeSlurmJob(ProjectStore &store, const CollectParams &params, const SlurmOptions &options, Feedback &feedback)
{
    return Collector(store, params, feedback, {}).writeJob(options);
}

SlurmStatus slurmStatus(const QString &dir)
{
    const QJsonObject manifest = readManifest(dir);
    const QDir d(dir);
    SlurmStatus s;
    for (const QJsonValue &t : manifest.value(QStringLiteral("tasks")).toArray()) {
        const int index = t.toObject().value(QStringLiteral("index")).toInt();
        ++s.tasks;
        if (QFileInfo::exists(d.filePath(QStringLiteral("results/%1.json").arg(index)))) {
            ++s.done;
            continue;
        }
        const QString log = logTail(d.filePath(QStringLiteral("logs/task-%1.err").arg(index)), 3);
        QFile error(d.filePath(QStringLiteral("results/%1.error").arg(index)));
        if (error.open(QIODevice::ReadOnly)) {
            ++s.failed;
            s.problems << QStringLiteral("task %1: failed: %2%3").arg(index).arg(QString::fromUtf8(error.readAll()).trimmed(),
                                                                           log.isEmpty() ? QString() : QStringLiteral(" | log: ") + log);
        } else {
            ++s.missing;
            s.problems << QStringLiteral("task %1: missing%2").arg(index).arg(log.isEmpty() ? QString() : QStringLiteral(" | log: ") + log);
        }
    }
    return s;
}

SlurmImport importSlurmResults(ProjectStore &store, const QString &dir, Feedback &feedback)
{
    const QJsonObject manifest = readManifest(dir);
    CollectParams params;
    params.metric = manifest.value(QStringLiteral("metric")).toString();
    params.seed = manifest.value(QStringLiteral("seed")).toString().toULongLong();
    params.candidates = manifest.value(QStringLiteral("candidates")).toInt();
    const QJsonObject rm = manifest.value(QStringLiteral("rm")).toObject();
    params.rm = ml::TrainConfig::defaults(rm.value(QStringLiteral("model")).toString().toStdString());
    params.rm.epochs = rm.value(QStringLiteral("epochs")).toInt(params.rm.epochs);
    params.rm.device = rm.value(QStringLiteral("device")).toString().toStdString();
    params.rm.useMargin = rm.value(QStringLiteral("margin")).toBool(params.rm.useMargin);
    // The job's counts were taken in the mode its config names (older jobs: default).
    const QString mode = QJsonDocument::fromJson(manifest.value(QStringLiteral("config")).toString().toUtf8())
                             .object().value(QStringLiteral("count_mode")).toString();
    params.countMode = parseCountMode(mode).value_or(CountMode::Default);
    return Collector(store, params, feedback, {}).importJob(dir, manifest);
}

CollectResult collectPpmData(ProjectStore &store, const CollectParams &params, Feedback &feedback,
    const std::function<void(int index, const PpmRow &row)> &onRow)
{
    return Collector(store, params, feedback, onRow).run();
}

std::vector<std::int64_t> candidateBudgets(quint64 seed, int k, std::int64_t n)
{
    std::vector<std::int64_t> out;
    if (k <= 0)
        return out;
    out.reserve(std::size_t(k));
    if (n <= 0) {
        out.assign(std::size_t(k), 0);
        return out;
    }
    // A lazy Fisher-Yates over 0..n-1: position i is fixed by the i-th draw alone, so the
    // first K budgets never depend on K.
    std::mt19937_64 rng = streamRng(seed, 0, kBudgetStream);
    std::unordered_map<std::int64_t, std::int64_t> moved;
    auto at = [&](std::int64_t x) {
        const auto it = moved.find(x);
        return it == moved.end() ? x : it->second;
    };
    for (int i = 0; i < k; ++i) {
        if (i < n) {
            const std::int64_t j = i + std::int64_t(boundedDraw(rng, std::uint64_t(n - i)));
            const std::int64_t vi = at(i), vj = at(j);
            moved[j] = vi;
            moved[i] = vj;
            out.push_back(vj + 1);
        } else {
            std::mt19937_64 extra = streamRng(seed, std::uint64_t(i), kBudgetStream);
            out.push_back(1 + std::int64_t(boundedDraw(extra, std::uint64_t(n))));
        }
    }
    return out;
}

std::mt19937_64 candidateRng(quint64 seed, int index)
{
    return streamRng(seed, std::uint64_t(index), kSetStream);
}

std::uint64_t candidateRmSeed(quint64 seed, int index)
{
    std::mt19937_64 rng = streamRng(seed, std::uint64_t(index), kRmStream);
    return rng() >> 1; // below 2^63: the run's config JSON shows it as written
}

QString matrixHash(const FeatureMatrix &matrix)
{
    QCryptographicHash hash(QCryptographicHash::Sha256);
    auto addU64 = [&](std::uint64_t v) {
        hash.addData(QByteArrayView(reinterpret_cast<const char *>(&v), sizeof v));
    };
    addU64(std::uint64_t(matrix.features()));
    for (const QString &name : matrix.names()) {
        const QByteArray u = name.toUtf8();
        addU64(std::uint64_t(u.size()));
        hash.addData(u);
    }
    addU64(std::uint64_t(matrix.instances()));
    for (std::int64_t id : matrix.ids())
        addU64(std::uint64_t(id));
    for (int f = 0; f < matrix.features(); ++f)
        for (std::uint64_t w : matrix.bits(f))
            addU64(w);
    // Reference counts read the raw scores: loaded (reference mode), they are part of the
    // key, so that recomputed scores start a new dataset even where no bin changed.
    for (const QString &score : matrix.scoreNames()) {
        const QByteArray u = score.toUtf8();
        addU64(std::uint64_t(u.size()));
        hash.addData(u);
        for (double v : *matrix.scores(score)) {
            std::uint64_t bits = 0;
            std::memcpy(&bits, &v, sizeof bits);
            addU64(bits);
        }
    }
    // Reference counts leave the human ties out: the tie flags (from the labels) too.
    const FeatureMatrix::ReferenceMix &mix = matrix.referenceMix();
    if (!mix.humanTie.empty() || !mix.lmTie.empty()) {
        hash.addData("ties");
        for (const Bits *b : {&mix.humanTie, &mix.lmTie}) {
            addU64(std::uint64_t(b->size()));
            for (std::uint64_t w : *b)
                addU64(w);
        }
    }
    return QString::fromLatin1(hash.result().toHex());
}

std::vector<qint64> subsetIds(const FeatureMatrix &matrix, const Bits &subset)
{
    std::vector<qint64> out;
    for (std::int64_t k = 0; k < matrix.instances(); ++k)
        if (std::size_t(k >> 6) < subset.size() && testBit(subset, k))
            out.push_back(qint64(matrix.ids()[std::size_t(k)]));
    return out;
}

} // namespace hyper::routing
