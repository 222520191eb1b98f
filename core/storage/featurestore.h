// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QString>
#include <QStringList>
#include <cstdint>
#include <utility>
#include <vector>

class QCryptographicHash;

namespace hyper {

class ProjectStore;

/** The texts of one train-split instance, as the feature job reads them. */
struct FeatureInputRow {
    qint64 id = 0;
    QString prompt;
    QString responseA;
    QString responseB;
    QByteArray metadata;  // the stored JSON object (UTF-8), possibly empty
};

/** Everything the feature job writes, replacing what was there. */
struct FeatureWrite {
    /** Feature definitions in canonical order; feature id = index + 1. */
    QStringList names;
    QStringList kinds;        // "lexical" | "metadata", parallel to names
    QStringList scoreNames;   // the raw scores per instance
    struct Row {
        qint64 instanceId = 0;
        std::vector<double> scores;       // parallel to scoreNames
        std::vector<bool> imported;       // parallel to scoreNames: origin imported/computed
        std::vector<int> features;        // 0-based indices into names
    };
    std::vector<Row> rows;
    QByteArray inputsHash;
    QString encoder;
};

/** One stored raw score. */
struct StoredScore {
    QString score;
    double value = 0;
    QString origin;           // "computed" | "imported"
};

/** One stored binary feature and how many instances carry it. */
struct FeatureCount {
    QString name;
    QString kind;             // "lexical" | "metadata"
    qint64 instances = 0;
};

/**
 * The feature tables of a project (schema v2): features(id, name, kind),
 * instance_scores(instance_id, score, value, origin), instance_features(instance_id,
 * feature_id), plus the inputs hash in project_meta. Same thread rules as ProjectStore;
 * every method throws StoreError.
 */
class FeatureStore
{
public:
    explicit FeatureStore(ProjectStore &store) : m_store(store) {}

    /** The train split, ordered by id. When hash is given, every row's id, texts and
     *  metadata are added to it in that order. */
    std::vector<FeatureInputRow> loadInputs(QCryptographicHash *hash = nullptr) const;

    /** The stored metadata (JSON, UTF-8) of every train instance, ordered by id, without
     *  the texts. */
    std::vector<std::pair<qint64, QByteArray>> loadMetadata() const;

    /** The inputs hash of the stored features; empty when none were computed. */
    QByteArray inputsHash() const;
    QString encoder() const;

    /** Replaces all feature tables in one transaction. */
    void save(const FeatureWrite &write);

    /** Feature names ordered by id (empty before the first computation). */
    QStringList featureNames() const;
    qint64 featureCount() const;
    /** Per instance (ordered by id) the 0-based indices (id - 1) of its features. */
    std::vector<std::pair<qint64, std::vector<int>>> matrix() const;
    /** Raw scores of one instance, ordered by score name. */
    std::vector<StoredScore> scores(qint64 instanceId) const;
    /** Number of stored raw scores with origin "imported". */
    qint64 importedScoreCount() const;
    /** Every stored feature ordered by id, with the number of instances carrying it
     *  (empty before the first computation). */
    std::vector<FeatureCount> featureCounts() const;
    /** The stored raw values of one score over all instances, ordered by instance id;
     *  missing (NULL) values are left out. */
    std::vector<double> scoreValues(const QString &score) const;

private:
    ProjectStore &m_store;
};

} // namespace hyper
