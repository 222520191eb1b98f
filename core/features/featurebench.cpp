// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/features/featurebench.h"

#include "core/features/featurejob.h"
#include "core/sample/syntheticpairs.h"

#include <QElapsedTimer>
#include <thread>

namespace hyper {

FeatureBenchFigures benchLexicalFeatures(qint64 n, int threads, std::uint64_t seed, int bytesPerPair,
                                         Feedback &feedback)
{
    std::vector<FeatureInputRow> rows;
    {
        const std::vector<ImportRecord> pairs = synth::makePairs(n, seed, bytesPerPair);
        rows.reserve(pairs.size());
        for (const ImportRecord &p : pairs) {
            FeatureInputRow r;
            r.id = p.line;
            r.prompt = QString::fromStdString(p.prompt);
            r.responseA = QString::fromStdString(p.responseA);
            r.responseB = QString::fromStdString(p.responseB);
            rows.push_back(std::move(r));
        }
    }
    FeatureBenchFigures f;
    f.instances = qint64(rows.size());
    f.threads = threads > 0 ? threads : int(std::max(1u, std::thread::hardware_concurrency()));
    for (const FeatureInputRow &r : rows)
        f.textMegabytes += double(r.prompt.toUtf8().size() + r.responseA.toUtf8().size() + r.responseB.toUtf8().size());
    f.textMegabytes /= 1e6;

    FeatureParams params;
    params.threads = f.threads;
    QElapsedTimer t;
    t.start();
    computeFeatureRows(rows, params, feedback);
    f.seconds = double(t.nsecsElapsed()) / 1e9;
    f.instancesPerSecond = f.seconds > 0 ? double(f.instances) / f.seconds : 0;
    return f;
}

} // namespace hyper
