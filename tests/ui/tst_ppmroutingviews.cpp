// SPDX-License-Identifier: GPL-3.0-or-later
// The PPM and Routing tabs end to end, offscreen, on a small synthetic project: fit a PPM
// through the PPM tab's controls (models table, scatter, learning curve, importance bars),
// cancel a collect and resume it, route through the Routing tab (budget controls linked,
// curve, plan table, tag shares) and apply the plan (routes in the store). Screenshots:
// HYPER_PPM_SCREENSHOT=/tmp/ppm.png HYPER_ROUTING_SCREENSHOT=/tmp/routing.png.
#include "core/features/featurejob.h"
#include "core/jobs/feedback.h"
#include "core/routing/collect.h"
#include "core/sample/samplegenerator.h"
#include "core/storage/ppmstore.h"
#include "core/storage/projectstore.h"
#include "ui/ppmview.h"
#include "ui/routingview.h"
#include "ui/taskcontroller.h"

#include <QComboBox>
#include <QJsonDocument>
#include <QJsonObject>
#include <QDoubleSpinBox>
#include <QLabel>
#include <QPushButton>
#include <QSignalSpy>
#include <QProgressBar>
#include <QSpinBox>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include "ui/plot.h"

#include <memory>

using namespace hyper;

namespace {

/** Waits for the controller's current job to end; true when it finished. */
bool waitForJob(TaskController *tasks, int timeoutMs = 60000)
{
    if (!tasks->isRunning())
        return false;
    QSignalSpy finished(tasks, &TaskController::finished);
    QSignalSpy ended(tasks, &TaskController::ended);
    if (!ended.wait(timeoutMs))
        return false;
    return finished.count() == 1;
}

int graphPoints(QCustomPlot *plot, int graph)
{
    return plot->graph(graph)->data()->size();
}

qint64 countRoute(ProjectStore &store, const QString &route)
{
    InstanceFilter f;
    f.split = Split::Train;
    f.route = route;
    return store.countInstances(f);
}

} // namespace

class TstPpmRoutingViews : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void ppmViewFitsAndShowsModel();
    void collectCancelsAndResumes();
    void routingViewRoutesAndApplies();
    void referenceModeFromTheTabs();

private:
    QTemporaryDir m_dir;
    QString m_path;
    std::unique_ptr<ProjectStore> m_store;
};

void TstPpmRoutingViews::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_path = m_dir.filePath(QStringLiteral("views.hyper"));
    m_store = std::make_unique<ProjectStore>(m_path, ProjectStore::Mode::CreateNew);
    SampleParams sample;
    sample.trainSize = 600;
    sample.evalSize = 200;
    Feedback quiet;
    writeSample(*m_store, sample, quiet);
    computeFeatures(*m_store, FeatureParams{}, quiet);
    routing::CollectParams collect;
    collect.candidates = 60;
    collect.metric = QStringLiteral("agreement:human");
    const routing::CollectResult r = routing::collectPpmData(*m_store, collect, quiet);
    QCOMPARE(r.measured, 60);
}

void TstPpmRoutingViews::ppmViewFitsAndShowsModel()
{
    PpmView view;
    view.resize(1400, 900);
    view.setProject(m_store.get());
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    auto *datasets = view.findChild<QTableWidget *>(QStringLiteral("datasetsTable"));
    auto *models = view.findChild<QTableWidget *>(QStringLiteral("modelsTable"));
    QCOMPARE(datasets->rowCount(), 1);
    QCOMPARE(datasets->item(0, 3)->text(), QStringLiteral("60"));
    QCOMPARE(models->rowCount(), 0);
    auto *fit = view.findChild<QPushButton *>(QStringLiteral("fitButton"));
    QVERIFY(fit->isEnabled());

    auto *combo = view.findChild<QComboBox *>(QStringLiteral("modelCombo"));
    combo->setCurrentIndex(combo->findData(QStringLiteral("quadratic")));
    QTest::mouseClick(fit, Qt::LeftButton);
    QVERIFY(view.isBusy());
    QVERIFY(!fit->isEnabled());
    QVERIFY(waitForJob(view.controller()));   // the fit
    QCOMPARE(models->rowCount(), 1);
    const std::vector<PpmModelRecord> stored = listPpmModels(*m_store);
    QCOMPARE(int(stored.size()), 1);
    QCOMPARE(view.shownModel(), stored.front().id);
    QCOMPARE(stored.front().terms, qint64(4186));
    QVERIFY(view.findChild<QLabel *>(QStringLiteral("fitMetrics"))->text().contains(QStringLiteral("quadratic")));
    // Out-of-fold predictions of every row, and a learning curve.
    auto *scatter = view.findChild<QCustomPlot *>(QStringLiteral("scatterPlot"));
    QCOMPARE(graphPoints(scatter, 1), 60);
    auto *curve = view.findChild<QCustomPlot *>(QStringLiteral("learningCurvePlot"));
    QVERIFY(graphPoints(curve, 0) >= 2);
    // The importance job follows the fit, on its own controller.
    if (view.importanceController()->isRunning())
        QVERIFY(waitForJob(view.importanceController()));
    auto *importance = view.findChild<QCustomPlot *>(QStringLiteral("importancePlot"));
    int bars = 0;
    for (int i = 0; i < importance->plottableCount(); ++i)
        if (auto *b = qobject_cast<QCPBars *>(importance->plottable(i)))
            bars += b->data()->size();
    QCOMPARE(bars, 24); // 12 top + 12 bottom features of 90
    QVERIFY(!view.isBusy());
    if (const QByteArray shot = qgetenv("HYPER_PPM_SCREENSHOT"); !shot.isEmpty())
        QVERIFY(view.grab().save(QString::fromLocal8Bit(shot)));
}

void TstPpmRoutingViews::collectCancelsAndResumes()
{
    PpmView view;
    view.setProject(m_store.get());
    auto *metric = view.findChild<QComboBox *>(QStringLiteral("metricCombo"));
    metric->setCurrentIndex(metric->findData(QStringLiteral("rm")));
    view.findChild<QSpinBox *>(QStringLiteral("epochsSpin"))->setValue(1);
    QSignalSpy canceled(view.controller(), &TaskController::canceled);
    QSignalSpy progress(view.controller(), &TaskController::progress);
    auto *bar = view.findChild<QProgressBar *>(QStringLiteral("ppmProgress"));
    auto *cancel = view.findChild<QPushButton *>(QStringLiteral("cancelButton"));
    QVERIFY(bar->isHidden() && cancel->isHidden()); // idle: no empty bar
    view.collect(400);
    QVERIFY(view.isBusy());
    QVERIFY(!bar->isHidden() && !cancel->isHidden());
    QTRY_VERIFY_WITH_TIMEOUT(progress.count() >= 3, 60000); // a few candidates measured
    view.cancel();
    QVERIFY(canceled.wait(30000));
    QVERIFY(!view.isBusy());
    QVERIFY(bar->isHidden() && cancel->isHidden());
    // What was measured before the cancel is kept, and a rerun resumes from it.
    const std::vector<PpmDataset> sets = listPpmDatasets(*m_store);
    qint64 kept = 0;
    for (const PpmDataset &d : sets)
        if (d.metric == QLatin1String("rm"))
            kept = d.rows;
    QVERIFY(kept > 0 && kept < 400);
    // ... and shown at once (issue 19: the table stayed empty until the project was reopened).
    auto *datasets = view.findChild<QTableWidget *>(QStringLiteral("datasetsTable"));
    bool shown = false;
    for (int r = 0; r < datasets->rowCount(); ++r)
        shown = shown || (datasets->item(r, 2)->text() == QStringLiteral("proxy RM accuracy")
                          && datasets->item(r, 3)->text() == QString::number(kept));
    QVERIFY2(shown, "the kept candidates are not in the table");
    QVERIFY(view.findChild<QPushButton *>(QStringLiteral("fitButton"))->isEnabled());
    QVERIFY(view.findChild<QLabel *>(QStringLiteral("messageLabel"))->text().startsWith(QStringLiteral("Canceled; every")));
    QSignalSpy finished(view.controller(), &TaskController::finished);
    view.collect(int(kept) + 2);
    QVERIFY(finished.wait(60000));
    QVERIFY(view.findChild<QLabel *>(QStringLiteral("messageLabel"))
                ->text()
                .contains(QStringLiteral("%1 already measured").arg(kept)));
}

void TstPpmRoutingViews::routingViewRoutesAndApplies()
{
    RoutingView view;
    view.resize(1400, 900);
    view.setProject(m_store.get());
    QSignalSpy changed(&view, &ProjectView::projectDataChanged);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    // Showing the tab computes the budget curve: budget 0 plus ten steps.
    QVERIFY(waitForJob(view.controller()));
    auto *curve = view.findChild<QCustomPlot *>(QStringLiteral("budgetCurvePlot"));
    QCOMPARE(graphPoints(curve, 0), 11);
    QCOMPARE(graphPoints(curve, 1), 11);
    // A default-mode PPM counts every instance of a mix: no subsample to choose.
    QVERIFY(!view.findChild<QSpinBox *>(QStringLiteral("subsampleSpin"))->isEnabled());

    // The fraction and the count follow each other.
    view.findChild<QSpinBox *>(QStringLiteral("budgetCount"))->setValue(300);
    QCOMPARE(view.findChild<QDoubleSpinBox *>(QStringLiteral("budgetPercent"))->value(), 50.0);
    view.setBudgetFraction(0.25);
    QCOMPARE(view.budgetCount(), qint64(150));

    // No plan selected yet: the shares plot says so instead of showing empty axes.
    auto *shares = view.findChild<QCustomPlot *>(QStringLiteral("tagSharesPlot"));
    auto *note = shares->findChild<QCPItemText *>(QStringLiteral("emptyNote"));
    QVERIFY(note && note->visible() && !shares->xAxis->visible());

    QTest::mouseClick(view.findChild<QPushButton *>(QStringLiteral("routeButton")), Qt::LeftButton);
    QVERIFY(waitForJob(view.controller()));
    // A finished job leaves no "0%" beside the budget (issue 19).
    QVERIFY(view.findChild<QProgressBar *>(QStringLiteral("routingProgress"))->isHidden());
    auto *plans = view.findChild<QTableWidget *>(QStringLiteral("plansTable"));
    QCOMPARE(plans->rowCount(), 1);
    const std::vector<RoutePlanRecord> stored = listRoutePlans(*m_store);
    QCOMPARE(int(stored.size()), 1);
    QCOMPARE(stored.front().human, qint64(150));
    QCOMPARE(stored.front().strategy, QStringLiteral("simulated"));
    QCOMPARE(view.selectedPlan(), stored.front().id);
    QVERIFY(stored.front().appliedAt.isEmpty());
    QCOMPARE(countRoute(*m_store, QStringLiteral("human")), qint64(0));
    QVERIFY(shares->xAxis->visible() && !shares->findChild<QCPItemText *>(QStringLiteral("emptyNote")));
    QVERIFY(shares->plottableCount() == 1 && qobject_cast<QCPBars *>(shares->plottable(0))->data()->size() > 0);
    QCOMPARE(graphPoints(curve, 6), 1); // the plan's star on the curve

    QTest::mouseClick(view.findChild<QPushButton *>(QStringLiteral("applyButton")), Qt::LeftButton);
    QCOMPARE(countRoute(*m_store, QStringLiteral("human")), qint64(150));
    QCOMPARE(countRoute(*m_store, QStringLiteral("lm")), qint64(450));
    QCOMPARE(changed.count(), 1);
    QVERIFY(!listRoutePlans(*m_store).front().appliedAt.isEmpty());
    if (const QByteArray shot = qgetenv("HYPER_ROUTING_SCREENSHOT"); !shot.isEmpty())
        QVERIFY(view.grab().save(QString::fromLocal8Bit(shot)));
}

// Issue 20: collect the reference's way from the PPM tab, fit, and route with a subsample
// from the Routing tab.
void TstPpmRoutingViews::referenceModeFromTheTabs()
{
    {
        PpmView view;
        view.resize(1400, 900);
        view.setProject(m_store.get());
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        auto *mode = view.findChild<QComboBox *>(QStringLiteral("countModeCombo"));
        mode->setCurrentIndex(mode->findData(QStringLiteral("reference")));
        auto *metric = view.findChild<QComboBox *>(QStringLiteral("metricCombo"));
        metric->setCurrentIndex(metric->findData(QStringLiteral("agreement:human")));
        view.findChild<QSpinBox *>(QStringLiteral("candidatesSpin"))->setValue(40);
        QTest::mouseClick(view.findChild<QPushButton *>(QStringLiteral("collectButton")), Qt::LeftButton);
        QVERIFY(waitForJob(view.controller()));
        const std::vector<PpmDataset> datasets = listPpmDatasets(*m_store);
        QCOMPARE(datasetCountMode(datasets.back()), QStringLiteral("reference"));
        QVERIFY(view.findChild<QTableWidget *>(QStringLiteral("datasetsTable"))->item(0, 1)->text().contains(
            QStringLiteral("reference")));
        auto *combo = view.findChild<QComboBox *>(QStringLiteral("modelCombo"));
        combo->setCurrentIndex(combo->findData(QStringLiteral("linear")));
        QTest::mouseClick(view.findChild<QPushButton *>(QStringLiteral("fitButton")), Qt::LeftButton);
        QVERIFY(waitForJob(view.controller()));
        QCOMPARE(currentPpmModel(*m_store)->countMode, QStringLiteral("reference"));
        QVERIFY(view.findChild<QTableWidget *>(QStringLiteral("modelsTable"))->item(0, 1)->text().contains(
            QStringLiteral("reference")));
        if (view.importanceController()->isRunning())
            QVERIFY(waitForJob(view.importanceController()));
    }
    RoutingView view;
    view.resize(1400, 900);
    view.setProject(m_store.get());
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    QVERIFY(waitForJob(view.controller())); // the budget curve, the reference's way
    auto *subsample = view.findChild<QSpinBox *>(QStringLiteral("subsampleSpin"));
    QVERIFY(subsample->isEnabled());
    subsample->setValue(200);
    auto *strategy = view.findChild<QComboBox *>(QStringLiteral("strategyCombo"));
    strategy->setCurrentIndex(strategy->findData(QStringLiteral("topk")));
    view.setBudgetFraction(0.5);
    QTest::mouseClick(view.findChild<QPushButton *>(QStringLiteral("routeButton")), Qt::LeftButton);
    QVERIFY(waitForJob(view.controller()));
    const RoutePlanRecord plan = listRoutePlans(*m_store).back();
    QCOMPARE(plan.human, qint64(300));
    const QJsonObject params = QJsonDocument::fromJson(plan.params.toUtf8()).object();
    QCOMPARE(params.value(QStringLiteral("subsample")).toInteger(), 200);
    // Of the 600 instances 200 are sampled after the ties leave: about half of them routed.
    const qint64 counted = params.value(QStringLiteral("counted")).toInteger();
    QVERIFY2(counted > 50 && counted < 150, qPrintable(QString::number(counted)));
    QVERIFY(view.findChild<QLabel *>(QStringLiteral("messageLabel"))->text().contains(QString::number(counted)));
}

QTEST_MAIN(TstPpmRoutingViews)
#include "tst_ppmroutingviews.moc"
