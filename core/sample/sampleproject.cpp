// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/sample/sampleproject.h"

#include "core/features/featurejob.h"
#include "core/jobs/feedback.h"
#include "core/storage/projectstore.h"


namespace hyper {

SampleSummary createSampleProject(const QString &path, const SampleParams &params, Feedback &feedback)
{
    // Progress of the three stages, forwarded into one bar: writing, indexing, features. A
    // cancel of `feedback` reaches the running stage at its next progress report.
    Feedback *running = nullptr;
    const auto stage = [&feedback, &running](double from, double to) {
        return Feedback([&feedback, &running, from, to](double f, const QString &m) {
            if (feedback.isCanceled()) {
                if (running)
                    running->cancel();
                return;
            }
            feedback.setProgress(from + (to - from) * f, m);
        }, 0);
    };
    try {
        ProjectStore store(path, ProjectStore::Mode::CreateNew);
        Feedback writing = stage(0.0, 0.3), indexing = stage(0.3, 0.6), computing = stage(0.6, 1.0);
        running = &writing;
        const SampleSummary summary = writeSample(store, params, writing);
        if (feedback.isCanceled())
            throw Canceled{};
        running = &indexing;
        store.updateSearchIndex(indexing);
        if (feedback.isCanceled())
            throw Canceled{};
        running = &computing;
        computeFeatures(store, FeatureParams{}, computing);
        if (feedback.isCanceled())
            throw Canceled{};
        return summary;
    } catch (...) {
        ProjectStore::removeFiles(path);
        throw;
    }
}

} // namespace hyper
