// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/storage/projectstore.h"

#include <QDateTime>
#include <QString>
#include <QStringList>
#include <vector>

namespace hyper {

class Feedback;

/** A pack that cannot be merged or written (another project's, damaged, an annotator of
 *  another kind, a file in the way): bad input, the project unchanged. */
class PackError : public StoreError
{
public:
    using StoreError::StoreError;
};

/** What a pack file's project_meta says about it. */
struct PackMeta {
    QString packUuid;
    QString projectUuid;  // the project it was exported from
    QString projectName;  // that project's file name, for messages
    QString annotator;
    QString kind;
    QDateTime created;
    std::vector<qint64> instances;
};

struct PackExportParams {
    QStringList annotators;
    QString kind = QStringLiteral("normal");
    int overlap = 1;   // k: labels wanted per instance, from k different annotators
    int limit = 0;     // instances per annotator at most (0: no limit)
    QString outDir;
    /** Reissue: hand out only these instances (else every eligible one). */
    std::vector<qint64> only;
};

/** One annotator's share of an export. */
struct PackAssignment {
    QString annotator;
    std::vector<qint64> instances;
};

struct PackFileInfo {
    QString annotator;
    QString uuid;
    QString path;
    qint64 instances = 0;
    qint64 bytes = 0;
};

struct PackExportResult {
    qint64 eligible = 0;     // routed train instances still lacking k workbench labels, not out in a pack
    qint64 unassigned = 0;   // of those, left without k annotators (limits, too few names)
    std::vector<PackFileInfo> packs;
};

struct PackMergeResult {
    QString path;
    QString packUuid;
    QString annotator;
    qint64 labels = 0;   // human labels in the pack
    qint64 merged = 0;   // new in the project (replacements included)
    qint64 already = 0;  // there from an earlier merge
    qint64 replaced = 0; // earlier labels of the same pack, instance and annotator taken out
    qint64 flags = 0;    // new flags
};

/** A pack the project handed out, with what came back. */
struct PackRecord {
    QString uuid, annotator, kind, file, status, reissuedTo;
    qint64 instances = 0;
    qint64 labelled = 0;     // of its instances, those with a label by its annotator in the project
    qint64 mergedLabels = 0;
    QDateTime created, mergedAt;
};

/** Per annotator over every pack: the Team view. */
struct TeamMember {
    QString annotator, kind;
    qint64 packs = 0, assigned = 0, returned = 0, labelled = 0, out = 0;
    QDateTime lastMerge;
};

/**
 * Annotator packs (docs/TEAM.md): the lead hands each annotator a pack file, a project of
 * the same format holding only that annotator's instances (blind: no labels, routes,
 * plans, features or other names), labels in it are merged back by UUID.
 *
 * Same thread rules as ProjectStore. Writes are all or nothing: a failed export leaves no
 * pack file and nothing recorded; a failed merge leaves the project as it was.
 */
namespace packs {

/** The project's UUID (project_meta 'project_uuid', made by schema v6). */
QString projectUuid(ProjectStore &store);
/** The pack meta of a pack file; nullopt for a project. */
std::optional<PackMeta> meta(ProjectStore &store);

/** Who gets what: every train instance routed to humans with fewer than k workbench
 *  labels, not out in an unreturned pack, goes to k minus its labels of the named
 *  annotators (never one who labelled it), by rendezvous hashing as the queue balances:
 *  the highest AnnotationStore::preference(name, id) first, skipping annotators at the
 *  limit. Writes nothing. Throws PackError for bad parameters. */
std::vector<PackAssignment> plan(ProjectStore &store, const PackExportParams &params,
                                 qint64 *eligible = nullptr, qint64 *unassigned = nullptr);

/** Writes OUTDIR/NAME.hyperpack per annotator with instances and records the packs in the
 *  project. Refuses (PackError) a pack file that exists, an annotator of another kind. */
PackExportResult exportPacks(ProjectStore &store, const PackExportParams &params, Feedback &feedback);

/** Merges one pack file's labels and flags (all or nothing). Throws PackError for another
 *  project's pack, a damaged file, an annotator that exists here with another kind. */
PackMergeResult merge(ProjectStore &store, const QString &packPath);
/** What merge() would do, without writing. */
PackMergeResult preview(ProjectStore &store, const QString &packPath);

std::vector<PackRecord> list(ProjectStore &store);
std::vector<TeamMember> team(ProjectStore &store);

/** Marks an unreturned pack reissued and writes a pack for `to` (kind: "" for the old
 *  pack's) with its instances that its annotator did not label and `to` did not either. */
PackFileInfo reissue(ProjectStore &store, const QString &packUuid, const QString &to, const QString &kind,
                     const QString &outDir, Feedback &feedback);

/** The file name of NAME's pack: unsafe characters replaced, ".hyperpack" appended. */
QString fileNameFor(const QString &annotator);

} // namespace packs

} // namespace hyper
