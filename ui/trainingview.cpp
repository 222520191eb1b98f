// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/trainingview.h"

#include "core/storage/ppmstore.h"
#include "core/storage/projectstore.h"
#include "ui/scorefiledialog.h"
#include "ui/trainingcontroller.h"
#include "ui/viewhelpers.h"

#include <QApplication>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>

#include <QComboBox>
#include <QDateTime>
#include <QDoubleSpinBox>
#include <QGridLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QSplitter>
#include <QTableWidget>
#include <QVBoxLayout>
#include "ui/plot.h"

#include <algorithm>

namespace hyper {

namespace {

enum Column { ColId, ColMix, ColModel, ColStatus, ColOverall, ColSaved, ColDevice, ColSeconds, ColStarted, ColConfig, ColCount };

QString clockText(double seconds)
{
    const qint64 s = qint64(seconds + 0.5);
    return QStringLiteral("%1:%2").arg(s / 60).arg(s % 60, 2, 10, QLatin1Char('0'));
}

QJsonObject jsonObject(const QString &text)
{
    return QJsonDocument::fromJson(text.toUtf8()).object();
}

QString configSummary(const QString &configJson)
{
    const QJsonObject c = jsonObject(configJson);
    if (c.isEmpty())
        return {};
    return QStringLiteral("%1 ep · batch %2 · lr %3 · seed %4")
        .arg(c.value(QStringLiteral("epochs")).toInt())
        .arg(c.value(QStringLiteral("batch_size")).toInt())
        .arg(c.value(QStringLiteral("lr")).toDouble())
        .arg(c.value(QStringLiteral("seed")).toInteger());
}

} // namespace

TrainingView::TrainingView(QWidget *parent)
    : ProjectView(parent)
    , m_controller(new TrainingController(this))
{
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(createControls());

    m_curves = new QCustomPlot;
    m_curves->setObjectName(QStringLiteral("curvesPlot"));
    setupCurves();
    m_sections = new QCustomPlot;
    m_sections->setObjectName(QStringLiteral("sectionsPlot"));
    setupSections();

    m_table = new QTableWidget(0, ColCount);
    m_table->setObjectName(QStringLiteral("runsTable"));
    m_table->setHorizontalHeaderLabels({tr("Run"), tr("Mix"), tr("Model"), tr("Status"), tr("Overall"), tr("Saved model"),
                                        tr("Device"), tr("Seconds"), tr("Started"), tr("Config")});
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setStretchLastSection(true);
    connect(m_table, &QTableWidget::itemSelectionChanged, this, [this] {
        const QList<QTableWidgetItem *> items = m_table->selectedItems();
        showRun(items.isEmpty() ? 0 : m_table->item(items.first()->row(), ColId)->data(Qt::UserRole).toLongLong());
        updateModelButtons();
    });
    m_saveModel = new QPushButton(tr("Save model…"));
    m_saveModel->setObjectName(QStringLiteral("saveModelButton"));
    connect(m_saveModel, &QPushButton::clicked, this, &TrainingView::saveModelAs);
    m_scoreFile = new QPushButton(tr("Score a file…"));
    m_scoreFile->setObjectName(QStringLiteral("scoreFileButton"));
    m_scoreFile->setToolTip(tr("Score the pairs of a file with a saved reward model (JSONL scores)"));
    connect(m_scoreFile, &QPushButton::clicked, this, [this] {
        if (ScoreFileDialog *d = openScoreDialog())
            d->open();
    });
    auto *tableBox = new QWidget;
    auto *tableLayout = new QVBoxLayout(tableBox);
    tableLayout->setContentsMargins(0, 0, 0, 0);
    tableLayout->addWidget(m_table, 1);
    auto *modelRow = new QHBoxLayout;
    modelRow->addWidget(m_saveModel);
    modelRow->addWidget(m_scoreFile);
    modelRow->addStretch(1);
    tableLayout->addLayout(modelRow);

    m_runDetail = new QLabel;
    m_runDetail->setObjectName(QStringLiteral("runDetail"));
    m_runDetail->setWordWrap(true);
    m_runDetail->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto *sectionsBox = new QWidget;
    auto *sectionsLayout = new QVBoxLayout(sectionsBox);
    sectionsLayout->setContentsMargins(0, 0, 0, 0);
    sectionsLayout->addWidget(m_sections, 1);
    sectionsLayout->addWidget(m_runDetail);

    auto *bottom = new QSplitter(Qt::Horizontal);
    bottom->addWidget(tableBox);
    bottom->addWidget(sectionsBox);
    bottom->setStretchFactor(0, 3);
    bottom->setStretchFactor(1, 2);
    auto *split = new QSplitter(Qt::Vertical);
    split->addWidget(m_curves);
    split->addWidget(bottom);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);
    layout->addWidget(split, 1);

    connect(m_controller, &TrainingController::stage, this, [this](const QString &text) { m_eta->setText(text); });
    connect(m_controller, &TrainingController::progress, this, &TrainingView::onProgress);
    connect(m_controller, &TrainingController::modelKept, this, [this](std::shared_ptr<const KeptModel> model) {
        m_kept[model->runId] = std::move(model);
        while (m_kept.size() > kKeptRuns)
            m_kept.erase(m_kept.begin()); // the oldest run id
    });
    connect(m_controller, &TrainingController::finished, this, [this](qint64 runId, double overall) {
        showMessage(tr("Run %1 done: Overall %2.").arg(runId).arg(overall, 0, 'f', 3), false);
        onEnded(runId);
    });
    connect(m_controller, &TrainingController::failed, this, [this](const QString &message) {
        showMessage(tr("Training stopped: %1").arg(message), true);
        onEnded(-1);
    });
    connect(m_controller, &TrainingController::canceled, this, [this] {
        showMessage(tr("Training canceled; the run is kept in the table as canceled."), false);
        onEnded(-1);
    });
    setBusy(false);
}

TrainingView::~TrainingView() = default;

QString TrainingView::title() const
{
    return tr("Training");
}

void TrainingView::setProject(ProjectStore *store)
{
    if (store != m_store && m_controller->isBusy())
        m_controller->cancel();
    if (store != m_store)
        m_kept.clear(); // another project's runs
    m_store = store;
    reloadRuns();
    setBusy(m_controller->isBusy());
}

qint64 TrainingView::selectedRunId() const
{
    const QList<QTableWidgetItem *> items = m_table->selectedItems();
    return items.isEmpty() ? 0 : m_table->item(items.first()->row(), ColId)->data(Qt::UserRole).toLongLong();
}

void TrainingView::updateModelButtons()
{
    const qint64 id = selectedRunId();
    const bool kept = hasKeptModel(id);
    m_saveModel->setEnabled(kept && m_store);
    if (kept)
        m_saveModel->setToolTip(tr("Write run %1's model as a .safetensors file (hyper score, scripts/score_rm.py, "
                                   "LM ▸ Judge with a reward model)").arg(id));
    else
        m_saveModel->setToolTip(tr("Only runs trained in this window keep their weights (the newest %1). To keep a model "
                                   "of another run, train it again (a CPU run repeats exactly for a seed) or use "
                                   "hyper train-rm --model-out.").arg(kKeptRuns));
    m_scoreFile->setEnabled(m_store != nullptr);
}

bool TrainingView::saveModel(qint64 runId, const QString &path)
{
    const auto it = m_kept.find(runId);
    if (!m_store || it == m_kept.end()) {
        showMessage(tr("Run %1's weights are not in memory: only runs trained in this window can be saved.").arg(runId), true);
        return false;
    }
    try {
        QApplication::setOverrideCursor(Qt::WaitCursor);
        saveKeptModel(*m_store, *it->second, path);
        QApplication::restoreOverrideCursor();
    } catch (const std::exception &e) {
        QApplication::restoreOverrideCursor();
        showMessage(tr("The model was not saved: %1").arg(QString::fromUtf8(e.what())), true);
        return false;
    }
    showMessage(tr("Run %1's model saved to %2 (%3 MB).")
                    .arg(runId)
                    .arg(QDir::toNativeSeparators(path))
                    .arg(double(QFileInfo(path).size()) / 1e6, 0, 'f', 1),
                false);
    reloadRuns();
    Q_EMIT projectDataChanged();
    return true;
}

void TrainingView::saveModelAs()
{
    const qint64 id = selectedRunId();
    const auto it = std::find_if(m_runs.begin(), m_runs.end(), [id](const RmRunRecord &r) { return r.id == id; });
    if (!m_store || it == m_runs.end())
        return;
    const QFileInfo project(m_store->path());
    const QString suggested = project.dir().filePath(
        QStringLiteral("%1-run%2-%3.safetensors").arg(project.completeBaseName()).arg(id).arg(it->model));
    const QString path = QFileDialog::getSaveFileName(this, tr("Save the reward model"), suggested,
                                                      tr("Reward models (*.safetensors)"));
    if (!path.isEmpty())
        saveModel(id, path.endsWith(QLatin1String(".safetensors")) ? path : path + QStringLiteral(".safetensors"));
}

ScoreFileDialog *TrainingView::openScoreDialog()
{
    if (!m_store)
        return nullptr;
    const qint64 id = selectedRunId();
    const auto it = std::find_if(m_runs.begin(), m_runs.end(), [id](const RmRunRecord &r) { return r.id == id; });
    auto *dialog = new ScoreFileDialog(m_store->path(), it != m_runs.end() ? it->modelPath : QString(), this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    return dialog;
}

QString TrainingView::mixText() const
{
    const QString kind = m_mix->currentData().toString();
    if (kind == QLatin1String("random"))
        return QStringLiteral("random:%1").arg(m_humanShare->value(), 0, 'f', 2);
    if (kind == QLatin1String("plan")) {
        // The newest applied plan (the routes the dataset table shows); else the newest.
        qint64 newest = 0, applied = 0;
        if (m_store)
            for (const RoutePlanRecord &plan : listRoutePlans(*m_store)) { // oldest first
                newest = plan.id;
                if (!plan.appliedAt.isEmpty())
                    applied = plan.id;
            }
        const qint64 id = applied > 0 ? applied : newest;
        return id > 0 ? QStringLiteral("plan:%1").arg(id) : QString();
    }
    return kind;
}

void TrainingView::startTraining()
{
    if (!m_store) {
        showMessage(tr("Open a project first."), true);
        return;
    }
    RmRunParams params;
    params.mix = mixText();
    if (params.mix.isEmpty()) {
        showMessage(tr("This project has no routing plan yet: route in the Routing tab first."), true);
        return;
    }
    params.config = ml::TrainConfig::defaults(m_model->currentData().toString().toStdString());
    params.config.epochs = m_epochs->value();
    params.config.seed = std::uint64_t(m_seed->value());
    params.config.device = m_device->currentData().toString().toStdString();
    params.keepWeights = true; // for "Save model…"
    if (!m_controller->start(m_store->path(), params)) {
        showMessage(tr("A run is already in progress."), true);
        return;
    }
    for (int i = 0; i < m_curves->graphCount(); ++i)
        m_curves->graph(i)->data()->clear();
    // A little room right of the last epoch so its markers are not cut by the axis rect.
    m_curves->xAxis->setRange(0, params.config.epochs * 1.02);
    m_curves->yAxis->setRange(0, 0.8);
    showPlotAxes(m_curves, /*rightAxis=*/true, /*legend=*/true);
    m_curves->replot(QCustomPlot::rpQueuedReplot);
    m_progress->setValue(0);
    m_eta->setText(tr("preparing the mix…"));
    showMessage(tr("Training %1 on mix %2…").arg(m_model->currentText(), params.mix), false);
    Q_EMIT statusMessage(tr("Training started"));
    m_liveRunId = 0;
    m_lastIdBeforeRun = m_runs.empty() ? 0 : m_runs.back().id;
    setBusy(true);
    reloadRuns();
}

void TrainingView::cancelTraining()
{
    m_controller->cancel();
    m_eta->setText(tr("canceling… (stops after the batch in flight)"));
}

void TrainingView::setBusy(bool busy)
{
    for (QWidget *w : {static_cast<QWidget *>(m_mix), static_cast<QWidget *>(m_model),
                       static_cast<QWidget *>(m_epochs), static_cast<QWidget *>(m_seed),
                       static_cast<QWidget *>(m_device)})
        w->setEnabled(!busy);
    m_humanShare->setEnabled(!busy && m_mix->currentData().toString() == QLatin1String("random"));
    m_train->setEnabled(!busy && m_store);
    m_cancel->setEnabled(busy);
    // The bar and Cancel are there while a run is: an idle tab shows no empty bar.
    m_cancel->setVisible(busy);
    m_progress->setVisible(busy);
}

void TrainingView::showMessage(const QString &text, bool error)
{
    view::setMessage(m_message, text, error);
    Q_EMIT statusMessage(text);
}

void TrainingView::onProgress(const TrainingProgress &p)
{
    if (m_liveRunId == 0)
        reloadRuns(); // the run row exists once the first step is reported
    m_progress->setValue(int(p.fraction * 1000.0 + 0.5));
    if (p.fraction > 0 && p.seconds > 0) {
        const double stepsDone = p.fraction * p.epochs * p.steps;
        const double eta = p.seconds * (1.0 - p.fraction) / p.fraction;
        m_eta->setText(tr("epoch %1/%2 · %3 steps/s · ETA %4")
                           .arg(p.epoch).arg(p.epochs)
                           .arg(stepsDone / p.seconds, 0, 'f', 1)
                           .arg(clockText(eta)));
    }
    for (const QPointF &pt : p.losses)
        m_curves->graph(0)->addData(pt.x(), pt.y());
    if (p.epochEnd) {
        m_curves->graph(1)->addData(p.epoch, p.epochLoss);
        if (p.evalAccuracy >= 0)
            m_curves->graph(2)->addData(p.epoch, p.evalAccuracy);
    }
    // Fit the loss axis to the data: a bag's loss moves by hundredths, which a 0-based
    // axis would draw as a flat line.
    bool found = false;
    QCPRange loss = m_curves->graph(0)->getValueRange(found);
    if (found) {
        const double pad = qMax(0.01, loss.size() * 0.1);
        m_curves->yAxis->setRange(qMax(0.0, loss.lower - pad), loss.upper + pad);
    }
    m_curves->replot(QCustomPlot::rpQueuedReplot);
}

void TrainingView::onEnded(qint64 selectRunId)
{
    setBusy(false);
    m_liveRunId = 0;
    if (selectRunId >= 0)
        m_progress->setValue(m_progress->maximum());
    m_eta->clear();
    const std::size_t before = m_runs.size();
    reloadRuns();
    // Select the run that just ended (the newest row) so its sections show.
    qint64 id = selectRunId > 0 ? selectRunId : (m_runs.empty() ? 0 : m_runs.back().id);
    for (int row = 0; row < m_table->rowCount(); ++row)
        if (m_table->item(row, ColId)->data(Qt::UserRole).toLongLong() == id)
            m_table->selectRow(row);
    if (m_runs.size() != before || selectRunId != -1)
        Q_EMIT projectDataChanged(); // a run row was added or finished
}


QWidget *TrainingView::createControls()
{
    auto *box = new QGroupBox(tr("Train a reward model"));
    auto *grid = new QGridLayout(box);

    m_mix = new QComboBox;
    m_mix->setObjectName(QStringLiteral("mixCombo"));
    m_mix->addItem(tr("Human labels"), QStringLiteral("human"));
    m_mix->addItem(tr("LM labels"), QStringLiteral("lm"));
    m_mix->addItem(tr("Random human share"), QStringLiteral("random"));
    m_mix->addItem(tr("Routing plan (the applied one)"), QStringLiteral("plan"));
    m_mix->setToolTip(tr("Which label each train instance takes (docs/TRAINING.md, Mixes)"));
    m_humanShare = new QDoubleSpinBox;
    m_humanShare->setObjectName(QStringLiteral("humanShare"));
    m_humanShare->setRange(0.0, 1.0);
    m_humanShare->setSingleStep(0.05);
    m_humanShare->setDecimals(2);
    m_humanShare->setValue(0.5);
    m_humanShare->setToolTip(tr("Share of train instances that take the human label (random mix)"));
    connect(m_mix, &QComboBox::currentIndexChanged, this, [this] { setBusy(m_controller->isBusy()); });

    m_model = new QComboBox;
    m_model->setObjectName(QStringLiteral("modelCombo"));
    m_model->addItem(tr("Bag of features (fast)"), QStringLiteral("bag"));
    m_model->addItem(tr("Transformer (slow on CPU)"), QStringLiteral("transformer"));
    m_epochs = new QSpinBox;
    m_epochs->setObjectName(QStringLiteral("epochsSpin"));
    m_epochs->setRange(1, 100);
    m_epochs->setValue(4);
    m_seed = new QSpinBox;
    m_seed->setObjectName(QStringLiteral("seedSpin"));
    m_seed->setRange(0, 1000000);
    m_seed->setValue(1);
    m_device = new QComboBox;
    m_device->setObjectName(QStringLiteral("deviceCombo"));
    // "cuda" is added when the tab is first shown (showEvent): asking LibTorch about
    // CUDA can take a moment, which the window's start-up should not pay.
    m_device->addItem(tr("auto"), QStringLiteral("auto"));
    m_device->addItem(tr("cpu"), QStringLiteral("cpu"));
    m_device->setToolTip(tr("auto uses CUDA when this build's LibTorch has CUDA and a GPU is present; "
                            "forcing cuda needs a CUDA build (hyper train-rm --device cuda)"));

    m_train = new QPushButton(tr("Train"));
    m_train->setObjectName(QStringLiteral("trainButton"));
    m_cancel = new QPushButton(tr("Cancel"));
    m_cancel->setObjectName(QStringLiteral("cancelButton"));
    connect(m_train, &QPushButton::clicked, this, &TrainingView::startTraining);
    connect(m_cancel, &QPushButton::clicked, this, &TrainingView::cancelTraining);
    m_progress = new QProgressBar;
    m_progress->setObjectName(QStringLiteral("trainProgress"));
    m_progress->setRange(0, 1000);
    m_progress->setFormat(QStringLiteral("%p%"));
    m_eta = new QLabel;
    m_eta->setObjectName(QStringLiteral("etaLabel"));
    m_eta->setMinimumWidth(260);
    m_message = new QLabel;
    m_message->setObjectName(QStringLiteral("messageLabel"));
    m_message->setWordWrap(true);
    m_message->setTextInteractionFlags(Qt::TextSelectableByMouse);

    int col = 0;
    const auto add = [&](const QString &label, QWidget *w) {
        grid->addWidget(new QLabel(label), 0, col++);
        grid->addWidget(w, 0, col++);
    };
    add(tr("Mix:"), m_mix);
    grid->addWidget(m_humanShare, 0, col++);
    add(tr("Model:"), m_model);
    add(tr("Epochs:"), m_epochs);
    add(tr("Seed:"), m_seed);
    add(tr("Device:"), m_device);
    grid->setColumnStretch(col, 1);
    auto *row = new QHBoxLayout;
    // Train keeps its size when the bar is hidden (idle): the stretch takes the room.
    m_train->setSizePolicy(QSizePolicy::Fixed, QSizePolicy::Fixed);
    row->addWidget(m_train);
    row->addWidget(m_cancel);
    row->addWidget(m_progress, 1);
    row->addWidget(m_eta);
    row->addStretch(0);
    grid->addLayout(row, 1, 0, 1, col + 1);
    grid->addWidget(m_message, 2, 0, 1, col + 1);
    return box;
}

void TrainingView::setupCurves()
{
    m_curves->setMinimumHeight(200); // the Training tab fits a 1280 x 720 laptop (tst_laptop)
    m_curves->plotLayout()->insertRow(0);
    m_curves->plotLayout()->addElement(0, 0, new QCPTextElement(m_curves, tr("Training curves"),
                                                                QFont(font().family(), 10, QFont::Bold)));
    QCPGraph *step = m_curves->addGraph();
    step->setName(tr("loss per step"));
    step->setPen(QPen(QColor(120, 150, 200), 1));
    step->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, 3)); // a lone step still shows
    QCPGraph *mean = m_curves->addGraph();
    mean->setName(tr("epoch mean loss"));
    mean->setPen(QPen(QColor(20, 60, 160), 2));
    mean->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, 6));
    QCPGraph *eval = m_curves->addGraph(m_curves->xAxis, m_curves->yAxis2);
    eval->setName(tr("eval Overall"));
    eval->setPen(QPen(QColor(200, 90, 20), 2));
    eval->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, 7));
    m_curves->xAxis->setLabel(tr("epoch"));
    m_curves->yAxis->setLabel(tr("loss"));
    m_curves->yAxis2->setLabel(tr("eval Overall"));
    m_curves->yAxis2->setVisible(true);
    m_curves->yAxis2->setRange(0.4, 1.0);
    m_curves->xAxis->setRange(0, 4);
    m_curves->yAxis->setRange(0, 0.8);
    // The legend gets its own row under the axes, so it never hides the curves' ends.
    m_curves->legend->setVisible(true);
    m_curves->legend->setFillOrder(QCPLayoutGrid::foColumnsFirst);
    m_curves->legend->setBorderPen(Qt::NoPen);
    m_curves->axisRect()->insetLayout()->take(m_curves->legend);
    m_curves->plotLayout()->addElement(2, 0, m_curves->legend);
    m_curves->plotLayout()->setRowStretchFactor(2, 0.001);
    showEmptyPlot(m_curves, tr("Train a reward model to see its loss and eval curves here"));
}

void TrainingView::setupSections()
{
    m_sections->setMinimumSize(260, 150);
    m_sections->plotLayout()->insertRow(0);
    m_sections->plotLayout()->addElement(0, 0, new QCPTextElement(m_sections, tr("Accuracy per section"),
                                                                  QFont(font().family(), 10, QFont::Bold)));
    auto *bars = new QCPBars(m_sections->xAxis, m_sections->yAxis);
    bars->setWidth(0.6);
    bars->setPen(QPen(QColor(20, 60, 160)));
    bars->setBrush(QColor(90, 130, 210));
    m_sections->yAxis->setRange(0, 1.05);
    m_sections->yAxis->setLabel(tr("accuracy"));
    m_sections->xAxis->setRange(0, 1);
}

QString TrainingView::displayStatus(const RmRunRecord &run) const
{
    if (run.status == QLatin1String("running") && run.id != m_liveRunId)
        return tr("interrupted"); // left 'running' by a crash or a killed program
    return run.status;
}

void TrainingView::reloadRuns()
{
    const qint64 selected = m_table->selectedItems().isEmpty()
        ? 0 : m_table->item(m_table->selectedItems().first()->row(), ColId)->data(Qt::UserRole).toLongLong();
    m_runs.clear();
    if (m_store) {
        try {
            m_runs = listRmRuns(*m_store);
        } catch (const std::exception &e) {
            showMessage(tr("Cannot read the runs: %1").arg(QString::fromUtf8(e.what())), true);
        }
    }
    // Our job's row is the newest 'running' one inserted after it started; an older
    // leftover 'running' row is a crashed run.
    if (m_controller->isBusy() && !m_runs.empty() && m_runs.back().id > m_lastIdBeforeRun
        && m_runs.back().status == QLatin1String("running"))
        m_liveRunId = m_runs.back().id;
    const QSignalBlocker block(m_table);
    m_table->setRowCount(int(m_runs.size()));
    for (int row = 0; row < int(m_runs.size()); ++row) {
        const RmRunRecord &run = m_runs[std::size_t(row)];
        const QJsonObject metrics = jsonObject(run.metrics);
        const bool done = run.status == QLatin1String("done");
        const QString cells[ColCount] = {
            QString::number(run.id), run.mix, run.model, displayStatus(run),
            done ? QString::number(metrics.value(QStringLiteral("overall")).toDouble(), 'f', 3) : QStringLiteral("—"),
            !run.modelPath.isEmpty() ? QFileInfo(run.modelPath).fileName()
                : hasKeptModel(run.id) ? tr("not saved (in memory)") : QString(),
            run.device, run.seconds && run.status != QLatin1String("failed") ? QString::number(*run.seconds, 'f', 1) : QString(),
            view::localTime(run.startedAt, QStringLiteral("yyyy-MM-dd hh:mm:ss")), configSummary(run.config)};
        for (int c = 0; c < ColCount; ++c) {
            auto *item = new QTableWidgetItem(cells[c]);
            if (c == ColId)
                item->setData(Qt::UserRole, run.id);
            if (c == ColConfig)
                item->setToolTip(run.config);
            if (c == ColSaved && !run.modelPath.isEmpty())
                item->setToolTip(QFileInfo::exists(run.modelPath) ? run.modelPath
                                                                  : tr("%1 (no longer there)").arg(run.modelPath));
            if (c == ColSaved && !run.modelPath.isEmpty() && !QFileInfo::exists(run.modelPath))
                item->setForeground(QColor(140, 140, 140));
            if (c == ColStatus && !run.error.isEmpty())
                item->setToolTip(run.error);
            if (c == ColStatus && run.status == QLatin1String("failed"))
                item->setForeground(QColor(176, 0, 32));
            m_table->setItem(row, c, item);
        }
    }
    m_table->resizeColumnsToContents();
    for (int row = 0; row < m_table->rowCount(); ++row)
        if (m_table->item(row, ColId)->data(Qt::UserRole).toLongLong() == selected)
            m_table->selectRow(row);
    showRun(selected);
    updateModelButtons();
}

void TrainingView::showRun(qint64 runId)
{
    auto *bars = qobject_cast<QCPBars *>(m_sections->plottable(0));
    m_sections->clearItems();
    bars->data()->clear();
    const auto it = std::find_if(m_runs.begin(), m_runs.end(), [runId](const RmRunRecord &r) { return r.id == runId; });
    if (it == m_runs.end()) {
        m_runDetail->setText(m_runs.empty() ? tr("No runs yet.") : tr("Select a run to see its sections."));
        showEmptyPlot(m_sections, m_runs.empty() ? tr("No runs yet") : tr("Select a run"));
        return;
    }
    const QJsonObject metrics = jsonObject(it->metrics);
    // Sections are scores of a finished run only: a canceled or failed one has none to show.
    const QJsonObject sections = it->status == QLatin1String("done")
        ? metrics.value(QStringLiteral("sections")).toObject() : QJsonObject();
    auto ticker = QSharedPointer<QCPAxisTickerText>::create();
    double x = 1;
    for (auto s = sections.begin(); s != sections.end(); ++s, ++x) {
        const double acc = s.value().toDouble();
        bars->addData(x, acc);
        ticker->addTick(x, s.key());
        auto *label = new QCPItemText(m_sections);
        label->position->setCoords(x, acc);
        label->setPositionAlignment(Qt::AlignHCenter | Qt::AlignBottom);
        label->setText(QString::number(acc, 'f', 3));
    }
    m_sections->xAxis->setTicker(ticker);
    m_sections->xAxis->setRange(0.3, qMax(1.7, x - 0.3));
    if (sections.isEmpty())
        showEmptyPlot(m_sections, it->status == QLatin1String("done") ? tr("This run has no sections")
                                  : it->status == QLatin1String("running") ? tr("Sections when the run is done")
                                                                           : tr("No scores: the run did not finish"));
    else
        showPlotAxes(m_sections);
    QString detail = tr("Run %1 · %2 · %3 · %4").arg(it->id).arg(it->mix, it->model, displayStatus(*it));
    if (it->status == QLatin1String("done"))
        detail += tr(" · Overall %1 · %2 train / %3 eval pairs")
                      .arg(metrics.value(QStringLiteral("overall")).toDouble(), 0, 'f', 3)
                      .arg(metrics.value(QStringLiteral("train_pairs")).toInteger())
                      .arg(metrics.value(QStringLiteral("eval_pairs")).toInteger());
    else if (it->status == QLatin1String("failed"))
        detail += QStringLiteral("\n") + it->error;
    else if (it->status == QLatin1String("canceled"))
        detail += tr(" · stopped by Cancel; no scores");
    m_runDetail->setText(detail);
    replotIfSized(m_sections, QCustomPlot::rpQueuedReplot);
}

void TrainingView::showEvent(QShowEvent *event)
{
    ProjectView::showEvent(event);
    m_curves->replot(QCustomPlot::rpQueuedReplot); // not drawn while hidden (replotIfSized)
    m_sections->replot(QCustomPlot::rpQueuedReplot);
    if (m_devicesProbed)
        return;
    m_devicesProbed = true;
    if (trainingDevices().contains(QStringLiteral("cuda")))
        m_device->addItem(tr("cuda"), QStringLiteral("cuda"));
}

} // namespace hyper
