// SPDX-License-Identifier: GPL-3.0-or-later
// hyper: the command line of HyPER Workbench (see docs/CLI.md of the shared docs).
#include "app/cli/cli.h"
#include "core/io/importer.h"
#include "core/ml/runtime.h"
#include "core/jobs/feedback.h"
#include "core/storage/projectstore.h"

#include <QCoreApplication>
#include <cstdio>
#include <functional>
#include <map>

using namespace hyper;

namespace {

const std::map<QString, std::function<int(const QStringList &)>> &commands()
{
    static const std::map<QString, std::function<int(const QStringList &)>> table = {
        {QStringLiteral("init"), cli::cmdInit},     {QStringLiteral("import"), cli::cmdImport},
        {QStringLiteral("info"), cli::cmdInfo},     {QStringLiteral("list"), cli::cmdList},
        {QStringLiteral("bench"), cli::cmdBench},
        {QStringLiteral("features"), cli::cmdFeatures},
        {QStringLiteral("sample"), cli::cmdSample},
        {QStringLiteral("train-rm"), cli::cmdTrainRm},
        {QStringLiteral("score"), cli::cmdScore},
        {QStringLiteral("counts"), cli::cmdCounts},
        {QStringLiteral("ppm"), cli::cmdPpm},
        {QStringLiteral("route"), cli::cmdRoute},
        {QStringLiteral("simulate"), cli::cmdSimulate},
        {QStringLiteral("export"), cli::cmdExport},
        {QStringLiteral("label"), cli::cmdLabel},
        {QStringLiteral("agreement"), cli::cmdAgreement},
        {QStringLiteral("queue"), cli::cmdQueue},
        {QStringLiteral("flag"), cli::cmdFlag},
        {QStringLiteral("review"), cli::cmdReview},
        {QStringLiteral("adjudicate"), cli::cmdAdjudicate},
        {QStringLiteral("judge"), cli::cmdJudge},
        {QStringLiteral("tag"), cli::cmdTag},
        {QStringLiteral("endpoint"), cli::cmdEndpoint},
        {QStringLiteral("pack"), cli::cmdPack},
    };
    return table;
}

/** The list of subcommands: on stdout when asked for (--help, help), on stderr with an
 *  error (exit 2). */
void usage(FILE *to)
{
    // Names padded to one column with two spaces before the text at least, the layout
    // help2man turns into the man page's list (installer/packaging.cmake).
    static const char *const kSubcommands[][2] = {
        {"init", "create a new project file"},
        {"import", "import a preference data file (.jsonl, .json, .csv, optionally .gz)"},
        {"info", "counts of instances, labels, annotators, judges"},
        {"list", "list instances (ids for --instance)"},
        {"sample", "write the bundled synthetic sample dataset into a new project"},
        {"features", "compute or refresh the instance feature table"},
        {"train-rm", "train and evaluate a reward model on a label mix (--model-out saves it)"},
        {"score", "score a project's split or a pairs file with a saved reward model"},
        {"counts", "the feature-count vector of a mix (human-routed ids in a file)"},
        {"ppm", "the PPM: collect | import-scores | fit | predict | importance | list"},
        {"route", "route instances to humans under a budget; stores and applies a plan"},
        {"simulate", "sample and score candidate mixes at a budget (nothing stored)"},
        {"export", "the resolved mix as dpo | trl | csv, with a dataset card"},
        {"label", "record one human label"},
        {"agreement", "inter-annotator and human-vs-judge agreement, position bias"},
        {"queue", "an annotator's queue of instances to label (overlap, balanced)"},
        {"flag", "flag an instance for the lead's review"},
        {"review", "the review queue: flagged and disagreeing instances"},
        {"adjudicate", "set the lead's final label of an instance"},
        {"judge", "LM labels from a chat-completions endpoint (validated, cached, resumable)"},
        {"tag", "LM tags of the eight metadata dimensions into the instance metadata"},
        {"endpoint", "saved LM endpoints: save | list | remove (never the key)"},
        {"pack", "annotator packs for a team on several machines: export | info | merge | list | reissue"},
        {"bench", "measure figures: import | import-long | search | features | rm | score | candidates | ppm | "
                  "route | export | lm | lmjobs | packs | startup"},
        {"help", "this list, or 'hyper help SUBCOMMAND' for the options of one"},
    };
    std::fputs("Usage: hyper SUBCOMMAND --project FILE [options]\n\nSubcommands:\n", to);
    for (const auto &[name, what] : kSubcommands)
        std::fprintf(to, "  %-12s%s\n", name, what);
    std::fputs("\nRun 'hyper SUBCOMMAND --help' (or 'hyper help SUBCOMMAND') for the options of one.\n", to);
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    hyper::ml::configureThreads(); // OpenBLAS: a thread per core; LibTorch's own pool: 1
    QCoreApplication::setApplicationName(QStringLiteral("hyper"));
    QCoreApplication::setOrganizationName(QStringLiteral("HyPER Workbench"));
    QCoreApplication::setApplicationVersion(QStringLiteral(HYPER_VERSION));
    QStringList args = QCoreApplication::arguments();
    if (args.size() < 2) {
        usage(stderr);
        return 2;
    }
    if (args[1] == QLatin1String("--help") || args[1] == QLatin1String("-h")
        || (args[1] == QLatin1String("help") && args.size() == 2)) {
        usage(stdout);
        return 0;
    }
    if (args[1] == QLatin1String("help")) {
        // hyper help COMMAND = hyper COMMAND --help
        args = {args[0], args[2], QStringLiteral("--help")};
    }
    if (args[1] == QLatin1String("--version")) {
        std::printf("hyper %s\n", HYPER_VERSION);
        return 0;
    }
    const QString name = args[1];
    const auto it = commands().find(name);
    if (it == commands().end()) {
        cli::say(QStringLiteral("hyper: unknown subcommand '%1'").arg(name));
        usage(stderr);
        return 2;
    }
    args.removeAt(1);
    args[0] = QStringLiteral("hyper ") + name;
    try {
        return it->second(args);
    } catch (const cli::UsageError &e) {
        cli::say(QStringLiteral("hyper %1: %2").arg(name, QString::fromUtf8(e.what())));
        return 2;
    } catch (const cli::BadInput &e) {
        cli::say(QString::fromUtf8(e.what()));
        return 2;
    } catch (const ImportError &e) {
        cli::say(QString::fromUtf8(e.what()));
        return 2;
    } catch (const Canceled &) {
        cli::say(QStringLiteral("hyper %1: canceled; nothing was changed").arg(name));
        return 1;
    } catch (const StoreError &e) {
        cli::say(QString::fromUtf8(e.what()));
        return 1;
    } catch (const std::exception &e) {
        cli::say(QStringLiteral("hyper %1: %2").arg(name, QString::fromUtf8(e.what())));
        return 1;
    }
}
