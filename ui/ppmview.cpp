// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/ppmview.h"

#include "core/jobs/feedback.h"
#include "core/mlbridge/mlload.h"
#include "core/routing/collect.h"
#include "core/routing/planner.h"
#include "core/storage/mixqueries.h"
#include "core/storage/ppmstore.h"
#include "core/storage/projectstore.h"
#include "ui/taskcontroller.h"
#include "ui/taskstatus.h"
#include "ui/viewhelpers.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDateTime>
#include <QDoubleSpinBox>
#include <QGridLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QFileDialog>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QSplitter>
#include <QStandardItemModel>
#include <QLocale>
#include <QValidator>
#include <QTableWidget>
#include <QVBoxLayout>
#include "ui/plot.h"

namespace hyper {

namespace {

QString metricText(const std::optional<double> &v)
{
    return v ? QString::number(*v, 'f', 3) : QStringLiteral("–");
}

/** A PPM target metric as people read it ("agreement:human" is for files and the CLI). */
QString metricName(const QString &key)
{
    if (key == QLatin1String("rm"))
        return PpmView::tr("proxy RM accuracy");
    if (key == QLatin1String("agreement:gold"))
        return PpmView::tr("agreement with gold");
    if (key == QLatin1String("agreement:human"))
        return PpmView::tr("agreement with humans");
    return key;
}

/** A ridge penalty in three significant digits ("5.97e+12", "0.25"). */
QString ridgeText(double ridge)
{
    return QLocale().toString(ridge, 'g', 3);
}

/** A spin box for penalties from 1e-6 to 1e18: shows three significant digits, so that a
 *  cross-validated 5.97e+12 fits its box. */
class PenaltySpinBox : public QDoubleSpinBox
{
public:
    PenaltySpinBox()
    {
        setDecimals(8);
        setRange(0, 1e18);
    }
    QString textFromValue(double value) const override { return ridgeText(value); }
    double valueFromText(const QString &text) const override { return QLocale().toDouble(text.trimmed()); }
    QValidator::State validate(QString &text, int &) const override
    {
        const QString t = text.trimmed();
        if (t.isEmpty() || t.endsWith(QLatin1Char('e')) || t.endsWith(QLatin1Char('-')) || t.endsWith(QLatin1Char('+')))
            return QValidator::Intermediate;
        bool ok = false;
        const double v = QLocale().toDouble(t, &ok);
        return ok && v >= 0 ? QValidator::Acceptable : QValidator::Invalid;
    }
    QSize sizeHint() const override
    {
        QSize s = QDoubleSpinBox::sizeHint();
        s.setWidth(fontMetrics().horizontalAdvance(QStringLiteral("8.88e+188")) + 32);
        return s;
    }
    QSize minimumSizeHint() const override { return sizeHint(); }
};

} // namespace

PpmView::PpmView(QWidget *parent)
    : ProjectView(parent)
    , m_tasks(new TaskController(QStringLiteral("hyper-ppm"), this))
    , m_importanceTasks(new TaskController(QStringLiteral("hyper-ppm-importance"), this))
{
    auto *layout = new QVBoxLayout(this);
    auto *top = new QHBoxLayout;
    top->addWidget(createCollectBox(), 3);
    top->addWidget(createFitBox(), 2);
    layout->addLayout(top);

    m_cancel = new QPushButton(tr("Cancel"));
    m_cancel->setObjectName(QStringLiteral("cancelButton"));
    m_progress = new QProgressBar;
    m_progress->setObjectName(QStringLiteral("ppmProgress"));
    m_message = new QLabel;
    m_message->setObjectName(QStringLiteral("messageLabel"));
    m_message->setWordWrap(true);
    m_message->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto *status = new QHBoxLayout;
    status->addWidget(m_progress, 1);
    status->addWidget(m_cancel);
    layout->addLayout(status);
    layout->addWidget(m_message);

    m_metrics = new QLabel;
    m_metrics->setObjectName(QStringLiteral("fitMetrics"));
    m_metrics->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_metrics);
    layout->addWidget(createPlots(), 1);

    m_status = new TaskStatus(m_tasks, this, m_message, m_progress, m_cancel);
    m_status->setCanceledText(tr("Collect"), tr("Canceled; every finished candidate is kept and a rerun resumes."));
    m_status->setCanceledText(tr("Fit"), tr("Fit canceled; no PPM was stored."));
    // A canceled or failed collection keeps the candidates it finished: show them.
    connect(m_tasks, &TaskController::canceled, this, &PpmView::reloadAfterPartialJob);
    connect(m_tasks, &TaskController::failed, this, &PpmView::reloadAfterPartialJob);
    connect(m_tasks, &TaskController::ended, this, [this] { setBusy(false); });
    connect(m_importanceTasks, &TaskController::failed, this, [this](const QString &message) {
        showMessage(tr("Feature importance failed: %1").arg(message), true);
    });
    connect(m_importanceTasks, &TaskController::ended, this, [this] {
        if (m_pendingImportance) {
            const qint64 id = *m_pendingImportance;
            m_pendingImportance.reset();
            startImportance(id);
        }
    });
    setBusy(false);
}

PpmView::~PpmView() = default;

QString PpmView::title() const
{
    return tr("PPM");
}

void PpmView::setProject(ProjectStore *store)
{
    if (store != m_store) {
        m_tasks->cancel();
        m_importanceTasks->cancel();
    }
    if (store != m_store)
        m_shownModel = 0; // the same project with changed data keeps the model shown
    m_store = store;
    reload();
    setBusy(m_tasks->isRunning());
}

bool PpmView::isBusy() const
{
    return m_tasks->isRunning();
}

QWidget *PpmView::createCollectBox()
{
    auto *box = new QGroupBox(tr("Training data: candidate mixes and their measured scores"));
    auto *v = new QVBoxLayout(box);
    auto *row = new QHBoxLayout;
    m_candidates = new QSpinBox;
    m_candidates->setObjectName(QStringLiteral("candidatesSpin"));
    m_candidates->setRange(1, 100000);
    m_candidates->setValue(100);
    m_candidates->setToolTip(tr("Candidates to measure in all; already measured ones are reused"));
    m_metric = new QComboBox;
    m_metric->setObjectName(QStringLiteral("metricCombo"));
    m_metric->addItem(tr("Proxy reward model (eval Overall)"), QStringLiteral("rm"));
    m_metric->addItem(tr("Agreement with gold labels"), QStringLiteral("agreement:gold"));
    m_metric->addItem(tr("Agreement with human labels"), QStringLiteral("agreement:human"));
    m_epochs = new QSpinBox;
    m_epochs->setObjectName(QStringLiteral("epochsSpin"));
    m_epochs->setRange(1, 50);
    m_epochs->setValue(4);
    m_epochs->setToolTip(tr("Epochs of each proxy reward model (bag model)"));
    m_seed = new QSpinBox;
    m_seed->setObjectName(QStringLiteral("seedSpin"));
    m_seed->setRange(0, 1000000);
    m_seed->setValue(1);
    m_countMode = new QComboBox;
    m_countMode->setObjectName(QStringLiteral("countModeCombo"));
    m_countMode->addItem(tr("The workbench's"), QStringLiteral("default"));
    m_countMode->addItem(tr("The reference's"), QStringLiteral("reference"));
    m_countMode->setToolTip(tr("How each mix is counted: the workbench's stored features, or the reference code's "
                               "rules (length ranks inside the mix, strict tags, ties out). A PPM fitted on the "
                               "data routes by the same rules (docs/ROUTING.md, Reference mode)"));
    m_collect = new QPushButton(tr("Collect"));
    m_collect->setObjectName(QStringLiteral("collectButton"));
    connect(m_collect, &QPushButton::clicked, this, [this] { collect(m_candidates->value()); });
    connect(m_metric, &QComboBox::currentIndexChanged, this, [this] { setBusy(isBusy()); });
    row->addWidget(new QLabel(tr("Candidates:")));
    row->addWidget(m_candidates);
    row->addWidget(new QLabel(tr("Metric:")));
    row->addWidget(m_metric);
    row->addWidget(new QLabel(tr("Epochs:")));
    row->addWidget(m_epochs);
    row->addWidget(new QLabel(tr("Seed:")));
    row->addWidget(m_seed);
    row->addWidget(m_collect);
    row->addStretch(1);
    v->addLayout(row);
    // Or on a cluster (docs/CLUSTER.md).
    row = new QHBoxLayout;
    row->addWidget(new QLabel(tr("Counts:")));
    row->addWidget(m_countMode);
    row->addSpacing(24);
    row->addWidget(new QLabel(tr("Or on a cluster:")));
    m_slurm = new QPushButton(tr("Write a Slurm Job…"));
    m_slurm->setObjectName(QStringLiteral("slurmButton"));
    m_slurm->setToolTip(tr("Train the proxy RMs on a Slurm cluster: write a job folder to submit with sbatch"));
    connect(m_slurm, &QPushButton::clicked, this, &PpmView::slurmJobDialog);
    m_importSlurm = new QPushButton(tr("Import Results…"));
    m_importSlurm->setObjectName(QStringLiteral("importSlurmButton"));
    m_importSlurm->setToolTip(tr("Add the finished tasks of a Slurm job folder to the collection"));
    connect(m_importSlurm, &QPushButton::clicked, this, [this] {
        const QString dir = QFileDialog::getExistingDirectory(this, tr("Slurm Job Folder"));
        if (!dir.isEmpty())
            importSlurmResults(dir);
    });
    row->addWidget(m_slurm);
    row->addWidget(m_importSlurm);
    row->addStretch(1);
    v->addLayout(row);
    m_datasets = view::makeTable(QStringLiteral("datasetsTable"),
                           {tr("Data"), tr("Kind"), tr("Metric"), tr("Rows"), tr("Seed"), tr("Created")});
    m_datasets->setMaximumHeight(130);
    v->addWidget(m_datasets);
    return box;
}

QWidget *PpmView::createFitBox()
{
    auto *box = new QGroupBox(tr("Performance prediction model"));
    auto *v = new QVBoxLayout(box);
    auto *row = new QHBoxLayout;
    m_model = new QComboBox;
    m_model->setObjectName(QStringLiteral("modelCombo"));
    m_model->addItem(tr("Quadratic"), QStringLiteral("quadratic"));
    m_model->addItem(tr("Linear"), QStringLiteral("linear"));
    m_ridge = new PenaltySpinBox;
    m_ridge->setObjectName(QStringLiteral("ridgeSpin"));
    m_ridge->setToolTip(tr("Ridge penalty; 0 gives the minimum-norm least-squares fit"));
    m_ridgeAuto = new QCheckBox(tr("auto"));
    m_ridgeAuto->setObjectName(QStringLiteral("ridgeAuto"));
    m_ridgeAuto->setToolTip(tr("Choose the ridge by k-fold cross-validation (lowest RMSE over a grid scaled to the "
                               "counts); recommended for the quadratic PPM, whose unpenalized minimum-norm fit "
                               "can extrapolate wildly"));
    m_ridgeAuto->setChecked(true); // docs/ROUTING.md, "Headline check": why
    connect(m_ridgeAuto, &QCheckBox::toggled, this, [this] { setBusy(isBusy()); });
    m_folds = new QSpinBox;
    m_folds->setObjectName(QStringLiteral("foldsSpin"));
    m_folds->setRange(2, 50);
    m_folds->setValue(10);
    m_fit = new QPushButton(tr("Fit"));
    m_fit->setObjectName(QStringLiteral("fitButton"));
    connect(m_fit, &QPushButton::clicked, this, &PpmView::fit);
    row->addWidget(new QLabel(tr("Model:")));
    row->addWidget(m_model);
    row->addWidget(new QLabel(tr("Ridge:")));
    row->addWidget(m_ridge);
    row->addWidget(m_ridgeAuto);
    row->addStretch(1);
    v->addLayout(row);
    row = new QHBoxLayout;
    row->addWidget(new QLabel(tr("Cross-validation folds:")));
    row->addWidget(m_folds);
    row->addWidget(m_fit);
    row->addStretch(1);
    v->addLayout(row);
    m_models = view::makeTable(QStringLiteral("modelsTable"),
                         {tr("PPM"), tr("Model"), tr("Rows"), tr("Terms"), tr("Spearman"), tr("RMSE"), tr("Created")});
    m_models->setMaximumHeight(130);
    connect(m_models, &QTableWidget::itemSelectionChanged, this, [this] {
        const QList<QTableWidgetItem *> items = m_models->selectedItems();
        if (!items.isEmpty())
            showModel(m_models->item(items.first()->row(), 0)->data(Qt::UserRole).toLongLong());
    });
    v->addWidget(m_models);
    return box;
}

void PpmView::setBusy(bool busy)
{
    const bool open = m_store != nullptr;
    for (QWidget *w : std::initializer_list<QWidget *>{m_candidates, m_metric, m_seed, m_countMode, m_model, m_ridgeAuto, m_folds})
        w->setEnabled(!busy);
    m_ridge->setEnabled(!busy && !m_ridgeAuto->isChecked());
    m_epochs->setEnabled(!busy && m_metric->currentData().toString() == QLatin1String("rm"));
    m_collect->setEnabled(!busy && open);
    m_slurm->setEnabled(!busy && open && m_metric->currentData().toString() == QLatin1String("rm"));
    m_importSlurm->setEnabled(!busy && open);
    m_fit->setEnabled(!busy && open && m_datasets->rowCount() > 0);
}

void PpmView::showMessage(const QString &text, bool error)
{
    if (m_status)
        m_status->say(text, error);
}

void PpmView::reloadAfterPartialJob()
{
    // Only a collection keeps partial results, and only for the project it ran on.
    if (!m_store || m_tasks->latest() != tr("Collect") || m_tasks->latestPath() != m_store->path())
        return;
    reload();
    Q_EMIT projectDataChanged();
}

void PpmView::cancel()
{
    m_tasks->cancel();
}

void PpmView::reload()
{
    m_datasets->setRowCount(0);
    m_models->setRowCount(0);
    if (!m_store) {
        m_metrics->clear();
        return;
    }
    std::vector<PpmDataset> datasets;
    std::vector<PpmModelRecord> models;
    try {
        datasets = listPpmDatasets(*m_store);
        models = listPpmModels(*m_store);
    } catch (const std::exception &e) {
        showMessage(tr("Cannot read the PPM data: %1").arg(QString::fromUtf8(e.what())), true);
        return;
    }
    // "Agreement with gold labels" needs gold labels (an annotator named or kinded "gold").
    qint64 gold = 0;
    try {
        gold = countGoldLabels(*m_store);
    } catch (const std::exception &) {
    }
    if (auto *items = qobject_cast<QStandardItemModel *>(m_metric->model())) {
        const int at = m_metric->findData(QStringLiteral("agreement:gold"));
        if (QStandardItem *item = items->item(at)) {
            item->setEnabled(gold > 0);
            item->setToolTip(gold > 0 ? tr("%1 gold labels").arg(gold)
                                      : tr("This project has no gold labels (an annotator named or of kind \"gold\")"));
        }
        if (gold == 0 && m_metric->currentIndex() == at)
            m_metric->setCurrentIndex(0);
    }
    for (auto it = datasets.rbegin(); it != datasets.rend(); ++it) {
        const int r = m_datasets->rowCount();
        m_datasets->insertRow(r);
        m_datasets->setItem(r, 0, view::tableCell(QString::number(it->id), it->id));
        m_datasets->setItem(r, 1, view::tableCell(datasetCountMode(*it) == QLatin1String("reference")
                                                      ? tr("%1, the reference's counts").arg(it->kind)
                                                      : it->kind));
        m_datasets->setItem(r, 2, view::tableCell(metricName(it->metric)));
        m_datasets->setItem(r, 3, view::tableCell(QString::number(it->rows)));
        m_datasets->setItem(r, 4, view::tableCell(it->kind == QLatin1String("collect") ? QString::number(it->seed) : QString()));
        m_datasets->setItem(r, 5, view::tableCell(view::localTime(it->createdAt)));
    }
    m_models->blockSignals(true);
    for (auto it = models.rbegin(); it != models.rend(); ++it) {
        const int r = m_models->rowCount();
        m_models->insertRow(r);
        m_models->setItem(r, 0, view::tableCell(QString::number(it->id), it->id));
        QString kind = it->ridge > 0 ? tr("%1, ridge %2").arg(it->model, ridgeText(it->ridge)) : it->model;
        if (it->countMode == QLatin1String("reference"))
            kind = tr("%1, the reference's counts").arg(kind);
        m_models->setItem(r, 1, view::tableCell(kind));
        m_models->setItem(r, 2, view::tableCell(QString::number(it->n)));
        m_models->setItem(r, 3, view::tableCell(QString::number(it->terms)));
        m_models->setItem(r, 4, view::tableCell(metricText(it->spearman)));
        m_models->setItem(r, 5, view::tableCell(metricText(it->rmse)));
        m_models->setItem(r, 6, view::tableCell(view::localTime(it->createdAt)));
    }
    m_models->blockSignals(false);
    m_models->resizeColumnsToContents();
    m_datasets->resizeColumnsToContents();
    setBusy(isBusy());
    if (!models.empty()) {
        const qint64 want = m_shownModel ? m_shownModel : models.back().id;
        for (int r = 0; r < m_models->rowCount(); ++r)
            if (m_models->item(r, 0)->data(Qt::UserRole).toLongLong() == want)
                m_models->selectRow(r);
    } else {
        m_shownModel = 0;
        m_metrics->setText(datasets.empty() ? tr("No PPM data yet: collect candidates (or import the reference's "
                                                 "scores with hyper ppm import-scores), then fit.")
                                            : tr("No PPM fitted yet: choose a model and press Fit."));
        plotFit({});
        plotImportance({});
    }
}

void PpmView::collect(int candidates)
{
    if (!m_store)
        return;
    routing::CollectParams params;
    params.candidates = candidates;
    params.seed = quint64(m_seed->value());
    params.metric = m_metric->currentData().toString();
    params.countMode = routing::parseCountMode(m_countMode->currentData().toString()).value_or(routing::CountMode::Default);
    params.rm.epochs = m_epochs->value();
        const bool started = m_tasks->start(
        m_store->path(), tr("Collect"),
        [params](ProjectStore &store, Feedback &feedback) -> std::any {
            return routing::collectPpmData(store, params, feedback);
        },
        [this](std::any &any) {
            const auto r = std::any_cast<routing::CollectResult>(any);
            showMessage(tr("Collected: %1 measured, %2 already measured, %3 failed, in %4 s.")
                            .arg(r.measured).arg(r.reused).arg(r.failed).arg(r.seconds, 0, 'f', 1),
                        r.failed > 0);
            reload();
            Q_EMIT projectDataChanged();
        });
    if (started) {
        setBusy(true);
        showMessage(tr("Collecting %1 candidates (%2)…").arg(candidates).arg(metricName(params.metric)), false);
    }
}

void PpmView::fit()
{
    if (!m_store)
        return;
    routing::PpmFitParams params;
    params.model = m_model->currentData().toString() == QLatin1String("linear") ? PpmModel::Linear
                                                                                : PpmModel::Quadratic;
    params.ridge = m_ridge->value();
    params.ridgeAuto = m_ridgeAuto->isChecked();
    params.folds = m_folds->value();
    params.seed = quint64(m_seed->value());
    const bool started = m_tasks->start(
        m_store->path(), tr("Fit"),
        [params](ProjectStore &store, Feedback &feedback) -> std::any {
            loadMlModule(feedback);
            feedback.setProgress(0.0, QStringLiteral("cross-validating"));
            return routing::fitPpm(store, params);
        },
        [this, params](std::any &any) {
            const auto r = std::any_cast<routing::PpmFitResult>(any);
            showMessage(tr("PPM %1 fitted on %2 rows in %3 s: Spearman %4, RMSE %5.")
                            .arg(r.record.id).arg(r.record.n).arg(r.seconds, 0, 'f', 2)
                            .arg(r.cv.spearman, 0, 'f', 3).arg(r.cv.rmse, 0, 'f', 4),
                        false);
            if (params.ridgeAuto)
                m_ridge->setValue(r.record.ridge);
            m_shownModel = r.record.id;
            reload();
            Q_EMIT projectDataChanged();
        });
    if (started) {
        setBusy(true);
        showMessage(tr("Fitting a %1 PPM with %2-fold cross-validation…").arg(m_model->currentText()).arg(params.folds),
                    false);
    }
}

void PpmView::showModel(qint64 modelId)
{
    if (!m_store || modelId <= 0)
        return;
    m_shownModel = modelId;
    std::optional<PpmModelRecord> record;
    try {
        record = ppmModel(*m_store, modelId);
    } catch (const std::exception &e) {
        showMessage(QString::fromUtf8(e.what()), true);
        return;
    }
    if (!record)
        return;
    // folds 0: fitted by the reference's protocol (hyper ppm fit --protocol reference).
    const QString scoring = record->folds > 0 ? tr("%1-fold CV").arg(record->folds)
                                              : tr("the reference's 80/20 split, test");
    m_metrics->setText(tr("PPM %1: %2%3 on %4 rows (%5 terms), %6 Spearman %7, RMSE %8; data %9%10")
                           .arg(record->id)
                           .arg(record->model)
                           .arg(record->ridge > 0 ? tr(", ridge %1").arg(ridgeText(record->ridge)) : QString())
                           .arg(record->n)
                           .arg(record->terms)
                           .arg(scoring)
                           .arg(metricText(record->spearman), metricText(record->rmse))
                           .arg([&] {
                               QStringList ids;
                               for (qint64 d : record->datasets)
                                   ids << QString::number(d);
                               return ids.join(QStringLiteral(", "));
                           }())
                           .arg(record->countMode == QLatin1String("reference")
                                    ? tr(" (counted the reference's way)") : QString()));
    plotFit(record->cv);
    plotImportance({});
    if (m_importanceTasks->isRunning())
        m_pendingImportance = modelId;
    else
        startImportance(modelId);
}

void PpmView::startImportance(qint64 modelId)
{
    if (!m_store)
        return;
    m_importanceTasks->start(
        m_store->path(), tr("Feature importance"),
        [modelId](ProjectStore &store, Feedback &) -> std::any {
            return importanceReport(store, 100, 0, 1, modelId); // trials: the model's default
        },
        [this, modelId](std::any &any) {
            if (modelId == m_shownModel)
                plotImportance(std::any_cast<ImportanceReport>(any));
        });
}

} // namespace hyper
