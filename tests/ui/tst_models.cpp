// SPDX-License-Identifier: GPL-3.0-or-later
// Issue 19: QAbstractItemModelTester on every model of the window — the dataset table's
// lazy model (tested on its own in tst_instancetablemodel), the features table's proxy,
// and the tables and choosers of every tab — while the window opens a project, every tab
// loads it, the lists are sorted and filtered, and the project is reloaded and closed.
#include "uitesthelpers.h"

#include "core/sample/sampleproject.h"
#include "ui/labelview.h"

#include <QAbstractItemModelTester>
#include <QAbstractItemView>
#include <QApplication>
#include <QComboBox>
#include <QHeaderView>
#include <QPushButton>
#include <QSet>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

using namespace hyper;

class TestModels : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void everyModelUnderTheTester()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("models.hyper"));
        {
            SampleParams small;
            small.trainSize = 300;
            small.evalSize = 100;
            Feedback quiet;
            createSampleProject(path, small, quiet); // instances, labels, search index, features
        }

        MainWindow w;
        // Every model the window shows, attached before any data arrives.
        QSet<QAbstractItemModel *> models;
        for (QAbstractItemView *view : w.findChildren<QAbstractItemView *>())
            if (view->model())
                models.insert(view->model());
        for (QComboBox *combo : w.findChildren<QComboBox *>())
            models.insert(combo->model());
        QVERIFY2(models.size() >= 20, qPrintable(QString::number(models.size())));
        std::vector<std::unique_ptr<QAbstractItemModelTester>> testers;
        for (QAbstractItemModel *m : models)
            testers.push_back(std::make_unique<QAbstractItemModelTester>(
                m, QAbstractItemModelTester::FailureReportingMode::QtTest));

        QCOMPARE(testing::openAndShow(w, path), QString());
        auto *tabs = w.findChild<QTabWidget *>();
        for (int i = 0; i < tabs->count(); ++i) {
            tabs->setCurrentIndex(i);
            QTest::qWait(400); // each tab loads on a worker
            // Sort every sortable table of the tab by each of its columns, both ways.
            for (QTableView *table : tabs->widget(i)->findChildren<QTableView *>()) {
                if (!table->isSortingEnabled())
                    continue;
                for (int c = 0; c < table->model()->columnCount(); ++c) {
                    table->sortByColumn(c, Qt::DescendingOrder);
                    table->sortByColumn(c, Qt::AscendingOrder);
                }
            }
            // Walk every chooser of the tab (filters, splits, metrics).
            for (QComboBox *combo : tabs->widget(i)->findChildren<QComboBox *>()) {
                if (!combo->isEnabled() || combo->objectName() == QLatin1String("annotatorCombo"))
                    continue;
                const int was = combo->currentIndex();
                for (int k = 0; k < combo->count(); ++k)
                    combo->setCurrentIndex(k);
                combo->setCurrentIndex(was);
            }
            QTest::qWait(200);
            if (QTest::currentTestFailed())
                QFAIL(qPrintable(QStringLiteral("on the %1 tab").arg(tabs->tabText(i))));
        }
        // A labelling session fills the annotator chooser.
        QVERIFY(w.showTab(QStringLiteral("Label")));
        auto *label = qobject_cast<LabelView *>(tabs->currentWidget());
        QVERIFY(label->startSession(QStringLiteral("tester"), QStringLiteral("normal")));
        QTest::qWait(300);
        // Reload, another project state, and close.
        w.reload();
        QTest::qWait(300);
        QString error;
        QVERIFY2(w.openProject(path, ProjectStore::Mode::OpenExisting, &error), qPrintable(error));
        QTest::qWait(300);
    }
};

QTEST_MAIN(TestModels)
#include "tst_models.moc"
