// SPDX-License-Identifier: GPL-3.0-or-later
// Issue 19's first start and empty states: an empty project shows a start page that says
// what to do (and its Import button works), the Features tab does not offer to compute
// "the 0 train instances", a tab's loading message does not land in another tab's status
// bar, the Dataset table sizes its id column to the ids, and the window reopens on the
// tab it was closed on.
#include "uitesthelpers.h"

#include "ui/importdialog.h"
#include "ui/instancetablemodel.h"
#include "ui/startpage.h"

#include <QApplication>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QStackedWidget>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

using namespace hyper;

class TestFirstStart : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true); // the settings of this test, not the user's
        QSettings().clear();
        QVERIFY(m_dir.isValid());
    }

    void emptyProjectShowsTheStartPage()
    {
        const QString path = m_dir.filePath(QStringLiteral("empty.hyper"));
        MainWindow w;
        QString error;
        QVERIFY2(w.openProject(path, ProjectStore::Mode::CreateNew, &error), qPrintable(error));
        w.resize(1280, 720);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        auto *start = w.findChild<StartPage *>();
        QVERIFY(start && start->isVisible());
        QVERIFY(!w.instanceView()->isVisible());
        QVERIFY(start->findChild<QLabel *>(QStringLiteral("startTitle"))->text().contains(QStringLiteral("empty.hyper")));
        QVERIFY(start->findChild<QLabel *>(QStringLiteral("startText"))->text().contains(QStringLiteral("Import")));
        QVERIFY(start->findChild<QPushButton *>(QStringLiteral("startImportButton"))->isEnabled());
        if (const QString keep = qEnvironmentVariable("HYPER_SCREENSHOT_DIR"); !keep.isEmpty())
            QVERIFY(w.grab().save(keep + QStringLiteral("/start-page.png")));

        // Features: no offer to compute the features of nothing.
        QVERIFY(w.showTab(QStringLiteral("Features")));
        QApplication::processEvents();
        bool pointsToImport = false;
        for (QLabel *l : w.findChild<QTabWidget *>()->currentWidget()->findChildren<QLabel *>())
            if (l->isVisible() && l->text().contains(QStringLiteral("Import")))
                pointsToImport = true;
        QVERIFY(pointsToImport);
        for (QPushButton *b : w.findChild<QTabWidget *>()->currentWidget()->findChildren<QPushButton *>())
            QVERIFY2(!(b->isVisible() && b->text() == QStringLiteral("Compute")), "Compute is offered for 0 instances");

        // An import fills the project: the table replaces the start page.
        w.showTab(QStringLiteral("Dataset"));
        QSignalSpy done(&w, &MainWindow::importDone);
        ImportParams params;
        params.file = QStringLiteral(HYPER_TEST_DATA_DIR "/import/evalbiasbench.jsonl");
        w.startImport(params);
        QVERIFY(done.wait(60000));
        QTRY_VERIFY(!start->isVisible());
        QVERIFY(w.instanceView()->isVisible());
        QVERIFY(w.instanceModel()->rowCount() > 0);
    }

    void loadingMessagesStayInTheirTab()
    {
        const QString path = m_dir.filePath(QStringLiteral("routed.hyper"));
        testing::makeRoutedSample(path, 60, 20, 10);
        MainWindow w;
        QCOMPARE(testing::openAndShow(w, path), QString());
        QApplication::processEvents();
        // No PPM: the Routing tab says so in its own line, not on the Dataset tab.
        QVERIFY2(!w.statusBar()->currentMessage().contains(QStringLiteral("PPM")),
                 qPrintable(w.statusBar()->currentMessage()));
        QVERIFY(w.showTab(QStringLiteral("Routing")));
        auto *routing = w.findChild<QTabWidget *>()->currentWidget();
        QVERIFY(routing->findChild<QLabel *>(QStringLiteral("messageLabel"))->text().contains(QStringLiteral("No PPM yet")));

        // The ids are not cut: the Id column is as wide as "sample-train-000001".
        QTableView *table = w.instanceView();
        const int need = table->fontMetrics().horizontalAdvance(
            w.instanceModel()->index(0, InstanceTableModel::IdColumn).data().toString());
        QVERIFY2(table->columnWidth(InstanceTableModel::IdColumn) > need,
                 qPrintable(QStringLiteral("%1 <= %2").arg(table->columnWidth(InstanceTableModel::IdColumn)).arg(need)));
        // The Category column is no wider than its header or its widest text (an empty one
        // stays narrow).
        int widest = table->horizontalHeader()->sectionSizeHint(InstanceTableModel::CategoryColumn);
        const int em = table->fontMetrics().horizontalAdvance(QLatin1Char('M'));
        for (int r = 0; r < w.instanceModel()->rowCount(); ++r)
            widest = std::max(widest, table->fontMetrics().horizontalAdvance(
                                          w.instanceModel()->index(r, InstanceTableModel::CategoryColumn).data().toString()) + em);
        QVERIFY2(table->columnWidth(InstanceTableModel::CategoryColumn) <= widest,
                 qPrintable(QStringLiteral("%1 > %2").arg(table->columnWidth(InstanceTableModel::CategoryColumn)).arg(widest)));
    }

    void reopensOnTheLastTab()
    {
        const QString path = m_dir.filePath(QStringLiteral("tabs.hyper"));
        testing::makeRoutedSample(path, 20, 5, 5);
        {
            MainWindow w;
            w.setSessionPersistent(true);
            QCOMPARE(testing::openAndShow(w, path), QString());
            QVERIFY(w.showTab(QStringLiteral("Review")));
            w.close();
        }
        MainWindow again;
        again.setSessionPersistent(true);
        QCOMPARE(again.findChild<QTabWidget *>()->tabText(again.findChild<QTabWidget *>()->currentIndex()),
                 QStringLiteral("Review"));
    }

private:
    QTemporaryDir m_dir;
};

QTEST_MAIN(TestFirstStart)
#include "tst_firststart.moc"
