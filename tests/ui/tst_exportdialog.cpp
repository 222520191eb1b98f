// SPDX-License-Identifier: GPL-3.0-or-later
// File > Export Mix offscreen: preview (first rows + card), export to a file (rows =
// the counts the dialog reports, card beside it), an output folder that does not exist
// refused with nothing written. HYPER_EXPORT_SCREENSHOT=/tmp/export.png saves the dialog.
#include "core/storage/ppmstore.h"
#include "core/storage/projectstore.h"
#include "ui/exportdialog.h"
#include "ui/taskcontroller.h"

#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include "../core/routingtesthelpers.h"

using namespace hyper;

class TstExportDialog : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void previewsAndExports()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString path = dir.filePath(QStringLiteral("export.hyper"));
        hyper::testing::writeFeaturedSample(path, 300, 100);
        ProjectStore store(path);
        // Route the first 60 train instances to humans.
        std::vector<qint64> ids;
        InstanceFilter train;
        train.split = Split::Train;
        for (const InstanceSummary &s : store.listInstances(train, 0, 60))
            ids.push_back(s.id);
        RoutePlanRecord plan;
        plan.strategy = QStringLiteral("hand");
        plan.budget = 60;
        plan.human = 60;
        applyRoutePlan(store, insertRoutePlan(store, plan, ids));

        ExportDialog dialog(store);
        dialog.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dialog));
        QSignalSpy finished(dialog.controller(), &TaskController::finished);
        dialog.preview();
        QVERIFY(finished.wait(30000));
        QVERIFY(dialog.previewText().contains(QStringLiteral("\"chosen\"")));
        QVERIFY(dialog.previewText().contains(QStringLiteral("Dataset card")));
        // The card is rendered (no Markdown marks left) and named after the user's file,
        // not a temporary "preview.out".
        QVERIFY(!dialog.previewText().contains(QStringLiteral("# Dataset card")));
        QVERIFY(!dialog.previewText().contains(QStringLiteral("preview.out")));
        QVERIFY2(dialog.message().startsWith(QStringLiteral("Preview: ")), qPrintable(dialog.message()));
        if (const QByteArray shot = qgetenv("HYPER_EXPORT_SCREENSHOT"); !shot.isEmpty())
            QVERIFY(dialog.grab().save(QString::fromLocal8Bit(shot)));

        const QString out = dir.filePath(QStringLiteral("mix.jsonl"));
        dialog.setOutputPath(out);
        dialog.exportNow();
        QVERIFY(finished.wait(30000));
        QVERIFY2(dialog.message().startsWith(QStringLiteral("Exported ")), qPrintable(dialog.message()));
        QFile file(out);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const qint64 lines = file.readAll().count('\n');
        QVERIFY(lines > 0);
        QVERIFY(dialog.message().contains(QStringLiteral("Exported %1 rows").arg(lines)));
        QVERIFY(QFile::exists(out + QStringLiteral(".md")));

        // A folder that does not exist: refused, nothing written.
        QSignalSpy failed(dialog.controller(), &TaskController::failed);
        const QString bad = dir.filePath(QStringLiteral("missing/mix.jsonl"));
        dialog.setOutputPath(bad);
        dialog.exportNow();
        QVERIFY(failed.wait(30000));
        QVERIFY2(dialog.message().startsWith(QStringLiteral("Export failed: ")), qPrintable(dialog.message())); // names the job
        QVERIFY(dialog.message().contains(QStringLiteral("nothing was written")));
        QVERIFY(!QFile::exists(bad));
    }
};

QTEST_MAIN(TstExportDialog)
#include "tst_exportdialog.moc"
