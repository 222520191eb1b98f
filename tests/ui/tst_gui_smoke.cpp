// SPDX-License-Identifier: GPL-3.0-or-later
// The browser end to end, offscreen: open a project, wait for rows, select one, check
// the detail pane, search, grab a screenshot; the import dialog's preview; an import
// (and a failing and a canceled one) through the background controller.
#include "core/io/importer.h"
#include "core/ml/mlmodule.h"
#include "core/storage/projectstore.h"
#include "ui/filterbar.h"
#include "ui/importcontroller.h"
#include "ui/importdialog.h"
#include "ui/instancedetailview.h"
#include "ui/instancetablemodel.h"
#include "ui/mainwindow.h"

#include <QApplication>
#include <QFile>
#include <QFileInfo>
#include <QImage>
#include <QLineEdit>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTableView>
#include <QTextBrowser>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

using namespace hyper;

namespace {

constexpr int kRows = 60;

std::string promptOf(int i)
{
    return "Explain **recursion** to a child, case " + std::to_string(i) + ".";
}

void fillProject(const QString &path)
{
    ProjectStore store(path, ProjectStore::Mode::CreateNew);
    auto writer = store.beginImport(QStringLiteral("smoke.jsonl"), QStringLiteral("jsonl"));
    for (int i = 0; i < kRows; ++i) {
        ImportRecord r;
        r.line = i + 1;
        r.externalId = "smoke-" + std::to_string(i);
        r.prompt = promptOf(i);
        r.responseA = "Recursion is when a function calls itself:\n\n```python\ndef f(n):\n    return 1 if n "
                      "== 0 else n * f(n - 1)\n```\n";
        r.responseB = "It is like *two mirrors* facing each other.\n\n- step one\n- step two\n";
        r.modelA = "gpt-x";
        r.modelB = "llama-y";
        r.source = i % 2 ? "odd" : "even";
        r.category = "explain";
        if (i == kRows - 1) { // the last one is a conversation, kept as turns
            r.prompt = "System: Be kind.\n\nUser: " + promptOf(i) + "\n\nAssistant: A function that calls itself.\n\nUser: Simpler?";
            r.promptMessagesJson = R"j([{"role":"system","content":"Be kind."},{"role":"user","content":")j" + promptOf(i)
                                   + R"j("},{"role":"assistant","content":"A function that calls itself."},{"role":"user","content":"Simpler?"}])j";
        }
        ImportHumanLabel h;
        h.annotator = "alice";
        h.kind = "expert";
        h.overall = -1;
        h.helpfulness = -2;
        h.rationale = "A shows code.";
        h.confidence = 0.8;
        h.timeSpentSeconds = 42;
        r.human.push_back(h);
        ImportLmLabel l;
        l.judge = "gpt-judge";
        l.overall = i % 3 ? 2 : -2;
        l.verdictOriginal = l.overall;
        l.verdictSwapped = l.overall;
        l.rationale = "Concise.";
        r.lm.push_back(l);
        writer->add(r);
    }
    writer->commit(0);
}

QString writeJsonl(const QString &path, int rows, bool broken = false)
{
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly))
        return {};
    for (int i = 0; i < rows; ++i) {
        f.write(QStringLiteral("{\"prompt\": \"Imported prompt %1\", \"response_a\": \"yes %1\", "
                               "\"response_b\": \"no %1\"}\n")
                    .arg(i)
                    .toUtf8());
        if (broken && i == 1)
            f.write("{\"prompt\": \"cut off\n");
    }
    return path;
}

/** Closes any modal dialog (e.g. the import error box) that opens while running. */
void closeModalsFor(int ms)
{
    auto *timer = new QTimer(qApp);
    timer->setInterval(50);
    QObject::connect(timer, &QTimer::timeout, timer, [] {
        if (QWidget *w = QApplication::activeModalWidget())
            w->close();
    });
    timer->start();
    QTimer::singleShot(ms, timer, &QObject::deleteLater);
}

} // namespace

class TestGuiSmoke : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void browse();
    void importPreview();
    void importInBackground();
    void importFailureChangesNothing();
    void importCancel();
    void damagedProjectIsClosed();

private:
    QTemporaryDir m_dir;
    QString m_project;
};

void TestGuiSmoke::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("HyPER-tests"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_gui_smoke"));
    QVERIFY(m_dir.isValid());
    m_project = m_dir.filePath(QStringLiteral("smoke.hyper"));
    fillProject(m_project);
}

void TestGuiSmoke::browse()
{
    MainWindow w;
    QString error;
    QVERIFY2(w.openProject(m_project, ProjectStore::Mode::OpenExisting, &error), qPrintable(error));
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    QTRY_COMPARE(w.instanceModel()->rowCount(), kRows);

    w.selectRow(5);
    QCOMPARE(w.instanceView()->currentIndex().row(), 5);
    QCOMPARE(w.detailView()->promptText(), QString::fromStdString(promptOf(5)));
    QVERIFY(w.detailView()->responseAText().contains(QStringLiteral("def f(n)")));
    QCOMPARE(w.detailView()->humanLabelRows(), 1);
    QCOMPARE(w.detailView()->lmLabelRows(), 1);

    // A conversation prompt is shown as its turns, each under a role heading.
    w.selectRow(kRows - 1);
    QVERIFY(w.detailView()->promptText().startsWith(QStringLiteral("System: Be kind.")));
    auto *promptView = w.detailView()->findChild<QTextBrowser *>(QStringLiteral("promptView"));
    QVERIFY(promptView);
    const QString shown = promptView->toPlainText();
    QVERIFY2(shown.startsWith(QStringLiteral("System  ·  turn 1 of 4\nBe kind.\nUser  ·  turn 2 of 4\nExplain recursion")),
             qPrintable(shown));
    QVERIFY2(shown.contains(QStringLiteral("Assistant  ·  turn 3 of 4\nA function that calls itself.\nUser  ·  turn 4 of 4\nSimpler?")),
             qPrintable(shown));
    if (const QString keep = qEnvironmentVariable("HYPER_SCREENSHOT_DIR"); !keep.isEmpty())
        w.grab().save(keep + QStringLiteral("/gui_smoke_conversation.png"));
    w.selectRow(5);
    QCOMPARE(promptView->toPlainText(), QStringLiteral("Explain recursion to a child, case 5."));

    // Typing in the search box filters after the debounce.
    w.filterBar()->searchEdit()->setText(QStringLiteral("mirrors"));
    QCOMPARE(w.instanceModel()->rowCount(), kRows); // not yet: debounced
    QTRY_COMPARE(w.instanceModel()->filter().text, QStringLiteral("mirrors"));
    QCOMPARE(w.instanceModel()->rowCount(), kRows);
    w.filterBar()->searchEdit()->setText(QStringLiteral("\"case 7\""));
    QTRY_COMPARE(w.instanceModel()->rowCount(), 1);
    // A malformed query says so and keeps the rows shown; a phrase and OR work.
    w.filterBar()->searchEdit()->setText(QStringLiteral("\"case 7"));
    QTRY_VERIFY(!w.filterBar()->searchError().isEmpty());
    QCOMPARE(w.filterBar()->searchError(), QStringLiteral("search: the quote at character 1 is not closed"));
    QCOMPARE(w.instanceModel()->rowCount(), 1);
    QVERIFY(w.filterBar()->searchEdit()->styleSheet().contains(QStringLiteral("border")));
    if (const QString keep = qEnvironmentVariable("HYPER_SCREENSHOT_DIR"); !keep.isEmpty())
        w.grab().save(keep + QStringLiteral("/gui_smoke_search_error.png"));
    w.filterBar()->searchEdit()->setText(QStringLiteral("\"case 7\" OR \"case 8\""));
    QTRY_COMPARE(w.instanceModel()->rowCount(), 2);
    QVERIFY(w.filterBar()->searchError().isEmpty());
    QVERIFY(w.filterBar()->searchEdit()->styleSheet().isEmpty());
    w.filterBar()->clear();
    QCOMPARE(w.instanceModel()->rowCount(), kRows);

    w.selectRow(0);
    const QString png = m_dir.filePath(QStringLiteral("smoke.png"));
    const QPixmap shot = w.grab();
    QVERIFY(!shot.isNull());
    QVERIFY(shot.save(png));
    QVERIFY(QFileInfo(png).size() > 1000);
    const QImage image(png);
    QCOMPARE(image.size(), w.size());
    // HYPER_SCREENSHOT_DIR keeps the pictures for a person to look at.
    if (const QString keep = qEnvironmentVariable("HYPER_SCREENSHOT_DIR"); !keep.isEmpty())
        shot.save(keep + QStringLiteral("/gui_smoke_main.png"));

    // Opening a project and visiting every tab does not load LibTorch (issue 17): the
    // Training tab guesses its devices without it.
    for (const QString &tab : {QStringLiteral("Features"), QStringLiteral("Training"), QStringLiteral("PPM"),
                               QStringLiteral("Routing"), QStringLiteral("Dataset")}) {
        QVERIFY(w.showTab(tab));
        QTest::qWait(50);
    }
    QVERIFY(!hyper::ml::mlModuleLoaded());
}

void TestGuiSmoke::importPreview()
{
    const QString file = writeJsonl(m_dir.filePath(QStringLiteral("preview.jsonl")), 3);
    QVERIFY(!file.isEmpty());
    ImportDialog dialog;
    dialog.setFile(file);
    QVERIFY2(dialog.refreshPreview(), qPrintable(dialog.previewError()));
    QCOMPARE(dialog.previewRowCount(), 3);
    QVERIFY(!dialog.detectedFormat().isEmpty());
    QCOMPARE(dialog.params().file, file);
    if (const QString keep = qEnvironmentVariable("HYPER_SCREENSHOT_DIR"); !keep.isEmpty())
        dialog.grab().save(keep + QStringLiteral("/gui_smoke_import_dialog.png"));

    dialog.setFile(m_dir.filePath(QStringLiteral("missing.jsonl")));
    QVERIFY(!dialog.refreshPreview());
    QVERIFY(!dialog.previewError().isEmpty());
    QCOMPARE(dialog.previewRowCount(), 0);

    QMap<QString, QString> map;
    QString error;
    QVERIFY(ImportDialog::parseMapLines(
        QStringLiteral("prompt=question\n--map human:bob=label\n\n"), &map, &error));
    QCOMPARE(map.value(QStringLiteral("human:bob")), QStringLiteral("label"));
    QVERIFY(!ImportDialog::parseMapLines(QStringLiteral("prompt"), &map, &error));
    QVERIFY(error.contains(QStringLiteral("line 1")));
}

void TestGuiSmoke::importInBackground()
{
    const QString project = m_dir.filePath(QStringLiteral("import.hyper"));
    MainWindow w;
    QVERIFY(w.openProject(project, ProjectStore::Mode::CreateNew));
    QCOMPARE(w.instanceModel()->rowCount(), 0);
    QSignalSpy done(&w, &MainWindow::importDone);
    ImportParams params;
    params.file = writeJsonl(m_dir.filePath(QStringLiteral("import.jsonl")), 5);
    w.startImport(params);
    QTRY_COMPARE_WITH_TIMEOUT(done.count(), 1, 20000);
    QCOMPARE(done.first().first().value<ImportResult>().imported, qint64(5));
    QCOMPARE(w.instanceModel()->rowCount(), 5);
    QTRY_VERIFY_WITH_TIMEOUT(!w.jobs()->isBusy(), 20000); // indexing after the import
    QVERIFY(w.store()->searchIndexReady());
}

void TestGuiSmoke::importFailureChangesNothing()
{
    const QString project = m_dir.filePath(QStringLiteral("fail.hyper"));
    MainWindow w;
    QVERIFY(w.openProject(project, ProjectStore::Mode::CreateNew));
    QSignalSpy aborted(&w, &MainWindow::importAborted);
    ImportParams params;
    params.file = writeJsonl(m_dir.filePath(QStringLiteral("broken.jsonl")), 4, /*broken=*/true);
    closeModalsFor(20000);
    w.startImport(params);
    QTRY_COMPARE_WITH_TIMEOUT(aborted.count(), 1, 20000);
    const QString message = aborted.first().first().toString();
    QVERIFY2(message.contains(QStringLiteral("broken.jsonl:")), qPrintable(message));
    QCOMPARE(w.instanceModel()->rowCount(), 0);
    QCOMPARE(w.store()->countInstances({}), qint64(0));
}

void TestGuiSmoke::importCancel()
{
    const QString project = m_dir.filePath(QStringLiteral("cancel.hyper"));
    MainWindow w;
    QVERIFY(w.openProject(project, ProjectStore::Mode::CreateNew));
    QTRY_VERIFY_WITH_TIMEOUT(!w.jobs()->isBusy(), 20000);
    QSignalSpy aborted(&w, &MainWindow::importAborted);
    QSignalSpy done(&w, &MainWindow::importDone);
    QSignalSpy progress(w.jobs(), &ImportController::progress);
    ImportParams params;
    params.file = writeJsonl(m_dir.filePath(QStringLiteral("large.jsonl")), 200000);

    // Cancel while the worker computes: after its first progress report.
    w.startImport(params);
    QTRY_VERIFY_WITH_TIMEOUT(progress.count() > 0 || done.count() > 0, 20000);
    if (const QString keep = qEnvironmentVariable("HYPER_SCREENSHOT_DIR"); !keep.isEmpty())
        w.grab().save(keep + QStringLiteral("/gui_smoke_importing.png"));
    w.jobs()->cancel(); // sets the atomic flag from the GUI thread
    QTRY_VERIFY_WITH_TIMEOUT(aborted.count() + done.count() == 1, 30000);
    QCOMPARE(done.count(), 0);
    QCOMPARE(aborted.first().first().toString(), QString()); // canceled, not failed
    QCOMPARE(w.store()->countInstances({}), qint64(0));
    QCOMPARE(w.instanceModel()->rowCount(), 0);

    // Canceled before the worker picks the job up.
    w.startImport(params);
    w.jobs()->cancel();
    QTRY_VERIFY_WITH_TIMEOUT(aborted.count() + done.count() == 2, 30000);
    QCOMPARE(done.count(), 0);
    QCOMPARE(w.store()->countInstances({}), qint64(0));
}

void TestGuiSmoke::damagedProjectIsClosed()
{
    // The window opens a project without the whole-file check (so rows paint at once)
    // and runs the check on a worker; a damaged file is then closed with a message.
    const QString path = m_dir.filePath(QStringLiteral("damaged.hyper"));
    {
        ProjectStore store(path, ProjectStore::Mode::CreateNew);
        auto writer = store.beginImport(QStringLiteral("x"), QStringLiteral("test"));
        for (int i = 0; i < 400; ++i) {
            ImportRecord r;
            r.prompt = std::string(300, 'p');
            r.responseA = "a";
            r.responseB = "b";
            writer->add(r);
        }
        writer->commit(0);
    }
    QFile f(path);
    QVERIFY(f.open(QIODevice::ReadWrite));
    f.seek(f.size() / 2);
    f.write(QByteArray(8192, '\x5a'));
    f.close();

    MainWindow window;
    window.setSessionPersistent(false);
    closeModalsFor(10000);
    QString error;
    QVERIFY2(window.openProject(path, ProjectStore::Mode::OpenExisting, &error), qPrintable(error));
    QTRY_VERIFY_WITH_TIMEOUT(window.projectPath().isEmpty(), 10000);
    QVERIFY(window.store() == nullptr);
}

QTEST_MAIN(TestGuiSmoke)
#include "tst_gui_smoke.moc"
