// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// A small sample project with its features, for the routing tests (tst_planner,
// tst_cli_route, tst_ppmroutingviews).
#include "core/features/featurejob.h"
#include "core/jobs/feedback.h"
#include "core/sample/samplegenerator.h"
#include "core/storage/projectstore.h"

#include <QString>

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

} // namespace hyper::testing
