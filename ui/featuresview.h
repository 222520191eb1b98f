// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "ui/projectview.h"

#include <QStringList>

class QCheckBox;
class QCustomPlot;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QSortFilterProxyModel;
class QStackedWidget;
class QStandardItemModel;
class QTableView;

namespace hyper {

class FeatureJobController;
struct FeatureResult;

/** A readable label of a binary feature name ("rouge: 0.33–0.67",
 *  "safety_concern = moderate"); an unknown name comes back unchanged. */
QString featureDisplayName(const QString &name);

/**
 * The "Features" tab: computes the project's features in the background (progress bar
 * and Cancel), lists every binary feature with its kind and the number of train
 * instances carrying it, plots the selected feature (a histogram of a lexical score's
 * raw values with the bin edges, or the counts of a tag column's values), and sends
 * the selected features to the dataset table (showInstances).
 *
 * Ownership: owns its widgets and its FeatureJobController; borrows the store.
 * Thread affinity: the GUI thread; the job opens its own store in its worker thread.
 */
class FeaturesView : public ProjectView
{
    Q_OBJECT

public:
    /** Column 0's role carrying the raw feature name; the count column's carries the count. */
    static constexpr int kNameRole = Qt::UserRole;
    static constexpr int kSortRole = Qt::UserRole + 1;
    enum Column { FeatureColumn, KindColumn, CountColumn, ShareColumn, ColumnCount };

    explicit FeaturesView(QWidget *parent = nullptr);
    ~FeaturesView() override;

    QString title() const override;
    void setProject(ProjectStore *store) override;

    /** Starts the feature job (force: recompute everything). */
    void compute(bool force);
    void cancel();
    bool isRunning() const;
    /** Re-reads the stored features. */
    void refresh();
    /** Makes the feature with this raw name current and selected; false if absent. */
    bool selectFeature(const QString &name);
    /** Raw names of the selected features, in table order. */
    QStringList selectedFeatures() const;

    QTableView *featureTable() const { return m_table; }
    /** The proxy the table shows (sortable, filtered by the search box). */
    QSortFilterProxyModel *featureModel() const { return m_proxy; }
    QCustomPlot *plot() const { return m_plot; }
    QPushButton *computeButton() const { return m_compute; }
    QPushButton *showButton() const { return m_show; }
    /** True while the empty state ("No features yet") is shown. */
    bool isEmptyStateShown() const;

Q_SIGNALS:
    /** The computation ended (successfully or not). */
    void jobEnded();

private:
    void onFinished(const FeatureResult &result);
    void onJobEnded(const QString &message);
    void onCurrentChanged();
    void plotLexical(const QString &name);
    void plotMetadata(const QString &name);
    void updateButtons();

    ProjectStore *m_store = nullptr;
    FeatureJobController *m_jobs = nullptr;
    qint64 m_trainInstances = 0;
    QStackedWidget *m_stack = nullptr;
    QLabel *m_emptyLabel = nullptr;
    QPushButton *m_compute = nullptr;
    QPushButton *m_emptyCompute = nullptr;
    QCheckBox *m_recompute = nullptr;
    QProgressBar *m_progress = nullptr;
    QPushButton *m_cancel = nullptr;
    QLabel *m_summary = nullptr;
    QLineEdit *m_search = nullptr;
    QStandardItemModel *m_model = nullptr;
    QSortFilterProxyModel *m_proxy = nullptr;
    QTableView *m_table = nullptr;
    QPushButton *m_show = nullptr;
    QLabel *m_plotTitle = nullptr;
    QCustomPlot *m_plot = nullptr;
    QLabel *m_plotNote = nullptr;
};

} // namespace hyper
