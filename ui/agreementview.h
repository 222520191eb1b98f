// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "ui/projectview.h"

#include <memory>

class QComboBox;
class QCustomPlot;
class QLabel;
class QPushButton;
class QTableWidget;

namespace hyper {

class TaskController;
namespace labels {
struct AgreementReport;
}

/**
 * The "Agreement" tab (docs/AGREEMENT.md, docs/GUI.md): the `hyper agreement` report of
 * the open project. Annotator pairs (percent agreement and Cohen's kappa on the folded
 * A/tie/B classes, quadratic-weighted kappa on the 5-point scale), Krippendorff's alpha,
 * each judge against the human majority (agreement, kappa, position consistency), the
 * selected judge's agreement per tag (lowest first: where the judge cannot be trusted),
 * and the annotators' position bias. Computed on a worker thread (TaskController) when
 * the tab is shown and on Refresh.
 *
 * Ownership: owns its widgets, controller and the last report; borrows the store.
 * Thread affinity: the GUI thread.
 */
class AgreementView : public ProjectView
{
    Q_OBJECT

public:
    explicit AgreementView(QWidget *parent = nullptr);
    ~AgreementView() override;

    QString title() const override;
    void setProject(ProjectStore *store) override;

    /** Recomputes the report for the chosen split. */
    void refresh();
    TaskController *controller() const { return m_tasks; }
    /** The report shown (null before the first computation). */
    const labels::AgreementReport *report() const { return m_report.get(); }
    /** Shows the per-tag agreement of judge index j of the report. */
    void showJudge(int j);

protected:
    void showEvent(QShowEvent *event) override;

private:
    void showReport();

    ProjectStore *m_store = nullptr;
    TaskController *m_tasks = nullptr;
    std::unique_ptr<labels::AgreementReport> m_report;
    bool m_stale = true;

    QComboBox *m_split = nullptr;
    QPushButton *m_refresh = nullptr;
    QLabel *m_summary = nullptr;
    QTableWidget *m_pairs = nullptr;
    QTableWidget *m_judges = nullptr;
    QTableWidget *m_positions = nullptr;
    QCustomPlot *m_tags = nullptr;
};

} // namespace hyper
