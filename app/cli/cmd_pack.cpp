// SPDX-License-Identifier: GPL-3.0-or-later
// hyper pack export | info | merge | list | reissue: annotator packs (docs/TEAM.md).
#include "app/cli/cli.h"

#include "core/storage/packstore.h"

#include <QJsonArray>
#include <QJsonObject>
#include <cstdio>

namespace hyper::cli {

namespace {

QJsonObject packJson(const PackFileInfo &f)
{
    return {{QStringLiteral("annotator"), f.annotator}, {QStringLiteral("uuid"), f.uuid}, {QStringLiteral("file"), f.path},
            {QStringLiteral("instances"), f.instances}, {QStringLiteral("bytes"), f.bytes}};
}

QJsonObject mergeJson(const PackMergeResult &r)
{
    return {{QStringLiteral("file"), r.path},       {QStringLiteral("uuid"), r.packUuid},
            {QStringLiteral("annotator"), r.annotator}, {QStringLiteral("labels"), r.labels},
            {QStringLiteral("merged"), r.merged},   {QStringLiteral("already"), r.already},
            {QStringLiteral("replaced"), r.replaced}, {QStringLiteral("flags"), r.flags}};
}

/** Runs a pack operation; a bad pack or bad parameters are bad input (exit 2). */
template <typename F> auto packCall(F &&f)
{
    try {
        return f();
    } catch (const PackError &e) {
        throw BadInput(QStringLiteral("hyper pack: %1").arg(QString::fromUtf8(e.what())).toStdString());
    }
}

int packExport(const QStringList &args)
{
    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral(
        "Hand out the train instances routed to humans that still lack K workbench labels: one pack file per "
        "annotator (DIR/NAME.hyperpack), each instance to K of them, balanced as the queue is."));
    addProjectOption(p);
    addJsonOption(p);
    p.addOption({QStringLiteral("annotators"), QStringLiteral("Comma-separated names."), QStringLiteral("A,B,C")});
    p.addOption({QStringLiteral("kind"), QStringLiteral("normal or expert (default normal)."), QStringLiteral("KIND"),
                 QStringLiteral("normal")});
    p.addOption({QStringLiteral("overlap"), QStringLiteral("K, labels wanted per instance."), QStringLiteral("K")});
    p.addOption({QStringLiteral("limit"), QStringLiteral("At most N instances per annotator."), QStringLiteral("N"),
                 QStringLiteral("0")});
    p.addOption({QStringLiteral("out-dir"), QStringLiteral("Where the pack files go."), QStringLiteral("DIR")});
    parseOrThrow(p, args);
    if (!p.isSet(QStringLiteral("annotators")) || !p.isSet(QStringLiteral("overlap")) || !p.isSet(QStringLiteral("out-dir")))
        throw UsageError("--annotators, --overlap and --out-dir are required");
    PackExportParams params;
    params.annotators = p.value(QStringLiteral("annotators")).split(QLatin1Char(','), Qt::SkipEmptyParts);
    params.kind = p.value(QStringLiteral("kind"));
    params.overlap = intOption(p, QStringLiteral("overlap"), 1, 100);
    params.limit = intOption(p, QStringLiteral("limit"), 0, 1'000'000'000);
    params.outDir = p.value(QStringLiteral("out-dir"));
    const auto project = openProject(p);
    Feedback feedback = stderrFeedback(QStringLiteral("packs"));
    const PackExportResult r = packCall([&] { return packs::exportPacks(*project, params, feedback); });
    if (p.isSet(QStringLiteral("json"))) {
        QJsonArray list;
        for (const PackFileInfo &f : r.packs)
            list.append(packJson(f));
        printJson({{QStringLiteral("eligible"), r.eligible}, {QStringLiteral("unassigned"), r.unassigned},
                   {QStringLiteral("packs"), list}});
    } else {
        for (const PackFileInfo &f : r.packs)
            std::printf("%s: %lld instances, %s\n", qUtf8Printable(f.annotator), f.instances, qUtf8Printable(f.path));
        std::printf("%lld instances handed out (%lld left short of K annotators)\n", r.eligible - r.unassigned,
                    r.unassigned);
    }
    return 0;
}

int packInfo(const QStringList &args)
{
    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral("What a pack file holds: its project, annotator, instances, labels."));
    addJsonOption(p);
    p.addPositionalArgument(QStringLiteral("pack"), QStringLiteral("The pack file."), QStringLiteral("FILE"));
    parseOrThrow(p, args);
    if (p.positionalArguments().size() != 1)
        throw UsageError("name one pack file");
    const QString path = p.positionalArguments().first();
    std::unique_ptr<ProjectStore> store;
    try {
        store = std::make_unique<ProjectStore>(path, ProjectStore::Mode::OpenExisting);
    } catch (const StoreError &e) {
        throw BadInput(e.what());
    }
    const auto meta = packs::meta(*store);
    if (!meta)
        throw BadInput(QStringLiteral("%1: not an annotator pack").arg(path).toStdString());
    const ProjectInfo info = store->info();
    QJsonArray ids;
    for (qint64 id : meta->instances)
        ids.append(id);
    const QJsonObject o{{QStringLiteral("pack"), meta->packUuid},
                        {QStringLiteral("project"), meta->projectUuid},
                        {QStringLiteral("project_name"), meta->projectName},
                        {QStringLiteral("annotator"), meta->annotator},
                        {QStringLiteral("kind"), meta->kind},
                        {QStringLiteral("created"), meta->created.toString(Qt::ISODate)},
                        {QStringLiteral("instances"), qint64(meta->instances.size())},
                        {QStringLiteral("labels"), info.humanLabels},
                        {QStringLiteral("instance_ids"), ids}};
    if (p.isSet(QStringLiteral("json")))
        printJson(o);
    else
        std::printf("pack %s of %s (%s)\nannotator: %s (%s)\ninstances: %lld, labelled: %lld\n",
                    qUtf8Printable(meta->packUuid), qUtf8Printable(meta->projectName), qUtf8Printable(meta->projectUuid),
                    qUtf8Printable(meta->annotator), qUtf8Printable(meta->kind), qint64(meta->instances.size()),
                    info.humanLabels);
    return 0;
}

int packMerge(const QStringList &args)
{
    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral(
        "Merge the labels and flags of pack files into the project: each pack all or nothing, idempotent (labels "
        "carry a UUID). A refused pack stops the command; the packs merged before it stay merged."));
    addProjectOption(p);
    addJsonOption(p);
    p.addPositionalArgument(QStringLiteral("packs"), QStringLiteral("Pack files."), QStringLiteral("PACK..."));
    parseOrThrow(p, args);
    if (p.positionalArguments().isEmpty())
        throw UsageError("name at least one pack file");
    const auto project = openProject(p);
    qint64 merged = 0, already = 0;
    QJsonArray list;
    for (const QString &path : p.positionalArguments()) {
        const PackMergeResult r = packCall([&] { return packs::merge(*project, path); });
        merged += r.merged;
        already += r.already;
        list.append(mergeJson(r));
        if (!p.isSet(QStringLiteral("json")))
            std::printf("%s: %lld merged, %lld already there (%s)\n", qUtf8Printable(path), r.merged, r.already,
                        qUtf8Printable(r.annotator));
    }
    if (p.isSet(QStringLiteral("json")))
        printJson({{QStringLiteral("merged"), merged}, {QStringLiteral("already"), already}, {QStringLiteral("packs"), list}});
    return 0;
}

int packList(const QStringList &args)
{
    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral("The packs handed out from the project and what came back, per pack and annotator."));
    addProjectOption(p);
    addJsonOption(p);
    parseOrThrow(p, args);
    const auto project = openProject(p);
    QJsonArray packList, teamList;
    for (const PackRecord &r : packs::list(*project))
        packList.append(QJsonObject{{QStringLiteral("uuid"), r.uuid},         {QStringLiteral("annotator"), r.annotator},
                                    {QStringLiteral("kind"), r.kind},         {QStringLiteral("file"), r.file},
                                    {QStringLiteral("status"), r.status},     {QStringLiteral("reissued_to"), r.reissuedTo},
                                    {QStringLiteral("instances"), r.instances}, {QStringLiteral("labelled"), r.labelled},
                                    {QStringLiteral("merged_labels"), r.mergedLabels},
                                    {QStringLiteral("created"), r.created.toString(Qt::ISODate)},
                                    {QStringLiteral("merged_at"), r.mergedAt.isValid() ? r.mergedAt.toString(Qt::ISODate) : QString()}});
    for (const TeamMember &m : packs::team(*project))
        teamList.append(QJsonObject{{QStringLiteral("annotator"), m.annotator}, {QStringLiteral("kind"), m.kind},
                                    {QStringLiteral("packs"), m.packs},         {QStringLiteral("assigned"), m.assigned},
                                    {QStringLiteral("returned"), m.returned},   {QStringLiteral("out"), m.out},
                                    {QStringLiteral("labelled"), m.labelled},
                                    {QStringLiteral("last_merge"), m.lastMerge.isValid() ? m.lastMerge.toString(Qt::ISODate) : QString()}});
    if (p.isSet(QStringLiteral("json"))) {
        printJson({{QStringLiteral("packs"), packList}, {QStringLiteral("team"), teamList}});
    } else {
        for (const PackRecord &r : packs::list(*project))
            std::printf("%s  %-16s %-9s %6lld instances, %6lld labelled  %s\n", qUtf8Printable(r.uuid.left(8)),
                        qUtf8Printable(r.annotator), qUtf8Printable(r.status), r.instances, r.labelled,
                        qUtf8Printable(r.file));
    }
    return 0;
}

int packReissue(const QStringList &args)
{
    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral(
        "Give the instances of a pack that has not come back to another annotator: a new pack for them, the old one "
        "marked reissued (its labels still merge if it comes back)."));
    addProjectOption(p);
    addJsonOption(p);
    p.addOption({QStringLiteral("pack"), QStringLiteral("The pack's UUID (hyper pack list)."), QStringLiteral("UUID")});
    p.addOption({QStringLiteral("to"), QStringLiteral("The annotator who gets them."), QStringLiteral("NAME")});
    p.addOption({QStringLiteral("kind"), QStringLiteral("normal or expert (default: the old pack's)."), QStringLiteral("KIND")});
    p.addOption({QStringLiteral("out-dir"), QStringLiteral("Where the new pack goes."), QStringLiteral("DIR")});
    parseOrThrow(p, args);
    if (!p.isSet(QStringLiteral("pack")) || !p.isSet(QStringLiteral("to")) || !p.isSet(QStringLiteral("out-dir")))
        throw UsageError("--pack, --to and --out-dir are required");
    const auto project = openProject(p);
    Feedback feedback = stderrFeedback(QStringLiteral("reissue"));
    const PackFileInfo f = packCall([&] {
        return packs::reissue(*project, p.value(QStringLiteral("pack")), p.value(QStringLiteral("to")),
                              p.value(QStringLiteral("kind")), p.value(QStringLiteral("out-dir")), feedback);
    });
    if (p.isSet(QStringLiteral("json")))
        printJson(packJson(f));
    else
        std::printf("%s: %lld instances, %s\n", qUtf8Printable(f.annotator), f.instances, qUtf8Printable(f.path));
    return 0;
}

} // namespace

int cmdPack(const QStringList &args)
{
    const QString kWhich = QStringLiteral("export | info | merge | list | reissue");
    if (args.size() < 2 || args[1].startsWith(QLatin1Char('-'))) {
        if (args.size() >= 2 && (args[1] == QLatin1String("--help") || args[1] == QLatin1String("-h"))) {
            say(QStringLiteral("usage: hyper pack %1 [options] (hyper pack SUB --help)").arg(kWhich));
            return 0;
        }
        throw UsageError(QStringLiteral("which one? %1").arg(kWhich).toStdString());
    }
    QStringList rest = args;
    const QString sub = rest.takeAt(1);
    rest[0] += QLatin1Char(' ') + sub;
    if (sub == QLatin1String("export"))
        return packExport(rest);
    if (sub == QLatin1String("info"))
        return packInfo(rest);
    if (sub == QLatin1String("merge"))
        return packMerge(rest);
    if (sub == QLatin1String("list"))
        return packList(rest);
    if (sub == QLatin1String("reissue"))
        return packReissue(rest);
    throw UsageError(QStringLiteral("unknown 'pack %1'; which one? %2").arg(sub, kWhich).toStdString());
}

} // namespace hyper::cli
