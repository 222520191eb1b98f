// SPDX-License-Identifier: GPL-3.0-or-later
// The ML module (core/ml/mlmodule.h, issue 17): LibTorch is mapped only when training,
// scoring, bundles or least squares need it; a missing or broken module is a clear error.
#include "clitesthelpers.h"

#include "core/jobs/feedback.h"
#include "core/ml/leastsquares.h"
#include "core/ml/mlmodule.h"
#include "core/ml/runtime.h"
#include "core/ml/scorer.h"
#include "core/mlbridge/mlload.h"
#include "core/mlbridge/rmrun.h"

#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

using namespace hyper;
using hyper::testing::runCli;

namespace {

bool torchMapped()
{
    QFile maps(QStringLiteral("/proc/self/maps"));
    return maps.open(QIODevice::ReadOnly) && maps.readAll().contains("libtorch");
}

struct Run {
    int code = -1;
    QByteArray out, err;
};

Run runWith(const QString &program, const QStringList &args, const QStringList &env)
{
    QProcess p;
    QProcessEnvironment e = QProcessEnvironment::systemEnvironment();
    for (const QString &kv : env)
        e.insert(kv.section(QLatin1Char('='), 0, 0), kv.section(QLatin1Char('='), 1));
    p.setProcessEnvironment(e);
    p.start(program, args);
    p.waitForFinished(120000);
    return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1, p.readAllStandardOutput(),
            p.readAllStandardError()};
}

/** The shared objects the dynamic loader opened for a run (LD_DEBUG=files). */
QByteArray loadedFiles(const QString &program, const QStringList &args, const QStringList &env = {})
{
    const Run r = runWith(program, args, QStringList(env) << QStringLiteral("LD_DEBUG=files"));
    return r.err;
}

} // namespace

class TestMlModule : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    // Runs first: nothing in this process has touched the engine yet.
    void startsUnloaded()
    {
        QVERIFY(!ml::mlModuleLoaded());
        QVERIFY(!torchMapped());
        QCOMPARE(ml::configureThreads(), 1); // kept for the load
        QVERIFY(trainingDevices().contains(QStringLiteral("cpu")));
        QVERIFY(ml::mlModulePath().empty());
        QVERIFY(!ml::mlModuleLoaded());
        QVERIFY(!torchMapped());
        QVERIFY(!ml::mlModuleCandidates().empty());
    }

    void loadsOnFirstUse()
    {
        QString said;
        Feedback watched([&said](double, const QString &m) { said = m; }, 0);
        loadMlModule(watched);
        QCOMPARE(said, QStringLiteral("Loading LibTorch…"));
        QVERIFY(ml::mlModuleLoaded());
        QVERIFY(torchMapped());
        QVERIFY(QFile::exists(QString::fromStdString(ml::mlModulePath())));
        const ml::RuntimeInfo info = ml::runtimeInfo();
        QVERIFY(!info.torchVersion.empty());
        QCOMPARE(info.intraOpThreads, 1); // the settings kept before the load were applied
        said.clear();
        loadMlModule(watched); // loaded: says nothing
        QVERIFY(said.isEmpty());
    }

    // The module's exceptions reach the caller with their types.
    void errorsKeepTheirTypes()
    {
        bool caught = false;
        try {
            ml::loadBundle("/nonexistent/folder/x.bundle");
        } catch (const ml::TrainError &e) {
            caught = QByteArray(e.what()).contains("x.bundle");
        }
        QVERIFY(caught);
        QTemporaryDir dir;
        const QString garbage = dir.filePath(QStringLiteral("garbage.safetensors"));
        QFile f(garbage);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("this is not a model file at all");
        f.close();
        caught = false;
        try {
            ml::RewardScorer scorer(garbage.toStdString(), "cpu");
        } catch (const ml::ModelFileError &) {
            caught = true;
        }
        QVERIFY(caught);
        caught = false;
        try {
            ml::solveLeastSquares({1.0, 2.0}, 2, 2, {1.0, 2.0});
        } catch (const std::invalid_argument &) {
            caught = true;
        }
        QVERIFY(caught);
        const std::vector<double> w = ml::solveLeastSquares({1, 0, 0, 1, 1, 1}, 3, 2, {1, 2, 3});
        QCOMPARE(int(w.size()), 2);
        QVERIFY(std::abs(w[0] - 1) < 1e-9 && std::abs(w[1] - 2) < 1e-9);
    }

    // The commands that do not train never map LibTorch; one that does, does (so that the
    // check can fail).
    void programsStartWithoutLibTorch()
    {
        QTemporaryDir dir;
        const QString project = dir.filePath(QStringLiteral("p.hyper"));
        QCOMPARE(runCli({QStringLiteral("init"), QStringLiteral("--project"), project}).code, 0);
        const QString cli = QStringLiteral(HYPER_CLI_PATH);
        const QString train = QStringLiteral(HYPER_TRAIN_PATH);
        const QList<QStringList> quiet = {
            {QStringLiteral("--help")},
            {QStringLiteral("info"), QStringLiteral("--project"), project},
            {QStringLiteral("list"), QStringLiteral("--project"), project},
            {QStringLiteral("queue"), QStringLiteral("--help")},
        };
        for (const QStringList &args : quiet) {
            const QByteArray files = loadedFiles(cli, args);
            QVERIFY2(files.contains("libQt6Core"), files.left(400).constData()); // LD_DEBUG worked
            QVERIFY2(!files.contains("libtorch"), qPrintable(args.join(QLatin1Char(' '))));
        }
        QVERIFY(!loadedFiles(train, {QStringLiteral("--help")}).contains("libtorch"));
        QVERIFY(loadedFiles(train, {QStringLiteral("--info")}).contains("libtorch"));
        QVERIFY(loadedFiles(cli, {QStringLiteral("info"), QStringLiteral("--project"), project},
                            {QStringLiteral("HYPER_ML_PRELOAD=1")})
                    .contains("libtorch"));
    }

    // A missing module, a file that is not a library and a library that is not the module:
    // each a one-line error naming the file, exit 1, no crash.
    void brokenModulesAreClearErrors()
    {
        QTemporaryDir dir;
        const QString missing = dir.filePath(QStringLiteral("missing/libhyper-ml.so"));
        const QString text = dir.filePath(QStringLiteral("libhyper-ml.so"));
        QFile f(text);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(QByteArray("not an ELF file, just text\n").repeated(20));
        f.close();
        const QString train = QStringLiteral(HYPER_TRAIN_PATH);
        struct Case {
            QString module;
            QByteArray says;
        };
        const QList<Case> cases = {
            {missing, "the ML module (LibTorch) is not installed: " + missing.toUtf8() + " does not exist"},
            {text, "cannot load the ML module " + text.toUtf8() + ": " + text.toUtf8() + ": invalid ELF header"},
            {QStringLiteral("/lib/x86_64-linux-gnu/libz.so.1"), "it is not a HyPER ML module (no hyper_ml_module_api)"},
        };
        for (const Case &c : cases) {
            const Run r = runWith(train, {QStringLiteral("--info")}, {QStringLiteral("HYPER_ML_MODULE=") + c.module});
            QCOMPARE(r.code, 1);
            QVERIFY2(r.err.contains(c.says), r.err.constData());
        }
        // Through `hyper`: the PPM fit needs the module; the project is left as it was.
        const QString project = dir.filePath(QStringLiteral("p.hyper"));
        QCOMPARE(runCli({QStringLiteral("init"), QStringLiteral("--project"), project}).code, 0);
        const Run r = runWith(QStringLiteral(HYPER_CLI_PATH),
                              {QStringLiteral("score"), QStringLiteral("--model"), text, QStringLiteral("--project"), project},
                              {QStringLiteral("HYPER_ML_MODULE=") + missing});
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains("the ML module (LibTorch) is not installed"), r.err.constData());
    }
};

QTEST_GUILESS_MAIN(TestMlModule)
#include "tst_mlmodule.moc"
