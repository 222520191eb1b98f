// SPDX-License-Identifier: GPL-3.0-or-later
// The Training view end to end, offscreen: a bag run on a small synthetic project
// through the view's controls (curves, runs table, section bars, a screenshot), a run
// canceled right after its first progress report (latency measured), an empty mix
// refused with a message, and a diverging run marked failed.
#include "core/jobs/feedback.h"
#include "core/sample/samplegenerator.h"
#include "core/storage/mixqueries.h"
#include "core/storage/projectstore.h"
#include "core/mlbridge/mlload.h"
#include "core/mlbridge/rmscore.h"
#include "core/storage/lmstore.h"
#include "ui/rmjudgedialog.h"
#include "ui/scorefiledialog.h"
#include "ui/trainingcontroller.h"
#include "ui/trainingview.h"

#include <QFile>
#include <QLineEdit>

#include <QApplication>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QElapsedTimer>
#include <QLabel>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include "ui/plot.h"

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
    void savesScoresAndJudgesWithTheModel();
    void cancelStopsWithinASecond_data();
    void cancelStopsWithinASecond();
    void divergenceIsMarkedFailed();
    void emptyMixIsRefused();
    void leftoverRunShowsInterrupted();

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
    QSignalSpy stages(m_view->controller(), &TrainingController::stage);
    // HYPER_SCREENSHOT_DIR: the tab while LibTorch loads, for a person to look at.
    const QString keep = qEnvironmentVariable("HYPER_SCREENSHOT_DIR");
    const auto shot = connect(m_view->controller(), &TrainingController::stage, this, [&](const QString &text) {
        if (!keep.isEmpty() && text.startsWith(QStringLiteral("loading")))
            m_view->grab().save(keep + QStringLiteral("/training_loading_libtorch.png"));
    });
    QVERIFY(!mlModuleLoaded()); // the first run of this process loads LibTorch, and says so
    QVERIFY(train->isEnabled());
    // Responsiveness: the longest gap between ticks of a 10 ms timer during the run.
    QElapsedTimer sinceTick;
    qint64 maxGapMs = 0;
    QTimer ticker;
    ticker.setInterval(10);
    connect(&ticker, &QTimer::timeout, this, [&] {
        maxGapMs = qMax(maxGapMs, sinceTick.restart());
    });
    QTest::mouseClick(train, Qt::LeftButton);
    QVERIFY(m_view->controller()->isBusy());
    QVERIFY(!train->isEnabled());
    QElapsedTimer runClock;
    runClock.start();
    sinceTick.start();
    ticker.start();
    QTRY_VERIFY_WITH_TIMEOUT(finished.count() == 1, 120000);
    ticker.stop();
    qInfo("longest GUI event-loop gap during the run: %lld ms (run took %lld ms)", maxGapMs, runClock.elapsed());
    // A training step on the GUI thread would stall the timer for the whole run (seconds
    // here). The bound leaves room for the scheduler of a loaded 2-core CI box running two
    // test executables at once (325 ms was seen there), not for a step on the GUI thread.
    QVERIFY2(maxGapMs < 1000, qPrintable(QString::number(maxGapMs)));
    QVERIFY(progress.count() >= 2);
    disconnect(shot);
    QVERIFY(stages.count() >= 1);
    QCOMPARE(stages.first().at(0).toString(), QStringLiteral("loading LibTorch…"));
    QVERIFY(mlModuleLoaded());
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

void TstTrainingView::savesScoresAndJudgesWithTheModel()
{
    // The run trained above keeps its weights: Save model… writes them and the table says
    // so; Score a file… and LM ▸ Judge with a reward model use the file.
    auto *table = m_view->findChild<QTableWidget *>(QStringLiteral("runsTable"));
    auto *save = m_view->findChild<QPushButton *>(QStringLiteral("saveModelButton"));
    QVERIFY(table && save);
    table->selectRow(0);
    const qint64 runId = table->item(0, 0)->data(Qt::UserRole).toLongLong();
    QVERIFY(m_view->hasKeptModel(runId));
    QVERIFY(save->isEnabled());
    QCOMPARE(table->item(0, 5)->text(), QStringLiteral("not saved (in memory)"));
    const QString model = m_dir.filePath(QStringLiteral("run.safetensors"));
    QVERIFY(m_view->saveModel(runId, model));
    QVERIFY(QFileInfo::exists(model));
    QCOMPARE(readModelSummary(model).runId, runId);
    QCOMPARE(QString::number(readModelSummary(model).overall, 'f', 3), table->item(0, 4)->text());
    QCOMPARE(rmRun(*m_store, runId)->modelPath, QFileInfo(model).absoluteFilePath());
    table->selectRow(0);
    QCOMPARE(table->item(0, 5)->text(), QStringLiteral("run.safetensors"));
    m_view->grab().save(QStringLiteral("/tmp/training_view_saved.png"));
    // A run the window did not train (none kept) cannot be saved, and says why.
    QVERIFY(!m_view->saveModel(runId + 1000, m_dir.filePath(QStringLiteral("no.safetensors"))));
    QVERIFY(!QFileInfo::exists(m_dir.filePath(QStringLiteral("no.safetensors"))));

    const QString pairs = m_dir.filePath(QStringLiteral("pairs.jsonl"));
    {
        QFile f(pairs);
        QVERIFY(f.open(QIODevice::WriteOnly));
        for (int i = 0; i < 25; ++i)
            f.write(QStringLiteral("{\"id\": \"q%1\", \"prompt\": \"Question %1?\", \"response_a\": \"A careful answer %1 "
                                   "with steps\", \"response_b\": \"no\"}\n").arg(i).toUtf8());
    }
    ScoreFileDialog *dialog = m_view->openScoreDialog();
    QVERIFY(dialog);
    QCOMPARE(dialog->findChild<QLineEdit *>(QStringLiteral("modelEdit"))->text(), QFileInfo(model).absoluteFilePath());
    dialog->setInputFile(pairs);
    QCOMPARE(dialog->findChild<QLineEdit *>(QStringLiteral("outputEdit"))->text(), m_dir.filePath(QStringLiteral("pairs.scores.jsonl")));
    dialog->show();
    dialog->start();
    QTRY_VERIFY_WITH_TIMEOUT(!dialog->isRunning(), 60000);
    QVERIFY2(dialog->message().startsWith(QStringLiteral("Scored 25 pairs")), qPrintable(dialog->message()));
    QFile scores(m_dir.filePath(QStringLiteral("pairs.scores.jsonl")));
    QVERIFY(scores.open(QIODevice::ReadOnly));
    QCOMPARE(scores.readAll().count('\n'), 25);
    const QString keep = qEnvironmentVariable("HYPER_SCREENSHOT_DIR"); // pictures for a person to look at
    if (!keep.isEmpty())
        dialog->grab().save(keep + QStringLiteral("/score_file_dialog.png"));
    dialog->close();

    RmJudgeDialog judge(*m_store, {});
    judge.setModelFile(model);
    QVERIFY(judge.findChild<QLabel *>(QStringLiteral("summaryLabel"))->text().contains(QStringLiteral("bag model")));
    judge.setJudgeName(QStringLiteral("rm-gui"));
    judge.setLimit(40);
    judge.show();
    QSignalSpy ended(&judge, &RmJudgeDialog::jobEnded);
    judge.start();
    QTRY_VERIFY_WITH_TIMEOUT(ended.count() == 1, 60000);
    LmStore lm(*m_store);
    QCOMPARE(lm.labelHashes(QStringLiteral("rm-gui")).size(), 40);
    QVERIFY2(judge.findChild<QLabel *>(QStringLiteral("messageLabel"))->text().startsWith(QStringLiteral("Finished: 40 labels")),
             qPrintable(judge.findChild<QLabel *>(QStringLiteral("messageLabel"))->text()));
    if (!keep.isEmpty())
        judge.grab().save(keep + QStringLiteral("/rm_judge_dialog.png"));
}

void TstTrainingView::cancelStopsWithinASecond_data()
{
    QTest::addColumn<QString>("model");
    QTest::newRow("bag") << QStringLiteral("bag");
    QTest::newRow("transformer") << QStringLiteral("transformer");
}

void TstTrainingView::cancelStopsWithinASecond()
{
    QFETCH(QString, model);
    auto *modelCombo = m_view->findChild<QComboBox *>(QStringLiteral("modelCombo"));
    modelCombo->setCurrentIndex(modelCombo->findData(model));
    const int rowsBefore = m_view->findChild<QTableWidget *>(QStringLiteral("runsTable"))->rowCount();
    auto *epochs = m_view->findChild<QSpinBox *>(QStringLiteral("epochsSpin"));
    auto *cancel = m_view->findChild<QPushButton *>(QStringLiteral("cancelButton"));
    auto *table = m_view->findChild<QTableWidget *>(QStringLiteral("runsTable"));
    epochs->setValue(50); // far longer than the test waits
    TrainingController *controller = m_view->controller();

    QElapsedTimer sinceCancel;
    qint64 latencyMs = -1;
    bool clicked = false;
    double firstStepMs = 0;
    auto first = connect(controller, &TrainingController::progress, this, [&](const TrainingProgress &p) {
        if (clicked)
            return;
        clicked = true;
        firstStepMs = p.seconds * 1000.0 / qMax(1, p.step);
        QVERIFY(!m_view->findChild<QLabel *>(QStringLiteral("etaLabel"))->text().isEmpty());
        if (model == QLatin1String("bag"))
            m_view->grab().save(QStringLiteral("/tmp/training_view_live.png")); // mid-run look
        sinceCancel.start();
        QTest::mouseClick(cancel, Qt::LeftButton);
    });
    auto done = connect(controller, &TrainingController::canceled, this, [&] { latencyMs = sinceCancel.elapsed(); });
    QSignalSpy finished(controller, &TrainingController::finished);
    QSignalSpy failed(controller, &TrainingController::failed);
    m_view->startTraining();
    // Generous: the first transformer step can take a minute on a loaded 2-core machine.
    QTRY_VERIFY_WITH_TIMEOUT(latencyMs >= 0 || finished.count() || failed.count(), 180000);
    disconnect(first);
    disconnect(done);
    QCOMPARE(finished.count(), 0);
    QCOMPARE(failed.count(), 0);
    qInfo("cancel latency (%s): %lld ms; one step took %.0f ms", qPrintable(model), latencyMs, firstStepMs);
    // The trainer polls cancel before every batch (bag: milliseconds a batch), and for a
    // CPU transformer (seconds a batch) between micro-batches of 4 of its 32 pairs: on a
    // quiet machine both stop within a second (~0.3-0.7 s for the transformer). The
    // transformer's bound allows two micro-batches more, as measured in this run, so that
    // a loaded CI box does not fail it; without the in-batch check the latency would be a
    // whole step (8 micro-batches) and fail.
    const double microBatchMs = firstStepMs / 8.0;
    const double boundMs = model == QLatin1String("bag") ? 1000.0 : 1000.0 + 2.0 * microBatchMs;
    QVERIFY2(double(latencyMs) < boundMs,
             qPrintable(QStringLiteral("%1 ms >= %2 ms").arg(latencyMs).arg(boundMs)));

    QCOMPARE(table->rowCount(), rowsBefore + 1);
    QCOMPARE(statusOfRow(table, 0), QStringLiteral("done")); // the first run is untouched
    QCOMPARE(statusOfRow(table, rowsBefore), QStringLiteral("canceled"));
    QCOMPARE(table->item(rowsBefore, 4)->text(), QStringLiteral("—"));
    QVERIFY(m_view->findChild<QLabel *>(QStringLiteral("runDetail"))->text().contains(QStringLiteral("canceled")));
    QVERIFY(!controller->isBusy());
    epochs->setValue(2);
    modelCombo->setCurrentIndex(0);
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
    params.config.lr = 1e20;
    QVERIFY(controller.start(m_store->path(), params));
    QTRY_VERIFY_WITH_TIMEOUT(failed.count() + finished.count() == 1, 60000);
    if (finished.count())
        QSKIP("lr 1e20 did not make the bag diverge on this build");
    QVERIFY2(failed.first().first().toString().contains(QStringLiteral("diverged")),
             qPrintable(failed.first().first().toString()));
    m_view->reloadRuns();
    auto *table = m_view->findChild<QTableWidget *>(QStringLiteral("runsTable"));
    const int last = table->rowCount() - 1;
    QCOMPARE(statusOfRow(table, last), QStringLiteral("failed"));
    QCOMPARE(statusOfRow(table, 0), QStringLiteral("done"));
    table->selectRow(last);
    QVERIFY(m_view->findChild<QLabel *>(QStringLiteral("runDetail"))->text().contains(QStringLiteral("diverged")));
    QTest::qWait(50); // the detail label's new height is laid out by a posted event
    QVERIFY(m_view->grab().save(QStringLiteral("/tmp/training_view_runs.png")));
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

void TstTrainingView::leftoverRunShowsInterrupted()
{
    // A row left 'running' by a crash (no job of ours is running) reads "interrupted".
    const QString path = makeProject(m_dir.filePath(QStringLiteral("crashed.hyper")), 50, 20);
    ProjectStore store(path, ProjectStore::Mode::OpenExisting, false);
    insertRmRun(store, QStringLiteral("random:0.25"), QStringLiteral("bag"), QStringLiteral("{}"));
    TrainingView view;
    view.setProject(&store);
    auto *table = view.findChild<QTableWidget *>(QStringLiteral("runsTable"));
    QCOMPARE(table->rowCount(), 1);
    QCOMPARE(statusOfRow(table, 0), QStringLiteral("interrupted"));
    QCOMPARE(table->item(0, 1)->text(), QStringLiteral("random:0.25"));
    auto *mix = view.findChild<QComboBox *>(QStringLiteral("mixCombo"));
    mix->setCurrentIndex(mix->findData(QStringLiteral("random")));
    view.findChild<QDoubleSpinBox *>(QStringLiteral("humanShare"))->setValue(0.3);
    QCOMPARE(view.mixText(), QStringLiteral("random:0.30"));
    QVERIFY(view.findChild<QDoubleSpinBox *>(QStringLiteral("humanShare"))->isEnabled());
}

QTEST_MAIN(TstTrainingView)
#include "tst_trainingview.moc"
