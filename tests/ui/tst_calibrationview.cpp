// SPDX-License-Identifier: GPL-3.0-or-later
// The Calibration tab offscreen on a small synthetic sample (human and LM labels,
// features): the report is computed in the background when the tab is shown, and the
// headline, per-tag table (order, highlighting) and confusion matrix show what
// labels::computeCalibration computes on the same labels. A second judge switches the
// figures. HYPER_CALIBRATION_SCREENSHOT=/tmp/calibration.png saves the tab.
#include "core/jobs/feedback.h"
#include "core/labels/calibration.h"
#include "core/routing/collect.h"
#include "core/routing/planner.h"
#include "core/routing/ppmfit.h"
#include "core/storage/agreementqueries.h"
#include "core/storage/projectstore.h"
#include "ui/calibrationview.h"
#include "ui/featuresview.h"
#include "ui/taskcontroller.h"

#include <QComboBox>
#include <QLabel>
#include <QSignalSpy>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>

#include "../core/routingtesthelpers.h"

using namespace hyper;

namespace {

QString fixed(double v, int decimals = 3) { return QString::number(v, 'f', decimals); }

void checkJudge(CalibrationView &view, const labels::JudgeCalibration &expected)
{
    auto *combo = view.findChild<QComboBox *>(QStringLiteral("judgeCombo"));
    QCOMPARE(combo->currentText(), expected.judge);
    const QString headline = view.findChild<QLabel *>(QStringLiteral("accuracyLabel"))->text();
    QVERIFY2(headline.contains(fixed(expected.accuracy)), qPrintable(headline));
    QVERIFY2(headline.contains(QStringLiteral("%1 – %2").arg(fixed(expected.interval.low), fixed(expected.interval.high))),
             qPrintable(headline));
    QVERIFY2(headline.contains(QStringLiteral(" %1 decided").arg(expected.n)), qPrintable(headline));
    const QString position = view.findChild<QLabel *>(QStringLiteral("positionLabel"))->text();
    if (expected.position)
        QVERIFY2(position.contains(QStringLiteral("consistency %1: %2 of %3")
                                       .arg(fixed(expected.position->consistency))
                                       .arg(expected.position->consistent)
                                       .arg(expected.position->both)),
                 qPrintable(position));
    else
        QVERIFY(position.contains(QStringLiteral("no both-order")));

    auto *tags = view.findChild<QTableWidget *>(QStringLiteral("tagTable"));
    QCOMPARE(tags->rowCount(), int(expected.perTag.size()));
    for (int i = 0; i < tags->rowCount(); ++i) {
        const labels::TagCalibration &t = expected.perTag[std::size_t(i)];
        QCOMPARE(tags->item(i, 0)->data(Qt::UserRole).toString(), t.tag);
        QCOMPARE(tags->item(i, 0)->text(), featureDisplayName(t.tag));
        QCOMPARE(tags->item(i, 1)->text(), QString::number(t.n));
        QCOMPARE(tags->item(i, 2)->text(), fixed(t.accuracy));
        QCOMPARE(tags->item(i, 0)->background().style() != Qt::NoBrush, t.belowOverall);
    }

    auto *confusion = view.findChild<QTableWidget *>(QStringLiteral("confusionTable"));
    qint64 total = 0;
    for (int h = -2; h <= 2; ++h)
        for (int j = -2; j <= 2; ++j) {
            QTableWidgetItem *item = confusion->item(h + 2, j + 2);
            QVERIFY(item);
            QCOMPARE(item->data(Qt::UserRole).toLongLong(), expected.confusion.cell(h, j));
            QVERIFY(item->text().startsWith(QString::number(expected.confusion.cell(h, j))));
            if (expected.confusion.rowTotal(h) > 0)
                QVERIFY2(item->text().endsWith(
                             QStringLiteral("%1%").arg(fixed(100.0 * expected.confusion.rowShare(h, j), 0))),
                         qPrintable(item->text()));
            total += item->data(Qt::UserRole).toLongLong();
        }
    QCOMPARE(total, expected.confusion.n);
}

} // namespace

class TstCalibrationView : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void showsTheCalibration()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString path = dir.filePath(QStringLiteral("calib.hyper"));
        hyper::testing::writeFeaturedSample(path, 300, 100);
        ProjectStore store(path);
        const labels::CalibrationReport expected = labels::computeCalibration(loadLabelTable(store, Split::Train));
        QVERIFY(!expected.judges.empty());
        QVERIFY(expected.judges.front().n > 0);
        QVERIFY(expected.judges.front().confusion.n > 0);
        QVERIFY(!expected.judges.front().perTag.empty());

        CalibrationView view;
        view.resize(1400, 900);
        view.setProject(&store);
        QSignalSpy finished(view.controller(), &TaskController::finished);
        QSignalSpy importanceEnded(view.importanceController(), &TaskController::ended);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        // The job may already have ended while the window was being exposed (its event
        // loop delivers the signal): wait on the count, not for a new emission.
        QTRY_VERIFY_WITH_TIMEOUT(finished.count() >= 1, 30000);
        QVERIFY(view.report());
        QCOMPARE(view.report()->judges.size(), expected.judges.size());

        auto *combo = view.findChild<QComboBox *>(QStringLiteral("judgeCombo"));
        QCOMPARE(combo->count(), int(expected.judges.size()));
        checkJudge(view, expected.judges.front());
        if (QTest::currentTestFailed())
            return;
        // Worst first.
        const auto &perTag = expected.judges.front().perTag;
        for (std::size_t i = 1; i < perTag.size(); ++i)
            QVERIFY(perTag[i - 1].accuracy <= perTag[i].accuracy);

        // Without a fitted PPM the importance column stays empty and says why.
        if (importanceEnded.isEmpty())
            QVERIFY(importanceEnded.wait(30000));
        auto *tags = view.findChild<QTableWidget *>(QStringLiteral("tagTable"));
        QCOMPARE(tags->item(0, 4)->text(), QStringLiteral("–"));
        QVERIFY(view.findChild<QLabel *>(QStringLiteral("ppmNoteLabel"))->text().contains(QStringLiteral("no PPM")));

        if (expected.judges.size() > 1) {
            combo->setCurrentIndex(1);
            checkJudge(view, expected.judges[1]);
            if (QTest::currentTestFailed())
                return;
        }
        if (const QByteArray shot = qgetenv("HYPER_CALIBRATION_SCREENSHOT"); !shot.isEmpty()) {
            combo->setCurrentIndex(0);
            QVERIFY(view.grab().save(QString::fromLocal8Bit(shot)));
        }

        // With a fitted PPM (agreement metric: fast) Refresh fills the importance column
        // with the gains importanceReport computes (same trials and seed).
        {
            Feedback quiet;
            routing::CollectParams collect;
            collect.candidates = 60;
            collect.metric = QStringLiteral("agreement:human");
            routing::collectPpmData(store, collect, quiet);
            routing::fitPpm(store, routing::PpmFitParams{});
        }
        QHash<QString, double> gains;
        for (const routing::FeatureImportance &f : importanceReport(store, 100, 50, 1).importance)
            gains.insert(f.feature, f.gain);
        QSignalSpy importanceDone(view.importanceController(), &TaskController::finished);
        view.refresh();
        QVERIFY(importanceDone.wait(60000));
        combo->setCurrentIndex(0);
        QVERIFY(tags->rowCount() > 0);
        for (int i = 0; i < tags->rowCount(); ++i) {
            const QString tag = tags->item(i, 0)->data(Qt::UserRole).toString();
            QVERIFY2(gains.contains(tag), qPrintable(tag));
            QCOMPARE(tags->item(i, 4)->text(), QString::number(gains.value(tag), 'f', 4));
        }
        QVERIFY(!view.findChild<QLabel *>(QStringLiteral("ppmNoteLabel"))->text().contains(QStringLiteral("no PPM")));

        // Closing the project clears the view.
        view.setProject(nullptr);
        QCOMPARE(tags->rowCount(), 0);
        QCOMPARE(combo->count(), 0);
        QVERIFY(!view.findChild<QTableWidget *>(QStringLiteral("confusionTable"))->item(0, 0));
    }
};

QTEST_MAIN(TstCalibrationView)
#include "tst_calibrationview.moc"
