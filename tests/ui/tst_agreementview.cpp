// SPDX-License-Identifier: GPL-3.0-or-later
// The Agreement tab offscreen on a small synthetic sample: the report is computed in the
// background when the tab is shown, its tables show the same figures as
// labels::computeAgreement on the same labels, and the selected judge's per-tag bars are
// drawn. HYPER_AGREEMENT_SCREENSHOT=/tmp/agreement.png saves the tab.
#include "core/labels/agreementreport.h"
#include "core/storage/agreementqueries.h"
#include "core/storage/projectstore.h"
#include "ui/agreementview.h"
#include "ui/taskcontroller.h"

#include <QLabel>
#include <QSignalSpy>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include "ui/plot.h"

#include <cmath>

#include "../core/routingtesthelpers.h"

using namespace hyper;

class TstAgreementView : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void showsTheReport()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString path = dir.filePath(QStringLiteral("agree.hyper"));
        hyper::testing::writeFeaturedSample(path, 300, 100);
        ProjectStore store(path);
        const labels::AgreementReport expected = labels::computeAgreement(loadLabelTable(store, Split::Train));
        QVERIFY(!expected.pairs.empty());
        QVERIFY(!expected.judges.empty());

        AgreementView view;
        view.resize(1400, 900);
        view.setProject(&store);
        QSignalSpy finished(view.controller(), &TaskController::finished);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        // The job may already have ended while the window was being exposed (its event
        // loop delivers the signal): wait on the count, not for a new emission.
        QTRY_VERIFY_WITH_TIMEOUT(finished.count() >= 1, 30000);
        QVERIFY(view.report());

        auto *pairs = view.findChild<QTableWidget *>(QStringLiteral("pairsTable"));
        QCOMPARE(pairs->rowCount(), int(expected.pairs.size()));
        const labels::PairReport &p0 = expected.pairs.front();
        QCOMPARE(pairs->item(0, 0)->text(), expected.annotatorNames.value(p0.a));
        QCOMPARE(pairs->item(0, 2)->text(), QString::number(p0.folded.n));
        QCOMPARE(pairs->item(0, 4)->text(),
                 std::isnan(p0.folded.kappa) ? QStringLiteral("–") : QString::number(p0.folded.kappa, 'f', 3));
        auto *judges = view.findChild<QTableWidget *>(QStringLiteral("judgesTable"));
        QCOMPARE(judges->rowCount(), int(expected.judges.size()));
        QCOMPARE(judges->item(0, 3)->text(), QString::number(expected.judges.front().agreement, 'f', 3));
        QVERIFY(view.findChild<QLabel *>(QStringLiteral("summaryLabel"))->text().contains(QStringLiteral("Krippendorff")));
        // The first judge is selected: its per-tag bars (tags with >= 10 decided instances).
        auto *plot = view.findChild<QCustomPlot *>(QStringLiteral("tagAgreementPlot"));
        QCOMPARE(plot->plottableCount(), 1);
        QVERIFY(qobject_cast<QCPBars *>(plot->plottable(0))->data()->size() > 0);
        if (const QByteArray shot = qgetenv("HYPER_AGREEMENT_SCREENSHOT"); !shot.isEmpty())
            QVERIFY(view.grab().save(QString::fromLocal8Bit(shot)));

        // Closing the project clears the tables.
        view.setProject(nullptr);
        QCOMPARE(pairs->rowCount(), 0);
    }

    // Another project opened while the report of the first one is computed: the first
    // one's result is dropped and the second one's report follows (ReportView).
    void anotherProjectWhileComputing()
    {
        QTemporaryDir dir;
        const QString first = dir.filePath(QStringLiteral("first.hyper"));
        const QString second = dir.filePath(QStringLiteral("second.hyper"));
        hyper::testing::writeFeaturedSample(first, 300, 100);
        hyper::testing::writeFeaturedSample(second, 120, 40);
        ProjectStore a(first);
        ProjectStore b(second);
        const labels::AgreementReport expected = labels::computeAgreement(loadLabelTable(b, Split::Train));

        AgreementView view;
        view.resize(1400, 900);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        QSignalSpy ended(view.controller(), &TaskController::ended);
        view.setProject(&a); // starts the first project's report
        QVERIFY(view.controller()->isRunning());
        view.setProject(&b); // while it runs (canceled, or finished and dropped)
        QTRY_VERIFY_WITH_TIMEOUT(ended.count() >= 2 && view.report() && !view.controller()->isRunning(), 30000);
        QCOMPARE(view.report()->instances, expected.instances);
        QCOMPARE(view.report()->humanLabelled, expected.humanLabelled);
    }
};

QTEST_MAIN(TstAgreementView)
#include "tst_agreementview.moc"
