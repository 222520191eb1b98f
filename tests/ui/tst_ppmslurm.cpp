// SPDX-License-Identifier: GPL-3.0-or-later
// The PPM tab's cluster buttons (issue 14, docs/CLUSTER.md): "Write a Slurm Job…" writes
// the collection of the tab's controls as a job folder, "Import Results…" adds the tasks
// that finished and counts the missing ones. The tasks run here by hand (tst_slurm runs a
// real cluster). HYPER_PPM_SLURM_SCREENSHOT=FILE.png saves the tab after the import.
#include "../core/clitesthelpers.h"

#include "core/routing/collect.h"
#include "core/storage/projectstore.h"
#include "ui/ppmview.h"
#include "ui/taskcontroller.h"

#include <QFile>
#include <QLabel>
#include <QProcess>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>

using namespace hyper;
using hyper::testing::runCli;

class TstPpmSlurm : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void writeJobRunTasksImport()
    {
        QTemporaryDir dir;
        const QString project = dir.filePath(QStringLiteral("p.hyper"));
        QCOMPARE(runCli({QStringLiteral("sample"), QStringLiteral("--project"), project, QStringLiteral("--size"),
                         QStringLiteral("200"), QStringLiteral("--eval-size"), QStringLiteral("60")}).code, 0);
        QCOMPARE(runCli({QStringLiteral("features"), QStringLiteral("--project"), project}).code, 0);
        ProjectStore store(project);
        PpmView view;
        view.resize(1280, 720);
        view.setProject(&store);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        QVERIFY(view.findChild<QPushButton *>(QStringLiteral("slurmButton"))->isEnabled());
        view.findChild<QSpinBox *>(QStringLiteral("candidatesSpin"))->setValue(4);
        view.findChild<QSpinBox *>(QStringLiteral("epochsSpin"))->setValue(1);
        auto *message = view.findChild<QLabel *>(QStringLiteral("messageLabel"));

        const QString job = dir.filePath(QStringLiteral("job"));
        routing::SlurmOptions o;
        o.dir = job;
        o.gres = QStringLiteral("gpu:1");
        o.trainCommand = QStringLiteral(HYPER_TRAIN_PATH);
        QSignalSpy ended(view.controller(), &TaskController::ended);
        view.writeSlurmJob(o);
        QVERIFY(ended.count() == 1 || ended.wait(60000));
        QVERIFY2(message->text().startsWith(QStringLiteral("Wrote 4 tasks")), qPrintable(message->text()));
        QVERIFY(message->text().contains(QStringLiteral("sbatch ")));
        QFile script(job + QStringLiteral("/collect.sbatch"));
        QVERIFY(script.open(QIODevice::ReadOnly));
        QVERIFY(script.readAll().contains("#SBATCH --gres=gpu:1"));
        QCOMPARE(view.findChild<QTableWidget *>(QStringLiteral("datasetsTable"))->rowCount(), 0); // nothing trained

        for (int task = 0; task < 3; ++task) {
            QProcess p;
            p.start(QStringLiteral(HYPER_TRAIN_PATH), {QStringLiteral("--job"), job, QStringLiteral("--task"),
                                                       QString::number(task), QStringLiteral("--quiet")});
            QVERIFY(p.waitForFinished(120000));
            QCOMPARE(p.exitCode(), 0);
        }
        view.importSlurmResults(job);
        QVERIFY(ended.count() == 2 || ended.wait(60000));
        QVERIFY2(message->text().startsWith(QStringLiteral("Imported 3 rows")), qPrintable(message->text()));
        QVERIFY(message->text().contains(QStringLiteral("3 done, 0 failed, 1 missing of 4")));
        QVERIFY(message->text().contains(QStringLiteral("task 3: missing")));
        auto *datasets = view.findChild<QTableWidget *>(QStringLiteral("datasetsTable"));
        QCOMPARE(datasets->rowCount(), 1);
        QCOMPARE(datasets->item(0, 3)->text(), QStringLiteral("3"));
        if (const QString file = qEnvironmentVariable("HYPER_PPM_SLURM_SCREENSHOT"); !file.isEmpty())
            QVERIFY(view.grab().save(file));
    }
};

QTEST_MAIN(TstPpmSlurm)
#include "tst_ppmslurm.moc"
