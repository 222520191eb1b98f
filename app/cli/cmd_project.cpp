// SPDX-License-Identifier: GPL-3.0-or-later
// init, import, info, list.
#include "app/cli/cli.h"
#include "core/io/importer.h"
#include "core/jobs/feedback.h"
#include "core/storage/packstore.h"
#include "core/storage/projectstore.h"
#include "core/storage/searchquery.h"

#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <cstdio>

namespace hyper::cli {

namespace {

// This process's peak resident memory (VmHWM), in MB; -1 where /proc is absent.
double peakRssMb()
{
    QFile status(QStringLiteral("/proc/self/status"));
    if (!status.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : status.readAll().split('\n'))
        if (line.startsWith("VmHWM:"))
            return line.mid(6).trimmed().split(' ').value(0).toDouble() / 1024.0;
    return -1;
}

} // namespace

int cmdInit(const QStringList &args)
{
    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral("Create a new, empty project file."));
    addProjectOption(p);
    addJsonOption(p);
    parseOrThrow(p, args);
    const QString path = requireProject(p);
    if (QFileInfo::exists(path))
        throw UsageError(QStringLiteral("%1: a file already exists there").arg(path).toStdString());
    const auto store = openProject(p, ProjectStore::Mode::CreateNew);
    if (p.isSet(QStringLiteral("json")))
        printJson({{QStringLiteral("project"), path}, {QStringLiteral("schema"), store->schemaVersion()}});
    else
        say(QStringLiteral("created %1").arg(path));
    return 0;
}

int cmdImport(const QStringList &args)
{
    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral("Import a preference data file into the project, "
                                               "all or nothing."));
    addProjectOption(p);
    addJsonOption(p);
    p.addOption({QStringLiteral("format"), QStringLiteral("auto or one of: %1.").arg(importFormats().join(QStringLiteral(", "))),
                 QStringLiteral("NAME"), QStringLiteral("auto")});
    p.addOption({QStringLiteral("split"), QStringLiteral("train or eval."), QStringLiteral("SPLIT"),
                 QStringLiteral("train")});
    p.addOption({QStringLiteral("map"), QStringLiteral("Take FIELD from COLUMN (repeatable)."),
                 QStringLiteral("FIELD=COLUMN")});
    p.addOption({QStringLiteral("na"), QStringLiteral("A label value that means 'no label' (repeatable)."),
                 QStringLiteral("VALUE")});
    p.addOption({QStringLiteral("label-map"),
                 QStringLiteral("Read label VALUE as PREF (A, B, tie, A-slightly, B-slightly or a scale name), any case; "
                                "or a preset: winner, a1a2, a-is-better (repeatable)."),
                 QStringLiteral("VALUE=PREF|PRESET")});
    p.addOption({QStringLiteral("label-scale"),
                 QStringLiteral("Read numeric labels as scores from LO (A better) to HI (B better), cut at 0.1/0.4/0.6/0.9."),
                 QStringLiteral("LO:HI")});
    p.addOption({QStringLiteral("eval-fraction"),
                 QStringLiteral("Hold out this fraction (0-1) of the rows as the eval split, by a fixed hash of the line."),
                 QStringLiteral("F"), QStringLiteral("0")});
    p.addOption({QStringLiteral("skip-bad-rows"), QStringLiteral("Import the good rows, report the bad ones.")});
    p.addOption({QStringLiteral("delimiter"), QStringLiteral("Delimited text: auto (sniffed from the header line), comma, tab or semicolon."),
                 QStringLiteral("auto|comma|tab|semicolon"), QStringLiteral("auto")});
    p.addOption({QStringLiteral("on-duplicate"),
                 QStringLiteral("A row whose instance is already there (same split, prompt and responses in either order): "
                                "skip (add only its new labels; default), keep (add it again) or error."),
                 QStringLiteral("skip|keep|error"), QStringLiteral("skip")});
    p.addOption({QStringLiteral("no-index"), QStringLiteral("Do not bring the full-text index up to date afterwards.")});
    p.addOption({QStringLiteral("max-line-mib"),
                 QStringLiteral("The longest line read, decompressed, in MiB (default 256): a longer one is an error "
                                "before its memory is spent."),
                 QStringLiteral("N"), QStringLiteral("256")});
    p.addPositionalArgument(QStringLiteral("FILE"), QStringLiteral("The file to import."));
    parseOrThrow(p, args);
    const QString path = requireProject(p);
    if (p.positionalArguments().size() != 1)
        throw UsageError("exactly one FILE to import is required");

    ImportParams params;
    params.file = p.positionalArguments().first();
    params.format = p.value(QStringLiteral("format"));
    const auto split = parseSplit(p.value(QStringLiteral("split")));
    if (!split)
        throw UsageError("--split must be train or eval");
    params.split = *split;
    params.map = mapOptions(p);
    params.naValues = p.values(QStringLiteral("na"));
    params.labelMap = p.values(QStringLiteral("label-map"));
    params.labelScale = p.value(QStringLiteral("label-scale"));
    bool fractionOk = false;
    params.evalFraction = p.value(QStringLiteral("eval-fraction")).toDouble(&fractionOk);
    if (!fractionOk || params.evalFraction < 0 || params.evalFraction > 1)
        throw UsageError("--eval-fraction takes a number from 0 to 1");
    params.skipBadRows = p.isSet(QStringLiteral("skip-bad-rows"));
    params.maxLineBytes = std::size_t(intOption(p, QStringLiteral("max-line-mib"), 1, 4096)) << 20;
    const QString delimiter = p.value(QStringLiteral("delimiter"));
    if (delimiter == QLatin1String("comma"))
        params.delimiter = ',';
    else if (delimiter == QLatin1String("tab"))
        params.delimiter = '\t';
    else if (delimiter == QLatin1String("semicolon"))
        params.delimiter = ';';
    else if (delimiter != QLatin1String("auto"))
        throw UsageError("--delimiter takes auto, comma, tab or semicolon");
    const QString onDuplicate = p.value(QStringLiteral("on-duplicate"));
    if (onDuplicate == QLatin1String("skip"))
        params.onDuplicate = OnDuplicate::Skip;
    else if (onDuplicate == QLatin1String("keep"))
        params.onDuplicate = OnDuplicate::Keep;
    else if (onDuplicate == QLatin1String("error"))
        params.onDuplicate = OnDuplicate::Error;
    else
        throw UsageError("--on-duplicate takes skip, keep or error");
    if (!QFileInfo::exists(params.file))
        throw ImportError(params.file, 0, QStringLiteral("no such file"));

    const auto project = openProject(p);
    ProjectStore &store = *project;
    Feedback feedback = stderrFeedback(QStringLiteral("importing"));
    const ImportResult r = runImport(store, params, feedback);
    for (const ImportIssue &issue : r.issues)
        say(QStringLiteral("%1:%2: skipped: %3").arg(params.file).arg(issue.line).arg(issue.message));
    say(QStringLiteral("imported %1 rows (%2 skipped) as '%3' in %4 s")
            .arg(r.imported).arg(r.skipped).arg(r.format).arg(r.seconds, 0, 'f', 2));
    const ImportMergeCounts &m = r.merged;
    if (m.duplicateRows || m.labelsKept || m.labelsReplaced || m.instances != r.imported)
        say(QStringLiteral("%1 new instances; %2 rows of instances already there (their new labels merged); labels: "
                           "%3 added, %4 already there, %5 replaced by a later row of the same annotator, %6 mirrored "
                           "(shown B first)")
                .arg(m.instances).arg(m.duplicateRows).arg(m.labelsAdded).arg(m.labelsKept).arg(m.labelsReplaced)
                .arg(m.mirrored));
    if (r.imported > 0 && r.labelled == 0)
        say(QStringLiteral("warning: no row had a label: name the label columns with --map human=COLUMN, "
                           "--map human:ANNOTATOR=COLUMN or --map lm:JUDGE=COLUMN (docs/IMPORT.md)"));
    if (!p.isSet(QStringLiteral("no-index"))) {
        Feedback indexing = stderrFeedback(QStringLiteral("indexing"));
        store.updateSearchIndex(indexing);
    }
    if (p.isSet(QStringLiteral("json"))) {
        QJsonArray skipped;
        for (const ImportIssue &issue : r.issues)
            skipped.append(QJsonObject{{QStringLiteral("line"), issue.line}, {QStringLiteral("message"), issue.message}});
        printJson({{QStringLiteral("imported"), r.imported},
                   {QStringLiteral("skipped"), r.skipped},
                   {QStringLiteral("labelled"), r.labelled},
                   {QStringLiteral("instances"), r.merged.instances},
                   {QStringLiteral("duplicate_rows"), r.merged.duplicateRows},
                   {QStringLiteral("labels_added"), r.merged.labelsAdded},
                   {QStringLiteral("labels_already"), r.merged.labelsKept},
                   {QStringLiteral("labels_replaced"), r.merged.labelsReplaced},
                   {QStringLiteral("labels_mirrored"), r.merged.mirrored},
                   {QStringLiteral("format"), r.format},
                   {QStringLiteral("seconds"), r.seconds},
                   {QStringLiteral("bytes"), r.bytes},
                   {QStringLiteral("peak_rss_mb"), peakRssMb()},
                   {QStringLiteral("skipped_rows"), skipped}});
    }
    return 0;
}

int cmdInfo(const QStringList &args)
{
    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral("Counts of instances, labels, annotators and judges."));
    addProjectOption(p);
    addCheckOption(p);
    addJsonOption(p);
    parseOrThrow(p, args);
    const auto project = openProject(p, ProjectStore::Mode::OpenExisting, p.isSet(QStringLiteral("check")));
    ProjectStore &store = *project;
    const ProjectInfo i = store.info();
    const auto pack = packs::meta(store);
    if (p.isSet(QStringLiteral("json"))) {
        QJsonObject packObject;
        if (pack)
            packObject = {{QStringLiteral("uuid"), pack->packUuid}, {QStringLiteral("project"), pack->projectUuid},
                          {QStringLiteral("project_name"), pack->projectName}, {QStringLiteral("annotator"), pack->annotator},
                          {QStringLiteral("kind"), pack->kind}, {QStringLiteral("instances"), qint64(pack->instances.size())}};
        printJson({{QStringLiteral("instances"), i.instances},
                   {QStringLiteral("project_uuid"), packs::projectUuid(store)},
                   {QStringLiteral("pack"), pack ? QJsonValue(packObject) : QJsonValue()},
                   {QStringLiteral("eval_instances"), i.evalInstances},
                   {QStringLiteral("human_labels"), i.humanLabels},
                   {QStringLiteral("lm_labels"), i.lmLabels},
                   {QStringLiteral("annotators"), QJsonArray::fromStringList(i.annotators)},
                   {QStringLiteral("judges"), QJsonArray::fromStringList(i.judges)},
                   {QStringLiteral("features"), i.features},
                   {QStringLiteral("sources"), QJsonArray::fromStringList(i.sources)},
                   {QStringLiteral("schema"), store.schemaVersion()}});
    } else {
        std::printf("instances (train): %lld\neval instances:    %lld\nhuman labels:      %lld\n"
                    "LM labels:         %lld\nannotators:        %s\njudges:            %s\n",
                    i.instances, i.evalInstances, i.humanLabels, i.lmLabels,
                    qPrintable(i.annotators.join(QStringLiteral(", "))),
                    qPrintable(i.judges.join(QStringLiteral(", "))));
        if (pack)
            std::printf("annotator pack:    %s for %s (%s) of %s\n", qUtf8Printable(pack->packUuid),
                        qUtf8Printable(pack->annotator), qUtf8Printable(pack->kind), qUtf8Printable(pack->projectName));
    }
    return 0;
}

int cmdList(const QStringList &args)
{
    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral("List instances with their ids."));
    addProjectOption(p);
    addCheckOption(p);
    addJsonOption(p);
    p.addOption({QStringLiteral("split"), QStringLiteral("train or eval."), QStringLiteral("SPLIT")});
    p.addOption({QStringLiteral("route"), QStringLiteral("human, lm or unrouted."), QStringLiteral("ROUTE")});
    p.addOption({QStringLiteral("source"), QStringLiteral("Only this source."), QStringLiteral("SOURCE")});
    p.addOption({QStringLiteral("search"), QStringLiteral("Full-text search."), QStringLiteral("TEXT")});
    p.addOption({QStringLiteral("limit"), QStringLiteral("At most N rows."), QStringLiteral("N"), QStringLiteral("100")});
    p.addOption({QStringLiteral("offset"), QStringLiteral("Skip K rows."), QStringLiteral("K"), QStringLiteral("0")});
    parseOrThrow(p, args);
    InstanceFilter f;
    if (p.isSet(QStringLiteral("split"))) {
        f.split = parseSplit(p.value(QStringLiteral("split")));
        if (!f.split)
            throw UsageError("--split must be train or eval");
    }
    f.route = p.value(QStringLiteral("route"));
    if (!f.route.isEmpty() && f.route != QLatin1String("human") && f.route != QLatin1String("lm")
        && f.route != QLatin1String("unrouted"))
        throw UsageError("--route must be human, lm or unrouted");
    f.source = p.value(QStringLiteral("source"));
    f.text = p.value(QStringLiteral("search"));
    try {
        parseSearch(f.text);
    } catch (const SearchSyntaxError &e) {
        throw UsageError(e.what()); // bad input: exit 2
    }
    bool ok1 = false, ok2 = false;
    const int limit = p.value(QStringLiteral("limit")).toInt(&ok1);
    const qint64 offset = p.value(QStringLiteral("offset")).toLongLong(&ok2);
    if (!ok1 || !ok2 || limit < 0 || offset < 0)
        throw UsageError("--limit and --offset take non-negative whole numbers");

    const auto project = openProject(p, ProjectStore::Mode::OpenExisting, p.isSet(QStringLiteral("check")));
    ProjectStore &store = *project;
    const auto rows = store.listInstances(f, offset, limit);
    if (p.isSet(QStringLiteral("json"))) {
        QJsonArray out;
        for (const InstanceSummary &r : rows)
            out.append(QJsonObject{{QStringLiteral("id"), r.id},
                                   {QStringLiteral("ext_id"), r.externalId},
                                   {QStringLiteral("split"), splitName(r.split)},
                                   {QStringLiteral("source"), r.source},
                                   {QStringLiteral("category"), r.category},
                                   {QStringLiteral("route"), r.route.isEmpty() ? QStringLiteral("unrouted") : r.route},
                                   {QStringLiteral("human_labels"), r.humanLabels},
                                   {QStringLiteral("lm_labels"), r.lmLabels}});
        printJson({{QStringLiteral("instances"), out}, {QStringLiteral("total"), store.countInstances(f)}});
    } else {
        for (const InstanceSummary &r : rows)
            std::printf("%lld\t%s\t%s\t%s\n", r.id, qPrintable(splitName(r.split)), qPrintable(r.source),
                        qPrintable(r.promptPreview.left(80)));
    }
    return 0;
}

} // namespace hyper::cli
