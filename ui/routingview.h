// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "ui/projectview.h"

#include <vector>

class QComboBox;
class QCustomPlot;
class QDoubleSpinBox;
class QLabel;
class QProgressBar;
class QPushButton;
class QSlider;
class QSpinBox;
class QTableWidget;

namespace hyper {

class TaskController;
class TaskStatus;
struct BudgetOverview;
struct TagShare;

/**
 * The "Routing" tab (docs/GUI.md): routes train instances to humans under a budget with
 * the project's newest PPM. Budget slider (fraction) and count, strategy (simulated,
 * top-k gain, all positive gain, epsilon), candidates and seed; the predicted score
 * against the budget (simulated best and random mixes, with the 100%-LM and 100%-human
 * predictions); the stored plans; for the selected plan, the human share per tag.
 * "Apply plan" marks the plan's instances route=human and the other train instances
 * route=lm (the dataset table's Route column).
 *
 * Long work (the curve, routing) runs on the view's TaskController. Ownership: owns its
 * widgets and controller; borrows the store. Thread affinity: the GUI thread.
 */
class RoutingView : public ProjectView
{
    Q_OBJECT

public:
    explicit RoutingView(QWidget *parent = nullptr);
    ~RoutingView() override;

    QString title() const override;
    void setProject(ProjectStore *store) override;

    /** Budget as a fraction of the train split (the slider and count follow). */
    void setBudgetFraction(double fraction);
    qint64 budgetCount() const;
    /** Routes with the controls' settings and stores the plan (not applied). */
    void route();
    /** Applies the selected plan. */
    void applySelectedPlan();
    /** Recomputes the budget curve. */
    void updateCurve();
    void cancel();
    bool isBusy() const;
    TaskController *controller() const { return m_tasks; }
    qint64 selectedPlan() const { return m_selectedPlan; }
    void selectPlan(qint64 planId);
    /** Re-reads the plans table (and the instance count). */
    void reload();

protected:
    /** Computes the budget curve the first time the tab is shown for a project. */
    void showEvent(QShowEvent *event) override;

private:
    QWidget *createControls();
    QWidget *createPlots();
    void setBusy(bool busy);
    void showMessage(const QString &text, bool error);
    void plotCurve(const BudgetOverview &overview);
    void plotShares(const std::vector<TagShare> &shares, qint64 human);
    void markPlanOnCurve();

    ProjectStore *m_store = nullptr;
    TaskController *m_tasks = nullptr;
    TaskStatus *m_status = nullptr;
    qint64 m_instances = 0;
    qint64 m_selectedPlan = 0;
    bool m_hasModel = false;
    bool m_referenceModel = false; // the newest PPM counts the reference's way
    bool m_curveStale = true;

    QSlider *m_budget = nullptr;
    QDoubleSpinBox *m_budgetPercent = nullptr;
    QSpinBox *m_budgetCount = nullptr;
    QComboBox *m_strategy = nullptr;
    QSpinBox *m_candidates = nullptr;
    QDoubleSpinBox *m_epsilon = nullptr;
    QSpinBox *m_seed = nullptr;
    QSpinBox *m_subsample = nullptr;
    QPushButton *m_route = nullptr;
    QPushButton *m_apply = nullptr;
    QPushButton *m_refresh = nullptr;
    QPushButton *m_cancel = nullptr;
    QProgressBar *m_progress = nullptr;
    QLabel *m_message = nullptr;
    QCustomPlot *m_curve = nullptr;
    QCustomPlot *m_shares = nullptr;
    QTableWidget *m_plans = nullptr;
};

} // namespace hyper
