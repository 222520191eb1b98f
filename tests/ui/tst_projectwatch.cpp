// SPDX-License-Identifier: GPL-3.0-or-later
// Several programs on one project, in the window (issue 12): labels written by another
// program show up without losing the table's selection and scroll position or the Label
// tab's unsaved form; a save that finds the project busy says so, retries, and is
// reported as saved only once it committed. HYPER_WATCH_SCREENSHOT=FILE.png saves the
// window while such a save waits.
#include "../core/clitesthelpers.h"
#include "uitesthelpers.h"

#include "core/jobs/feedback.h"
#include "core/sample/samplegenerator.h"
#include "core/storage/ppmstore.h"
#include "core/storage/projectstore.h"
#include "core/storage/sqlite.h"
#include "ui/instancetablemodel.h"
#include "ui/labelview.h"
#include "ui/mainwindow.h"
#include "ui/reviewview.h"
#include "ui/settings.h"

#include <QApplication>
#include <QLabel>
#include <QLineEdit>
#include <QProcess>
#include <QScrollBar>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

using namespace hyper;
using hyper::testing::runCli;

namespace {

bool labelElsewhere(const QString &project, qint64 instance, const QString &annotator)
{
    const auto r = runCli({QStringLiteral("label"), QStringLiteral("--project"), project, QStringLiteral("--instance"),
                           QString::number(instance), QStringLiteral("--annotator"), annotator,
                           QStringLiteral("--overall"), QStringLiteral("A-is-clearly-better"), QStringLiteral("--json")});
    return r.code == 0;
}

} // namespace

class TstProjectWatch : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("HyPER-tests"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_projectwatch"));
        settings::lastAnnotator.reset();
    }

    void tableKeepsSelectionAndScroll()
    {
        const QString p = m_dir.filePath(QStringLiteral("table.hyper"));
        hyper::testing::makeRoutedSample(p, 60, 10, 20);
        MainWindow w;
        const QString opened = hyper::testing::openAndShow(w, p);
        QVERIFY2(opened.isEmpty(), qPrintable(opened));
        QTableView *table = w.instanceView();
        InstanceTableModel *model = w.instanceModel();
        QCOMPARE(model->rowCount(), 70);
        QScrollBar *bar = table->verticalScrollBar();
        QVERIFY(bar->maximum() > 10);
        const int row = 40;
        w.selectRow(row);
        bar->setValue(bar->maximum() / 2);
        const int scroll = bar->value();
        const qint64 id = model->instanceId(row);
        const int humans = model->index(row, InstanceTableModel::HumanCountColumn).data().toInt();

        QSignalSpy changed(&w, &MainWindow::projectChangedElsewhere);
        QVERIFY(labelElsewhere(p, id, QStringLiteral("other-program")));
        QVERIFY(changed.wait(3 * MainWindow::kChangePollMs + 2000));
        QCOMPARE(table->currentIndex().row(), row);
        QVERIFY(table->selectionModel()->isRowSelected(row, {}));
        QCOMPARE(bar->value(), scroll);
        QCOMPARE(model->instanceId(row), id);
        QCOMPARE(model->index(row, InstanceTableModel::HumanCountColumn).data().toInt(), humans + 1);

        // Rows another program adds appear at the end, the selection stays.
        {
            ProjectStore other(p, ProjectStore::Mode::OpenExisting, false);
            sql::exec(other.handle(),
                      "BEGIN;"
                      " INSERT INTO instances(id, ext_id, split, source) SELECT id + 1000, ext_id || '-copy', split, source"
                      "  FROM instances WHERE id <= 3;"
                      " INSERT INTO instance_texts(id, prompt, response_a, response_b)"
                      "  SELECT id + 1000, prompt, response_a, response_b FROM instance_texts WHERE id <= 3;"
                      " COMMIT;");
        }
        QVERIFY(changed.wait(3 * MainWindow::kChangePollMs + 2000));
        QCOMPARE(model->rowCount(), 73);
        QCOMPARE(table->currentIndex().row(), row);
        QCOMPARE(bar->value(), scroll);
    }

    void labelTabKeepsTheFormAndRetriesABusySave()
    {
        const QString p = m_dir.filePath(QStringLiteral("label.hyper"));
        hyper::testing::makeRoutedSample(p, 60, 10, 20);
        MainWindow w;
        const QString opened = hyper::testing::openAndShow(w, p);
        QVERIFY2(opened.isEmpty(), qPrintable(opened));
        QVERIFY(w.showTab(QStringLiteral("Label")));
        auto *view = w.findChild<LabelView *>();
        QVERIFY(view);
        QVERIFY(view->startSession(QStringLiteral("ann"), QStringLiteral("normal")));
        QTRY_VERIFY_WITH_TIMEOUT(view->currentInstanceId() != 0, 20000);
        const qint64 shown = view->currentInstanceId();
        view->setValue(LabelView::Overall, 4);
        view->setValue(LabelView::Helpfulness, 2);

        // Another program labels; the tab reloads its queue and counts, the form stays.
        QSignalSpy changed(&w, &MainWindow::projectChangedElsewhere);
        QVERIFY(labelElsewhere(p, 50, QStringLiteral("other-program")));
        QVERIFY(changed.wait(3 * MainWindow::kChangePollMs + 2000));
        QTRY_VERIFY_WITH_TIMEOUT(!view->isLoading(), 20000);
        QCOMPARE(view->currentInstanceId(), shown);
        QCOMPARE(view->value(LabelView::Overall), 4);
        QCOMPARE(view->value(LabelView::Helpfulness), 2);

        // Another program holds the write lock for longer than the window's busy timeout.
        QProcess holder;
        QVERIFY(hyper::testing::holdWriteLock(holder, p, 3.0 * ProjectStore::kInteractiveBusyTimeoutMs / 1000.0));
        QSignalSpy saved(view, &LabelView::labelSaved);
        auto *message = view->findChild<QLabel *>(QStringLiteral("messageLabel"));
        QVERIFY(message);
        QVERIFY(!view->saveAndAdvance());
        QVERIFY(view->isSaveRetrying());
        QVERIFY2(message->text().contains(QStringLiteral("Another program is writing this project")),
                 qPrintable(message->text()));
        QVERIFY(!message->text().contains(QStringLiteral("locked")));
        QCOMPARE(saved.count(), 0);
        if (const QString file = qEnvironmentVariable("HYPER_WATCH_SCREENSHOT"); !file.isEmpty())
            QVERIFY(w.grab().save(file)); // the tab while the save waits for the other program
        QCOMPARE(view->currentInstanceId(), shown); // the form waits with its values
        QCOMPARE(view->value(LabelView::Overall), 4);
        QTRY_VERIFY_WITH_TIMEOUT(saved.count() == 1, 30000);
        QVERIFY(!view->isSaveRetrying());
        QVERIFY2(message->text().startsWith(QStringLiteral("Saved")), qPrintable(message->text()));
        QVERIFY(holder.waitForFinished(30000));
        // Committed: another connection sees it.
        ProjectStore other(p, ProjectStore::Mode::OpenExisting, false);
        sql::Stmt s(other.handle(), "SELECT instance_id FROM human_labels WHERE id = ?");
        s.bind(1, std::int64_t(saved.first().at(0).toLongLong()));
        QVERIFY(s.step());
        QCOMPARE(s.i64(0), shown);
    }

    void reviewRetriesABusyFinalLabel()
    {
        const QString p = m_dir.filePath(QStringLiteral("review.hyper"));
        hyper::testing::makeRoutedSample(p, 60, 10, 20);
        QCOMPARE(runCli({QStringLiteral("flag"), QStringLiteral("--project"), p, QStringLiteral("--instance"),
                         QStringLiteral("3"), QStringLiteral("--annotator"), QStringLiteral("ann"), QStringLiteral("--json")})
                     .code,
                 0);
        MainWindow w;
        const QString opened = hyper::testing::openAndShow(w, p);
        QVERIFY2(opened.isEmpty(), qPrintable(opened));
        QVERIFY(w.showTab(QStringLiteral("Review")));
        auto *review = w.findChild<ReviewView *>();
        QTRY_VERIFY_WITH_TIMEOUT(review->rows() > 0 && review->selectedInstance() > 0, 20000);
        const qint64 id = review->selectedInstance();
        review->findChild<QLineEdit *>(QStringLiteral("leadEdit"))->setText(QStringLiteral("lead"));
        auto *message = review->findChild<QLabel *>(QStringLiteral("messageLabel"));
        QProcess holder;
        QVERIFY(hyper::testing::holdWriteLock(holder, p, 3.0 * ProjectStore::kInteractiveBusyTimeoutMs / 1000.0));
        review->adjudicateSelected(2);
        QVERIFY2(message->text().contains(QStringLiteral("Another program is writing this project")),
                 qPrintable(message->text()));
        QTRY_VERIFY_WITH_TIMEOUT(message->text().startsWith(QStringLiteral("Saved")), 30000);
        QVERIFY(holder.waitForFinished(30000));
        ProjectStore other(p, ProjectStore::Mode::OpenExisting, false);
        sql::Stmt s(other.handle(), "SELECT overall FROM adjudications WHERE instance_id = ?");
        s.bind(1, std::int64_t(id));
        QVERIFY(s.step());
        QCOMPARE(s.i64(0), 2);
    }
};

QTEST_MAIN(TstProjectWatch)
#include "tst_projectwatch.moc"
