// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/features/featurejob.h"

#include "core/features/featureset.h"
#include "core/jobs/feedback.h"
#include "core/storage/projectstore.h"

#include <QCryptographicHash>
#include <QElapsedTimer>
#include <QJsonDocument>
#include <algorithm>
#include <atomic>
#include <mutex>
#include <thread>

namespace hyper {

using namespace features;

namespace {

// Bump when any score's definition changes, so that stored features are recomputed.
constexpr const char *kAlgorithmVersion = "features-v1";
// Instances per work item: small enough for even load and prompt cancel, large enough
// that the shared counter is not contended.
constexpr int kBatch = 16;

int threadCount(int requested)
{
    const int hw = int(std::max(1u, std::thread::hardware_concurrency()));
    return requested > 0 ? requested : hw;
}

// Runs fn(i) for i in [0, n) on `threads` threads (the caller's included). Only the
// calling thread reports progress, as Feedback's throttle is not thread-safe.
template <typename Fn>
void parallelFor(int n, int threads, Feedback &feedback, double from, double to, const QString &what, Fn &&fn)
{
    std::atomic<int> next{0};
    std::atomic<int> done{0};
    std::atomic<bool> failed{false};
    std::exception_ptr error;
    std::mutex errorMutex;
    auto work = [&](bool reporter) {
        try {
            while (!feedback.isCanceled() && !failed.load()) {
                const int begin = next.fetch_add(kBatch);
                if (begin >= n)
                    break;
                const int end = std::min(n, begin + kBatch);
                for (int i = begin; i < end; ++i)
                    fn(i);
                const int d = done.fetch_add(end - begin) + (end - begin);
                if (reporter)
                    feedback.setProgress(from + (to - from) * double(d) / std::max(1, n), what);
            }
        } catch (...) {
            std::lock_guard<std::mutex> lock(errorMutex);
            if (!error)
                error = std::current_exception();
            failed = true;
        }
    };
    std::vector<std::thread> helpers;
    for (int t = 1; t < std::min(threads, std::max(1, n / kBatch)); ++t)
        helpers.emplace_back(work, false);
    work(true);
    for (std::thread &t : helpers)
        t.join();
    if (error)
        std::rethrow_exception(error);
    // The helpers may have taken every batch (a busy machine): the stage's end is
    // reported here in any case, and a cancel that arrives with it is honoured.
    if (!feedback.isCanceled())
        feedback.setProgress(to, what);
    if (feedback.isCanceled())
        throw Canceled{};
}

} // namespace

ComputedFeatures computeFeatureRows(const std::vector<FeatureInputRow> &rows, const FeatureParams &params,
                                    Feedback &feedback, double progressFrom, double progressTo)
{
    const std::vector<FeatureDef> &table = featureTable();
    const int n = int(rows.size());
    const int threads = threadCount(params.threads);
    ComputedFeatures out;
    out.scores.assign(size_t(n), ScoreVector{});
    out.imported.assign(size_t(n), {});
    out.features.assign(size_t(n), {});
    std::vector<std::vector<int>> tagFeatures(static_cast<size_t>(n));
    std::vector<char> tagged(static_cast<size_t>(n), 0);

    std::shared_ptr<Encoder> encoder = params.encoder ? params.encoder : std::make_shared<HashedNgramEncoder>();
    {
        std::vector<const QString *> docs;
        docs.reserve(size_t(n) * 2);
        for (const FeatureInputRow &r : rows) {
            docs.push_back(&r.responseA);
            docs.push_back(&r.responseB);
        }
        feedback.setProgress(progressFrom, QStringLiteral("fitting the encoder"));
        encoder->fit(docs);
    }
    if (feedback.isCanceled())
        throw Canceled{};
    const double mid = progressFrom + 0.05 * (progressTo - progressFrom);

    parallelFor(n, threads, feedback, mid, progressTo, QStringLiteral("scoring instances"), [&](int i) {
        const FeatureInputRow &r = rows[size_t(i)];
        const QJsonObject meta = r.metadata.isEmpty() ? QJsonObject() : QJsonDocument::fromJson(r.metadata).object();
        ScoreVector &s = out.scores[size_t(i)];
        auto &imp = out.imported[size_t(i)];
        bool allImported = !params.recomputeImported;
        for (int k = 0; k < kScoreCount && allImported; ++k)
            allImported = importedScore(meta, Score(k)).has_value();
        if (!allImported)
            s = lexicalScores(r.prompt, r.responseA, r.responseB, *encoder);
        if (!params.recomputeImported)
            for (int k = 0; k < kScoreCount; ++k)
                if (const auto v = importedScore(meta, Score(k))) {
                    s[size_t(k)] = *v;
                    imp[size_t(k)] = true;
                }
        const QJsonObject tags = tagObject(meta);
        for (const QString &c : tagColumns())
            if (!tags.value(c).isUndefined() && !tags.value(c).isNull())
                tagged[size_t(i)] = 1;
        for (int f = kLexicalFeatureCount; f < int(table.size()); ++f)
            if (hasMetadataFeature(table[size_t(f)], tags))
                tagFeatures[size_t(i)].push_back(f);
    });

    // Bins over the whole dataset: raw values for similarities, percentile ranks for
    // lengths, inclusive on both ends (METHOD.md §3).
    std::vector<double> column(static_cast<size_t>(n));
    for (int k = 0; k < kScoreCount; ++k) {
        for (int i = 0; i < n; ++i)
            column[size_t(i)] = out.scores[size_t(i)][size_t(k)];
        const std::vector<double> binned = isLengthScore(Score(k)) ? percentileRanks(column) : column;
        for (int b = 0; b < 3; ++b) {
            const int f = k * 3 + b;
            const FeatureDef &def = table[size_t(f)];
            for (int i = 0; i < n; ++i)
                if (inBin(binned[size_t(i)], def.minVal, def.maxVal, BinTest::Inclusive))
                    out.features[size_t(i)].push_back(f);
        }
    }
    for (int i = 0; i < n; ++i) {
        auto &fs = out.features[size_t(i)];
        fs.insert(fs.end(), tagFeatures[size_t(i)].begin(), tagFeatures[size_t(i)].end());
        for (bool b : out.imported[size_t(i)])
            out.importedScores += b;
        out.taggedInstances += tagged[size_t(i)];
    }
    return out;
}

FeatureResult computeFeatures(ProjectStore &store, const FeatureParams &params, Feedback &feedback)
{
    QElapsedTimer timer;
    timer.start();
    FeatureStore fstore(store);
    feedback.setProgress(0.0, QStringLiteral("reading instances"));

    QCryptographicHash hash(QCryptographicHash::Sha256);
    const QString encoderName = params.encoder ? params.encoder->name() : HashedNgramEncoder().name();
    hash.addData(QByteArray(kAlgorithmVersion) + '\n' + encoderName.toUtf8() + '\n'
                 + (params.recomputeImported ? "recompute-imported\n" : "keep-imported\n"));
    const std::vector<FeatureInputRow> rows = fstore.loadInputs(&hash);
    const QByteArray digest = hash.result().toHex();

    FeatureResult result;
    result.instances = qint64(rows.size());
    if (!params.force && fstore.inputsHash() == digest && fstore.featureCount() > 0) {
        result.upToDate = true;
        result.features = fstore.featureNames();
        result.importedScores = fstore.importedScoreCount();
        result.seconds = double(timer.nsecsElapsed()) / 1e9;
        feedback.setProgress(1.0, QStringLiteral("features are up to date"));
        return result;
    }
    if (feedback.isCanceled())
        throw Canceled{};

    ComputedFeatures computed = computeFeatureRows(rows, params, feedback, 0.05, 0.9);

    FeatureWrite w;
    for (const FeatureDef &f : featureTable()) {
        w.names << f.name;
        w.kinds << (f.kind == FeatureKind::Lexical ? QStringLiteral("lexical") : QStringLiteral("metadata"));
    }
    for (int k = 0; k < kScoreCount; ++k)
        w.scoreNames << scoreName(Score(k));
    w.rows.reserve(rows.size());
    for (size_t i = 0; i < rows.size(); ++i) {
        FeatureWrite::Row r;
        r.instanceId = rows[i].id;
        r.scores.assign(computed.scores[i].begin(), computed.scores[i].end());
        r.imported.assign(computed.imported[i].begin(), computed.imported[i].end());
        r.features = std::move(computed.features[i]);
        w.rows.push_back(std::move(r));
    }
    w.inputsHash = digest;
    w.encoder = encoderName;
    if (feedback.isCanceled())
        throw Canceled{};
    feedback.setProgress(0.9, QStringLiteral("saving"));
    fstore.save(w);

    result.features = w.names;
    result.importedScores = computed.importedScores;
    result.taggedInstances = computed.taggedInstances;
    result.seconds = double(timer.nsecsElapsed()) / 1e9;
    feedback.setProgress(1.0, QStringLiteral("done"));
    return result;
}

} // namespace hyper
