// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "ui/projectview.h"

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
class CalibrationView : public ProjectView
{
    Q_OBJECT

public:
    explicit CalibrationView(QWidget *parent = nullptr);
    ~CalibrationView() override;

    QString title() const override;
    void setProject(ProjectStore *store) override;

    /** Recomputes the report for the chosen split (and the PPM importance). */
    void refresh();
    TaskController *controller() const { return m_tasks; }
    TaskController *importanceController() const { return m_importanceTasks; }
    /** The report shown (null before the first computation). */
    const labels::CalibrationReport *report() const { return m_report.get(); }
    /** Shows judge index j of the report (-1: none). */
    void showJudge(int j);

protected:
    void showEvent(QShowEvent *event) override;

private:
    void showReport();
    void fillTags(int j);

    ProjectStore *m_store = nullptr;
    TaskController *m_tasks = nullptr;
    TaskController *m_importanceTasks = nullptr;
    std::unique_ptr<labels::CalibrationReport> m_report;
    QHash<QString, double> m_importance; // PPM gain per feature; empty without a PPM
    QString m_importanceNote;
    bool m_stale = true;

    QComboBox *m_split = nullptr;
    QComboBox *m_judge = nullptr;
    QPushButton *m_refresh = nullptr;
    QLabel *m_summary = nullptr;
    QLabel *m_headline = nullptr;
    QLabel *m_position = nullptr;
    QLabel *m_grades = nullptr;
    QLabel *m_ppmNote = nullptr;
    QTableWidget *m_tags = nullptr;
    QTableWidget *m_confusion = nullptr;
};

} // namespace hyper
