// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QCommandLineParser>
#include <QMap>
#include <QJsonObject>
#include <QStringList>
#include <memory>

#include "core/domain/preference.h"
#include "core/jobs/feedback.h"
#include "core/ml/sections.h"
#include "core/storage/projectstore.h"
#include <stdexcept>

class QTemporaryDir;

namespace hyper::cli {

/** Bad input or usage: exit 2. */
struct UsageError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

/** Bad input whose message already names the file: printed as is, exit 2. */
struct BadInput : std::runtime_error {
    using std::runtime_error::runtime_error;
};

/** Parses args (argv[0] already stripped of the subcommand) or throws UsageError. */
void parseOrThrow(QCommandLineParser &parser, const QStringList &args);

void addProjectOption(QCommandLineParser &parser);
void addJsonOption(QCommandLineParser &parser);
QString requireProject(const QCommandLineParser &parser);

/** Opens --project; a missing, foreign or damaged file is bad input (exit 2).
 *  checkIntegrity: SQLite's integrity_check over the whole file before anything is done
 *  (reads every page: 0.15 s for the 18 MB sample, seconds at 100k pairs). Commands that
 *  write keep it; read-only ones (info, list) skip it unless --check is given: they change
 *  nothing (a file of an older schema, which opening migrates, is checked first), and
 *  SQLite still reports a damaged page they read. */
std::unique_ptr<ProjectStore> openProject(const QCommandLineParser &parser,
                                          ProjectStore::Mode mode = ProjectStore::Mode::OpenExisting,
                                          bool checkIntegrity = true);
/** --check for the read-only commands (see openProject). */
void addCheckOption(QCommandLineParser &parser);

/** --NAME as an integer in [lo, hi]; anything else is a UsageError naming the range. */
int intOption(const QCommandLineParser &parser, const QString &name, int lo, int hi);
/** --seed as an unsigned 64-bit integer, else UsageError. */
quint64 seedOption(const QCommandLineParser &parser);

/** The options of the benches on a synthetic 90-feature matrix (bench candidates, bench
 *  route): --instances N, --candidates K (default given), --budget B in (0, 1],
 *  --threads T (0: all cores), --seed S. */
struct SyntheticBenchOptions {
    qint64 instances = 0, candidates = 0;
    double budget = 0;
    int threads = 0;
    quint64 seed = 0;
};
void addSyntheticBenchOptions(QCommandLineParser &parser, const QString &defaultCandidates);
/** Reads them, or throws UsageError. */
SyntheticBenchOptions syntheticBenchOptions(const QCommandLineParser &parser);

/** A preference scale value given to `option` (e.g. "--overall"), else a UsageError
 *  listing the five values. */
Preference preferenceOption(const QString &option, const QString &text);
/** --instance ID as a positive id, else a UsageError. */
qint64 instanceOption(const QCommandLineParser &parser);

/** The options of a Slurm job (docs/CLUSTER.md): --slurm-dir, --partition, --gres,
 *  --time, --cpus-per-task, --mem, --train-command, --import-results. */
void addSlurmOptions(QCommandLineParser &parser);
/** hyper-train for the nodes: --train-command, else the one beside this hyper (the build
 *  tree keeps it in ../train/), else on PATH; a UsageError when there is none. */
QString trainCommandOption(const QCommandLineParser &parser);

/** Prints one compact JSON object on stdout. */
/** The repeatable --map FIELD=COLUMN values (import, score; an empty COLUMN switches the
 *  field off); UsageError when malformed. */
QMap<QString, QString> mapOptions(const QCommandLineParser &parser);

/** {section: accuracy} of RewardBench-style scores (train-rm, score). */
QJsonObject sectionsJson(const ml::SectionScores &scores);

void printJson(const QJsonObject &object);
/** --out - (issue 18): the command writes its usual atomic file into a temporary folder,
 *  and finish() copies it to stdout. Construct it right after reading --out. */
class StdoutTarget
{
public:
    /** When out is "-": refuses --json (both want stdout: UsageError) and points out at a
     *  temporary file named fileName. Otherwise does nothing. */
    StdoutTarget(QString &out, bool json, const QString &fileName);
    ~StdoutTarget();
    bool active() const { return m_dir != nullptr; }
    /** When active: copies the file to stdout (BadInput when it cannot) and sets out back
     *  to "-" for the summary. */
    void finish(QString &out) const;

private:
    std::unique_ptr<QTemporaryDir> m_dir;
};
/** Human text on stderr. */
void say(const QString &text);
/** The 1-minute load average, or -1 where /proc/loadavg is missing (for bench figures). */
double loadAverage();

/** Progress of a long job on stderr ("WHAT  42.0% message"), one line rewritten in
 *  place, only when stderr is a terminal; throttled to 5 updates a second. */
Feedback stderrFeedback(const QString &what);

int cmdInit(const QStringList &args);
/** hyper pack export | info | merge | list | reissue (cmd_pack.cpp). */
int cmdPack(const QStringList &args);
int cmdImport(const QStringList &args);
int cmdInfo(const QStringList &args);
int cmdList(const QStringList &args);
int cmdBench(const QStringList &args);
int cmdFeatures(const QStringList &args);
/** hyper bench features (app/cli/cmd_bench_features.cpp). */
int benchFeatures(const QStringList &args);
int cmdSample(const QStringList &args);
/** hyper train-rm (cmd_trainrm.cpp); hyper bench rm (cmd_bench_rm.cpp, for cmd_bench.cpp). */
int cmdTrainRm(const QStringList &args);
int cmdScore(const QStringList &args);
int benchRm(const QStringList &args);
int benchImportLong(const QStringList &args);
int benchScore(const QStringList &args);
/** hyper counts (cmd_counts.cpp); hyper bench candidates (cmd_bench_candidates.cpp). */
int cmdCounts(const QStringList &args);
int benchCandidates(const QStringList &args);
/** hyper bench startup (cmd_bench_startup.cpp). */
int benchStartup(const QStringList &args);
/** hyper bench ppm (cmd_bench_ppm.cpp). */
int benchPpm(const QStringList &args);
/** hyper ppm collect | import-scores | fit | predict | list (cmd_ppm.cpp). */
int cmdPpm(const QStringList &args);
/** hyper bench route (cmd_bench_route.cpp). */
int benchRoute(const QStringList &args);

/** hyper route, hyper simulate, hyper ppm importance (cmd_route.cpp). */
int cmdRoute(const QStringList &args);
int cmdSimulate(const QStringList &args);
int ppmImportance(const QStringList &args);

/** hyper label, hyper agreement (cmd_labels.cpp). */
int cmdLabel(const QStringList &args);
int cmdAgreement(const QStringList &args);

/** hyper queue, hyper flag, hyper review, hyper adjudicate (cmd_annotate.cpp). */
int cmdQueue(const QStringList &args);
int cmdFlag(const QStringList &args);
int cmdReview(const QStringList &args);
int cmdAdjudicate(const QStringList &args);

/** hyper export (cmd_export.cpp); hyper bench export (cmd_bench_export.cpp). */
int cmdExport(const QStringList &args);
int benchExport(const QStringList &args);

/** hyper judge, hyper tag, hyper endpoint save|list|remove (cmd_lm.cpp). */
int cmdJudge(const QStringList &args);
int cmdTag(const QStringList &args);
int cmdEndpoint(const QStringList &args);
/** hyper bench lm (cmd_bench_lm.cpp): ChatClient against the in-process test server. */
int benchLm(const QStringList &args);
/** hyper bench lmjobs (cmd_bench_lmjobs.cpp): the judge and tag jobs against the test server. */
int benchLmJobs(const QStringList &args);

} // namespace hyper::cli
