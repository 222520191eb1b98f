// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// The LM judge and tagger jobs (docs/LM.md "Jobs and CLI"): the API the CLI (hyper judge,
// hyper tag, hyper endpoint) and the GUI build on.
//
// Threading: a job is synchronous. Run it on a worker thread that owns its own
// ProjectStore (ProjectStore's thread rules); ChatClient spins its event loop in that
// thread. Cancel through Feedback::cancel() and pause through the `paused` flag, both
// from any thread. The progress callback is called in the worker thread: forward it to
// the GUI with a queued signal.

#include "core/lm/chatclient.h"
#include "core/lm/judge.h"
#include "core/storage/lmstore.h"

#include <QString>
#include <atomic>
#include <functional>
#include <stdexcept>

namespace hyper {
class Feedback;
class ProjectStore;
} // namespace hyper

namespace hyper::lm {

/** A job that cannot start: a named key variable that is unset or empty, an empty
 *  model or URL, an unknown saved endpoint. Nothing was changed. (CLI: exit 2.) */
class JobConfigError : public std::runtime_error
{
public:
    using std::runtime_error::runtime_error;
};

/** What a judge job asks and how its labels are named. */
struct JudgeJobConfig {
    EndpointConfig endpoint;
    QString judgeName;          // judges.name of the labels; empty: the endpoint's model
    JudgeTemplate tmpl = defaultJudgeTemplate();
    bool bothOrders = false;    // ask A/B and B/A; record verdict_orig/verdict_swapped
};

/** What a tag job asks. */
struct TagJobConfig {
    EndpointConfig endpoint;
    QStringList dimensions;     // empty: all eight (tagDimensions())
    bool overwrite = false;     // re-ask dimensions the metadata already has
};

/** Progress of a job, reported after each item ends (and once at the start). An item is
 *  one instance: for a judge job its one or two requests, for a tag job its dimensions. */
struct JobProgress {
    qint64 total = 0;        // items selected
    qint64 done = 0;         // items stored from fresh replies (labels / fully tagged instances)
    qint64 cached = 0;       // items resolved without asking: already labelled with the
                             // same content hash, or every reply found in lm_cache
    qint64 failed = 0;       // items with an invalid reply or a failed request (lm_failures)
    qint64 skipped = 0;      // tag job: items with no dimension left to ask (not overwrite)
    qint64 inconsistent = 0; // judge job, both orders: labels stored in this run whose two
                             // orders gave different folded winners (overall = Tie)
    qint64 remaining = 0;    // total - done - cached - failed - skipped
    qint64 requests = 0;     // chat requests that ended (ok or not)
    qint64 tokensIn = 0;     // prompt tokens of the replies received (as the server said)
    qint64 tokensOut = 0;
    double cost = 0;         // estimate under the endpoint's prices
    double seconds = 0;
};

/** The end of a job. canceled: the feedback was canceled; what ended before stays
 *  committed and a rerun resumes. */
struct JobResult {
    JobProgress progress;
    bool canceled = false;
    bool featuresStale = false;  // tag job: metadata changed; 'hyper features' recomputes
};

using ProgressFn = std::function<void(const JobProgress &)>;

/**
 * Judges the selected instances: one label per instance by config.judgeName, stored as
 * each instance's reply (or both replies) arrives and validates. Instances whose label
 * with the same content hash exists are skipped, replies found in lm_cache are not
 * re-asked, invalid replies and failed requests become lm_failures rows (never labels).
 * The template text is recorded in lm_templates. Throws JobConfigError before anything
 * is changed when the config is unusable (a named key variable without a key), and
 * StoreError on storage failures.
 */
JobResult runJudgeJob(ProjectStore &store, const JudgeJobConfig &config, const LmSelection &selection,
                      Feedback &feedback, const std::atomic<bool> *paused = nullptr,
                      const ProgressFn &progress = {});

/**
 * Tags the prompts of the selected instances: one request per missing dimension (all
 * dimensions with config.overwrite), replies validated against the dimension's options
 * and merged into the instance's metadata (mergeTag) as each instance completes; valid
 * dimensions of a partly failed instance are kept. Replies are cached by content hash.
 * The stored feature table is then stale (its inputs hash no longer matches) and
 * 'hyper features' / computeFeatures() recomputes it; result.featuresStale says so.
 * LmSelection::Kind::Unlabelled means: instances missing one of the dimensions.
 */
JobResult runTagJob(ProjectStore &store, const TagJobConfig &config, const LmSelection &selection,
                    Feedback &feedback, const std::atomic<bool> *paused = nullptr,
                    const ProgressFn &progress = {});

/** A saved endpoint as an EndpointConfig (settings keys: concurrency, rpm, timeout,
 *  retries, price_in, price_out), and back. Neither ever holds a key. */
EndpointConfig endpointFromSaved(const SavedEndpoint &saved);
SavedEndpoint savedFromEndpoint(const EndpointConfig &endpoint);

/** Throws JobConfigError when endpoint.apiKeyEnv names a variable that holds no key
 *  (neither the environment nor the keychain), or the URL or model is empty; else
 *  returns the key (possibly empty when no variable is named). Never logs it. */
QString requireKey(const EndpointConfig &endpoint);

} // namespace hyper::lm
