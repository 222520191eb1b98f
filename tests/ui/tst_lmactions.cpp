// SPDX-License-Identifier: GPL-3.0-or-later
// The LM menu offscreen against the local test server (core/lm/testserver.h): the
// endpoints dialog saves, refuses bad input, shows whether the key variable is set, tests
// an endpoint (the key never in a message) and removes; the judge dialog labels the
// selected instances and reports them; a judge job canceled midway keeps what it stored
// and Start resumes with the rest, with Pause holding new requests back; the tag dialog
// fills the missing tags; the main window's LM > Judge… takes the Dataset tab's
// selection and reloads the table when the job ends.
#include "core/labels/agreementreport.h"
#include "core/lm/lmjob.h"
#include "core/lm/tagger.h"
#include "core/lm/testserver.h"
#include "core/storage/agreementqueries.h"
#include "core/storage/lmstore.h"
#include "core/storage/projectstore.h"
#include "ui/instancetablemodel.h"
#include "ui/lmendpointsdialog.h"
#include "ui/lmjobdialog.h"
#include "ui/mainwindow.h"
#include "ui/taskcontroller.h"

#include <QItemSelectionModel>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QRadioButton>
#include <QSignalSpy>
#include <QSet>
#include <QTableWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

#include "../core/lmtesthelpers.h"

using namespace hyper;

namespace {

const char *const kKeyVar = "HYPER_TST_LMGUI_KEY";
const QString kKey = QStringLiteral("sk-lmgui-9fQ2xV7mT1");

lm::EndpointConfig endpointFor(const lm::TestServer &server, const QString &name = QStringLiteral("local"))
{
    lm::EndpointConfig e;
    e.name = name;
    e.baseUrl = server.baseUrl();
    e.model = QStringLiteral("judge-model");
    e.timeoutSeconds = 5;
    e.concurrency = 2;
    e.maxRetries = 1;
    return e;
}

void saveEndpoint(ProjectStore &store, const lm::EndpointConfig &e)
{
    LmStore(store).saveEndpoint(lm::savedFromEndpoint(e));
}

/** judge -> instance id -> overall, from the store. */
std::map<qint64, int> labelsOf(ProjectStore &store, const QString &judge)
{
    const labels::LabelTable t = loadLabelTable(store, std::nullopt);
    std::map<qint64, int> out;
    const qsizetype j = t.judges.indexOf(judge);
    if (j < 0)
        return out;
    for (const auto &row : t.rows)
        for (const auto &l : row.judges)
            if (l.judge == int(j) && l.overall)
                out[row.instance] = *l.overall;
    return out;
}

int expectedOverall(ProjectStore &store, qint64 id)
{
    const std::optional<LmJobInput> in = LmStore(store).input(id);
    return toInt(testing::longerWins(in->responseA, in->responseB));
}

/** HYPER_LMACTIONS_SCREENSHOTS=DIR saves the dialogs there. */
void screenshot(QWidget &w, const QString &name)
{
    const QByteArray dir = qgetenv("HYPER_LMACTIONS_SCREENSHOTS");
    if (dir.isEmpty())
        return;
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    QVERIFY(w.grab().save(QString::fromLocal8Bit(dir) + QLatin1Char('/') + name));
}

std::vector<qint64> trainIds(ProjectStore &store)
{
    LmSelection all;
    all.kind = LmSelection::Kind::All;
    return LmStore(store).select(all, QString());
}

} // namespace

class TstLmActions : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init() { qunsetenv(kKeyVar); }
    void cleanup() { qunsetenv(kKeyVar); }

    void endpointsDialog()
    {
        QTemporaryDir dir;
        const QString path = testing::makeLmProject(dir.filePath(QStringLiteral("e.hyper")), 3);
        ProjectStore store(path);
        lm::TestServer server;

        LmEndpointsDialog dialog(store);
        auto *list = dialog.findChild<QListWidget *>(QStringLiteral("endpointList"));
        auto *keyStatus = dialog.findChild<QLabel *>(QStringLiteral("keyStatusLabel"));
        QCOMPARE(list->count(), 0);

        lm::EndpointConfig e = endpointFor(server);
        e.apiKeyEnv = QString::fromLatin1(kKeyVar);
        e.requestsPerMinute = 120;
        e.pricePerMillionIn = 0.5;
        e.pricePerMillionOut = 1.5;
        dialog.setFormEndpoint(e);
        QVERIFY2(keyStatus->text().contains(QStringLiteral("not set")), qPrintable(keyStatus->text()));
        QVERIFY(dialog.saveForm());
        QCOMPARE(list->count(), 1);
        std::vector<SavedEndpoint> saved = LmStore(store).endpoints();
        QCOMPARE(saved.size(), std::size_t(1));
        QCOMPARE(saved[0].keyEnv, QString::fromLatin1(kKeyVar));
        const lm::EndpointConfig back = lm::endpointFromSaved(saved[0]);
        QCOMPARE(back.baseUrl, e.baseUrl);
        QCOMPARE(back.model, e.model);
        QCOMPARE(back.concurrency, 2);
        QCOMPARE(back.requestsPerMinute, 120);
        QCOMPARE(back.maxRetries, 1);
        QCOMPARE(back.pricePerMillionOut, 1.5);

        // Bad input: refused with a message, nothing changed.
        lm::EndpointConfig bad = e;
        bad.name = QStringLiteral("other");
        bad.model.clear();
        dialog.setFormEndpoint(bad);
        QVERIFY(!dialog.saveForm());
        QVERIFY(dialog.message().contains(QStringLiteral("model")));
        bad.model = QStringLiteral("m");
        bad.baseUrl = QStringLiteral("ftp://example.org/v1");
        dialog.setFormEndpoint(bad);
        QVERIFY(!dialog.saveForm());
        QVERIFY(dialog.message().contains(QStringLiteral("Base URL")));
        QCOMPARE(LmStore(store).endpoints().size(), std::size_t(1));

        // Selecting the saved one fills the form.
        list->setCurrentRow(-1);
        list->setCurrentRow(0);
        QCOMPARE(dialog.formEndpoint().baseUrl, e.baseUrl);
        QCOMPARE(dialog.formEndpoint().requestsPerMinute, 120);

        // Test without the key: refused before any request.
        QSignalSpy ended(dialog.controller(), &TaskController::ended);
        dialog.testForm();
        QVERIFY(ended.wait(10000));
        QVERIFY2(dialog.message().startsWith(QStringLiteral("Test failed")), qPrintable(dialog.message()));
        QCOMPARE(server.requestCount(), 0);

        // With the key set: one request, authorized, the key never shown.
        qputenv(kKeyVar, kKey.toLatin1());
        dialog.setFormEndpoint(dialog.formEndpoint());
        QVERIFY2(keyStatus->text().contains(QStringLiteral("is set")), qPrintable(keyStatus->text()));
        dialog.testForm();
        QVERIFY(ended.wait(10000));
        QVERIFY2(dialog.message().startsWith(QStringLiteral("OK: HTTP 200")), qPrintable(dialog.message()));
        QCOMPARE(server.requestCount(), 1);
        QCOMPARE(server.authorizations().value(0), QStringLiteral("Bearer ") + kKey);
        QVERIFY(!dialog.message().contains(kKey));
        screenshot(dialog, QStringLiteral("lm-endpoints.png"));

        // A failing endpoint: the outcome names the HTTP status.
        server.enqueue(lm::TestServer::Behaviour::BadRequest);
        dialog.testForm();
        QVERIFY(ended.wait(10000));
        QVERIFY2(dialog.message().startsWith(QStringLiteral("Failed")), qPrintable(dialog.message()));
        QVERIFY2(dialog.message().contains(QStringLiteral("HTTP 400")), qPrintable(dialog.message()));
        QVERIFY(!dialog.message().contains(kKey));

        // Remove.
        QVERIFY(dialog.removeForm());
        QCOMPARE(list->count(), 0);
        QVERIFY(LmStore(store).endpoints().empty());
        QVERIFY(!dialog.removeForm());
    }

    void judgeSelected()
    {
        QTemporaryDir dir;
        const QString path = testing::makeLmProject(dir.filePath(QStringLiteral("j.hyper")), 6);
        ProjectStore store(path);
        lm::TestServer server;
        server.setReplyGenerator([](const QJsonObject &r) { return testing::judgeReply(r); });
        saveEndpoint(store, endpointFor(server));
        const std::vector<qint64> ids = trainIds(store);
        QCOMPARE(ids.size(), std::size_t(6));
        const std::vector<qint64> chosen{ids[0], ids[2], ids[4]};

        LmJobDialog dialog(LmJobDialog::Kind::Judge, store, chosen);
        QVERIFY(dialog.findChild<QRadioButton *>(QStringLiteral("scopeSelected"))->isChecked());
        QVERIFY(dialog.findChild<QRadioButton *>(QStringLiteral("scopeSelected"))->text().contains(QStringLiteral("(3)")));
        dialog.setJudgeName(QStringLiteral("tj"));
        dialog.setBothOrders(true);
        QSignalSpy finished(dialog.controller(), &TaskController::finished);
        QSignalSpy jobEnded(&dialog, &LmJobDialog::jobEnded);
        QVERIFY(dialog.start());
        QVERIFY(finished.wait(30000));
        QCOMPARE(jobEnded.count(), 1);

        const std::map<qint64, int> stored = labelsOf(store, QStringLiteral("tj"));
        QCOMPARE(stored.size(), std::size_t(3));
        for (qint64 id : chosen) {
            QVERIFY(stored.count(id));
            QCOMPARE(stored.at(id), expectedOverall(store, id));
        }
        QCOMPARE(server.requestCount(), 6); // both orders
        QVERIFY2(dialog.message().startsWith(QStringLiteral("Finished: 3 labels stored")), qPrintable(dialog.message()));
        QVERIFY2(dialog.progressText().startsWith(QStringLiteral("done 3 · cached 0 · failed 0 · remaining 0 of 3 · 6 requests")),
                 qPrintable(dialog.progressText()));
        screenshot(dialog, QStringLiteral("lm-judge.png"));

        // Again: nothing new is asked, the labels are already there.
        QVERIFY(dialog.start());
        QVERIFY(finished.wait(30000));
        QCOMPARE(server.requestCount(), 6);
        QVERIFY2(dialog.message().contains(QStringLiteral("0 labels stored, 3 resolved without asking")),
                 qPrintable(dialog.message()));
    }

    void failedItemsAreListed()
    {
        QTemporaryDir dir;
        const QString path = testing::makeLmProject(dir.filePath(QStringLiteral("f.hyper")), 4);
        ProjectStore store(path);
        lm::TestServer server;
        // Valid JSON that breaks the reply schema: a failed item, never a label.
        server.setReplyGenerator([](const QJsonObject &) { return QStringLiteral(R"({"verdict": "A"})"); });
        saveEndpoint(store, endpointFor(server));
        const std::vector<qint64> ids = trainIds(store);
        LmJobDialog dialog(LmJobDialog::Kind::Judge, store, {ids[0], ids[1]});
        QCOMPARE(dialog.failureRows(), 0);
        QVERIFY(dialog.findChild<QTableWidget *>(QStringLiteral("failuresTable"))->isHidden());
        dialog.setJudgeName(QStringLiteral("fj"));
        QSignalSpy finished(dialog.controller(), &TaskController::finished);
        QVERIFY(dialog.start());
        QVERIFY(finished.wait(30000));
        QVERIFY(labelsOf(store, QStringLiteral("fj")).empty());
        QCOMPARE(dialog.failureRows(), 2);
        auto *table = dialog.findChild<QTableWidget *>(QStringLiteral("failuresTable"));
        QSet<QString> instances{table->item(0, 1)->text(), table->item(1, 1)->text()};
        QCOMPARE(instances, (QSet<QString>{QString::number(ids[0]), QString::number(ids[1])}));
        QVERIFY(!table->item(0, 3)->text().isEmpty());
        QVERIFY(table->item(0, 3)->toolTip().contains(QStringLiteral("verdict")));
        QCOMPARE(dialog.findChild<QLabel *>(QStringLiteral("failuresTitle"))->text(), QStringLiteral("Failed items: 2"));
        // A new dialog lists them from the project at once.
        LmJobDialog again(LmJobDialog::Kind::Judge, store, {});
        QCOMPARE(again.failureRows(), 2);
        LmJobDialog tag(LmJobDialog::Kind::Tag, store, {});
        QCOMPARE(tag.failureRows(), 0); // judge failures are not the tagger's
        screenshot(dialog, QStringLiteral("lm-judge-failures.png"));
    }

    void cancelPauseResume()
    {
        QTemporaryDir dir;
        const int n = 30;
        const QString path = testing::makeLmProject(dir.filePath(QStringLiteral("c.hyper")), n);
        ProjectStore store(path);
        lm::TestServer server;
        server.setReplyGenerator([](const QJsonObject &r) { return testing::judgeReply(r); });
        server.setLatencyMs(60);
        lm::EndpointConfig e = endpointFor(server);
        e.concurrency = 1;
        saveEndpoint(store, e);

        LmJobDialog dialog(LmJobDialog::Kind::Judge, store, {});
        QVERIFY(dialog.findChild<QRadioButton *>(QStringLiteral("scopeUnlabelled"))->isChecked());
        QVERIFY(!dialog.findChild<QRadioButton *>(QStringLiteral("scopeSelected"))->isEnabled());
        dialog.setJudgeName(QStringLiteral("slow"));
        QSignalSpy finished(dialog.controller(), &TaskController::finished);
        QVERIFY(dialog.start());
        QTRY_VERIFY_WITH_TIMEOUT(labelsOf(store, QStringLiteral("slow")).size() >= 3, 20000);
        dialog.findChild<QPushButton *>(QStringLiteral("cancelButton"))->click();
        QVERIFY(finished.wait(20000));
        QVERIFY2(dialog.message().startsWith(QStringLiteral("Canceled")), qPrintable(dialog.message()));
        const std::size_t kept = labelsOf(store, QStringLiteral("slow")).size();
        QVERIFY(kept >= 3);
        QVERIFY2(kept < std::size_t(n), qPrintable(QString::number(kept)));
        const int askedBefore = server.requestCount();
        QVERIFY(askedBefore < n + 1);

        // Resume: only the rest is asked; Pause holds new requests back meanwhile.
        QVERIFY(dialog.start());
        QTRY_VERIFY_WITH_TIMEOUT(labelsOf(store, QStringLiteral("slow")).size() >= kept + 2, 20000);
        dialog.findChild<QPushButton *>(QStringLiteral("pauseButton"))->click();
        QVERIFY(dialog.isPaused());
        QTest::qWait(500); // the request in flight ends
        const int whilePaused = server.requestCount();
        QTest::qWait(400);
        QCOMPARE(server.requestCount(), whilePaused);
        QVERIFY(dialog.controller()->isRunning());
        screenshot(dialog, QStringLiteral("lm-judge-paused.png"));
        dialog.findChild<QPushButton *>(QStringLiteral("pauseButton"))->click();
        QVERIFY(!dialog.isPaused());
        QVERIFY(finished.wait(30000));
        QVERIFY2(dialog.message().startsWith(QStringLiteral("Finished")), qPrintable(dialog.message()));
        const std::map<qint64, int> stored = labelsOf(store, QStringLiteral("slow"));
        QCOMPARE(stored.size(), std::size_t(n));
        for (const auto &[id, overall] : stored)
            QCOMPARE(overall, expectedOverall(store, id));
        // Each instance asked once, plus at most the one aborted by the cancel.
        QVERIFY2(server.requestCount() <= n + 1, qPrintable(QString::number(server.requestCount())));
    }

    void closeWhileRunning()
    {
        // Closing the dialog mid-job cancels it, keeps what was stored and still tells
        // the window (jobEnded) so that it reloads.
        QTemporaryDir dir;
        const int n = 30;
        const QString path = testing::makeLmProject(dir.filePath(QStringLiteral("x.hyper")), n);
        ProjectStore store(path);
        lm::TestServer server;
        server.setReplyGenerator([](const QJsonObject &r) { return testing::judgeReply(r); });
        server.setLatencyMs(60);
        lm::EndpointConfig e = endpointFor(server);
        e.concurrency = 1;
        saveEndpoint(store, e);

        auto *dialog = new LmJobDialog(LmJobDialog::Kind::Judge, store, {});
        dialog->setJudgeName(QStringLiteral("closed"));
        QSignalSpy ended(dialog, &LmJobDialog::jobEnded);
        QVERIFY(dialog->start());
        QTRY_VERIFY_WITH_TIMEOUT(labelsOf(store, QStringLiteral("closed")).size() >= 2, 20000);
        dialog->close();
        delete dialog;
        QCOMPARE(ended.count(), 1);
        const std::size_t kept = labelsOf(store, QStringLiteral("closed")).size();
        QVERIFY(kept >= 2);
        QVERIFY(kept < std::size_t(n));
    }

    void tagMissing()
    {
        QTemporaryDir dir;
        const QString path = testing::makeLmProject(dir.filePath(QStringLiteral("t.hyper")), 3);
        ProjectStore store(path);
        lm::TestServer server;
        server.setReplyGenerator([](const QJsonObject &r) { return testing::tagReply(r); });
        saveEndpoint(store, endpointFor(server));

        LmJobDialog dialog(LmJobDialog::Kind::Tag, store, {});
        QSignalSpy finished(dialog.controller(), &TaskController::finished);
        QVERIFY(dialog.start());
        QVERIFY(finished.wait(30000));
        QVERIFY2(dialog.message().startsWith(QStringLiteral("Finished: 3 instances tagged")), qPrintable(dialog.message()));
        QVERIFY(dialog.message().contains(QStringLiteral("recompute the features")));
        screenshot(dialog, QStringLiteral("lm-tag.png"));
        for (qint64 id : trainIds(store)) {
            const std::optional<LmJobInput> in = LmStore(store).input(id);
            QVERIFY(in);
            QVERIFY2(lm::missingTagDimensions(in->metadata).isEmpty(),
                     qPrintable(lm::missingTagDimensions(in->metadata).join(QLatin1Char(','))));
        }
        QCOMPARE(server.requestCount(), 3 * int(lm::tagDimensions().size()));
    }

    void menuTakesTheSelection()
    {
        QTemporaryDir dir;
        const QString path = testing::makeLmProject(dir.filePath(QStringLiteral("m.hyper")), 5);
        lm::TestServer server;
        server.setReplyGenerator([](const QJsonObject &r) { return testing::judgeReply(r); });
        {
            ProjectStore store(path);
            saveEndpoint(store, endpointFor(server));
        }
        MainWindow window;
        QString error;
        QVERIFY2(window.openProject(path, ProjectStore::Mode::OpenExisting, &error), qPrintable(error));
        window.resize(1200, 800);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QTRY_VERIFY(window.instanceModel()->rowCount() >= 5);
        QTableView *table = window.instanceView();
        QItemSelectionModel *sel = table->selectionModel();
        sel->select(window.instanceModel()->index(0, 0), QItemSelectionModel::Select | QItemSelectionModel::Rows);
        sel->select(window.instanceModel()->index(2, 0), QItemSelectionModel::Select | QItemSelectionModel::Rows);
        const std::vector<qint64> ids = window.selectedInstanceIds();
        QCOMPARE(ids.size(), std::size_t(2));

        LmJobDialog *dialog = window.createLmJobDialog(true);
        QVERIFY(dialog);
        QVERIFY(dialog->findChild<QRadioButton *>(QStringLiteral("scopeSelected"))->text().contains(QStringLiteral("(2)")));
        dialog->setJudgeName(QStringLiteral("menu-judge"));
        QSignalSpy ended(dialog, &LmJobDialog::jobEnded);
        QSignalSpy reset(window.instanceModel(), &QAbstractItemModel::modelReset);
        QVERIFY(dialog->start());
        QVERIFY(ended.wait(30000));
        QVERIFY(reset.count() >= 1); // the Dataset tab reloaded
        const std::map<qint64, int> stored = labelsOf(*window.store(), QStringLiteral("menu-judge"));
        QCOMPARE(stored.size(), std::size_t(2));
        for (qint64 id : ids)
            QVERIFY(stored.count(id));
        // The LM count column shows the new labels.
        for (int row = 0; row < window.instanceModel()->rowCount(); ++row) {
            const qint64 id = window.instanceModel()->instanceId(row);
            const QString lm =
                window.instanceModel()->index(row, InstanceTableModel::LmCountColumn).data().toString();
            QCOMPARE(lm, stored.count(id) ? QStringLiteral("1") : QStringLiteral("0"));
        }
        dialog->close();
    }
};

QTEST_MAIN(TstLmActions)
#include "tst_lmactions.moc"
