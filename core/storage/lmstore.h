// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/domain/preference.h"

#include <QByteArray>
#include <QDateTime>
#include <QJsonObject>
#include <QMap>
#include <QSet>
#include <QString>
#include <functional>
#include <optional>
#include <vector>

namespace hyper {

class ProjectStore;

/** Which train instances an LM job works on (docs/LM.md "Jobs and CLI"). */
struct LmSelection {
    enum class Kind {
        All,        // every train instance
        Unlabelled, // judge: no label by this judge yet; tag: some tag dimension missing
        RoutedLm,   // route = 'lm'
        Ids,        // the ids listed (train or eval; unknown ids are an error)
    };
    Kind kind = Kind::Unlabelled;
    std::vector<qint64> ids;  // Kind::Ids
    qint64 limit = 0;         // at most this many (lowest ids first); 0: no limit
};

/** One LM label the workbench asked for itself, with its provenance. */
struct LmLabelWrite {
    qint64 instanceId = 0;
    QString judge;                           // judges.name, created when new
    Preference overall = Preference::Tie;
    QMap<QString, Preference> aspects;       // helpfulness / truthfulness / harmlessness
    std::optional<Preference> verdictOriginal;
    std::optional<Preference> verdictSwapped; // in the A/B frame
    QString rationale;
    QString raw;                             // the reply; both orders: {"original":..,"swapped":..}
    QString templateId;                      // name@version
    std::optional<qint64> tokensIn, tokensOut;
    std::optional<double> cost;
    QString contentHash;
};

/** A cached reply (lm_cache). */
struct LmCacheEntry {
    QString hash;
    QString kind;           // "judge" | "tag"
    QString model;
    QString reply;
    std::optional<qint64> tokensIn, tokensOut;
};

/** A failed item (lm_failures). */
struct LmFailure {
    qint64 id = 0;
    std::optional<qint64> instanceId;
    QString kind;
    QString model;
    QString error;
    QString raw;
    QDateTime createdAt;
};

/** A saved endpoint (lm_endpoints). Holds the NAME of the key's environment variable,
 *  never a key. settings: concurrency, rpm, timeout, retries, price_in, price_out. */
struct SavedEndpoint {
    QString name;
    QString baseUrl;
    QString model;
    QString keyEnv;
    QJsonObject settings;
    QDateTime createdAt;
};

/** The texts an LM job needs of one instance. */
struct LmJobInput {
    qint64 id = 0;
    QString prompt;
    QString responseA;
    QString responseB;
    QJsonObject metadata;
};

/**
 * The LM job tables of a project (schema v5: lm_labels provenance, lm_cache,
 * lm_failures, lm_endpoints, lm_templates). Same thread rules as ProjectStore; every
 * write commits before it returns; every method throws StoreError.
 */
class LmStore
{
public:
    explicit LmStore(ProjectStore &store) : m_store(store) {}

    /** Instance ids of the selection, ascending. judge names the judge of a judge job
     *  (Kind::Unlabelled: no label by it yet); empty for a tag job, where Kind::Unlabelled
     *  takes the train instances whose metadata `wanted` accepts (e.g. a tag missing).
     *  Throws StoreError naming the first unknown id of Kind::Ids. */
    std::vector<qint64> select(const LmSelection &selection, const QString &judge,
                               const std::function<bool(const QJsonObject &)> &wanted = {}) const;
    /** Texts and metadata of one instance; nullopt when there is none. */
    std::optional<LmJobInput> input(qint64 instanceId) const;

    /** Content hashes of the labels this judge already has. */
    QSet<QString> labelHashes(const QString &judge) const;
    /** Inserts the label and the cache entries in one transaction, keeps instances.n_lm
     *  and lm_pref in step; returns the label id. */
    qint64 addLabel(const LmLabelWrite &label, const std::vector<LmCacheEntry> &cache = {});
    /** Inserts the labels in one transaction (all or none), keeping the instance stats
     *  in step: for judges that label many instances at once (a reward model). */
    void addLabels(const std::vector<LmLabelWrite> &labels);

    std::optional<LmCacheEntry> cached(const QString &hash) const;
    /** Inserts (or replaces) cache entries in one transaction. */
    void putCache(const std::vector<LmCacheEntry> &entries);
    qint64 cacheSize(const QString &kind = {}) const;

    /** Records a failed item (commits). raw is the reply as received (never the key). */
    void addFailure(std::optional<qint64> instanceId, const QString &kind, const QString &model,
                    const QString &error, const QString &raw);
    /** Newest first; kind empty: all. */
    std::vector<LmFailure> failures(const QString &kind = {}, int limit = 1000) const;
    qint64 failureCount(const QString &kind = {}) const;

    /** Replaces the instance's metadata JSON and inserts the cache entries, in one
     *  transaction. */
    void writeMetadata(qint64 instanceId, const QJsonObject &metadata,
                       const std::vector<LmCacheEntry> &cache = {});

    /** Saves (inserts or replaces by name) an endpoint. Throws StoreError when the name,
     *  URL or model is empty. */
    void saveEndpoint(const SavedEndpoint &endpoint);
    std::vector<SavedEndpoint> endpoints() const;
    std::optional<SavedEndpoint> endpoint(const QString &name) const;
    /** false when there was none by that name. */
    bool removeEndpoint(const QString &name);

    /** Records a template text under its id (name@version); a second call with the same
     *  id keeps the first text. */
    void saveTemplate(const QString &id, const QString &kind, const QString &text);
    std::optional<QString> templateText(const QString &id) const;

private:
    ProjectStore &m_store;
};

} // namespace hyper
