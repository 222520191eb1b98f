// SPDX-License-Identifier: GPL-3.0-or-later
// The Review tab offscreen: the queue shows the flagged and disagreeing instances routed to
// humans, a final label needs the lead's name, is committed at once and moves the
// selection to the next open item; clearing removes it.
#include "core/storage/annotationstore.h"
#include "core/storage/projectstore.h"
#include "core/storage/sqlite.h"
#include "ui/reviewview.h"
#include "ui/settings.h"
#include "ui/taskcontroller.h"

#include <QCheckBox>
#include <QComboBox>
#include <QCoreApplication>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>

#include "../core/routingtesthelpers.h"

using namespace hyper;

class TstReviewView : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QCoreApplication::setOrganizationName(QStringLiteral("hyper-test-review"));
        settings::reviewLead.reset();
    }

    void adjudicateFromTheQueue()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString path = dir.filePath(QStringLiteral("review.hyper"));
        hyper::testing::writeFeaturedSample(path, 200, 50);
        ProjectStore store(path);
        sql::exec(store.handle(), "UPDATE instances SET route = CASE WHEN id % 2 = 0 THEN 'human' ELSE 'lm' END"
                                  " WHERE split = 'train'");
        AnnotationStore a(store);
        const std::vector<ReviewItem> expected = a.reviewQueue(3, false, true);
        QVERIFY(expected.size() > 3);

        ReviewView view;
        view.resize(1400, 900);
        view.setProject(&store);
        QSignalSpy finished(view.controller(), &TaskController::finished);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        // The job may already have ended while the window was being exposed (its event
        // loop delivers the signal): wait on the count, not for a new emission.
        QTRY_VERIFY_WITH_TIMEOUT(finished.count() >= 1, 30000);
        QCOMPARE(view.rows(), int(expected.size()));
        auto *table = view.findChild<QTableWidget *>(QStringLiteral("reviewTable"));
        QCOMPARE(table->item(0, 0)->text(), QString::number(expected[0].instanceId));
        QCOMPARE(view.selectedInstance(), expected[0].instanceId);

        // Without a lead nothing is written.
        view.findChild<QPushButton *>(QStringLiteral("final5"))->click();
        QVERIFY(!a.adjudication(expected[0].instanceId));
        QVERIFY(view.findChild<QLabel *>(QStringLiteral("messageLabel"))->text().contains(QStringLiteral("name")));

        auto *lead = view.findChild<QLineEdit *>(QStringLiteral("leadEdit"));
        lead->setText(QStringLiteral("lee"));
        view.findChild<QLineEdit *>(QStringLiteral("noteEdit"))->setText(QStringLiteral("B follows the prompt"));
        view.findChild<QPushButton *>(QStringLiteral("final5"))->click();
        const std::optional<Adjudication> adj = a.adjudication(expected[0].instanceId);
        QVERIFY(adj);
        QCOMPARE(adj->overall, Preference::BClearly);
        QCOMPARE(adj->lead, QStringLiteral("lee"));
        QCOMPARE(adj->note, QStringLiteral("B follows the prompt"));
        QCOMPARE(table->item(0, 5)->text().isEmpty(), false);
        QCOMPARE(view.selectedInstance(), expected[1].instanceId); // moved on
        QCOMPARE(settings::reviewLead.value(), QStringLiteral("lee"));

        // Alt+2 on the next one (the button's mnemonic).
        QTest::keyClick(&view, Qt::Key_2, Qt::AltModifier);
        QTRY_VERIFY(a.adjudication(expected[1].instanceId).has_value());
        QCOMPARE(a.adjudication(expected[1].instanceId)->overall, Preference::ASlightly);

        // Back to the first and clear it.
        table->selectRow(0);
        view.clearSelected();
        QVERIFY(!a.adjudication(expected[0].instanceId));

        // A refresh without "show adjudicated" leaves the decided one out, and keeps the
        // place: the selection stays on the row it was on, not back at the top.
        table->selectRow(3);
        const qint64 third = view.selectedInstance();
        view.refresh();
        QVERIFY(finished.wait(30000));
        QCOMPARE(view.rows(), int(expected.size()) - 1);
        QCOMPARE(view.selectedInstance(), third);

        // Sorting by a number column sorts numbers ("10" after "9"), and the selection follows.
        table->sortByColumn(0, Qt::DescendingOrder);
        qint64 previous = std::numeric_limits<qint64>::max();
        for (int r = 0; r < table->rowCount(); ++r) {
            const qint64 id = table->item(r, 0)->text().toLongLong();
            QVERIFY(id < previous);
            previous = id;
        }
        QCOMPARE(view.selectedInstance(), third);
        // The "Show" filter: "Disagreeing" shows exactly the rows whose labels disagree
        // (spread at least the minimum, or A and B both chosen).
        auto *show = view.findChild<QComboBox *>(QStringLiteral("showCombo"));
        const int minSpread = view.findChild<QSpinBox *>(QStringLiteral("spreadSpin"))->value();
        show->setCurrentIndex(show->findText(QStringLiteral("Disagreeing")));
        int visible = 0;
        for (int r = 0; r < table->rowCount(); ++r) {
            const QStringList votes = table->item(r, 4)->text().split(QStringLiteral(" / "));
            const bool disagrees = table->item(r, 3)->text().toInt() >= minSpread
                || (votes.value(0).toInt() > 0 && votes.value(2).toInt() > 0);
            QCOMPARE(!table->isRowHidden(r), disagrees);
            visible += disagrees;
        }
        QVERIFY(visible > 0);
        QVERIFY(!table->isRowHidden(table->currentRow()));
        // Under "Open", a final label takes its row out of the list and the next shown open
        // one is selected (not a hidden row, which would leave nothing selected).
        show->setCurrentIndex(show->findText(QStringLiteral("Open")));
        const qint64 before = view.selectedInstance();
        QVERIFY(before > 0);
        const int beforeRow = table->currentRow();
        view.findChild<QPushButton *>(QStringLiteral("final3"))->click();
        QTRY_VERIFY(a.adjudication(before).has_value());
        QVERIFY(table->isRowHidden(beforeRow) || table->item(beforeRow, 0)->text().toLongLong() != before);
        QVERIFY(view.selectedInstance() > 0 && view.selectedInstance() != before);
        QVERIFY(!table->isRowHidden(table->currentRow()));
        table->selectRow(0);
        show->setCurrentIndex(show->findText(QStringLiteral("Adjudicated")));
        QTRY_VERIFY(finished.count() >= 1);
        QTRY_VERIFY_WITH_TIMEOUT(!view.controller()->isRunning() && view.findChild<QCheckBox *>(
                                     QStringLiteral("showDoneCheck"))->isChecked(), 30000); // loads them too
        QTRY_VERIFY(table->rowCount() > 0 && !table->item(0, 0)->text().isEmpty());
        visible = 0;
        for (int r = 0; r < table->rowCount(); ++r)
            if (!table->isRowHidden(r)) {
                ++visible;
                QVERIFY(!table->item(r, 5)->text().isEmpty()); // a final label
            }
        QCOMPARE(visible, 2); // the one adjudicated with Alt+2, and the one just now
        show->setCurrentIndex(0);
        view.findChild<QCheckBox *>(QStringLiteral("showDoneCheck"))->setChecked(false);
        QVERIFY(finished.wait(30000));
        table->sortByColumn(-1, Qt::AscendingOrder);
        // The Final column is not cut: the list is as wide as its columns.
        int columns = 0;
        for (int c = 0; c < table->columnCount(); ++c)
            columns += table->columnWidth(c);
        QVERIFY(table->minimumWidth() >= columns);
        // All of them, routed to the LM too.
        view.findChild<QCheckBox *>(QStringLiteral("routedOnlyCheck"))->setChecked(false);
        QVERIFY(finished.wait(30000));
        QCOMPARE(view.rows(), int(a.reviewQueue(3, false, false).size()));
        QVERIFY(view.rows() > int(expected.size()) - 1);
        if (const QByteArray shot = qgetenv("HYPER_REVIEW_SCREENSHOT"); !shot.isEmpty())
            QVERIFY(view.grab().save(QString::fromLocal8Bit(shot)));
        settings::reviewLead.reset();
    }
};

QTEST_MAIN(TstReviewView)
#include "tst_reviewview.moc"
