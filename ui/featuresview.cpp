// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/featuresview.h"

#include "core/features/featureset.h"
#include "core/storage/featurestore.h"
#include "core/storage/projectstore.h"
#include "ui/featurejobcontroller.h"

#include <QCheckBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QProgressBar>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QStackedWidget>
#include <QStandardItemModel>
#include <QTableView>
#include <QVBoxLayout>
#include "ui/plot.h"

#include <algorithm>
#include <unordered_map>

namespace hyper {

namespace {

using features::FeatureDef;
using features::FeatureKind;
using features::TagKind;

const FeatureDef *findFeature(const QString &name)
{
    static const std::unordered_map<QString, const FeatureDef *> byName = [] {
        std::unordered_map<QString, const FeatureDef *> m;
        for (const FeatureDef &d : features::featureTable())
            m.emplace(d.name, &d);
        return m;
    }();
    const auto it = byName.find(name);
    return it == byName.end() ? nullptr : it->second;
}

QString kindLabel(const FeatureDef *d)
{
    if (!d)
        return FeaturesView::tr("unknown");
    if (d->kind == FeatureKind::Lexical)
        return features::isLengthScore(d->score) ? FeaturesView::tr("length (rank)")
                                                 : FeaturesView::tr("lexical score");
    switch (d->tagKind) {
    case TagKind::ClosedSet: return FeaturesView::tr("tag (closed set)");
    case TagKind::Scalar: return FeaturesView::tr("tag (scalar)");
    case TagKind::OpenSet: return FeaturesView::tr("tag (open set)");
    }
    return QString();
}

QStandardItem *item(const QString &text, const QVariant &sortKey)
{
    auto *it = new QStandardItem(text);
    it->setEditable(false);
    it->setData(sortKey, FeaturesView::kSortRole);
    return it;
}

} // namespace

QString featureDisplayName(const QString &name)
{
    const FeatureDef *d = findFeature(name);
    if (!d)
        return name;
    if (d->kind == FeatureKind::Lexical) {
        const QString range = features::pythonFloat(d->minVal) + QStringLiteral("–") + features::pythonFloat(d->maxVal);
        return features::isLengthScore(d->score)
            ? FeaturesView::tr("%1: rank %2").arg(features::scoreName(d->score), range)
            : FeaturesView::tr("%1: %2").arg(features::scoreName(d->score), range);
    }
    switch (d->tagKind) {
    case TagKind::ClosedSet: return FeaturesView::tr("%1: %2").arg(d->column, d->value);
    case TagKind::Scalar: return FeaturesView::tr("%1 = %2").arg(d->column, d->value);
    case TagKind::OpenSet: return FeaturesView::tr("%1 present").arg(d->column);
    }
    return name;
}

FeaturesView::FeaturesView(QWidget *parent)
    : ProjectView(parent)
{
    m_jobs = new FeatureJobController(this);

    // Job bar: always visible, so a recompute can start from the filled view too.
    m_compute = new QPushButton(tr("Compute features"), this);
    m_recompute = new QCheckBox(tr("Recompute"), this);
    m_recompute->setToolTip(tr("Recompute everything, even when the texts did not change, "
                               "including raw scores that the data carried"));
    m_progress = new QProgressBar(this);
    m_progress->setRange(0, 1000);
    m_progress->setMaximumWidth(260);
    m_progress->setVisible(false);
    m_cancel = new QPushButton(tr("Cancel"), this);
    m_cancel->setVisible(false);
    m_summary = new QLabel(this);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto *bar = new QHBoxLayout;
    bar->addWidget(m_compute);
    bar->addWidget(m_recompute);
    bar->addWidget(m_progress);
    bar->addWidget(m_cancel);
    bar->addWidget(m_summary, 1);

    // Empty state.
    auto *empty = new QWidget(this);
    m_emptyLabel = new QLabel(empty);
    m_emptyLabel->setAlignment(Qt::AlignCenter);
    m_emptyLabel->setWordWrap(true);
    m_emptyCompute = new QPushButton(tr("Compute"), empty);
    auto *emptyLayout = new QVBoxLayout(empty);
    emptyLayout->addStretch(1);
    emptyLayout->addWidget(m_emptyLabel);
    emptyLayout->addWidget(m_emptyCompute, 0, Qt::AlignHCenter);
    emptyLayout->addStretch(2);

    // Left: the feature list.
    m_model = new QStandardItemModel(0, ColumnCount, this);
    m_model->setHorizontalHeaderLabels({ tr("Feature"), tr("Kind"), tr("Instances"), tr("Share") });
    m_proxy = new QSortFilterProxyModel(this);
    m_proxy->setSourceModel(m_model);
    m_proxy->setSortRole(kSortRole);
    m_proxy->setFilterCaseSensitivity(Qt::CaseInsensitive);
    m_proxy->setFilterKeyColumn(-1);
    m_search = new QLineEdit(this);
    m_search->setPlaceholderText(tr("Filter features"));
    m_search->setClearButtonEnabled(true);
    m_table = new QTableView(this);
    m_table->setModel(m_proxy);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_table->setAlternatingRowColors(true);
    m_table->setShowGrid(false);
    m_table->setWordWrap(false);
    m_table->verticalHeader()->hide();
    m_table->verticalHeader()->setDefaultSectionSize(m_table->fontMetrics().height() + 6);
    m_table->horizontalHeader()->setSectionResizeMode(FeatureColumn, QHeaderView::Stretch);
    m_table->horizontalHeader()->setSortIndicator(-1, Qt::AscendingOrder);
    m_table->setSortingEnabled(true);
    const int em = m_table->fontMetrics().horizontalAdvance(QLatin1Char('M'));
    m_table->setColumnWidth(KindColumn, 10 * em);
    m_table->setColumnWidth(CountColumn, 7 * em);
    m_table->setColumnWidth(ShareColumn, 6 * em);
    m_table->setMinimumWidth(38 * em);
    m_show = new QPushButton(tr("Show in dataset"), this);
    m_show->setToolTip(tr("Filter the dataset table to the instances that carry ALL selected features"));
    auto *left = new QWidget(this);
    auto *leftLayout = new QVBoxLayout(left);
    leftLayout->setContentsMargins(0, 0, 0, 0);
    leftLayout->addWidget(m_search);
    leftLayout->addWidget(m_table, 1);
    leftLayout->addWidget(m_show);

    // Right: the plot of the current feature.
    m_plotTitle = new QLabel(this);
    QFont bold = m_plotTitle->font();
    bold.setBold(true);
    m_plotTitle->setFont(bold);
    m_plot = new QCustomPlot(this);
    m_plot->setMinimumSize(360, 260);
    m_plotNote = new QLabel(this);
    m_plotNote->setWordWrap(true);
    m_plotNote->setMinimumHeight(2 * m_plotNote->fontMetrics().lineSpacing() + 4);
    m_plotNote->setAlignment(Qt::AlignLeft | Qt::AlignTop);
    auto *right = new QWidget(this);
    auto *rightLayout = new QVBoxLayout(right);
    rightLayout->setContentsMargins(0, 0, 0, 0);
    rightLayout->addWidget(m_plotTitle);
    rightLayout->addWidget(m_plot, 1);
    rightLayout->addWidget(m_plotNote);

    auto *splitter = new QSplitter(Qt::Horizontal, this);
    splitter->addWidget(left);
    splitter->addWidget(right);
    splitter->setStretchFactor(0, 2);
    splitter->setStretchFactor(1, 3);
    splitter->setChildrenCollapsible(false);
    splitter->setSizes({ 42 * em, 58 * em });

    m_stack = new QStackedWidget(this);
    m_stack->addWidget(empty);
    m_stack->addWidget(splitter);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 6);
    layout->addLayout(bar);
    layout->addWidget(m_stack, 1);

    connect(m_compute, &QPushButton::clicked, this, [this] { compute(m_recompute->isChecked()); });
    connect(m_emptyCompute, &QPushButton::clicked, this, [this] { compute(m_recompute->isChecked()); });
    connect(m_cancel, &QPushButton::clicked, this, &FeaturesView::cancel);
    connect(m_search, &QLineEdit::textChanged, m_proxy, &QSortFilterProxyModel::setFilterFixedString);
    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
        &FeaturesView::onCurrentChanged);
    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this, &FeaturesView::updateButtons);
    connect(m_show, &QPushButton::clicked, this, [this] {
        const QStringList names = selectedFeatures();
        if (!names.isEmpty())
            Q_EMIT showInstances(names);
    });
    connect(m_jobs, &FeatureJobController::progress, this, [this](double fraction, const QString &message) {
        m_progress->setValue(int(fraction * 1000));
        m_progress->setFormat(message.isEmpty() ? QStringLiteral("%p%") : message + QStringLiteral(" – %p%"));
    });
    connect(m_jobs, &FeatureJobController::finished, this, &FeaturesView::onFinished);
    connect(m_jobs, &FeatureJobController::failed, this,
        [this](const QString &m) { onJobEnded(tr("Computing features failed: %1").arg(m)); });
    connect(m_jobs, &FeatureJobController::canceled, this,
        [this] { onJobEnded(tr("Feature computation canceled; the stored features are unchanged.")); });

    refresh();
}

FeaturesView::~FeaturesView() = default;

QString FeaturesView::title() const
{
    return tr("Features");
}

void FeaturesView::setProject(ProjectStore *store)
{
    // Another project (or none): its job must not outlive it.
    if (m_jobs->isRunning() && (!store || !m_store || store->path() != m_store->path()))
        m_jobs->cancel();
    m_store = store;
    refresh();
}

void FeaturesView::compute(bool force)
{
    if (!m_store || m_jobs->isRunning())
        return;
    FeatureParams params;
    params.force = force;
    params.recomputeImported = force;
    if (!m_jobs->start(m_store->path(), params))
        return;
    m_progress->setValue(0);
    m_progress->setFormat(tr("starting – %p%"));
    m_progress->setVisible(true);
    m_cancel->setVisible(true);
    m_cancel->setEnabled(true);
    updateButtons();
}

void FeaturesView::cancel()
{
    m_jobs->cancel();
    m_cancel->setEnabled(false);
}

bool FeaturesView::isRunning() const
{
    return m_jobs->isRunning();
}

bool FeaturesView::isEmptyStateShown() const
{
    return m_stack->currentIndex() == 0;
}

void FeaturesView::onFinished(const FeatureResult &result)
{
    const QString message = result.upToDate
        ? tr("Features are up to date (%1 instances); nothing was recomputed.").arg(result.instances)
        : tr("Computed %1 features of %2 instances in %3 s.")
              .arg(result.features.size())
              .arg(result.instances)
              .arg(result.seconds, 0, 'f', 1);
    if (!result.upToDate)
        Q_EMIT projectDataChanged();
    onJobEnded(message);
}

void FeaturesView::onJobEnded(const QString &message)
{
    m_progress->setVisible(false);
    m_cancel->setVisible(false);
    refresh();
    Q_EMIT statusMessage(message);
    Q_EMIT jobEnded();
}

void FeaturesView::updateButtons()
{
    const bool running = m_jobs->isRunning();
    m_compute->setEnabled(m_store && !running);
    m_emptyCompute->setEnabled(m_store && !running && m_trainInstances > 0);
    m_emptyCompute->setVisible(m_trainInstances > 0 || !m_store);
    m_recompute->setEnabled(m_store && !running);
    m_show->setEnabled(!selectedFeatures().isEmpty());
}

void FeaturesView::refresh()
{
    const QString current = m_table->currentIndex().isValid()
        ? m_table->currentIndex().siblingAtColumn(FeatureColumn).data(kNameRole).toString()
        : QString();
    m_model->removeRows(0, m_model->rowCount());
    std::vector<FeatureCount> counts;
    QString encoder;
    m_trainInstances = 0;
    QString error;
    if (m_store) {
        try {
            FeatureStore fs(*m_store);
            counts = fs.featureCounts();
            encoder = fs.encoder();
            InstanceFilter train;
            train.split = Split::Train;
            m_trainInstances = m_store->countInstances(train);
        } catch (const std::exception &e) {
            error = QString::fromUtf8(e.what());
        }
    }
    const QLocale locale;
    for (size_t i = 0; i < counts.size(); ++i) {
        const FeatureCount &c = counts[i];
        const FeatureDef *d = findFeature(c.name);
        QStandardItem *name = item(featureDisplayName(c.name), featureDisplayName(c.name));
        name->setData(c.name, kNameRole);
        name->setToolTip(c.name);
        QStandardItem *kind = item(kindLabel(d), qint64(i)); // sorts kinds in table order
        QStandardItem *count = item(locale.toString(c.instances), c.instances);
        count->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
        const double share = m_trainInstances > 0 ? 100.0 * double(c.instances) / double(m_trainInstances) : 0.0;
        QStandardItem *pct = item(locale.toString(share, 'f', 1) + QLatin1Char('%'), share);
        pct->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
        m_model->appendRow({ name, kind, count, pct });
    }
    if (!m_store)
        m_emptyLabel->setText(tr("No project is open."));
    else if (!error.isEmpty())
        m_emptyLabel->setText(tr("Cannot read the features: %1").arg(error));
    else if (m_trainInstances == 0)
        m_emptyLabel->setText(tr("This project has no train instances yet. Import a preference dataset first "
                                 "(File › Import…, Ctrl+I); then compute its features here."));
    else
        m_emptyLabel->setText(tr("No features yet — Compute them to see the lexical scores and tags of the "
                                 "%1 train instances.").arg(locale.toString(m_trainInstances)));
    m_stack->setCurrentIndex(counts.empty() ? 0 : 1);
    m_summary->setText(counts.empty() ? QString()
                                      : tr("%1 features over %2 train instances · encoder %3")
                                            .arg(counts.size())
                                            .arg(locale.toString(m_trainInstances), encoder));
    if (counts.empty() || !selectFeature(current.isEmpty() ? counts.front().name : current))
        onCurrentChanged();
    updateButtons();
}

bool FeaturesView::selectFeature(const QString &name)
{
    const QModelIndexList hits = m_proxy->match(m_proxy->index(0, FeatureColumn), kNameRole, name, 1, Qt::MatchExactly);
    if (hits.isEmpty())
        return false;
    m_table->selectionModel()->setCurrentIndex(
        hits.front(), QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    m_table->scrollTo(hits.front());
    return true;
}

QStringList FeaturesView::selectedFeatures() const
{
    QModelIndexList rows = m_table->selectionModel()->selectedRows(FeatureColumn);
    std::sort(rows.begin(), rows.end(), [](const QModelIndex &a, const QModelIndex &b) { return a.row() < b.row(); });
    QStringList out;
    for (const QModelIndex &i : rows)
        out << i.data(kNameRole).toString();
    return out;
}

void FeaturesView::onCurrentChanged()
{
    m_plot->clearPlottables();
    m_plot->clearItems();
    const QModelIndex current = m_table->currentIndex();
    const QString name = current.isValid() ? current.siblingAtColumn(FeatureColumn).data(kNameRole).toString() : QString();
    const FeatureDef *d = findFeature(name);
    m_plotTitle->setText(name.isEmpty() ? tr("Select a feature") : featureDisplayName(name));
    m_plotTitle->setToolTip(name);
    m_plotNote->clear();
    if (d && d->kind == FeatureKind::Lexical)
        plotLexical(name);
    else if (d)
        plotMetadata(name);
    m_plot->replot();
}

} // namespace hyper
