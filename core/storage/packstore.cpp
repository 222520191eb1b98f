// SPDX-License-Identifier: GPL-3.0-or-later
// Annotator packs: export, merge, the record of what went out and came back (docs/TEAM.md).
#include "core/storage/packstore.h"

#include "core/jobs/feedback.h"
#include "core/storage/agreementqueries.h"
#include "core/storage/annotationstore.h"
#include "core/storage/labelrows.h"
#include "core/storage/sqlite.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QUuid>
#include <algorithm>
#include <map>
#include <set>
#include <sqlite3.h>
#include <unordered_map>
#include <unordered_set>

namespace hyper::packs {

namespace {

QString now() { return QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs); }

/** The annotator, created when new, counts as a workbench annotator: their labels count
 *  toward the queue's overlap like labels made here. */
void makeWorkbenchAnnotator(sqlite3 *db, const QString &name, const QString &kind)
{
    annotatorId(db, name, kind);
    sql::Stmt o(db, "UPDATE annotators SET origin = 'workbench' WHERE name = ?");
    o.bind(1, name);
    o.run();
}

void requireProjectNotPack(ProjectStore &store)
{
    if (meta(store))
        throw PackError(QStringLiteral("%1 is an annotator pack, not a project: packs are exported from and merged "
                                       "into the lead's project")
                            .arg(store.path())
                            .toStdString());
}

/** Routed train instances with the workbench annotators who labelled each. */
std::map<qint64, std::set<QString>> routedWithLabellers(sqlite3 *db)
{
    std::map<qint64, std::set<QString>> out;
    {
        sql::Stmt s(db, "SELECT id FROM instances WHERE split = 'train' AND route = 'human' ORDER BY id");
        while (s.step())
            out.emplace_hint(out.end(), s.i64(0), std::set<QString>{});
    }
    sql::Stmt s(db, "SELECT h.instance_id, a.name FROM human_labels h JOIN annotators a ON a.id = h.annotator_id"
                    " JOIN instances i ON i.id = h.instance_id"
                    " WHERE a.origin = 'workbench' AND i.split = 'train' AND i.route = 'human'");
    while (s.step())
        out[s.i64(0)].insert(s.text(1));
    return out;
}

/** Instances in packs that went out and have not come back (nor been reissued). */
std::unordered_set<qint64> outInPacks(sqlite3 *db)
{
    std::unordered_set<qint64> out;
    sql::Stmt s(db, "SELECT pi.instance_id FROM pack_instances pi JOIN packs p ON p.uuid = pi.pack WHERE p.status = 'out'");
    while (s.step())
        out.insert(s.i64(0));
    return out;
}

/** Writes one pack file: a new project at `path` with the instances' texts only. */
PackFileInfo writePackFile(ProjectStore &project, const QString &path, const QString &projectUuid,
                           const QString &annotator, const QString &kind, const std::vector<qint64> &ids)
{
    PackFileInfo info;
    info.annotator = annotator;
    info.uuid = QUuid::createUuid().toString(QUuid::WithoutBraces);
    info.path = path;
    info.instances = qint64(ids.size());
    // Built under a temporary name beside the target and renamed when complete, so that
    // a failure or a crash never leaves a half pack under the real name.
    const QString temp = path + QStringLiteral(".part");
    ProjectStore::removeFiles(temp);
    try {
        {
            ProjectStore pack(temp, ProjectStore::Mode::CreateNew, /*checkIntegrity=*/false);
            sqlite3 *db = pack.handle();
            {
                sql::Stmt a(db, "ATTACH DATABASE ? AS src");
                a.bind(1, project.path());
                a.run();
            }
            sql::exec(db, "CREATE TEMP TABLE pick(id INTEGER PRIMARY KEY)");
            sql::Transaction tx(db);
            {
                sql::Stmt ins(db, "INSERT INTO temp.pick(id) VALUES (?)");
                for (qint64 id : ids) {
                    ins.bind(1, std::int64_t(id));
                    ins.run();
                }
            }
            // Blind: the texts, source and category; no labels, models, routes of other
            // instances, plans, features or metadata. Every instance here is the
            // annotator's to label, hence route 'human' (the Label tab's queue).
            sql::exec(db, "INSERT INTO main.instances(id, ext_id, split, source, category, route)"
                          " SELECT i.id, i.ext_id, 'train', i.source, i.category, 'human'"
                          " FROM src.instances i JOIN temp.pick p ON p.id = i.id;"
                          " INSERT INTO main.instance_texts(id, prompt, response_a, response_b, metadata,"
                          " prompt_messages)"
                          " SELECT t.id, t.prompt, t.response_a, t.response_b, '', t.prompt_messages"
                          " FROM src.instance_texts t JOIN temp.pick p ON p.id = t.id;");
            {
                sql::Stmt a(db, "INSERT INTO main.annotators(name, kind, origin) VALUES (?, ?, 'workbench')");
                a.bind(1, annotator).bind(2, kind);
                a.run();
            }
            QJsonArray idList;
            for (qint64 id : ids)
                idList.append(id);
            pack.setMeta("project_uuid", projectUuid);
            pack.setMeta("annotation_overlap", QStringLiteral("1"));
            pack.setMeta("pack_uuid", info.uuid);
            pack.setMeta("pack_project_name", QFileInfo(project.path()).fileName());
            pack.setMeta("pack_annotator", annotator);
            pack.setMeta("pack_kind", kind);
            pack.setMeta("pack_created_at", now());
            pack.setMeta("pack_instances", QString::fromUtf8(QJsonDocument(idList).toJson(QJsonDocument::Compact)));
            tx.commit();
            sql::exec(db, "DETACH DATABASE src");
            // No full-text index: it would double the file; the workbench builds it in the
            // background when the annotator first opens the pack.
        } // closed: the WAL is checkpointed into the file and removed
        ProjectStore::removeFiles(path); // nothing there (checked by the caller); stale side files
        if (!QFile::rename(temp, path))
            throw PackError(QStringLiteral("%1: cannot write the pack file").arg(path).toStdString());
    } catch (...) {
        ProjectStore::removeFiles(temp);
        throw;
    }
    info.bytes = QFileInfo(path).size();
    return info;
}

void recordPack(sqlite3 *db, const PackFileInfo &info, const QString &kind)
{
    sql::Stmt p(db, "INSERT INTO packs(uuid, annotator, kind, file, instances, status, created_at)"
                    " VALUES (?, ?, ?, ?, ?, 'out', ?)");
    p.bind(1, info.uuid).bind(2, info.annotator).bind(3, kind).bind(4, info.path).bind(5, std::int64_t(info.instances)).bind(6, now());
    p.run();
}

void recordPackInstances(sqlite3 *db, const QString &uuid, const std::vector<qint64> &ids)
{
    sql::Stmt s(db, "INSERT OR IGNORE INTO pack_instances(pack, instance_id) VALUES (?, ?)");
    for (qint64 id : ids) {
        s.bind(1, uuid).bind(2, std::int64_t(id));
        s.run();
    }
}

/** Opens a pack file for reading, or throws PackError naming it. */
std::unique_ptr<ProjectStore> openPack(const QString &path, PackMeta &m)
{
    std::unique_ptr<ProjectStore> pack;
    try {
        pack = std::make_unique<ProjectStore>(path, ProjectStore::Mode::OpenExisting, /*checkIntegrity=*/true);
    } catch (const StoreError &e) {
        throw PackError(QStringLiteral("not a readable annotator pack: %1").arg(QString::fromUtf8(e.what())).toStdString());
    }
    const auto found = meta(*pack);
    if (!found)
        throw PackError(QStringLiteral("%1: not an annotator pack (a HyPER project; packs come from 'hyper pack export')")
                            .arg(path)
                            .toStdString());
    m = *found;
    return pack;
}

struct PackFlag {
    QString uuid, annotator, note, createdAt;
    qint64 instanceId = 0;
};

/** Everything a merge needs from the pack, checked against the project. */
struct PackContent {
    PackMeta meta;
    std::vector<HumanLabel> labels;
    std::vector<PackFlag> flags;
};

PackContent readPack(ProjectStore &project, const QString &packPath)
{
    requireProjectNotPack(project);
    PackContent c;
    const std::unique_ptr<ProjectStore> pack = openPack(packPath, c.meta);
    const QString mine = projectUuid(project);
    if (c.meta.projectUuid != mine)
        throw PackError(QStringLiteral("%1: this pack belongs to another project (%2, %3); %4 is %5")
                            .arg(packPath, c.meta.projectName, c.meta.projectUuid, QFileInfo(project.path()).fileName(), mine)
                            .toStdString());
    const std::unordered_set<qint64> inPack(c.meta.instances.begin(), c.meta.instances.end());
    sqlite3 *pdb = pack->handle();
    {
        sql::Stmt s(pdb, "SELECT DISTINCT instance_id FROM human_labels");
        while (s.step()) {
            const qint64 id = s.i64(0);
            if (!inPack.count(id))
                throw PackError(QStringLiteral("%1: a label of instance %2, which the pack was not given (damaged pack)")
                                    .arg(packPath)
                                    .arg(id)
                                    .toStdString());
            for (HumanLabel &l : pack->humanLabels(id)) {
                if (l.uuid.isEmpty()) // not made in the pack: a stable identity all the same
                    l.uuid = QUuid::createUuidV5(QUuid(c.meta.packUuid), QString::number(l.id)).toString(QUuid::WithoutBraces);
                c.labels.push_back(std::move(l));
            }
        }
    }
    {
        sql::Stmt s(pdb, "SELECT coalesce(f.uuid, ''), f.instance_id, coalesce(a.name, ''), f.note, f.created_at, f.id"
                         " FROM label_flags f LEFT JOIN annotators a ON a.id = f.annotator_id ORDER BY f.id");
        while (s.step()) {
            PackFlag f{s.text(0), s.text(2), s.text(3), s.text(4), s.i64(1)};
            if (f.uuid.isEmpty())
                f.uuid = QUuid::createUuidV5(QUuid(c.meta.packUuid), QStringLiteral("flag %1").arg(s.i64(5)))
                             .toString(QUuid::WithoutBraces);
            c.flags.push_back(std::move(f));
        }
    }
    // Every instance must be this project's, every annotator of the kind it has here.
    sqlite3 *db = project.handle();
    sql::Stmt exists(db, "SELECT 1 FROM instances WHERE id = ?");
    for (qint64 id : c.meta.instances) {
        exists.bind(1, std::int64_t(id));
        const bool ok = exists.step();
        exists.reset();
        if (!ok)
            throw PackError(QStringLiteral("%1: instance %2 of the pack is not in %3").arg(packPath).arg(id).arg(project.path()).toStdString());
    }
    std::map<QString, QString> kinds;
    for (const HumanLabel &l : c.labels)
        kinds.emplace(l.annotator, l.annotatorKind);
    for (const auto &[name, kind] : kinds)
        if (const auto here = annotatorKind(project, name); here && !kind.isEmpty() && *here != kind)
            throw PackError(QStringLiteral("%1: annotator '%2' labels as '%3' in the pack but exists in the project as '%4'")
                                .arg(packPath, name, kind, *here)
                                .toStdString());
    return c;
}

bool uuidExists(sqlite3 *db, const char *query, const QString &uuid)
{
    sql::Stmt s(db, query);
    s.bind(1, uuid);
    return s.step();
}

} // namespace

QString projectUuid(ProjectStore &store) { return store.meta("project_uuid"); }

std::optional<PackMeta> meta(ProjectStore &store)
{
    const QString uuid = store.meta("pack_uuid");
    if (uuid.isEmpty())
        return std::nullopt;
    PackMeta m;
    m.packUuid = uuid;
    m.projectUuid = store.meta("project_uuid");
    m.projectName = store.meta("pack_project_name");
    m.annotator = store.meta("pack_annotator");
    m.kind = store.meta("pack_kind");
    m.created = QDateTime::fromString(store.meta("pack_created_at"), Qt::ISODateWithMs);
    for (const QJsonValue &v : QJsonDocument::fromJson(store.meta("pack_instances").toUtf8()).array())
        m.instances.push_back(v.toInteger());
    return m;
}

QString fileNameFor(const QString &annotator)
{
    QString name;
    for (const QChar c : annotator)
        name += (c.isLetterOrNumber() || c == QLatin1Char('-') || c == QLatin1Char('_') || c == QLatin1Char('.'))
                    ? c : QLatin1Char('_');
    if (name.startsWith(QLatin1Char('.')))
        name.replace(0, 1, QLatin1Char('_'));
    return name + QStringLiteral(".hyperpack");
}

std::vector<PackAssignment> plan(ProjectStore &store, const PackExportParams &params, qint64 *eligible,
                                 qint64 *unassigned)
{
    requireProjectNotPack(store);
    QStringList names;
    for (const QString &n : params.annotators)
        if (!n.trimmed().isEmpty() && !names.contains(n.trimmed()))
            names << n.trimmed();
    if (names.isEmpty())
        throw PackError("name at least one annotator");
    if (params.overlap < 1 || params.overlap > names.size())
        throw PackError(QStringLiteral("the overlap must be between 1 and the number of annotators (%1), got %2")
                            .arg(names.size())
                            .arg(params.overlap)
                            .toStdString());
    if (params.limit < 0)
        throw PackError("the limit per annotator must be 0 (none) or more");
    sqlite3 *db = store.handle();
    const auto routed = routedWithLabellers(db);
    const std::unordered_set<qint64> out = outInPacks(db);
    const std::unordered_set<qint64> only(params.only.begin(), params.only.end());
    std::vector<PackAssignment> result;
    for (const QString &n : names)
        result.push_back({n, {}});
    std::vector<std::pair<std::uint64_t, int>> ranked(std::size_t(names.size()));
    qint64 nEligible = 0, nShort = 0;
    for (const auto &[id, labellers] : routed) {
        if (int(labellers.size()) >= params.overlap || out.count(id) || (!only.empty() && !only.count(id)))
            continue;
        ++nEligible;
        int need = params.overlap - int(labellers.size());
        for (int a = 0; a < names.size(); ++a)
            ranked[std::size_t(a)] = {AnnotationStore::preference(names[a], id), a};
        std::sort(ranked.begin(), ranked.end(), std::greater<>());
        for (const auto &[w, a] : ranked) {
            if (need == 0)
                break;
            PackAssignment &to = result[std::size_t(a)];
            if (labellers.count(to.annotator) || (params.limit > 0 && qint64(to.instances.size()) >= params.limit))
                continue;
            to.instances.push_back(id);
            --need;
        }
        nShort += need > 0;
    }
    if (eligible)
        *eligible = nEligible;
    if (unassigned)
        *unassigned = nShort;
    return result;
}

namespace {

/** Writes a pack per non-empty assignment and records them all, or nothing. */
std::vector<PackFileInfo> writeAndRecord(ProjectStore &store, const std::vector<PackAssignment> &assignments,
                                         const QString &kindIn, const QString &outDir, Feedback &feedback)
{
    sqlite3 *db = store.handle();
    const QString kind = kindIn.isEmpty() ? QStringLiteral("normal") : kindIn;
    if (kind != QLatin1String("normal") && kind != QLatin1String("expert"))
        throw PackError(QStringLiteral("the kind must be normal or expert, got '%1'").arg(kind).toStdString());
    const QDir dir(outDir);
    if (outDir.isEmpty() || !QDir().mkpath(outDir))
        throw PackError(QStringLiteral("cannot create the folder '%1'").arg(outDir).toStdString());
    qint64 total = 0, done = 0;
    for (const PackAssignment &a : assignments) {
        if (a.instances.empty())
            continue;
        total += qint64(a.instances.size());
        if (const auto here = annotatorKind(store, a.annotator); here && *here != kind)
            throw PackError(QStringLiteral("annotator '%1' exists in the project as '%2', not '%3'")
                                .arg(a.annotator, *here, kind)
                                .toStdString());
        const QString path = dir.filePath(fileNameFor(a.annotator));
        if (QFileInfo::exists(path))
            throw PackError(QStringLiteral("%1 exists (a pack handed out earlier may hold labels): choose another folder")
                                .arg(path)
                                .toStdString());
    }
    const QString uuid = projectUuid(store);
    std::vector<PackFileInfo> written;
    try {
        for (const PackAssignment &a : assignments) {
            if (a.instances.empty())
                continue;
            if (feedback.isCanceled())
                throw Canceled{};
            written.push_back(writePackFile(store, dir.filePath(fileNameFor(a.annotator)), uuid, a.annotator, kind,
                                            a.instances));
            done += qint64(a.instances.size());
            feedback.setProgress(double(done) / double(std::max<qint64>(1, total)), a.annotator);
        }
        sql::Transaction tx(db);
        std::size_t p = 0;
        for (const PackAssignment &a : assignments) {
            if (a.instances.empty())
                continue;
            makeWorkbenchAnnotator(db, a.annotator, kind);
            recordPack(db, written[p], kind);
            recordPackInstances(db, written[p].uuid, a.instances);
            ++p;
        }
        tx.commit();
    } catch (...) {
        for (const PackFileInfo &f : written)
            ProjectStore::removeFiles(f.path);
        throw;
    }
    feedback.setProgress(1.0, QStringLiteral("exported"));
    return written;
}

} // namespace

PackExportResult exportPacks(ProjectStore &store, const PackExportParams &params, Feedback &feedback)
{
    PackExportResult r;
    const std::vector<PackAssignment> assignments = plan(store, params, &r.eligible, &r.unassigned);
    r.packs = writeAndRecord(store, assignments, params.kind, params.outDir, feedback);
    return r;
}

namespace {
PackMergeResult resultOf(const PackContent &c, const QString &packPath)
{
    PackMergeResult r;
    r.path = packPath;
    r.packUuid = c.meta.packUuid;
    r.annotator = c.meta.annotator;
    r.labels = qint64(c.labels.size());
    return r;
}
} // namespace

PackMergeResult preview(ProjectStore &store, const QString &packPath)
{
    const PackContent c = readPack(store, packPath);
    PackMergeResult r = resultOf(c, packPath);
    sqlite3 *db = store.handle();
    for (const HumanLabel &l : c.labels)
        ++(uuidExists(db, "SELECT 1 FROM human_labels WHERE uuid = ?", l.uuid) ? r.already : r.merged);
    for (const PackFlag &f : c.flags)
        r.flags += !uuidExists(db, "SELECT 1 FROM label_flags WHERE uuid = ?", f.uuid);
    return r;
}

PackMergeResult merge(ProjectStore &store, const QString &packPath)
{
    const PackContent c = readPack(store, packPath);
    PackMergeResult r = resultOf(c, packPath);
    sqlite3 *db = store.handle();
    sql::Transaction tx(db);
    std::set<qint64> touched; // instances that lost a replaced label
    std::map<QString, QString> annotatorNames; // name -> kind
    for (const HumanLabel &pl : c.labels) {
        if (uuidExists(db, "SELECT 1 FROM human_labels WHERE uuid = ?", pl.uuid)) {
            ++r.already;
            continue;
        }
        // A label changed in the pack (undone and saved again after an earlier merge)
        // replaces the one that merge brought.
        {
            sql::Stmt old(db, "SELECT h.id FROM human_labels h JOIN annotators a ON a.id = h.annotator_id"
                              " WHERE h.instance_id = ? AND a.name = ? AND h.pack = ?");
            old.bind(1, std::int64_t(pl.instanceId)).bind(2, pl.annotator).bind(3, c.meta.packUuid);
            std::vector<std::int64_t> ids;
            while (old.step())
                ids.push_back(old.i64(0));
            for (std::int64_t id : ids) {
                sql::Stmt d(db, "DELETE FROM human_labels WHERE id = ?");
                d.bind(1, id);
                d.run();
                ++r.replaced;
                touched.insert(pl.instanceId);
            }
        }
        HumanLabel l = pl;
        l.id = 0;
        l.pack = c.meta.packUuid;
        insertHumanLabelRow(db, l, 0); // refreshes the instance's statistics
        annotatorNames.emplace(l.annotator, l.annotatorKind);
        ++r.merged;
    }
    for (qint64 id : touched)
        refreshInstanceStats(db, id);
    for (const auto &[name, kind] : annotatorNames)
        makeWorkbenchAnnotator(db, name, kind);
    for (const PackFlag &f : c.flags) {
        if (uuidExists(db, "SELECT 1 FROM label_flags WHERE uuid = ?", f.uuid))
            continue;
        sql::Stmt s(db, "INSERT INTO label_flags(instance_id, annotator_id, note, created_at, uuid, pack)"
                        " VALUES (?, ?, ?, ?, ?, ?)");
        s.bind(1, std::int64_t(f.instanceId));
        if (f.annotator.isEmpty())
            s.bindNull(2);
        else
            s.bind(2, annotatorId(db, f.annotator, c.meta.kind));
        s.bind(3, f.note).bind(4, f.createdAt).bind(5, f.uuid).bind(6, c.meta.packUuid);
        s.run();
        ++r.flags;
    }
    // The record of the pack: a pack unknown here (exported from a copy of this project)
    // is recorded as it arrives.
    {
        sql::Stmt known(db, "SELECT 1 FROM packs WHERE uuid = ?");
        known.bind(1, c.meta.packUuid);
        if (!known.step()) {
            PackFileInfo info{c.meta.annotator, c.meta.packUuid, packPath, qint64(c.meta.instances.size()), 0};
            recordPack(db, info, c.meta.kind);
            recordPackInstances(db, c.meta.packUuid, c.meta.instances);
        }
    }
    // Returned once labels of it came back: what it left unlabelled goes back to the pool
    // of the next export. Merging a pack with no labels yet leaves it out.
    sql::Stmt u(db, "UPDATE packs SET status = CASE WHEN status = 'out' AND ?4 > 0 THEN 'returned' ELSE status END,"
                    " merged_at = ?1, merged_labels = (SELECT count(*) FROM human_labels WHERE pack = ?2) WHERE uuid = ?3");
    u.bind(1, now()).bind(2, c.meta.packUuid).bind(3, c.meta.packUuid).bind(4, std::int64_t(c.labels.size()));
    u.run();
    tx.commit();
    return r;
}

std::vector<PackRecord> list(ProjectStore &store)
{
    sql::Stmt s(store.handle(),
                "SELECT p.uuid, p.annotator, p.kind, p.file, p.status, p.reissued_to, p.instances, p.merged_labels,"
                " p.created_at, coalesce(p.merged_at, ''),"
                " (SELECT count(DISTINCT h.instance_id) FROM pack_instances pi JOIN human_labels h ON h.instance_id = pi.instance_id"
                "   JOIN annotators a ON a.id = h.annotator_id WHERE pi.pack = p.uuid AND a.name = p.annotator)"
                " FROM packs p ORDER BY p.created_at, p.annotator");
    std::vector<PackRecord> out;
    while (s.step()) {
        PackRecord r;
        r.uuid = s.text(0);
        r.annotator = s.text(1);
        r.kind = s.text(2);
        r.file = s.text(3);
        r.status = s.text(4);
        r.reissuedTo = s.text(5);
        r.instances = s.i64(6);
        r.mergedLabels = s.i64(7);
        r.created = QDateTime::fromString(s.text(8), Qt::ISODateWithMs);
        r.mergedAt = QDateTime::fromString(s.text(9), Qt::ISODateWithMs);
        r.labelled = s.i64(10);
        out.push_back(std::move(r));
    }
    return out;
}

std::vector<TeamMember> team(ProjectStore &store)
{
    std::map<QString, TeamMember> byName;
    for (const PackRecord &p : list(store)) {
        TeamMember &m = byName[p.annotator];
        m.annotator = p.annotator;
        m.kind = p.kind;
        ++m.packs;
        m.assigned += p.instances;
        m.labelled += p.labelled;
        if (p.status == QLatin1String("out"))
            m.out += p.instances;
        else if (p.status == QLatin1String("returned"))
            m.returned += p.instances;
        if (p.mergedAt.isValid() && (!m.lastMerge.isValid() || p.mergedAt > m.lastMerge))
            m.lastMerge = p.mergedAt;
    }
    std::vector<TeamMember> out;
    for (auto &[name, m] : byName)
        out.push_back(std::move(m));
    return out;
}

PackFileInfo reissue(ProjectStore &store, const QString &packUuid, const QString &to, const QString &kindIn,
                     const QString &outDir, Feedback &feedback)
{
    sqlite3 *db = store.handle();
    QString status, from, kind = kindIn;
    {
        sql::Stmt s(db, "SELECT status, annotator, kind FROM packs WHERE uuid = ?");
        s.bind(1, packUuid);
        if (!s.step())
            throw PackError(QStringLiteral("no pack %1 in %2").arg(packUuid, store.path()).toStdString());
        status = s.text(0);
        from = s.text(1);
        if (kind.isEmpty())
            kind = s.text(2);
    }
    if (status != QLatin1String("out"))
        throw PackError(QStringLiteral("pack %1 of %2 is %3: only a pack that is still out can be reissued")
                            .arg(packUuid, from, status)
                            .toStdString());
    if (to.trimmed() == from)
        throw PackError("reissue to someone else than the pack's annotator");
    // What the pack's annotator owes: its instances without their label, and without one
    // by the new annotator (who must not label an instance twice).
    PackAssignment a{to.trimmed(), {}};
    {
        sql::Stmt s(db, "SELECT pi.instance_id FROM pack_instances pi WHERE pi.pack = ?1 AND NOT EXISTS("
                        " SELECT 1 FROM human_labels h JOIN annotators n ON n.id = h.annotator_id"
                        " WHERE h.instance_id = pi.instance_id AND (n.name = ?2 OR n.name = ?3)) ORDER BY pi.instance_id");
        s.bind(1, packUuid).bind(2, from).bind(3, to.trimmed());
        while (s.step())
            a.instances.push_back(s.i64(0));
    }
    if (a.instances.empty())
        throw PackError(QStringLiteral("nothing to reissue: every instance of %1's pack is labelled by %1 or %2")
                            .arg(from, to.trimmed())
                            .toStdString());
    const std::vector<PackFileInfo> written = writeAndRecord(store, {a}, kind, outDir, feedback);
    sql::Stmt mark(db, "UPDATE packs SET status = 'reissued', reissued_to = ? WHERE uuid = ?");
    mark.bind(1, to.trimmed()).bind(2, packUuid);
    mark.run();
    return written.front();
}

} // namespace hyper::packs
