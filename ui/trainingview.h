// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/storage/mixqueries.h"
#include "ui/projectview.h"

#include <map>
#include <memory>
#include <vector>

class QComboBox;
class QCustomPlot;
class QDoubleSpinBox;
class QLabel;
class QProgressBar;
class QPushButton;
class QSpinBox;
class QTableWidget;

namespace hyper {

class ScoreFileDialog;
class TrainingController;
struct KeptModel;
struct TrainingProgress;

/**
 * The "Training" tab: choose a mix (human / LM / random share), a model, epochs, seed
 * and device; train a reward model on a background thread (TrainingController) with a
 * progress bar and ETA, live loss and eval-Overall curves, and Cancel; a table of every
 * run recorded in the project, and a per-section bar chart of the selected run.
 *
 * Ownership: owns its controller and widgets; the store given to setProject() belongs
 * to MainWindow. Thread affinity: the GUI thread. It reads runs through core/storage
 * (listRmRuns) and never blocks on the worker.
 */
class TrainingView : public ProjectView
{
    Q_OBJECT

public:
    explicit TrainingView(QWidget *parent = nullptr);
    ~TrainingView() override;

    QString title() const override;
    void setProject(ProjectStore *store) override;

    /** The background job (for tests and the status bar). */
    TrainingController *controller() const { return m_controller; }
    /** The mix text the controls select, e.g. "random:0.50". */
    QString mixText() const;

    /** Writes the kept weights of a run trained in this window to `path` and records it
     *  with the run (what "Save model…" does after its file dialog). False, with the
     *  reason shown, when the run's weights are not kept or the write fails. */
    bool saveModel(qint64 runId, const QString &path);
    /** Whether the weights of the run are still in memory (runs trained here; the newest
     *  kKeptRuns). */
    bool hasKeptModel(qint64 runId) const { return m_kept.count(runId) > 0; }
    /** Opens "Score a file…" with the selected run's saved model (if any). */
    ScoreFileDialog *openScoreDialog();
    /** How many finished runs keep their weights in memory for "Save model…". */
    static constexpr std::size_t kKeptRuns = 3;

public Q_SLOTS:
    /** Starts a run with the current controls; refused (with a message) when busy. */
    void startTraining();
    void cancelTraining();
    /** Re-reads the runs of the project into the table. */
    void reloadRuns();

protected:
    void showEvent(QShowEvent *event) override;

private:
    QWidget *createControls();
    void setupCurves();
    void setupSections();
    void setBusy(bool busy);
    void showMessage(const QString &text, bool error);
    void onProgress(const TrainingProgress &p);
    void onEnded(qint64 selectRunId);
    void showRun(qint64 runId);
    qint64 selectedRunId() const;
    void updateModelButtons();
    void saveModelAs();
    QString displayStatus(const RmRunRecord &run) const;

    ProjectStore *m_store = nullptr;
    TrainingController *m_controller = nullptr;
    std::vector<RmRunRecord> m_runs;
    qint64 m_liveRunId = 0;       // our job's 'running' row, once it exists
    qint64 m_lastIdBeforeRun = 0; // rows up to this id predate our job

    QComboBox *m_mix = nullptr;
    QDoubleSpinBox *m_humanShare = nullptr;
    QComboBox *m_model = nullptr;
    QSpinBox *m_epochs = nullptr;
    QSpinBox *m_seed = nullptr;
    bool m_devicesProbed = false;
    QComboBox *m_device = nullptr;
    QPushButton *m_train = nullptr;
    QPushButton *m_cancel = nullptr;
    QProgressBar *m_progress = nullptr;
    QLabel *m_eta = nullptr;
    QLabel *m_message = nullptr;
    QCustomPlot *m_curves = nullptr;
    QCustomPlot *m_sections = nullptr;
    QLabel *m_runDetail = nullptr;
    QTableWidget *m_table = nullptr;
    QPushButton *m_saveModel = nullptr;
    QPushButton *m_scoreFile = nullptr;
    std::map<qint64, std::shared_ptr<const KeptModel>> m_kept; // by run id
};

} // namespace hyper
