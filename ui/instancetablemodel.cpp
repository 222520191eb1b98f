// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/instancetablemodel.h"

#include "core/storage/projectstore.h"
#include "ui/labelformat.h"

#include <QBrush>
#include <QColor>
#include <limits>
#include <memory>

namespace hyper {

namespace {

bool disagree(const InstanceSummary &s)
{
    return s.humanMajority && s.lmMajority && foldSlightly(*s.humanMajority) != foldSlightly(*s.lmMajority);
}

QVariant optionalPreference(const std::optional<Preference> &p)
{
    return p ? QVariant(toInt(*p)) : QVariant();
}

} // namespace

InstanceTableModel::InstanceTableModel(QObject *parent)
    : QAbstractTableModel(parent)
{
}

InstanceTableModel::~InstanceTableModel() = default;

void InstanceTableModel::setStore(const ProjectStore *store)
{
    m_store = store;
    reload();
}

void InstanceTableModel::setFilter(const InstanceFilter &filter)
{
    if (filter == m_filter)
        return;
    m_filter = filter;
    reload();
}

void InstanceTableModel::reload()
{
    beginResetModel();
    m_pages.clear();
    recount();
    endResetModel();
}

void InstanceTableModel::refresh()
{
    const int before = m_rows;
    m_pages.clear();
    int after = 0;
    if (m_store) {
        try {
            after = int(std::min<qint64>(m_store->countInstances(m_filter), std::numeric_limits<int>::max()));
        } catch (const std::exception &e) {
            Q_EMIT loadFailed(QString::fromUtf8(e.what()));
            return; // keep showing what was there
        }
    }
    if (after > before) {
        beginInsertRows({}, before, after - 1);
        m_rows = after;
        endInsertRows();
    } else if (after < before) {
        beginRemoveRows({}, after, before - 1);
        m_rows = after;
        endRemoveRows();
    }
    if (const int common = std::min(before, after); common > 0)
        Q_EMIT dataChanged(index(0, 0), index(common - 1, ColumnCount - 1));
}

void InstanceTableModel::recount()
{
    m_rows = 0;
    if (!m_store)
        return;
    try {
        const qint64 n = m_store->countInstances(m_filter);
        m_rows = int(std::min<qint64>(n, std::numeric_limits<int>::max()));
    } catch (const std::exception &e) {
        Q_EMIT loadFailed(QString::fromUtf8(e.what()));
    }
}

const InstanceSummary *InstanceTableModel::summaryAt(int row) const
{
    if (!m_store || row < 0 || row >= m_rows)
        return nullptr;
    const int pageIndex = row / kPageSize;
    Page *page = m_pages.object(pageIndex);
    if (!page) {
        auto fetched = std::make_unique<Page>();
        ++m_fetches;
        try {
            *fetched = m_store->listInstances(m_filter, qint64(pageIndex) * kPageSize, kPageSize);
        } catch (const std::exception &e) {
            // An empty page is cached on purpose: a failing query would otherwise be
            // retried for every cell the view paints.
            Q_EMIT const_cast<InstanceTableModel *>(this)->loadFailed(QString::fromUtf8(e.what()));
        }
        page = fetched.get();
        m_pages.insert(pageIndex, fetched.release());
    }
    const size_t offset = size_t(row % kPageSize);
    return offset < page->size() ? &(*page)[offset] : nullptr;
}

qint64 InstanceTableModel::instanceId(int row) const
{
    const InstanceSummary *s = summaryAt(row);
    return s ? s->id : 0;
}

int InstanceTableModel::cachedRowOf(qint64 instanceId) const
{
    const QList<int> keys = m_pages.keys();
    for (int pageIndex : keys) {
        const Page *page = m_pages.object(pageIndex);
        for (size_t i = 0; page && i < page->size(); ++i) {
            if ((*page)[i].id == instanceId)
                return pageIndex * kPageSize + int(i);
        }
    }
    return -1;
}

int InstanceTableModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : m_rows;
}

int InstanceTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant InstanceTableModel::displayData(const InstanceSummary &s, int column) const
{
    switch (column) {
    case IdColumn:
        return s.externalId.isEmpty() ? QString::number(s.id) : s.externalId;
    case SplitColumn:
        return splitName(s.split);
    case SourceColumn:
        return s.source;
    case CategoryColumn:
        return s.category;
    case PromptColumn:
        return s.promptPreview;
    case HumanCountColumn:
        return s.humanLabels;
    case LmCountColumn:
        return s.lmLabels;
    case HumanMajorityColumn:
        return labelformat::shortText(s.humanMajority);
    case LmMajorityColumn:
        return labelformat::shortText(s.lmMajority);
    case RouteColumn:
        return s.route;
    }
    return {};
}

QVariant InstanceTableModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const InstanceSummary *s = summaryAt(index.row());
    if (!s)
        return {};
    const int column = index.column();
    switch (role) {
    case Qt::DisplayRole:
        return displayData(*s, column);
    case Qt::ToolTipRole:
        if (column == PromptColumn)
            return s->promptPreview;
        if (column == HumanMajorityColumn)
            return labelformat::longText(s->humanMajority);
        if (column == LmMajorityColumn)
            return labelformat::longText(s->lmMajority);
        if (column == IdColumn)
            return tr("Store id %1").arg(s->id);
        return {};
    case Qt::TextAlignmentRole:
        if (column == HumanCountColumn || column == LmCountColumn)
            return int(Qt::AlignRight | Qt::AlignVCenter);
        if (column == HumanMajorityColumn || column == LmMajorityColumn)
            return int(Qt::AlignCenter);
        return {};
    case Qt::ForegroundRole:
        if ((column == HumanMajorityColumn || column == LmMajorityColumn) && disagree(*s))
            return QBrush(QColor(0xb0, 0x3a, 0x2e));
        return {};
    case InstanceIdRole:
        return s->id;
    case ExternalIdRole:
        return s->externalId;
    case SplitRole:
        return int(s->split);
    case HumanMajorityRole:
        return optionalPreference(s->humanMajority);
    case LmMajorityRole:
        return optionalPreference(s->lmMajority);
    case DisagreementRole:
        return disagree(*s);
    case RouteRole:
        return s->route;
    }
    return {};
}

QVariant InstanceTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal)
        return QAbstractTableModel::headerData(section, orientation, role);
    if (role == Qt::DisplayRole) {
        switch (section) {
        case IdColumn:
            return tr("Id");
        case SplitColumn:
            return tr("Split");
        case SourceColumn:
            return tr("Source");
        case CategoryColumn:
            return tr("Category");
        case PromptColumn:
            return tr("Prompt");
        case HumanCountColumn:
            return tr("#Human");
        case LmCountColumn:
            return tr("#LM");
        case HumanMajorityColumn:
            return tr("Human majority");
        case LmMajorityColumn:
            return tr("LM majority");
        case RouteColumn:
            return tr("Route");
        }
    } else if (role == Qt::ToolTipRole) {
        switch (section) {
        case HumanCountColumn:
            return tr("Number of human labels");
        case LmCountColumn:
            return tr("Number of LM judge labels");
        case HumanMajorityColumn:
            return tr("Majority of the human labels, 'slightly' folded into 'clearly'");
        case LmMajorityColumn:
            return tr("Majority of the LM labels, 'slightly' folded into 'clearly'; red where it differs "
                      "from the human majority");
        case RouteColumn:
            return tr("Where the router sent the instance: human or LM");
        }
    }
    return {};
}

QHash<int, QByteArray> InstanceTableModel::roleNames() const
{
    QHash<int, QByteArray> names = QAbstractTableModel::roleNames();
    names.insert(InstanceIdRole, "instanceId");
    names.insert(ExternalIdRole, "externalId");
    names.insert(SplitRole, "split");
    names.insert(HumanMajorityRole, "humanMajority");
    names.insert(LmMajorityRole, "lmMajority");
    names.insert(DisagreementRole, "disagreement");
    names.insert(RouteRole, "route");
    return names;
}

} // namespace hyper
