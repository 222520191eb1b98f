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
    std::fputs(qPrintable(QStringLiteral(
        "usage: hyper SUBCOMMAND --project FILE [options]\n"
        "subcommands:\n"
        "  init     create a new project file\n"
        "  import   import a preference data file (.jsonl, .json, .csv, optionally .gz)\n"
        "  info     counts of instances, labels, annotators, judges\n"
        "  list     list instances (ids for --instance)\n"
        "  sample   write the bundled synthetic sample dataset into a new project\n"
        "  features compute or refresh the instance feature table\n"
        "  train-rm train and evaluate a reward model on a label mix (--model-out saves it)\n"
        "  score    score a project's split or a pairs file with a saved reward model\n"
        "  counts   the feature-count vector of a mix (human-routed ids in a file)\n"
        "  ppm      the PPM: collect | import-scores | fit | predict | importance | list\n"
        "  route    route instances to humans under a budget; stores and applies a plan\n"
        "  simulate sample and score candidate mixes at a budget (nothing stored)\n"
        "  export   the resolved mix as dpo | trl | csv, with a dataset card\n"
        "  label    record one human label\n"
        "  agreement inter-annotator and human-vs-judge agreement, position bias\n"
        "  queue    an annotator's queue of instances to label (overlap, balanced)\n"
        "  flag     flag an instance for the lead's review\n"
        "  review   the review queue: flagged and disagreeing instances\n"
        "  adjudicate set the lead's final label of an instance\n"
        "  judge    LM labels from a chat-completions endpoint (validated, cached, resumable)\n"
        "  tag      LM tags of the eight metadata dimensions into the instance metadata\n"
        "  endpoint saved LM endpoints: save | list | remove (never the key)\n"
        "  pack     annotator packs for a team on several machines: export | info | merge | list | reissue\n"
        "  bench    measure figures: bench import | import-long | search | features | rm | score | candidates | ppm | route | export | lm | lmjobs | packs | startup\n"
        "  help     this list, or 'hyper help SUBCOMMAND' for the options of one\n"
        "Run 'hyper SUBCOMMAND --help' for the options of one.\n")), to);
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
