// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// A small sample project with its features, for the routing tests (tst_planner,
// tst_cli_route, tst_ppmroutingviews).
#include "core/features/featurejob.h"
#include "core/jobs/feedback.h"
#include "core/routing/candidates.h"
#include "core/sample/samplegenerator.h"
#include "core/storage/projectstore.h"

#include <QString>
#include <cstdint>
#include <vector>

namespace hyper::testing {

/** Creates the project at path with the synthetic sample (train/eval sizes) and computes
 *  its features. */
inline void writeFeaturedSample(const QString &path, int train, int eval)
{
    ProjectStore store(path, ProjectStore::Mode::CreateNew);
    Feedback quiet;
    SampleParams sample;
    sample.trainSize = train;
    sample.evalSize = eval;
    writeSample(store, sample, quiet);
    FeatureParams features;
    features.threads = 2;
    computeFeatures(store, features, quiet);
}

/** The indices of the set bits among the first n. */
inline std::vector<std::int64_t> bitIndices(const routing::Bits &b, std::int64_t n)
{
    std::vector<std::int64_t> out;
    for (std::int64_t i = 0; i < n; ++i)
        if (routing::testBit(b, i))
            out.push_back(i);
    return out;
}

} // namespace hyper::testing
