// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "ui/reportview.h"

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
 * the tab is shown and on Refresh (the life cycle of ReportView).
 *
 * Ownership: owns its widgets, controller and the last report; borrows the store.
 * Thread affinity: the GUI thread.
 */
class AgreementView : public ReportView
{
    Q_OBJECT

public:
    explicit AgreementView(QWidget *parent = nullptr);
    ~AgreementView() override;

    QString title() const override;
    /** The report shown (null before the first computation). */
    const labels::AgreementReport *report() const { return m_report.get(); }
    /** Shows the per-tag agreement of judge index j of the report. */
    void showJudge(int j);

protected:
    void showEvent(QShowEvent *event) override;
    void startReport(const QString &projectPath, const std::optional<Split> &split) override;
    void clearReport() override;
    void showReport() override;

private:
    std::unique_ptr<labels::AgreementReport> m_report;
    QTableWidget *m_pairs = nullptr;
    QTableWidget *m_judges = nullptr;
    QTableWidget *m_positions = nullptr;
    QCustomPlot *m_tags = nullptr;
};

} // namespace hyper
