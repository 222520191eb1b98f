// hyper ppm collect: candidate mixes measured into PPM training rows (docs/ROUTING.md,
// "Collecting"). The store is touched only on the calling thread; proxy RMs train on
// worker threads that see nothing but their bundle.
#include "core/routing/collect.h"

#include "core/jobs/feedback.h"
#include "core/ml/trainer.h"
#include "core/mlbridge/mix.h"
#include "core/storage/mixqueries.h"
#include "core/storage/projectstore.h"

#include <QCryptographicHash>
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
QString configKey(const MetricSpec &metric, const ml::TrainConfig &rm)
{
    QJsonObject c;
    c.insert(QStringLiteral("count_mode"), QStringLiteral("default"));
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

private:
    struct Candidate {
        PpmRow row;
        std::vector<MixChoice> choices;
    };

    void prepare();
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
    m_matrix = FeatureMatrix::fromStore(m_store, false);
    if (m_matrix.features() == 0)
        throw CollectError(m_store.path().toStdString() + " has no features: run 'hyper features' first");
    if (m_matrix.instances() == 0)
        throw CollectError(m_store.path().toStdString() + " has no train instances");
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
            ml::resolveDevice(m_rm.device);
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

Collector::Candidate Collector::candidate(int index)
{
    Candidate c;
    c.row.index = index;
    c.row.budget = m_budgets[std::size_t(index)];
    std::mt19937_64 rng = candidateRng(m_params.seed, index);
    Bits set;
    c.row.size = m_sampler->sample(rng, set, c.row.budget);
    for (std::int64_t v : countVector(m_matrix, set))
        c.row.counts.push_back(qint64(v));
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
    const QString config = configKey(m_metric, m_rm);
    const QString hash = matrixHash(m_matrix);
    m_result.requested = m_params.candidates;
    bool created = false;
    if (const std::optional<qint64> id
        = findCollectDataset(m_store, m_params.metric, m_params.seed, config, hash)) {
        m_result.datasetId = *id;
    } else {
        PpmDataset d;
        d.kind = QStringLiteral("collect");
        d.metric = m_params.metric;
        d.seed = m_params.seed;
        d.config = config;
        d.features = m_matrix.names();
        d.matrixHash = hash;
        d.instances = m_matrix.instances();
        m_result.datasetId = createDataset(m_store, d);
        created = true;
    }
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

} // namespace

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
