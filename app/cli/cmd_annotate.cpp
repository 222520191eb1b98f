// SPDX-License-Identifier: GPL-3.0-or-later
// The annotation workflow on the command line, mirroring the Label and Review tabs
// (docs/ANNOTATION.md): hyper queue, hyper flag, hyper review, hyper adjudicate.
#include "app/cli/cli.h"
#include "core/domain/preference.h"
#include "core/storage/annotationstore.h"
#include "core/storage/projectstore.h"

#include <QJsonArray>
#include <QJsonObject>
#include <cstdio>

namespace hyper::cli {

namespace {

QString requireName(const QCommandLineParser &p, const QString &option)
{
    const QString v = p.value(option).trimmed();
    if (v.isEmpty())
        throw UsageError(QStringLiteral("--%1 NAME is required").arg(option).toStdString());
    return v;
}

void requireInstance(ProjectStore &store, qint64 id, const char *command)
{
    if (!store.instance(id))
        throw BadInput(QStringLiteral("hyper %1: %2 has no instance %3 (see 'hyper list')")
                           .arg(QString::fromLatin1(command), store.path())
                           .arg(id)
                           .toStdString());
}

} // namespace

int cmdQueue(const QStringList &args)
{
    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral(
        "An annotator's queue: train instances routed to humans that still need labels (fewer than "
        "the overlap k labels by workbench annotators) and that this annotator has not labelled, "
        "in the order to label them (balanced across annotators)."));
    addProjectOption(p);
    addJsonOption(p);
    p.addOption({QStringLiteral("annotator"), QStringLiteral("The annotator (registered when new)."), QStringLiteral("NAME")});
    p.addOption({QStringLiteral("kind"), QStringLiteral("normal or expert, for a new annotator."), QStringLiteral("KIND")});
    p.addOption({QStringLiteral("overlap"), QStringLiteral("Set k, the labels wanted per instance (stored in the project)."),
                 QStringLiteral("K")});
    p.addOption({QStringLiteral("limit"), QStringLiteral("At most N ids (default 20)."), QStringLiteral("N"), QStringLiteral("20")});
    parseOrThrow(p, args);
    requireProject(p);
    const QString who = requireName(p, QStringLiteral("annotator"));
    const QString kind = p.value(QStringLiteral("kind"));
    if (p.isSet(QStringLiteral("kind")) && kind != QLatin1String("normal") && kind != QLatin1String("expert"))
        throw UsageError(QStringLiteral("--kind must be normal or expert, got '%1'").arg(kind).toStdString());
    const int limit = intOption(p, QStringLiteral("limit"), 0, 1000000);
    const int overlap = p.isSet(QStringLiteral("overlap")) ? intOption(p, QStringLiteral("overlap"), 1, 100) : 0;

    const auto project = openProject(p);
    AnnotationStore a(*project);
    if (overlap > 0)
        a.setOverlap(overlap);
    a.ensureAnnotator(who, kind);
    const std::vector<qint64> ids = a.queue(who, limit);
    const QueueStatus st = a.status(who);
    if (p.isSet(QStringLiteral("json"))) {
        QJsonArray items;
        for (qint64 id : ids)
            items.append(QJsonObject{{QStringLiteral("id"), id},
                                     {QStringLiteral("shown_order"),
                                      AnnotationStore::showSwapped(who, id) ? QStringLiteral("BA") : QStringLiteral("AB")}});
        printJson({{QStringLiteral("annotator"), who},
                   {QStringLiteral("overlap"), a.overlap()},
                   {QStringLiteral("routed"), st.routed},
                   {QStringLiteral("complete"), st.complete},
                   {QStringLiteral("mine"), st.mine},
                   {QStringLiteral("remaining"), st.remaining},
                   {QStringLiteral("seconds_per_label"), st.secondsPerLabel},
                   {QStringLiteral("queue"), items}});
    } else {
        std::printf("%s: %lld to label (%lld routed, %lld complete at k = %d, %lld by you)\n", qPrintable(who),
                    st.remaining, st.routed, st.complete, a.overlap(), st.mine);
        for (qint64 id : ids)
            std::printf("%lld %s\n", id, AnnotationStore::showSwapped(who, id) ? "BA" : "AB");
    }
    return 0;
}

int cmdFlag(const QStringList &args)
{
    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral("Flag an instance for the lead's review."));
    addProjectOption(p);
    addJsonOption(p);
    p.addOption({QStringLiteral("instance"), QStringLiteral("The instance id."), QStringLiteral("ID")});
    p.addOption({QStringLiteral("annotator"), QStringLiteral("Who flags it."), QStringLiteral("NAME")});
    p.addOption({QStringLiteral("note"), QStringLiteral("Why."), QStringLiteral("TEXT")});
    parseOrThrow(p, args);
    requireProject(p);
    const qint64 instance = instanceOption(p);
    const QString who = requireName(p, QStringLiteral("annotator"));
    const auto project = openProject(p);
    requireInstance(*project, instance, "flag");
    const qint64 id = AnnotationStore(*project).flag(instance, who, p.value(QStringLiteral("note")));
    if (p.isSet(QStringLiteral("json")))
        printJson({{QStringLiteral("flag"), id}, {QStringLiteral("instance"), instance}});
    else
        std::printf("flag %lld on instance %lld\n", id, instance);
    return 0;
}

int cmdReview(const QStringList &args)
{
    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral(
        "The lead's review queue: flagged instances and instances whose human labels disagree (a "
        "spread of at least S points on the 5-point scale, or A and B both chosen after folding); "
        "not yet adjudicated first."));
    addProjectOption(p);
    addJsonOption(p);
    p.addOption({QStringLiteral("min-spread"), QStringLiteral("S in 1..4 (default 3)."), QStringLiteral("S"), QStringLiteral("3")});
    p.addOption({QStringLiteral("all"), QStringLiteral("Include adjudicated instances.")});
    p.addOption({QStringLiteral("routed-only"), QStringLiteral("Only instances routed to humans (their final label reaches the mix).")});
    p.addOption({QStringLiteral("limit"), QStringLiteral("At most N items (default 100)."), QStringLiteral("N"), QStringLiteral("100")});
    parseOrThrow(p, args);
    requireProject(p);
    const int spread = intOption(p, QStringLiteral("min-spread"), 1, 4);
    const int limit = intOption(p, QStringLiteral("limit"), 0, 100000000);
    const auto project = openProject(p);
    const std::vector<ReviewItem> items = AnnotationStore(*project).reviewQueue(spread, p.isSet(QStringLiteral("all")),
                                                                                 p.isSet(QStringLiteral("routed-only")));
    if (p.isSet(QStringLiteral("json"))) {
        QJsonArray out;
        for (std::size_t i = 0; i < items.size() && int(i) < limit; ++i) {
            const ReviewItem &r = items[i];
            out.append(QJsonObject{{QStringLiteral("id"), r.instanceId},
                                   {QStringLiteral("labels"), r.labels},
                                   {QStringLiteral("flags"), r.flags},
                                   {QStringLiteral("spread"), r.spread},
                                   {QStringLiteral("folded_disagree"), r.foldedDisagree},
                                   {QStringLiteral("votes"), QJsonObject{{QStringLiteral("a"), r.votesA},
                                                                         {QStringLiteral("tie"), r.votesTie},
                                                                         {QStringLiteral("b"), r.votesB}}},
                                   {QStringLiteral("routed_human"), r.routedHuman},
                                   {QStringLiteral("adjudicated"),
                                    r.adjudicated ? QJsonValue(preferenceName(*r.adjudicated)) : QJsonValue()}});
        }
        printJson({{QStringLiteral("total"), qint64(items.size())}, {QStringLiteral("items"), out}});
    } else {
        std::printf("%zu instances to review\n", items.size());
        for (std::size_t i = 0; i < items.size() && int(i) < limit; ++i)
            std::printf("%lld labels %d flags %d spread %.0f%s\n", items[i].instanceId, items[i].labels,
                        items[i].flags, items[i].spread,
                        items[i].adjudicated ? qPrintable(QStringLiteral(" adjudicated ")
                                                          + preferenceName(*items[i].adjudicated))
                                             : "");
    }
    return 0;
}

int cmdAdjudicate(const QStringList &args)
{
    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral(
        "Set (or with --clear remove) the lead's final label of an instance; export and training "
        "resolve an instance routed to humans to it instead of the crowd majority."));
    addProjectOption(p);
    addJsonOption(p);
    p.addOption({QStringLiteral("instance"), QStringLiteral("The instance id."), QStringLiteral("ID")});
    p.addOption({QStringLiteral("overall"), QStringLiteral("The final preference."), QStringLiteral("PREF")});
    p.addOption({QStringLiteral("lead"), QStringLiteral("The lead's name."), QStringLiteral("NAME")});
    p.addOption({QStringLiteral("note"), QStringLiteral("Why."), QStringLiteral("TEXT")});
    p.addOption({QStringLiteral("clear"), QStringLiteral("Remove the adjudication.")});
    parseOrThrow(p, args);
    requireProject(p);
    const qint64 instance = instanceOption(p);
    const bool clear = p.isSet(QStringLiteral("clear"));
    std::optional<Preference> overall;
    QString lead;
    if (!clear) {
        if (!p.isSet(QStringLiteral("overall")))
            throw UsageError("--overall PREF is required (or --clear)");
        overall = preferenceOption(QStringLiteral("--overall"), p.value(QStringLiteral("overall")));
        lead = requireName(p, QStringLiteral("lead"));
    }
    const auto project = openProject(p);
    requireInstance(*project, instance, "adjudicate");
    AnnotationStore a(*project);
    if (clear)
        a.clearAdjudication(instance);
    else
        a.adjudicate(instance, *overall, lead, p.value(QStringLiteral("note")));
    if (p.isSet(QStringLiteral("json")))
        printJson({{QStringLiteral("instance"), instance},
                   {QStringLiteral("adjudicated"), overall ? QJsonValue(preferenceName(*overall)) : QJsonValue()}});
    else if (clear)
        std::printf("instance %lld: adjudication removed\n", instance);
    else
        std::printf("instance %lld: %s (by %s)\n", instance, preferenceNameUtf8(*overall), qPrintable(lead));
    return 0;
}

} // namespace hyper::cli
