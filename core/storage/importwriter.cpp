// SPDX-License-Identifier: GPL-3.0-or-later
// The bulk write path of an import: one transaction, statements prepared once, values
// bound straight from the parser's UTF-8 strings.
#include "core/storage/labelrows.h"
#include "core/storage/projectstore.h"
#include "core/storage/sqlite.h"

#include <QDateTime>
#include <sqlite3.h>
#include <cstring>
#include <set>
#include <unordered_map>
#include <unordered_set>

namespace hyper {

namespace {

/**
 * A 128-bit hash of byte strings, fast enough for the import's hot path (SHA-256 cost
 * the 100k-pair bench 1 s of 1.5). Two 64-bit lanes of multiply-rotate over 8-byte words,
 * each part prefixed by its length (so parts cannot run into each other), and a
 * murmur-style finaliser. Stable: stored in instances.content_hash. Not cryptographic:
 * it tells rows apart, it does not resist someone crafting collisions.
 */
class Hash128
{
public:
    void add(std::string_view bytes)
    {
        word(std::uint64_t(bytes.size()));
        std::size_t i = 0;
        for (; i + 8 <= bytes.size(); i += 8) {
            std::uint64_t w;
            std::memcpy(&w, bytes.data() + i, 8);
            word(w);
        }
        std::uint64_t tail = 0;
        std::memcpy(&tail, bytes.data() + i, bytes.size() - i);
        word(tail ^ (std::uint64_t(bytes.size() - i) << 56));
    }

    QByteArray result() const
    {
        const std::uint64_t a = mix(m_a ^ (m_b >> 1)), b = mix(m_b ^ (m_a << 1) ^ 0x9e3779b97f4a7c15ull);
        QByteArray out(16, '\0');
        std::memcpy(out.data(), &a, 8);
        std::memcpy(out.data() + 8, &b, 8);
        return out;
    }

private:
    static std::uint64_t rotl(std::uint64_t x, int r) { return (x << r) | (x >> (64 - r)); }
    static std::uint64_t mix(std::uint64_t h)
    {
        h ^= h >> 33;
        h *= 0xff51afd7ed558ccdull;
        h ^= h >> 33;
        h *= 0xc4ceb9fe1a85ec53ull;
        h ^= h >> 33;
        return h;
    }
    void word(std::uint64_t w)
    {
        m_a = rotl((m_a ^ w) * 0x87c37b91114253d5ull, 31) + m_b;
        m_b = rotl((m_b ^ rotl(w, 17)) * 0x4cf5ad432745937full, 33) + m_a;
    }

    std::uint64_t m_a = 0x243f6a8885a308d3ull, m_b = 0x13198a2e03707344ull;
};

/** The content hash of an instance (Hash128) of its split, prompt and the two responses
 *  in canonical (bytewise) order, so a row showing them the other way round is the same
 *  instance. With an instance key (--map instance=) the key stands for the texts. */
QByteArray contentHash(std::string_view split, std::string_view prompt, std::string_view a, std::string_view b,
                       std::string_view key = {})
{
    Hash128 h;
    h.add(split);
    if (!key.empty()) {
        h.add("instance-key");
        h.add(key);
    } else {
        h.add(prompt);
        h.add(std::min(a, b));
        h.add(std::max(a, b));
    }
    return h.result();
}

} // namespace

struct ImportWriter::Impl {
    explicit Impl(sqlite3 *db)
        : db(db), tx(db),
          insInstance(db, "INSERT INTO instances(ext_id, split, model_a, model_b, source, category,"
                          " import_id, n_human, n_lm, human_pref, lm_pref, content_hash)"
                          " VALUES (?,?,?,?,?,?,?,?,?,?,?,?)"),
          insTexts(db, "INSERT INTO instance_texts(id, prompt, response_a, response_b, metadata, prompt_messages)"
                       " VALUES (?,?,?,?,?,?)"),
          insHuman(db, "INSERT INTO human_labels(instance_id, annotator_id, overall, helpfulness,"
                       " truthfulness, harmlessness, reasons, rationale, confidence, time_spent,"
                       " created_at, shown_order) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)"),
          insLm(db, "INSERT INTO lm_labels(instance_id, judge_id, overall, verdict_orig, verdict_swapped,"
                    " rationale, raw, created_at) VALUES (?,?,?,?,?,?,?,?)"),
          findInstance(db, "SELECT i.id, t.response_a FROM instances i JOIN instance_texts t ON t.id = i.id"
                           " WHERE i.content_hash = ? ORDER BY i.id LIMIT 1"),
          findEarlier(db, "SELECT i.id, t.response_a FROM instances i JOIN instance_texts t ON t.id = i.id"
                          " WHERE i.content_hash = ? AND i.import_id IS NOT ? ORDER BY i.id LIMIT 1"),
          findHuman(db, "SELECT id FROM human_labels WHERE instance_id = ? AND annotator_id = ? ORDER BY id DESC LIMIT 1"),
          findLm(db, "SELECT id FROM lm_labels WHERE instance_id = ? AND judge_id = ? ORDER BY id DESC LIMIT 1"),
          now(QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs).toStdString())
    {
    }

    /** Instances written before schema 8 get their hash, once, in the import's transaction. */
    void backfillHashes()
    {
        sql::Stmt s(db, "SELECT i.id, i.split, t.prompt, t.response_a, t.response_b FROM instances i"
                        " JOIN instance_texts t ON t.id = i.id WHERE i.content_hash IS NULL");
        // Read first, then write: updating the column the scan may walk by its index
        // while the scan runs could skip or revisit rows.
        std::vector<std::pair<std::int64_t, QByteArray>> hashes;
        while (s.step())
            hashes.emplace_back(s.i64(0), contentHash(s.utf8(1), s.utf8(2), s.utf8(3), s.utf8(4)));
        sql::Stmt up(db, "UPDATE instances SET content_hash = ? WHERE id = ?");
        for (const auto &[id, h] : hashes) {
            up.bindBlob(1, h.constData(), std::size_t(h.size())).bind(2, id);
            up.run();
        }
    }

    /** Writes the row's labels into an existing instance (mirrored when the row shows the
     *  responses the other way round), by the rules of ImportWriter::add. */
    void mergeLabels(std::int64_t instanceId, const ImportRecord &r, bool mirrored);
    /** Whether a label of `who` on the instance is to be written (counted as added or
     *  replaced): not when the project had one before this import (counted as kept); one
     *  written earlier by this import is deleted first (the later row wins). */
    bool makeRoom(sql::Stmt &find, const char *deleteSql,
                  const std::set<std::pair<std::int64_t, std::int64_t>> &ours, std::int64_t instanceId,
                  std::int64_t who);

    std::int64_t idFor(std::unordered_map<std::string, std::int64_t> &cache, const char *table,
                       const std::string &name, const std::string &kind)
    {
        if (auto it = cache.find(name); it != cache.end())
            return it->second;
        const std::string select = std::string("SELECT id FROM ") + table + " WHERE name = ?";
        sql::Stmt s(db, select.c_str());
        s.bind(1, std::string_view(name));
        std::int64_t id;
        if (s.step()) {
            id = s.i64(0);
        } else {
            const bool annotators = std::string_view(table) == "annotators";
            sql::Stmt ins(db, annotators ? "INSERT INTO annotators(name, kind) VALUES (?, ?)"
                                         : "INSERT INTO judges(name) VALUES (?)");
            ins.bind(1, std::string_view(name));
            if (annotators)
                ins.bind(2, std::string_view(kind.empty() ? std::string_view("normal") : std::string_view(kind)));
            ins.run();
            id = sqlite3_last_insert_rowid(db);
        }
        cache.emplace(name, id);
        return id;
    }

    sqlite3 *db;
    sql::Transaction tx;
    sql::Stmt insInstance, insTexts, insHuman, insLm, findInstance, findEarlier, findHuman, findLm;
    std::string now;
    std::int64_t importId = 0;
    OnDuplicate onDuplicate = OnDuplicate::Skip;
    /** The project had instances before this import: whole rows may meet one. */
    bool earlierInstances = true;
    std::unordered_map<std::string, std::int64_t> annotators, judges;
    std::vector<int> votes;
    /** Labels written by this import, by (instance, annotator or judge): a later row of
     *  the same annotator replaces the earlier one. */
    std::set<std::pair<std::int64_t, std::int64_t>> ourHuman, ourLm;
    ImportMergeCounts counts;
    std::int64_t lastInstance = 0;
};

namespace {

int mirror(int p, bool mirrored)
{
    return mirrored ? -p : p;
}

std::optional<int> mirror(const std::optional<int> &p, bool mirrored)
{
    return p ? std::optional<int>(mirror(*p, mirrored)) : std::nullopt;
}

} // namespace

bool ImportWriter::Impl::makeRoom(sql::Stmt &find, const char *deleteSql,
                                  const std::set<std::pair<std::int64_t, std::int64_t>> &ours,
                                  std::int64_t instanceId, std::int64_t who)
{
    find.bind(1, instanceId).bind(2, who);
    const std::optional<std::int64_t> existing = find.step() ? std::optional(find.i64(0)) : std::nullopt;
    find.reset();
    if (existing && !ours.count({instanceId, who})) {
        ++counts.labelsKept; // the project had it before this import
        return false;
    }
    if (existing) {
        sql::Stmt del(db, deleteSql);
        del.bind(1, *existing);
        del.run();
        ++counts.labelsReplaced;
    } else {
        ++counts.labelsAdded;
    }
    return true;
}

void ImportWriter::Impl::mergeLabels(std::int64_t instanceId, const ImportRecord &r, bool mirrored)
{
    const char *shown = r.judgement ? (mirrored ? "BA" : "AB") : "";
    for (const ImportHumanLabel &h : r.human) {
        const std::int64_t who = idFor(annotators, "annotators", h.annotator, h.kind);
        if (!makeRoom(findHuman, "DELETE FROM human_labels WHERE id = ?", ourHuman, instanceId, who))
            continue;
        auto &q = insHuman;
        q.bind(1, instanceId).bind(2, who);
        q.bind(3, mirror(h.overall, mirrored)).bind(4, mirror(h.helpfulness, mirrored));
        q.bind(5, mirror(h.truthfulness, mirrored)).bind(6, mirror(h.harmlessness, mirrored));
        q.bind(7, std::string_view(h.reasonsJson)).bind(8, std::string_view(h.rationale));
        q.bind(9, h.confidence).bind(10, h.timeSpentSeconds);
        q.bind(11, std::string_view(now)).bind(12, std::string_view(shown));
        q.run();
        ourHuman.insert({instanceId, who});
        counts.mirrored += mirrored ? 1 : 0;
    }
    for (const ImportLmLabel &l : r.lm) {
        const std::int64_t who = idFor(judges, "judges", l.judge, {});
        if (!makeRoom(findLm, "DELETE FROM lm_labels WHERE id = ?", ourLm, instanceId, who))
            continue;
        auto &q = insLm;
        q.bind(1, instanceId).bind(2, who);
        q.bind(3, mirror(l.overall, mirrored));
        // A swapped row's "original" order is the instance's swapped one.
        q.bind(4, mirror(mirrored ? l.verdictSwapped : l.verdictOriginal, mirrored));
        q.bind(5, mirror(mirrored ? l.verdictOriginal : l.verdictSwapped, mirrored));
        q.bind(6, std::string_view(l.rationale)).bind(7, std::string_view(l.raw));
        q.bind(8, std::string_view(now));
        q.run();
        ourLm.insert({instanceId, who});
        counts.mirrored += mirrored ? 1 : 0;
    }
    refreshInstanceStats(db, instanceId);
}

ImportWriter::ImportWriter(ProjectStore &store, QString file, QString format, OnDuplicate onDuplicate)
    : d(std::make_unique<Impl>(store.handle()))
{
    d->onDuplicate = onDuplicate;
    {
        sql::Stmt any(d->db, "SELECT EXISTS(SELECT 1 FROM instances)");
        d->earlierInstances = any.step() && any.i64(0) != 0;
    }
    if (onDuplicate != OnDuplicate::Keep && d->earlierInstances)
        d->backfillHashes();
    sql::Stmt s(d->db, "INSERT INTO imports(file, format, imported_at, rows, skipped) VALUES (?,?,?,0,0)");
    s.bind(1, file).bind(2, format).bind(3, std::string_view(d->now));
    s.run();
    d->importId = sqlite3_last_insert_rowid(d->db);
}

ImportWriter::~ImportWriter() = default; // Impl's Transaction rolls back unless committed

std::unique_ptr<ImportWriter> ProjectStore::beginImport(const QString &file, const QString &format,
                                                        OnDuplicate onDuplicate)
{
    return std::unique_ptr<ImportWriter>(new ImportWriter(*this, file, format, onDuplicate));
}

const ImportMergeCounts &ImportWriter::merged() const
{
    static const ImportMergeCounts none;
    return d ? d->counts : none;
}

void ImportWriter::add(const ImportRecord &r)
{
    if (!d)
        throw StoreError("import already finished");
    const std::string_view split = r.split == Split::Train ? "train" : "eval";
    const QByteArray hash = contentHash(split, r.prompt, r.responseA, r.responseB, r.instanceKey);
    // Long-format rows always meet their instance's other rows; whole rows meet an
    // instance already there unless duplicates are kept.
    // A whole row meets only instances of earlier imports: rows of one file with the same
    // texts stay separate instances, as the data sets that have them mean them (PRD
    // judges each pair in both orders, PandaLM repeats pairs with other labels).
    if (r.judgement || (d->onDuplicate != OnDuplicate::Keep && d->earlierInstances)) {
        sql::Stmt &find = r.judgement ? d->findInstance : d->findEarlier;
        find.bindBlob(1, hash.constData(), std::size_t(hash.size()));
        if (!r.judgement)
            find.bind(2, d->importId);
        if (find.step()) {
            const std::int64_t id = find.i64(0);
            const bool mirrored = find.utf8(1) != std::string_view(r.responseA);
            find.reset();
            if (d->onDuplicate == OnDuplicate::Error && !r.judgement)
                throw DuplicateRow("the same prompt and responses as instance " + std::to_string(id)
                                   + " (--on-duplicate skip merges its labels, keep adds it again)");
            if (!r.judgement)
                ++d->counts.duplicateRows;
            d->mergeLabels(id, r, mirrored);
            ++m_added;
            return;
        }
        find.reset();
    }
    if (r.judgement) {
        // The first row of a long-format instance creates it; its labels go in as merges
        // so that a later row of the same annotator replaces them (mergeLabels refreshes
        // the statistics bound here).
        insertInstance(r, hash, /*withLabels=*/false);
        d->mergeLabels(d->lastInstance, r, false);
        return;
    }
    insertInstance(r, hash, /*withLabels=*/true);
}

void ImportWriter::insertInstance(const ImportRecord &r, const QByteArray &hash, bool withLabels)
{
    auto &s = d->insInstance;
    s.bind(1, std::string_view(r.externalId));
    s.bind(2, std::string_view(r.split == Split::Train ? "train" : "eval"));
    s.bind(3, std::string_view(r.modelA)).bind(4, std::string_view(r.modelB));
    s.bind(5, std::string_view(r.source)).bind(6, std::string_view(r.category));
    s.bind(7, d->importId);
    s.bind(8, std::int64_t(r.human.size())).bind(9, std::int64_t(r.lm.size()));
    d->votes.clear();
    for (const auto &h : r.human)
        d->votes.push_back(h.overall);
    s.bind(10, foldedMajority(d->votes.data(), d->votes.size()));
    d->votes.clear();
    for (const auto &l : r.lm)
        if (l.overall)
            d->votes.push_back(*l.overall);
    s.bind(11, foldedMajority(d->votes.data(), d->votes.size()));
    s.bindBlob(12, hash.constData(), std::size_t(hash.size()));
    s.run();
    const std::int64_t instanceId = sqlite3_last_insert_rowid(d->db);
    d->lastInstance = instanceId;
    ++d->counts.instances;
    auto &t = d->insTexts;
    t.bind(1, instanceId).bind(2, std::string_view(r.prompt));
    t.bind(3, std::string_view(r.responseA)).bind(4, std::string_view(r.responseB));
    t.bind(5, std::string_view(r.metadataJson)).bind(6, std::string_view(r.promptMessagesJson));
    t.run();
    ++m_added;
    if (!withLabels)
        return;

    for (const auto &h : r.human) {
        auto &q = d->insHuman;
        q.bind(1, instanceId).bind(2, d->idFor(d->annotators, "annotators", h.annotator, h.kind));
        q.bind(3, h.overall).bind(4, h.helpfulness).bind(5, h.truthfulness).bind(6, h.harmlessness);
        q.bind(7, std::string_view(h.reasonsJson)).bind(8, std::string_view(h.rationale));
        q.bind(9, h.confidence).bind(10, h.timeSpentSeconds);
        q.bind(11, std::string_view(d->now)).bind(12, std::string_view(""));
        q.run();
        ++d->counts.labelsAdded;
    }
    for (const auto &l : r.lm) {
        auto &q = d->insLm;
        q.bind(1, instanceId).bind(2, d->idFor(d->judges, "judges", l.judge, {}));
        q.bind(3, l.overall).bind(4, l.verdictOriginal).bind(5, l.verdictSwapped);
        q.bind(6, std::string_view(l.rationale)).bind(7, std::string_view(l.raw));
        q.bind(8, std::string_view(d->now));
        q.run();
        ++d->counts.labelsAdded;
    }
}

qint64 ImportWriter::commit(qint64 skipped)
{
    if (!d)
        throw StoreError("import already finished");
    sql::Stmt s(d->db, "UPDATE imports SET rows = ?, skipped = ? WHERE id = ?");
    s.bind(1, std::int64_t(m_added)).bind(2, std::int64_t(skipped)).bind(3, d->importId);
    s.run();
    const qint64 id = d->importId;
    d->tx.commit();
    d.reset();
    return id;
}

void ImportWriter::rollback() { d.reset(); }

} // namespace hyper
