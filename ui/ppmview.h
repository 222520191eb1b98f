// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "ui/projectview.h"

#include <optional>
#include <vector>

class QCheckBox;
class QComboBox;
class QCustomPlot;
class QDoubleSpinBox;
class QLabel;
class QProgressBar;
class QPushButton;
class QSpinBox;
class QTableWidget;

namespace hyper::routing {
struct SlurmOptions;
}

namespace hyper {

class TaskController;
class TaskStatus;
struct ImportanceReport;

/**
 * The "PPM" tab (docs/GUI.md): collects PPM training data (candidate mixes measured with
 * proxy reward models or by agreement with a reference label source; resumable), fits
 * linear or quadratic PPMs with k-fold CV, and shows the selected model: fit metrics, the
 * out-of-fold predicted-vs-actual scatter, the learning curve and the feature-importance
 * bars (top and bottom features with readable names).
 *
 * All long work (collect, fit, importance) runs on the view's TaskController; one job
 * at a time, with progress and Cancel. Ownership: owns its widgets and controller;
 * borrows the store. Thread affinity: the GUI thread.
 */
class PpmView : public ProjectView
{
    Q_OBJECT

public:
    explicit PpmView(QWidget *parent = nullptr);
    ~PpmView() override;

    QString title() const override;
    void setProject(ProjectStore *store) override;

    /** Starts collecting K candidates (the controls' metric, epochs and seed). */
    void collect(int candidates);
    /** Writes the controls' collection as a Slurm job folder instead of training here
     *  (docs/CLUSTER.md); options.trainCommand empty: the hyper-train beside this program. */
    void writeSlurmJob(const routing::SlurmOptions &options);
    /** Imports the finished tasks of a job folder; the message counts done, failed, missing. */
    void importSlurmResults(const QString &dir);
    /** Starts fitting a PPM with the controls' model, ridge and folds. */
    void fit();
    void cancel();
    bool isBusy() const;
    TaskController *controller() const { return m_tasks; }
    /** Computes the shown model's feature importance (apart, so collect and fit never wait for it). */
    TaskController *importanceController() const { return m_importanceTasks; }
    /** Re-reads datasets and models; selects the newest model. */
    void reload();
    /** Shows the model (its metrics and plots; importance computed in the background). */
    void showModel(qint64 modelId);
    qint64 shownModel() const { return m_shownModel; }

protected:
    /** Draws the plots, which are not drawn while the tab is hidden. */
    void showEvent(QShowEvent *event) override;

private:
    QWidget *createCollectBox();
    /** The Slurm job dialog (ui/ppmviewslurm.cpp). */
    void slurmJobDialog();
    QWidget *createFitBox();
    QWidget *createPlots();
    void setBusy(bool busy);
    void showMessage(const QString &text, bool error);
    /** After a canceled or failed job: what it kept (finished candidates) is shown. */
    void reloadAfterPartialJob();
    void startImportance(qint64 modelId);
    void plotFit(const QString &cvJson);
    void plotImportance(const ImportanceReport &report);

    ProjectStore *m_store = nullptr;
    TaskController *m_tasks = nullptr;
    TaskStatus *m_status = nullptr;
    TaskController *m_importanceTasks = nullptr;
    qint64 m_shownModel = 0;
    std::optional<qint64> m_pendingImportance; // asked while an importance job ran

    QSpinBox *m_candidates = nullptr;
    QComboBox *m_metric = nullptr;
    QSpinBox *m_epochs = nullptr;
    QSpinBox *m_seed = nullptr;
    QComboBox *m_countMode = nullptr;
    QPushButton *m_collect = nullptr;
    QPushButton *m_slurm = nullptr;
    QPushButton *m_importSlurm = nullptr;
    QComboBox *m_model = nullptr;
    QDoubleSpinBox *m_ridge = nullptr;
    QCheckBox *m_ridgeAuto = nullptr;
    QSpinBox *m_folds = nullptr;
    QPushButton *m_fit = nullptr;
    QPushButton *m_cancel = nullptr;
    QProgressBar *m_progress = nullptr;
    QLabel *m_message = nullptr;
    QTableWidget *m_datasets = nullptr;
    QTableWidget *m_models = nullptr;
    QLabel *m_metrics = nullptr;
    QCustomPlot *m_scatter = nullptr;
    QCustomPlot *m_curve = nullptr;
    QCustomPlot *m_importance = nullptr;
};

} // namespace hyper
