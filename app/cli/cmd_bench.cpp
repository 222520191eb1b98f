// SPDX-License-Identifier: GPL-3.0-or-later
// hyper bench: commands that measure and print figures (not timed tests).
#include "app/cli/cli.h"
#include "core/jobs/feedback.h"
#include "core/sample/syntheticpairs.h"
#include "core/storage/benchceiling.h"
#include "core/storage/packbench.h"
#include "core/storage/projectstore.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QJsonDocument>
#include <QProcess>
#include <QTemporaryDir>
#include <algorithm>

namespace hyper::cli {

namespace {

struct SearchFigures {
    double medianMs = 0, maxMs = 0;
    int queries = 0;
};

SearchFigures timeSearches(ProjectStore &store, const QStringList &queries)
{
    std::vector<double> ms;
    for (const QString &q : queries) {
        InstanceFilter f;
        f.text = q;
        QElapsedTimer t;
        t.start();
        const qint64 n = store.countInstances(f);
        const auto page = store.listInstances(f, 0, 200);
        ms.push_back(double(t.nsecsElapsed()) / 1e6);
        say(QStringLiteral("  search '%1': %2 matches, first page %3 rows, %4 ms")
                .arg(q).arg(n).arg(page.size()).arg(ms.back(), 0, 'f', 1));
    }
    std::sort(ms.begin(), ms.end());
    return {ms[ms.size() / 2], ms.back(), int(ms.size())};
}

const QStringList kQueries = {QStringLiteral("kamiten"), QStringLiteral("dor"),
                              QStringLiteral("sulva pelin"), QStringLiteral("quazo"),
                              QStringLiteral("tri ux"), QStringLiteral("welgra hul"),
                              // the query language (docs/GUI.md "Search"): a phrase, OR, NOT, a prefix
                              QStringLiteral("\"sulva pelin\""), QStringLiteral("kamiten OR quazo"),
                              QStringLiteral("quazo NOT kamiten"), QStringLiteral("wel* AND sulva")};

int benchImport(const QStringList &args)
{
    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral(
        "Import rate of a generated JSONL (~2 KB a pair) against SQLite's own insert ceiling, "
        "full-text index time and search time."));
    addJsonOption(p);
    p.addOption({QStringLiteral("pairs"), QStringLiteral("Pairs to generate."), QStringLiteral("N"),
                 QStringLiteral("100000")});
    p.addOption({QStringLiteral("dir"), QStringLiteral("Work folder (default: a temporary one)."),
                 QStringLiteral("DIR")});
    p.addOption({QStringLiteral("keep"), QStringLiteral("Keep the imported project (in --dir).")});
    parseOrThrow(p, args);
    const qint64 n = p.value(QStringLiteral("pairs")).toLongLong();
    if (n <= 0)
        throw UsageError("--pairs takes a positive number");
    QTemporaryDir tmp;
    const QString dir = p.isSet(QStringLiteral("dir")) ? p.value(QStringLiteral("dir")) : tmp.path();
    QDir().mkpath(dir);
    const QString jsonl = dir + QStringLiteral("/bench-pairs.jsonl");
    const QString project = dir + QStringLiteral("/bench-import.hyper");
    const QString ceilingProject = dir + QStringLiteral("/bench-ceiling.hyper");
    ProjectStore::removeFiles(project);
    ProjectStore::removeFiles(ceilingProject);

    say(QStringLiteral("generating %1 pairs ...").arg(n));
    const std::vector<ImportRecord> records = synth::makePairs(n, /*seed=*/42);
    const qint64 bytes = synth::writeJsonl(jsonl, records);
    const double mb = double(bytes) / 1e6;
    say(QStringLiteral("  %1 MB, %2 bytes a pair").arg(mb, 0, 'f', 1).arg(bytes / n));

    // The importer runs as its own process (the real `hyper import`), so that its peak
    // memory is its own and not this process's in-memory copy of the records.
    {
        ProjectStore init(project, ProjectStore::Mode::CreateNew);
    }
    QProcess child;
    child.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    QElapsedTimer wall;
    wall.start();
    child.start(QCoreApplication::applicationFilePath(),
                {QStringLiteral("import"), QStringLiteral("--project"), project, jsonl,
                 QStringLiteral("--no-index"), QStringLiteral("--json")});
    if (!child.waitForFinished(-1) || child.exitCode() != 0)
        throw std::runtime_error("the import child failed");
    const double importWall = double(wall.nsecsElapsed()) / 1e9;
    const QJsonObject imported = QJsonDocument::fromJson(child.readAllStandardOutput()).object();
    const double importSeconds = imported.value(QStringLiteral("seconds")).toDouble();
    // The child reports its own peak after exec (getrusage would count the pages it
    // shared with this process between fork and exec).
    const double peakMb = imported.value(QStringLiteral("peak_rss_mb")).toDouble();

    say(QStringLiteral("measuring the ceiling (plain prepared INSERT, one WAL transaction) ..."));
    const double ceilingSeconds = measureInsertCeiling(ceilingProject, records);

    const double rate = double(n) / importSeconds, ceiling = double(n) / ceilingSeconds;
    say(QStringLiteral("import:  %1 pairs/s, %2 MB/s (%3 s in the importer, %4 s process wall), peak RSS %5 MB")
            .arg(rate, 0, 'f', 0).arg(mb / importSeconds, 0, 'f', 1).arg(importSeconds, 0, 'f', 2)
            .arg(importWall, 0, 'f', 2).arg(peakMb, 0, 'f', 0));
    say(QStringLiteral("ceiling: %1 pairs/s, %2 MB/s (%3 s)")
            .arg(ceiling, 0, 'f', 0).arg(mb / ceilingSeconds, 0, 'f', 1).arg(ceilingSeconds, 0, 'f', 2));
    say(QStringLiteral("ratio:   %1% of the ceiling (target >= 80%)").arg(100.0 * rate / ceiling, 0, 'f', 1));

    ProjectStore store(project, ProjectStore::Mode::OpenExisting);
    QElapsedTimer t;
    t.start();
    Feedback quiet;
    store.updateSearchIndex(quiet);
    const double indexSeconds = double(t.nsecsElapsed()) / 1e9;
    say(QStringLiteral("full-text index built in %1 s (after the import, in the background in the GUI)")
            .arg(indexSeconds, 0, 'f', 2));
    say(QStringLiteral("measuring the full-text ceilings (FTS5 'rebuild' of the ceiling table) ..."));
    const double indexCeilingSeconds = measureIndexCeiling(ceilingProject, true);
    const double plainIndexCeilingSeconds = measureIndexCeiling(ceilingProject, false);
    const double searchable = importSeconds + indexSeconds;
    const double searchableCeiling = ceilingSeconds + indexCeilingSeconds;
    const double plainSearchableCeiling = ceilingSeconds + plainIndexCeilingSeconds;
    say(QStringLiteral("import + index: %1 s (%2 + %3)").arg(searchable, 0, 'f', 2).arg(importSeconds, 0, 'f', 2)
            .arg(indexSeconds, 0, 'f', 2));
    say(QStringLiteral("  SQLite's insert + FTS5 rebuild, the project's prefix indexes: %1 s (%2 + %3); ratio %4 (target <= 1.5)")
            .arg(searchableCeiling, 0, 'f', 2).arg(ceilingSeconds, 0, 'f', 2).arg(indexCeilingSeconds, 0, 'f', 2)
            .arg(searchable / searchableCeiling, 0, 'f', 2));
    say(QStringLiteral("  SQLite's insert + FTS5 rebuild, FTS5's defaults (no prefix index): %1 s (%2 + %3); ratio %4")
            .arg(plainSearchableCeiling, 0, 'f', 2).arg(ceilingSeconds, 0, 'f', 2).arg(plainIndexCeilingSeconds, 0, 'f', 2)
            .arg(searchable / plainSearchableCeiling, 0, 'f', 2));
    const SearchFigures s = timeSearches(store, kQueries);
    say(QStringLiteral("search: median %1 ms, max %2 ms over %3 queries (count + first page of 200)")
            .arg(s.medianMs, 0, 'f', 1).arg(s.maxMs, 0, 'f', 1).arg(s.queries));

    if (!p.isSet(QStringLiteral("keep"))) {
        ProjectStore::removeFiles(project);
        QFile::remove(jsonl);
    }
    ProjectStore::removeFiles(ceilingProject);
    if (p.isSet(QStringLiteral("json")))
        printJson({{QStringLiteral("pairs"), n},
                   {QStringLiteral("mb"), mb},
                   {QStringLiteral("import_pairs_per_s"), rate},
                   {QStringLiteral("import_mb_per_s"), mb / importSeconds},
                   {QStringLiteral("ceiling_pairs_per_s"), ceiling},
                   {QStringLiteral("ratio"), rate / ceiling},
                   {QStringLiteral("peak_rss_mb"), peakMb},
                   {QStringLiteral("index_seconds"), indexSeconds},
                   {QStringLiteral("index_ceiling_seconds"), indexCeilingSeconds},
                   {QStringLiteral("plain_index_ceiling_seconds"), plainIndexCeilingSeconds},
                   {QStringLiteral("searchable_ratio"), searchable / searchableCeiling},
                   {QStringLiteral("searchable_ratio_plain"), searchable / plainSearchableCeiling},
                   {QStringLiteral("search_median_ms"), s.medianMs},
                   {QStringLiteral("search_max_ms"), s.maxMs}});
    return 0;
}

int benchPacks(const QStringList &args)
{
    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral(
        "Annotator packs: export for A annotators over N routed instances (seconds, pack sizes), then the merge "
        "rate of every label made in them, and of merging them all again."));
    addJsonOption(p);
    p.addOption({QStringLiteral("instances"), QStringLiteral("Routed train instances (default 100000)."), QStringLiteral("N"),
                 QStringLiteral("100000")});
    p.addOption({QStringLiteral("annotators"), QStringLiteral("Annotators (default 10)."), QStringLiteral("A"), QStringLiteral("10")});
    p.addOption({QStringLiteral("overlap"), QStringLiteral("k (default 1)."), QStringLiteral("K"), QStringLiteral("1")});
    p.addOption({QStringLiteral("dir"), QStringLiteral("Work folder (default out/bench)."), QStringLiteral("DIR"),
                 QStringLiteral("out/bench")});
    parseOrThrow(p, args);
    const int n = intOption(p, QStringLiteral("instances"), 1, 10'000'000);
    const int a = intOption(p, QStringLiteral("annotators"), 1, 1000);
    const int k = intOption(p, QStringLiteral("overlap"), 1, a);
    const PackBenchResult r = runPackBench(p.value(QStringLiteral("dir")), n, a, k);
    const double rate = r.mergeSeconds > 0 ? double(r.labels) / r.mergeSeconds : 0;
    const double rerate = r.remergeSeconds > 0 ? double(r.labels) / r.remergeSeconds : 0;
    if (p.isSet(QStringLiteral("json"))) {
        printJson({{QStringLiteral("instances"), r.instances}, {QStringLiteral("annotators"), r.annotators},
                   {QStringLiteral("overlap"), r.overlap}, {QStringLiteral("build_seconds"), r.buildSeconds},
                   {QStringLiteral("export_seconds"), r.exportSeconds}, {QStringLiteral("assignments"), r.assignments},
                   {QStringLiteral("pack_bytes_min"), r.packBytesMin}, {QStringLiteral("pack_bytes_max"), r.packBytesMax},
                   {QStringLiteral("pack_bytes_total"), r.packBytesTotal}, {QStringLiteral("project_bytes"), r.projectBytes},
                   {QStringLiteral("labels"), r.labels}, {QStringLiteral("merge_seconds"), r.mergeSeconds},
                   {QStringLiteral("merge_labels_per_s"), rate}, {QStringLiteral("remerge_seconds"), r.remergeSeconds},
                   {QStringLiteral("remerge_labels_per_s"), rerate}, {QStringLiteral("load"), loadAverage()}});
    } else {
        std::printf("export: %lld instances to %d annotators (k = %d) in %.2f s; packs %.1f-%.1f MB (%.1f MB in all; "
                    "project %.1f MB)\nmerge: %lld labels in %.2f s = %.0f labels/s; again (all already there) %.2f s = %.0f/s\n",
                    r.instances, r.annotators, r.overlap, r.exportSeconds, double(r.packBytesMin) / 1e6,
                    double(r.packBytesMax) / 1e6, double(r.packBytesTotal) / 1e6, double(r.projectBytes) / 1e6, r.labels,
                    r.mergeSeconds, rate, r.remergeSeconds, rerate);
    }
    return 0;
}

int benchSearch(const QStringList &args)
{
    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral("Full-text search time on an existing project."));
    addProjectOption(p);
    addJsonOption(p);
    p.addPositionalArgument(QStringLiteral("QUERY"), QStringLiteral("Queries (default: a fixed set)."));
    parseOrThrow(p, args);
    const auto project = openProject(p);
    ProjectStore &store = *project;
    if (!store.searchIndexReady())
        say(QStringLiteral("note: the full-text index is incomplete; unindexed rows are scanned"));
    const QStringList queries = p.positionalArguments().isEmpty() ? kQueries : p.positionalArguments();
    const SearchFigures s = timeSearches(store, queries);
    if (p.isSet(QStringLiteral("json")))
        printJson({{QStringLiteral("median_ms"), s.medianMs}, {QStringLiteral("max_ms"), s.maxMs},
                   {QStringLiteral("queries"), s.queries}});
    return 0;
}

} // namespace

int cmdBench(const QStringList &args)
{
    if (args.size() < 2)
        throw UsageError("which bench? import | import-long | search | features | rm | score | candidates | ppm | route | export | lm | lmjobs | packs | startup");
    QStringList rest = args;
    const QString what = rest.takeAt(1);
    rest[0] += QLatin1Char(' ') + what;
    if (what == QLatin1String("import"))
        return benchImport(rest);
    if (what == QLatin1String("import-long"))
        return benchImportLong(rest);
    if (what == QLatin1String("search"))
        return benchSearch(rest);
    if (what == QLatin1String("features"))
        return benchFeatures(rest);
    if (what == QLatin1String("rm"))
        return benchRm(rest);
    if (what == QLatin1String("score"))
        return benchScore(rest);
    if (what == QLatin1String("candidates"))
        return benchCandidates(rest);
    if (what == QLatin1String("ppm"))
        return benchPpm(rest);
    if (what == QLatin1String("route"))
        return benchRoute(rest);
    if (what == QLatin1String("export"))
        return benchExport(rest);
    if (what == QLatin1String("lm"))
        return benchLm(rest);
    if (what == QLatin1String("lmjobs"))
        return benchLmJobs(rest);
    if (what == QLatin1String("packs"))
        return benchPacks(rest);
    if (what == QLatin1String("startup"))
        return benchStartup(rest);
    throw UsageError(QStringLiteral("unknown bench '%1' (import | import-long | search | features | rm | score | candidates | ppm | route | export | lm | lmjobs | packs | startup)").arg(what).toStdString());
}

} // namespace hyper::cli
