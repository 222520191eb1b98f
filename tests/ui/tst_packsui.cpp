// SPDX-License-Identifier: GPL-3.0-or-later
// Annotator packs in the workbench (issue 13): the File > Annotator Packs… dialog exports
// with a per-annotator preview, a pack opens straight into its annotator's Label session
// with the lead's tabs hidden, the dialog merges what came back, and the Team tab shows
// the packs and reissues one. HYPER_PACKS_SCREENSHOTS=DIR saves the export dialog, the
// pack session, the merge list and the Team tab as PNGs there (docs/TEAM.md).
#include "uitesthelpers.h"
#include "core/jobs/feedback.h"
#include "core/sample/samplegenerator.h"
#include "core/storage/packstore.h"
#include "core/storage/ppmstore.h"
#include "core/storage/projectstore.h"
#include "core/storage/sqlite.h"
#include "ui/labelview.h"
#include "ui/mainwindow.h"
#include "ui/packsdialog.h"
#include "ui/settings.h"
#include "ui/teamview.h"

#include <QDir>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>

using namespace hyper;

namespace {

void shot(QWidget *w, const QString &name)
{
    const QString dir = qEnvironmentVariable("HYPER_PACKS_SCREENSHOTS");
    if (dir.isEmpty())
        return;
    QTest::qWait(150);
    QVERIFY(w->grab().save(QDir(dir).filePath(name)));
}

bool tabShown(QTabWidget *tabs, const QString &title)
{
    for (int i = 0; i < tabs->count(); ++i)
        if (tabs->tabText(i) == title)
            return tabs->isTabVisible(i);
    return false;
}

} // namespace

class TstPacksUi : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("HyPER-tests"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_packsui"));
        settings::lastAnnotator.reset();
    }

    void exportLabelInPackMergeAndReissue()
    {
        const QString project = m_dir.filePath(QStringLiteral("team.hyper"));
        hyper::testing::makeRoutedSample(project, 60, 10, 30);
        const QString out = m_dir.filePath(QStringLiteral("packs"));
        MainWindow lead;
        const QString opened = hyper::testing::openAndShow(lead, project);
        QVERIFY2(opened.isEmpty(), qPrintable(opened));
        QVERIFY(!lead.isPack());

        // Export: the preview says who gets how many before anything is written.
        {
            PacksDialog dialog(*lead.store(), &lead);
            dialog.show();
            QVERIFY(QTest::qWaitForWindowExposed(&dialog));
            dialog.setExportForm({QStringLiteral("alice"), QStringLiteral("bob"), QStringLiteral("carol")}, 2, out);
            auto *preview = dialog.findChild<QTableWidget *>(QStringLiteral("packPreview"));
            QCOMPARE(preview->rowCount(), 3);
            int total = 0;
            for (int r = 0; r < 3; ++r)
                total += preview->item(r, 1)->text().toInt();
            QCOMPARE(total, 60); // 30 routed instances x k = 2
            QVERIFY(dialog.findChild<QLabel *>(QStringLiteral("packPreviewNote"))->text().contains(QStringLiteral("30 routed")));
            QVERIFY(!QDir(out).exists());
            shot(&dialog, QStringLiteral("packs-export.png"));
            QSignalSpy ended(&dialog, &PacksDialog::jobEnded);
            QVERIFY(dialog.startExport());
            QVERIFY(ended.count() == 1 || ended.wait(30000));
            QVERIFY2(dialog.findChild<QLabel *>(QStringLiteral("packsMessage"))->text().startsWith(QStringLiteral("Wrote 3 packs")),
                     qPrintable(dialog.findChild<QLabel *>(QStringLiteral("packsMessage"))->text()));
        }
        const QString alicePack = QDir(out).filePath(QStringLiteral("alice.hyperpack"));
        QVERIFY(QFile::exists(alicePack));

        // The annotator opens the pack: straight into her Label session, the lead's tabs hidden.
        std::vector<qint64> saved;
        {
            MainWindow annotator;
            const QString packOpened = hyper::testing::openAndShow(annotator, alicePack);
            QVERIFY2(packOpened.isEmpty(), qPrintable(packOpened));
            QVERIFY(annotator.isPack());
            auto *banner = annotator.findChild<QLabel *>(QStringLiteral("packBanner"));
            QVERIFY(banner->isVisible());
            QVERIFY(banner->text().contains(QStringLiteral("alice")));
            auto *tabs = annotator.findChild<QTabWidget *>();
            QVERIFY(tabShown(tabs, QStringLiteral("Dataset")));
            QVERIFY(tabShown(tabs, QStringLiteral("Label")));
            for (const QString &hidden : {QStringLiteral("Features"), QStringLiteral("Training"), QStringLiteral("PPM"),
                                          QStringLiteral("Routing"), QStringLiteral("Agreement"), QStringLiteral("Calibration"),
                                          QStringLiteral("Review"), QStringLiteral("Team")})
                QVERIFY2(!tabShown(tabs, hidden), qPrintable(hidden));
            auto *label = annotator.findChild<LabelView *>();
            QCOMPARE(tabs->currentWidget(), label);
            QCOMPARE(label->annotator(), QStringLiteral("alice"));
            QTRY_VERIFY_WITH_TIMEOUT(label->currentInstanceId() != 0, 20000);
            QSignalSpy labelled(label, &LabelView::labelSaved);
            for (int i = 0; i < 3; ++i) {
                QTRY_VERIFY_WITH_TIMEOUT(label->currentInstanceId() != 0, 20000);
                saved.push_back(label->currentInstanceId());
                label->setValue(LabelView::Overall, 1 + i);
                QVERIFY(label->saveAndAdvance());
            }
            QCOMPARE(labelled.count(), 3);
            shot(&annotator, QStringLiteral("packs-session.png"));
        }

        // The lead merges what came back; the table of the open project follows.
        {
            PacksDialog dialog(*lead.store(), &lead);
            dialog.show();
            QVERIFY(QTest::qWaitForWindowExposed(&dialog));
            dialog.addPacks({alicePack, QDir(out).filePath(QStringLiteral("bob.hyperpack"))});
            auto *list = dialog.findChild<QTableWidget *>(QStringLiteral("packMergeList"));
            QCOMPARE(list->rowCount(), 2);
            QCOMPARE(list->item(0, 3)->text(), QStringLiteral("3")); // new
            QCOMPARE(list->item(1, 3)->text(), QStringLiteral("0"));
            QSignalSpy ended(&dialog, &PacksDialog::jobEnded);
            QVERIFY(dialog.startMerge());
            QVERIFY(ended.count() == 1 || ended.wait(30000));
            QCOMPARE(list->item(0, 5)->text(), QStringLiteral("merged"));
            shot(&dialog, QStringLiteral("packs-merge.png"));
        }
        {
            ProjectStore check(project, ProjectStore::Mode::OpenExisting, false);
            for (qint64 id : saved) {
                bool found = false;
                for (const HumanLabel &l : check.humanLabels(id))
                    found = found || (l.annotator == QLatin1String("alice") && !l.pack.isEmpty());
                QVERIFY2(found, qPrintable(QString::number(id)));
            }
        }

        // The Team tab: three annotators, alice's pack returned; carol's goes to dave.
        QVERIFY(lead.showTab(QStringLiteral("Team")));
        auto *team = lead.findChild<TeamView *>();
        team->reload();
        auto *members = team->findChild<QTableWidget *>(QStringLiteral("teamTable"));
        auto *packsTable = team->findChild<QTableWidget *>(QStringLiteral("teamPacks"));
        QCOMPARE(members->rowCount(), 3);
        QCOMPARE(packsTable->rowCount(), 3);
        int carol = -1;
        for (int r = 0; r < packsTable->rowCount(); ++r) {
            if (packsTable->item(r, 1)->text() == QLatin1String("alice"))
                QCOMPARE(packsTable->item(r, 2)->text(), QStringLiteral("returned"));
            if (packsTable->item(r, 1)->text() == QLatin1String("bob")) // merged with no labels yet: still out
                QCOMPARE(packsTable->item(r, 2)->text(), QStringLiteral("out"));
            if (packsTable->item(r, 1)->text() == QLatin1String("carol"))
                carol = r;
        }
        QVERIFY(carol >= 0);
        packsTable->selectRow(carol);
        QVERIFY(team->findChild<QPushButton *>(QStringLiteral("reissueButton"))->isEnabled());
        QVERIFY(team->reissueSelected(QStringLiteral("dave"), m_dir.filePath(QStringLiteral("round2"))));
        QVERIFY(QFile::exists(m_dir.filePath(QStringLiteral("round2/dave.hyperpack"))));
        QCOMPARE(packsTable->rowCount(), 4);
        bool reissued = false;
        for (int r = 0; r < packsTable->rowCount(); ++r)
            reissued = reissued || packsTable->item(r, 2)->text() == QLatin1String("reissued to dave");
        QVERIFY(reissued);
        shot(&lead, QStringLiteral("packs-team.png"));
    }
};

QTEST_MAIN(TstPacksUi)
#include "tst_packsui.moc"
