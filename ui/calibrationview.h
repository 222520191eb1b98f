// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "ui/reportview.h"

#include <QHash>
#include <memory>

class QComboBox;
class QLabel;
class QPushButton;
class QTableWidget;

namespace hyper {

class TaskController;
namespace labels {
struct CalibrationReport;
}

/**
 * The "Calibration" tab (docs/GUI.md): where an LM judge can be trusted. For the chosen
 * judge, on the instances with both human labels and a usable verdict: accuracy against
 * the human majority with a Wilson 95% interval, accuracy per tag (worst first; tags whose
 * whole interval lies below the overall figure are highlighted) beside the fitted PPM's
 * feature importance when the project has one, position consistency, and the 5x5
 * confusion matrix of the human 5-point median against the judge's verdict (counts and
 * row percentages, cells shaded by row share). labels::computeCalibration does the
 * arithmetic on a worker thread (TaskController); the PPM importance is computed on a
 * second one, as the PPM tab does.
 *
 * Ownership: owns its widgets, controllers and the last report; borrows the store.
 * Thread affinity: the GUI thread.
 */
class CalibrationView : public ReportView
{
    Q_OBJECT

public:
    explicit CalibrationView(QWidget *parent = nullptr);
    ~CalibrationView() override;

    QString title() const override;
    TaskController *importanceController() const { return m_importanceTasks; }
    /** The report shown (null before the first computation). */
    const labels::CalibrationReport *report() const { return m_report.get(); }
    /** Shows judge index j of the report (-1: none). */
    void showJudge(int j);

protected:
    /** The report, and the newest PPM's importance on a second worker. */
    void startReport(const QString &projectPath, const std::optional<Split> &split) override;
    void clearReport() override;
    void showReport() override;

private:
    void fillTags(int j);

    TaskController *m_importanceTasks = nullptr;
    std::unique_ptr<labels::CalibrationReport> m_report;
    QHash<QString, double> m_importance; // PPM gain per feature; empty without a PPM
    QString m_importanceNote;

    QComboBox *m_judge = nullptr;
    QLabel *m_headline = nullptr;
    QLabel *m_position = nullptr;
    QLabel *m_grades = nullptr;
    QLabel *m_ppmNote = nullptr;
    QTableWidget *m_tags = nullptr;
    QTableWidget *m_confusion = nullptr;
};

} // namespace hyper
