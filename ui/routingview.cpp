// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/routingview.h"

#include "core/jobs/feedback.h"
#include "core/routing/planner.h"
#include "core/storage/ppmstore.h"
#include "core/storage/projectstore.h"
#include "ui/taskcontroller.h"
#include "ui/taskstatus.h"
#include "ui/viewhelpers.h"

#include <QComboBox>
#include <QDateTime>
#include <QDoubleSpinBox>
#include <QGridLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QSignalBlocker>
#include <QSlider>
#include <QSpinBox>
#include <QSplitter>
#include <QTableWidget>
#include <QVBoxLayout>
#include "ui/plot.h"

#include <cmath>

namespace hyper {

namespace {

enum PlanColumn { ColId, ColStrategy, ColBudget, ColHuman, ColPredicted, ColModel, ColCreated, ColApplied, ColCount };

} // namespace

RoutingView::RoutingView(QWidget *parent)
    : ProjectView(parent)
    , m_tasks(new TaskController(QStringLiteral("hyper-routing"), this))
{
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(createControls());
    layout->addWidget(createPlots(), 1);

    m_status = new TaskStatus(m_tasks, this, m_message, m_progress, m_cancel);
    m_status->setCanceledText(tr("Routing"), tr("Routing canceled; no plan was stored."));
    connect(m_tasks, &TaskController::ended, this, [this] { setBusy(false); });
    setBusy(false);
}

RoutingView::~RoutingView() = default;

QString RoutingView::title() const
{
    return tr("Routing");
}

QWidget *RoutingView::createControls()
{
    auto *box = new QGroupBox(tr("Route instances to humans under a budget"));
    auto *grid = new QGridLayout(box);
    m_budget = new QSlider(Qt::Horizontal);
    m_budget->setObjectName(QStringLiteral("budgetSlider"));
    m_budget->setRange(0, 1000);
    m_budget->setValue(500);
    m_budget->setToolTip(tr("Share of the train split labelled by humans"));
    m_budgetPercent = new QDoubleSpinBox;
    m_budgetPercent->setObjectName(QStringLiteral("budgetPercent"));
    m_budgetPercent->setRange(0, 100);
    m_budgetPercent->setDecimals(1);
    m_budgetPercent->setSuffix(QStringLiteral(" %"));
    m_budgetPercent->setValue(50);
    m_budgetCount = new QSpinBox;
    m_budgetCount->setObjectName(QStringLiteral("budgetCount"));
    m_budgetCount->setRange(0, 0);
    m_budgetCount->setSuffix(tr(" instances"));
    connect(m_budget, &QSlider::valueChanged, this, [this](int v) { setBudgetFraction(v / 1000.0); });
    connect(m_budgetPercent, &QDoubleSpinBox::valueChanged, this, [this](double v) { setBudgetFraction(v / 100.0); });
    connect(m_budgetCount, &QSpinBox::valueChanged, this, [this](int v) {
        if (m_instances > 0)
            setBudgetFraction(double(v) / double(m_instances));
    });

    m_strategy = new QComboBox;
    m_strategy->setObjectName(QStringLiteral("strategyCombo"));
    m_strategy->addItem(tr("Simulated (best of n candidates)"), QStringLiteral("simulated"));
    m_strategy->addItem(tr("Top-k gain"), QStringLiteral("topk"));
    m_strategy->addItem(tr("All positive gain"), QStringLiteral("all-positive"));
    m_strategy->addItem(tr("Epsilon (marginal gain)"), QStringLiteral("epsilon"));
    m_strategy->addItem(tr("Random (baseline, no PPM)"), QStringLiteral("random"));
    m_candidates = new QSpinBox;
    m_candidates->setObjectName(QStringLiteral("candidatesSpin"));
    m_candidates->setRange(1, 10000000);
    m_candidates->setValue(500);
    m_candidates->setToolTip(tr("Candidates sampled by the simulated strategy (the paper: 500)"));
    m_epsilon = new QDoubleSpinBox;
    m_epsilon->setObjectName(QStringLiteral("epsilonSpin"));
    m_epsilon->setDecimals(6);
    m_epsilon->setRange(0, 1);
    m_epsilon->setSingleStep(0.0001);
    m_epsilon->setToolTip(tr("Epsilon strategy: stop when an instance adds no more than this to the prediction"));
    m_seed = new QSpinBox;
    m_seed->setObjectName(QStringLiteral("seedSpin"));
    m_seed->setRange(0, 1000000);
    m_seed->setValue(1);
    m_subsample = new QSpinBox;
    m_subsample->setObjectName(QStringLiteral("subsampleSpin"));
    m_subsample->setRange(0, 100000000);
    m_subsample->setSpecialValueText(tr("none"));
    m_subsample->setToolTip(tr("A PPM that counts the reference's way: count each mix on a seeded sample of this "
                               "many of its instances, as the reference's n_samples (7000). Default: none"));
    connect(m_strategy, &QComboBox::currentIndexChanged, this, [this] { setBusy(isBusy()); });

    m_route = new QPushButton(tr("Route"));
    m_route->setObjectName(QStringLiteral("routeButton"));
    m_apply = new QPushButton(tr("Apply plan"));
    m_apply->setObjectName(QStringLiteral("applyButton"));
    m_apply->setToolTip(tr("Mark the selected plan's instances for human annotation, the rest for the LM"));
    m_refresh = new QPushButton(tr("Update curve"));
    m_refresh->setObjectName(QStringLiteral("curveButton"));
    m_cancel = new QPushButton(tr("Cancel"));
    m_cancel->setObjectName(QStringLiteral("cancelButton"));
    connect(m_route, &QPushButton::clicked, this, &RoutingView::route);
    connect(m_apply, &QPushButton::clicked, this, &RoutingView::applySelectedPlan);
    connect(m_refresh, &QPushButton::clicked, this, &RoutingView::updateCurve);
    m_progress = new QProgressBar;
    m_progress->setObjectName(QStringLiteral("routingProgress"));
    m_message = new QLabel;
    m_message->setObjectName(QStringLiteral("messageLabel"));
    m_message->setWordWrap(true);
    m_message->setTextInteractionFlags(Qt::TextSelectableByMouse);

    grid->addWidget(new QLabel(tr("Budget:")), 0, 0);
    grid->addWidget(m_budget, 0, 1, 1, 3);
    grid->addWidget(m_budgetPercent, 0, 4);
    grid->addWidget(m_budgetCount, 0, 5);
    grid->addWidget(new QLabel(tr("Subsample:")), 0, 6);
    grid->addWidget(m_subsample, 0, 7);
    auto *row = new QHBoxLayout;
    row->addWidget(new QLabel(tr("Strategy:")));
    row->addWidget(m_strategy);
    row->addWidget(new QLabel(tr("Candidates:")));
    row->addWidget(m_candidates);
    row->addWidget(new QLabel(tr("Epsilon:")));
    row->addWidget(m_epsilon);
    row->addWidget(new QLabel(tr("Seed:")));
    row->addWidget(m_seed);
    row->addStretch(1);
    row->addWidget(m_route);
    row->addWidget(m_apply);
    row->addWidget(m_refresh);
    grid->addLayout(row, 1, 0, 1, 8);
    auto *status = new QHBoxLayout;
    status->addWidget(m_progress, 1);
    status->addWidget(m_cancel);
    grid->addLayout(status, 2, 0, 1, 8);
    grid->addWidget(m_message, 3, 0, 1, 8);
    grid->setColumnStretch(1, 1);
    return box;
}

QWidget *RoutingView::createPlots()
{
    m_curve = new QCustomPlot;
    m_curve->setObjectName(QStringLiteral("budgetCurvePlot"));
    m_curve->plotLayout()->insertRow(0);
    m_curve->plotLayout()->addElement(0, 0, new QCPTextElement(m_curve, tr("Predicted score vs human budget"),
                                                               QFont(font().family(), 10, QFont::Bold)));
    m_curve->xAxis->setLabel(tr("human budget (% of the train split)"));
    m_curve->yAxis->setLabel(tr("predicted score (PPM)"));
    m_curve->legend->setVisible(true);
    m_curve->legend->setFont(QFont(font().family(), 8));
    // The legend in a row under the axes (inside, it hides the curves' ends).
    auto *legendRow = new QCPLayoutGrid;
    m_curve->plotLayout()->addElement(2, 0, legendRow);
    m_curve->plotLayout()->setRowStretchFactor(2, 0.001);
    legendRow->addElement(0, 0, m_curve->legend);
    m_curve->legend->setFillOrder(QCPLegend::foColumnsFirst);
    m_curve->legend->setWrap(4);
    const auto addGraph = [this](const QString &name, const QPen &pen) {
        QCPGraph *g = m_curve->addGraph();
        g->setName(name);
        g->setPen(pen);
        return g;
    };
    addGraph(tr("simulated best"), QPen(QColor(31, 119, 180), 2))
        ->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, 5));
    QCPGraph *random = addGraph(tr("random mix (mean)"), QPen(QColor(127, 127, 127), 2));
    random->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, 5));
    addGraph(tr("random ± 1 sd"), QPen(QColor(127, 127, 127, 90), 1, Qt::DotLine));
    addGraph(QString(), QPen(QColor(127, 127, 127, 90), 1, Qt::DotLine));
    m_curve->legend->removeItem(m_curve->legend->itemCount() - 1);
    addGraph(tr("100% LM"), QPen(QColor(214, 39, 40), 1.5, Qt::DashLine));
    addGraph(tr("100% human"), QPen(QColor(44, 160, 44), 1.5, Qt::DashLine));
    QCPGraph *plan = addGraph(tr("selected plan (by its own PPM)"), QPen(Qt::NoPen));
    plan->setLineStyle(QCPGraph::lsNone);
    plan->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssStar, QColor(255, 127, 14), 14));

    m_shares = new QCustomPlot;
    m_shares->setObjectName(QStringLiteral("tagSharesPlot"));
    m_shares->plotLayout()->insertRow(0);
    m_shares->plotLayout()->addElement(0, 0, new QCPTextElement(m_shares, tr("Selected plan: human share per tag"),
                                                                QFont(font().family(), 10, QFont::Bold)));
    m_shares->xAxis->setLabel(tr("share routed to humans"));
    m_shares->xAxis->setRange(0, 1);
    m_shares->xAxis->ticker()->setTickCount(4);

    m_plans = view::makeTable(QStringLiteral("plansTable"), {tr("Plan"), tr("Strategy"), tr("Budget"), tr("Human"),
                                                            tr("Predicted"), tr("PPM"), tr("Created"), tr("Applied")});
    connect(m_plans, &QTableWidget::itemSelectionChanged, this, [this] {
        const QList<QTableWidgetItem *> items = m_plans->selectedItems();
        if (!items.isEmpty())
            selectPlan(m_plans->item(items.first()->row(), ColId)->data(Qt::UserRole).toLongLong());
    });

    auto *left = new QSplitter(Qt::Vertical);
    left->addWidget(m_curve);
    left->addWidget(m_plans);
    left->setStretchFactor(0, 3);
    left->setStretchFactor(1, 2);
    auto *split = new QSplitter(Qt::Horizontal);
    split->addWidget(left);
    split->addWidget(m_shares);
    split->setStretchFactor(0, 1);
    split->setStretchFactor(1, 1);
    return split;
}

void RoutingView::setProject(ProjectStore *store)
{
    if (store != m_store)
        m_tasks->cancel();
    if (store != m_store)
        m_selectedPlan = 0; // the same project with changed data keeps the plan selected
    m_store = store;
    m_curveStale = true;
    for (int i = 0; i < m_curve->graphCount(); ++i)
        m_curve->graph(i)->data()->clear();
    plotShares({}, 0);
    reload();
    showEmptyPlot(m_curve, !m_store      ? tr("No project is open")
                           : m_hasModel ? tr("Computing the budget curve…")
                                        : tr("Fit a PPM (PPM tab) to see the predicted score\nagainst the human budget"));
    if (m_store && m_hasModel && isVisible())
        updateCurve();
}

void RoutingView::reload()
{
    m_plans->setRowCount(0);
    m_instances = 0;
    m_hasModel = false;
    m_referenceModel = false;
    if (m_store) {
        try {
            InstanceFilter train;
            train.split = Split::Train;
            m_instances = m_store->countInstances(train);
            const std::vector<PpmModelRecord> models = listPpmModels(*m_store);
            m_hasModel = !models.empty();
            m_referenceModel = m_hasModel && models.back().countMode == QLatin1String("reference");
            const std::vector<RoutePlanRecord> plans = listRoutePlans(*m_store);
            m_plans->blockSignals(true);
            for (auto it = plans.rbegin(); it != plans.rend(); ++it) {
                const int r = m_plans->rowCount();
                m_plans->insertRow(r);
                m_plans->setItem(r, ColId, view::tableCell(QString::number(it->id), it->id));
                m_plans->setItem(r, ColStrategy, view::tableCell(it->strategy));
                m_plans->setItem(r, ColBudget, view::tableCell(QString::number(it->budget)));
                m_plans->setItem(r, ColHuman, view::tableCell(QStringLiteral("%1 (%2%)")
                                                       .arg(it->human)
                                                       .arg(m_instances ? 100.0 * double(it->human) / double(m_instances) : 0.0,
                                                            0, 'f', 1),
                                                   it->human));
                m_plans->setItem(r, ColPredicted, view::tableCell(it->predicted ? QString::number(*it->predicted, 'f', 4) : QString(),
                                                       it->predicted ? QVariant(*it->predicted) : QVariant()));
                m_plans->setItem(r, ColModel, view::tableCell(it->modelId ? QString::number(*it->modelId) : QStringLiteral("–")));
                m_plans->setItem(r, ColCreated, view::tableCell(view::localTime(it->createdAt)));
                m_plans->setItem(r, ColApplied, view::tableCell(it->appliedAt.isEmpty() ? QString() : view::localTime(it->appliedAt)));
            }
            m_plans->blockSignals(false);
            m_plans->resizeColumnsToContents();
        } catch (const std::exception &e) {
            showMessage(tr("Cannot read the routing plans: %1").arg(QString::fromUtf8(e.what())), true);
        }
    }
    {
        const QSignalBlocker block(m_budgetCount);
        m_budgetCount->setRange(0, int(std::min<qint64>(m_instances, 2000000000)));
        m_budgetCount->setValue(int(std::llround(m_budgetPercent->value() / 100.0 * double(m_instances))));
    }
    if (!m_store)
        m_message->clear();
    else if (!m_hasModel)
        showMessage(tr("No PPM yet: collect training data and fit a model in the PPM tab first."), false);
    if (m_selectedPlan == 0 && m_plans->rowCount() > 0) { // rows are newest first
        int pick = 0; // the newest applied plan, else the newest
        for (int r = m_plans->rowCount() - 1; r >= 0; --r)
            if (!m_plans->item(r, ColApplied)->text().isEmpty())
                pick = r;
        m_selectedPlan = m_plans->item(pick, ColId)->data(Qt::UserRole).toLongLong();
    }
    for (int r = 0; r < m_plans->rowCount(); ++r)
        if (m_plans->item(r, ColId)->data(Qt::UserRole).toLongLong() == m_selectedPlan)
            m_plans->selectRow(r);
    setBusy(isBusy());
}

void RoutingView::setBudgetFraction(double fraction)
{
    fraction = std::clamp(fraction, 0.0, 1.0);
    const QSignalBlocker a(m_budget), b(m_budgetPercent), c(m_budgetCount);
    m_budget->setValue(int(std::lround(fraction * 1000.0)));
    m_budgetPercent->setValue(fraction * 100.0);
    m_budgetCount->setValue(int(std::llround(fraction * double(m_instances))));
}

qint64 RoutingView::budgetCount() const
{
    return m_budgetCount->value();
}

bool RoutingView::isBusy() const
{
    return m_tasks->isRunning();
}

void RoutingView::setBusy(bool busy)
{
    const bool ready = m_store && m_hasModel;
    const QString strategy = m_strategy->currentData().toString();
    const bool needsModel = strategy != QLatin1String("random");
    m_route->setEnabled(!busy && m_store && (ready || !needsModel)
                        && (budgetCount() > 0 || strategy == QLatin1String("all-positive")));
    m_refresh->setEnabled(!busy && ready);
    m_apply->setEnabled(!busy && m_store && m_selectedPlan > 0);
    m_candidates->setEnabled(!busy && strategy == QLatin1String("simulated"));
    m_epsilon->setEnabled(!busy && strategy == QLatin1String("epsilon"));
    for (QWidget *w : std::initializer_list<QWidget *>{m_budget, m_budgetPercent, m_budgetCount})
        w->setEnabled(!busy && strategy != QLatin1String("all-positive"));
    m_strategy->setEnabled(!busy);
    m_seed->setEnabled(!busy);
    // Only the reference's rules subsample a mix; other PPMs count all of it.
    m_subsample->setEnabled(!busy && m_referenceModel && needsModel);
}

void RoutingView::showMessage(const QString &text, bool error)
{
    if (m_status)
        m_status->say(text, error);
}

void RoutingView::cancel()
{
    m_tasks->cancel();
}

void RoutingView::route()
{
    if (!m_store)
        return;
    RouteParams params;
    params.strategy = m_strategy->currentData().toString();
    // A count (> 1) or, for a single instance, the fraction that rounds to it.
    params.budget = budgetCount() > 1 ? double(budgetCount())
                                      : (m_instances > 0 ? double(budgetCount()) / double(m_instances) : 0.0);
    if (params.strategy == QLatin1String("all-positive"))
        params.budget = 1.0;
    params.candidates = m_candidates->value();
    params.seed = quint64(m_seed->value());
    // 0 leaves the model's default: 0, or the reference's optimal_grad epsilon for a
    // reference-mode PPM.
    if (m_epsilon->value() > 0)
        params.epsilon = m_epsilon->value();
    if (m_referenceModel)
        params.subsample = m_subsample->value();
    params.apply = false;
    const bool started = m_tasks->start(
        m_store->path(), tr("Routing"),
        [params](ProjectStore &store, Feedback &feedback) -> std::any {
            return routeProject(store, params, feedback);
        },
        [this](std::any &any) {
            const auto r = std::any_cast<RoutePlanResult>(any);
            if (r.modelId <= 0)
                showMessage(tr("Plan %1 (random baseline): %2 of %3 instances to humans. "
                               "Press Apply plan to mark them for annotation.")
                                .arg(r.planId).arg(r.human).arg(r.instances),
                            false);
            else
                showMessage(tr("Plan %1 (%2): %3 of %4 instances to humans, predicted %5 (100% LM %6, 100% human %7)%8. "
                               "Press Apply plan to mark them for annotation.")
                                .arg(r.planId).arg(r.strategy).arg(r.human).arg(r.instances)
                                .arg(r.predicted, 0, 'f', 4).arg(r.allLm, 0, 'f', 4).arg(r.allHuman, 0, 'f', 4)
                                .arg(r.counted != r.human
                                         ? tr("; the reference's mix counts %1 of them (ties out, subsample)").arg(r.counted)
                                         : QString()),
                            false);
            m_selectedPlan = r.planId;
            reload();
        });
    if (started) {
        setBusy(true);
        showMessage(tr("Routing %1 instances (%2)…").arg(budgetCount()).arg(m_strategy->currentText()), false);
    }
}

void RoutingView::applySelectedPlan()
{
    if (!m_store || m_selectedPlan <= 0)
        return;
    try {
        applyRoutePlan(*m_store, m_selectedPlan);
    } catch (const std::exception &e) {
        showMessage(tr("Cannot apply plan %1: %2").arg(m_selectedPlan).arg(QString::fromUtf8(e.what())), true);
        return;
    }
    const auto plan = routePlan(*m_store, m_selectedPlan);
    showMessage(tr("Plan %1 applied: %2 instances marked for human annotation, the other train instances for the LM.")
                    .arg(m_selectedPlan).arg(plan ? plan->human : 0),
                false);
    reload();
    Q_EMIT projectDataChanged();
}

void RoutingView::updateCurve()
{
    if (!m_store || !m_hasModel)
        return;
    const quint64 seed = quint64(m_seed->value());
    const bool started = m_tasks->start(
        m_store->path(), tr("Budget curve"),
        [seed](ProjectStore &store, Feedback &feedback) -> std::any {
            return budgetOverview(store, 10, 200, seed, feedback);
        },
        [this](std::any &any) {
            plotCurve(std::any_cast<BudgetOverview>(any));
            m_curveStale = false;
        });
    if (started)
        setBusy(true);
}

void RoutingView::selectPlan(qint64 planId)
{
    m_selectedPlan = planId;
    setBusy(isBusy());
    if (!m_store || planId <= 0) {
        plotShares({}, 0);
        return;
    }
    try {
        const auto plan = routePlan(*m_store, planId);
        plotShares(planTagShares(*m_store, planId), plan ? plan->human : 0);
    } catch (const std::exception &e) {
        showMessage(QString::fromUtf8(e.what()), true);
    }
    markPlanOnCurve();
}

} // namespace hyper
