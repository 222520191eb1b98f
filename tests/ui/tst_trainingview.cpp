// The Training view end to end, offscreen: a bag run on a small synthetic project
// through the view's controls (curves, runs table, section bars, a screenshot), a run
// canceled right after its first progress report (latency measured), an empty mix
// refused with a message, and a diverging run marked failed.
#include "core/jobs/feedback.h"
#include "core/sample/samplegenerator.h"
#include "core/storage/mixqueries.h"
#include "core/storage/projectstore.h"
#include "ui/trainingcontroller.h"
#include "ui/trainingview.h"

#include <QApplication>
#include <QComboBox>
#include <QElapsedTimer>
#include <QLabel>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
// qcustomplot.h uses the `signals` and `foreach` keywords that QT_NO_KEYWORDS
// (and QT_NO_FOREACH) remove; map them for this include only.
#define signals Q_SIGNALS
#define foreach(decl, container) for (decl : container)
#include <qcustomplot.h>
#undef foreach
#undef signals

#include <memory>

using namespace hyper;

namespace {

QString makeProject(const QString &path, int train, int eval)
{
    ProjectStore store(path, ProjectStore::Mode::CreateNew);
    SampleParams params;
    params.trainSize = train;
    params.evalSize = eval;
    Feedback quiet;
    writeSample(store, params, quiet);
    return path;
}

QString statusOfRow(QTableWidget *table, int row)
{
    return table->item(row, 3)->text();
}

} // namespace

class TstTrainingView : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void trainsAndRecordsRun();
    void cancelStopsWithinASecond();
    void divergenceIsMarkedFailed();
    void emptyMixIsRefused();

private:
    QTemporaryDir m_dir;
    std::unique_ptr<ProjectStore> m_store;
    std::unique_ptr<TrainingView> m_view;
};

void TstTrainingView::initTestCase()
{
    QVERIFY(m_dir.isValid());
    const QString path = makeProject(m_dir.filePath(QStringLiteral("small.hyper")), 600, 200);
    m_store = std::make_unique<ProjectStore>(path, ProjectStore::Mode::OpenExisting, false);
    m_view = std::make_unique<TrainingView>();
    m_view->resize(1280, 820);
    m_view->setProject(m_store.get());
    m_view->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_view.get()));
    QCOMPARE(m_view->title(), QStringLiteral("Training"));
}

void TstTrainingView::cleanupTestCase()
{
    m_view.reset(); // cancels and joins the worker before the store goes
    m_store.reset();
}

void TstTrainingView::trainsAndRecordsRun()
{
    auto *epochs = m_view->findChild<QSpinBox *>(QStringLiteral("epochsSpin"));
    auto *train = m_view->findChild<QPushButton *>(QStringLiteral("trainButton"));
    auto *table = m_view->findChild<QTableWidget *>(QStringLiteral("runsTable"));
    auto *curves = m_view->findChild<QCustomPlot *>(QStringLiteral("curvesPlot"));
    auto *sections = m_view->findChild<QCustomPlot *>(QStringLiteral("sectionsPlot"));
    QVERIFY(epochs && train && table && curves && sections);
    epochs->setValue(2);
    QCOMPARE(m_view->mixText(), QStringLiteral("human"));

    QSignalSpy finished(m_view->controller(), &TrainingController::finished);
    QSignalSpy progress(m_view->controller(), &TrainingController::progress);
    QVERIFY(train->isEnabled());
    QTest::mouseClick(train, Qt::LeftButton);
    QVERIFY(m_view->controller()->isBusy());
    QVERIFY(!train->isEnabled());
    QTRY_VERIFY_WITH_TIMEOUT(finished.count() == 1, 120000);
    QVERIFY(progress.count() >= 2);
    const double overall = finished.first().at(1).toDouble();
    QVERIFY2(overall > 0.5 && overall <= 1.0, qPrintable(QString::number(overall)));

    QCOMPARE(table->rowCount(), 1);
    QCOMPARE(statusOfRow(table, 0), QStringLiteral("done"));
    const double shown = table->item(0, 4)->text().toDouble();
    QVERIFY(shown > 0.5 && shown <= 1.0);
    QVERIFY(curves->graph(0)->dataCount() >= 2);  // per-step loss
    QCOMPARE(curves->graph(1)->dataCount(), 2);   // epoch mean loss
    QCOMPARE(curves->graph(2)->dataCount(), 2);   // eval Overall per epoch
    // The finished run is selected and its sections are drawn.
    QVERIFY(!table->selectedItems().isEmpty());
    auto *bars = qobject_cast<QCPBars *>(sections->plottable(0));
    QVERIFY(bars && bars->dataCount() >= 3);
    QVERIFY(train->isEnabled());

    QTest::qWait(100); // let the queued replots land
    curves->replot();
    sections->replot();
    QVERIFY(m_view->grab().save(QStringLiteral("/tmp/training_view.png")));
}

void TstTrainingView::cancelStopsWithinASecond()
{
    auto *epochs = m_view->findChild<QSpinBox *>(QStringLiteral("epochsSpin"));
    auto *cancel = m_view->findChild<QPushButton *>(QStringLiteral("cancelButton"));
    auto *table = m_view->findChild<QTableWidget *>(QStringLiteral("runsTable"));
    epochs->setValue(50); // far longer than the test waits
    TrainingController *controller = m_view->controller();

    QElapsedTimer sinceCancel;
    qint64 latencyMs = -1;
    bool clicked = false;
    auto first = connect(controller, &TrainingController::progress, this, [&] {
        if (clicked)
            return;
        clicked = true;
        sinceCancel.start();
        QTest::mouseClick(cancel, Qt::LeftButton);
    });
    auto done = connect(controller, &TrainingController::canceled, this, [&] { latencyMs = sinceCancel.elapsed(); });
    QSignalSpy finished(controller, &TrainingController::finished);
    QSignalSpy failed(controller, &TrainingController::failed);
    m_view->startTraining();
    QTRY_VERIFY_WITH_TIMEOUT(latencyMs >= 0 || finished.count() || failed.count(), 60000);
    disconnect(first);
    disconnect(done);
    QCOMPARE(finished.count(), 0);
    QCOMPARE(failed.count(), 0);
    qInfo("cancel latency: %lld ms", latencyMs);
    QVERIFY2(latencyMs < 1000, qPrintable(QString::number(latencyMs)));

    QCOMPARE(table->rowCount(), 2);
    QCOMPARE(statusOfRow(table, 0), QStringLiteral("done")); // the first run is untouched
    QCOMPARE(statusOfRow(table, 1), QStringLiteral("canceled"));
    QCOMPARE(table->item(1, 4)->text(), QStringLiteral("—"));
    QVERIFY(m_view->findChild<QLabel *>(QStringLiteral("runDetail"))->text().contains(QStringLiteral("canceled")));
    QVERIFY(!controller->isBusy());
    epochs->setValue(2);
}

void TstTrainingView::divergenceIsMarkedFailed()
{
    // The view offers no learning rate; drive the controller with an absurd one.
    TrainingController controller;
    QSignalSpy failed(&controller, &TrainingController::failed);
    QSignalSpy finished(&controller, &TrainingController::finished);
    RmRunParams params;
    params.config = ml::TrainConfig::defaults("bag");
    params.config.epochs = 3;
    params.config.lr = 1e38;
    QVERIFY(controller.start(m_store->path(), params));
    QTRY_VERIFY_WITH_TIMEOUT(failed.count() + finished.count() == 1, 60000);
    if (finished.count())
        QSKIP("lr 1e38 did not make the bag diverge on this build");
    QVERIFY2(failed.first().first().toString().contains(QStringLiteral("diverged")),
             qPrintable(failed.first().first().toString()));
    m_view->reloadRuns();
    auto *table = m_view->findChild<QTableWidget *>(QStringLiteral("runsTable"));
    QCOMPARE(table->rowCount(), 3);
    QCOMPARE(statusOfRow(table, 2), QStringLiteral("failed"));
    QCOMPARE(statusOfRow(table, 0), QStringLiteral("done"));
    table->selectRow(2);
    QVERIFY(m_view->findChild<QLabel *>(QStringLiteral("runDetail"))->text().contains(QStringLiteral("diverged")));
}

void TstTrainingView::emptyMixIsRefused()
{
    const QString path = makeProject(m_dir.filePath(QStringLiteral("empty.hyper")), 0, 50);
    ProjectStore store(path, ProjectStore::Mode::OpenExisting, false);
    TrainingView view;
    view.setProject(&store);
    QSignalSpy failed(view.controller(), &TrainingController::failed);
    view.startTraining();
    QTRY_VERIFY_WITH_TIMEOUT(failed.count() == 1, 30000);
    const QString message = view.findChild<QLabel *>(QStringLiteral("messageLabel"))->text();
    QVERIFY2(message.contains(QStringLiteral("empty")), qPrintable(message));
    QCOMPARE(listRmRuns(store).size(), std::size_t(0)); // refused before a run row exists
    QCOMPARE(view.findChild<QTableWidget *>(QStringLiteral("runsTable"))->rowCount(), 0);
    QVERIFY(view.findChild<QPushButton *>(QStringLiteral("trainButton"))->isEnabled());
    QVERIFY(!view.controller()->isBusy());
}

QTEST_MAIN(TstTrainingView)
#include "tst_trainingview.moc"
