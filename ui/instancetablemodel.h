// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/domain/types.h"

#include <QAbstractTableModel>
#include <QCache>
#include <vector>

namespace hyper {

class ProjectStore;

/**
 * The instances of a project as a lazy table: the row count comes from
 * ProjectStore::countInstances and rows are fetched in pages of kPageSize through
 * listInstances when a view first asks for them. At most kMaxCachedPages pages are
 * kept (least recently used go first), so memory does not grow with the project.
 * Filtering and full-text search happen in the store (setFilter).
 *
 * Ownership: the store is borrowed and must outlive the model (or be replaced with
 * setStore(nullptr) first). Thread affinity: the GUI thread, the thread of the store.
 */
class InstanceTableModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column {
        IdColumn,
        SplitColumn,
        SourceColumn,
        CategoryColumn,
        PromptColumn,
        HumanCountColumn,
        LmCountColumn,
        HumanMajorityColumn,
        LmMajorityColumn,
        RouteColumn,
        ColumnCount
    };

    enum Role {
        InstanceIdRole = Qt::UserRole, ///< qint64 store id
        ExternalIdRole, ///< QString id from the source file
        SplitRole, ///< int(Split)
        HumanMajorityRole, ///< int preference, invalid when none
        LmMajorityRole, ///< int preference, invalid when none
        DisagreementRole, ///< bool: both majorities exist and differ
        RouteRole, ///< QString "", "human" or "lm"
    };

    static constexpr int kPageSize = 200;
    static constexpr int kMaxCachedPages = 50;

    explicit InstanceTableModel(QObject *parent = nullptr);
    ~InstanceTableModel() override;

    /** Borrows the store (nullptr: empty model) and reloads. */
    void setStore(const ProjectStore *store);
    const ProjectStore *store() const { return m_store; }

    /** Applies a filter (the store filters) and reloads when it changed. */
    void setFilter(const InstanceFilter &filter);
    const InstanceFilter &filter() const { return m_filter; }

    /** Drops every cached page and recounts, e.g. after an import. */
    void reload();
    /** Drops every cached page and recounts without a model reset, for data changed by
     *  another program: rows are appended or removed at the end and the others report
     *  dataChanged, so that a view keeps its selection and scroll position. */
    void refresh();

    /** The store id of a row, or 0 when out of range. Fetches its page if needed. */
    qint64 instanceId(int row) const;
    /** The row of an instance if its page is cached, else -1 (never queries). */
    int cachedRowOf(qint64 instanceId) const;
    /** Pages currently held; for tests and the status bar. */
    int cachedPageCount() const { return m_pages.count(); }
    /** listInstances calls made since construction; for tests. */
    int pageFetchCount() const { return m_fetches; }

    int rowCount(const QModelIndex &parent = QModelIndex()) const override;
    int columnCount(const QModelIndex &parent = QModelIndex()) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

Q_SIGNALS:
    /** The store failed (e.g. a malformed search query); the model is left empty or
     *  with empty cells. */
    void loadFailed(const QString &message);

private:
    using Page = std::vector<InstanceSummary>;

    const InstanceSummary *summaryAt(int row) const;
    QVariant displayData(const InstanceSummary &s, int column) const;
    void recount();

    const ProjectStore *m_store = nullptr;
    InstanceFilter m_filter;
    int m_rows = 0;
    mutable QCache<int, Page> m_pages { kMaxCachedPages };
    mutable int m_fetches = 0;
};

} // namespace hyper
