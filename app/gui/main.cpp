// SPDX-License-Identifier: GPL-3.0-or-later
// hyper-workbench [PROJECT] [--measure-startup] [--screenshot FILE] [--tab NAME] [--bench-label N [--keep-labels]]
#include "core/jobs/feedback.h"
#include "core/ml/runtime.h"
#include "core/sample/sampleproject.h"
#include "core/storage/annotationstore.h"
#include "core/storage/ppmstore.h"
#include "core/storage/walcheckpointer.h"
#include "ui/firstpaintwatcher.h"
#include "ui/instancetablemodel.h"
#include "ui/labelbench.h"
#include "ui/labelview.h"
#include "ui/mainwindow.h"
#include "ui/settings.h"

#include <string_view>

#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QProgressDialog>
#include <QEventLoop>
#include <QPointer>
#include <QThread>
#include <memory>
#include <unistd.h>
#include <QFileInfo>
#include <QMessageBox>
#include <QStandardPaths>
#include <QTableView>
#include <QTimer>
#include <cstdio>

namespace {

/** The project to open when none is named: the last one, else the sample project. */
QString defaultProject()
{
    const QString last = hyper::settings::lastProject.value();
    if (!last.isEmpty() && QFileInfo::exists(last))
        return last;
    const QString dir = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
    QDir().mkpath(dir);
    return QDir(dir).filePath(QStringLiteral("sample.hyper"));
}

/** First start: writes the bundled synthetic sample project (a few seconds) on a worker
 *  thread, so that the progress dialog paints and its Cancel works; headless runs wait
 *  without a dialog. A canceled or failed sample leaves no file behind. */
bool createSample(const QString &path, bool headless)
{
    std::unique_ptr<QProgressDialog> dialog;
    if (!headless) {
        dialog = std::make_unique<QProgressDialog>(
            QObject::tr("Creating the sample project, a small synthetic preference dataset to try the workbench on…"),
            QObject::tr("Cancel"), 0, 1000);
        dialog->setWindowTitle(QStringLiteral("HyPER Workbench"));
        dialog->setMinimumDuration(0);
        dialog->setAutoClose(false);
        dialog->setAutoReset(false);
        dialog->setValue(0);
    }
    QPointer<QProgressDialog> target(dialog.get());
    hyper::Feedback feedback([target](double f, const QString &) {
        // Called on the worker: the dialog is updated on the GUI thread.
        QMetaObject::invokeMethod(qApp, [target, f] {
            if (target && !target->wasCanceled()) // a late value must not show a canceled dialog again
                target->setValue(int(f * 1000));
        }, Qt::QueuedConnection);
    }, 50);
    if (dialog)
        QObject::connect(dialog.get(), &QProgressDialog::canceled, dialog.get(), [&feedback] { feedback.cancel(); });

    enum class Outcome { Done, Canceled, Failed };
    Outcome outcome = Outcome::Failed;
    QString error;
    QEventLoop loop;
    std::unique_ptr<QThread> worker(QThread::create([&] {
        try {
            hyper::createSampleProject(path, hyper::SampleParams{}, feedback);
            outcome = Outcome::Done;
        } catch (const hyper::Canceled &) {
            outcome = Outcome::Canceled;
        } catch (const std::exception &e) {
            error = QString::fromUtf8(e.what());
        }
    }));
    QObject::connect(worker.get(), &QThread::finished, &loop, &QEventLoop::quit);
    worker->start();
    loop.exec();
    worker->wait();
    if (dialog)
        dialog->hide(); // before any error box
    if (outcome == Outcome::Done)
        return true;
    hyper::ProjectStore::removeFiles(path); // nothing half-written stays for the next start
    if (outcome == Outcome::Failed) {
        std::fprintf(stderr, "hyper-workbench: cannot create the sample project %s: %s\n", qUtf8Printable(path),
                     qUtf8Printable(error));
        if (!headless)
            QMessageBox::critical(nullptr, QStringLiteral("HyPER Workbench"),
                                  QObject::tr("Cannot create the sample project %1:\n%2").arg(path, error));
    }
    return false;
}

} // namespace

namespace {

// Milliseconds since the kernel started this process (before the dynamic loader ran):
// /proc/self/stat field 22 against /proc/uptime, at clock-tick resolution (10 ms).
long long msSinceExec()
{
    QFile stat(QStringLiteral("/proc/self/stat")), uptime(QStringLiteral("/proc/uptime"));
    if (!stat.open(QIODevice::ReadOnly) || !uptime.open(QIODevice::ReadOnly))
        return -1;
    const QByteArray line = stat.readAll();
    const QList<QByteArray> fields = line.mid(line.lastIndexOf(')') + 2).split(' ');
    if (fields.size() < 20)
        return -1;
    const double startTicks = fields[19].toDouble(); // field 22 overall; 20th after "pid (comm)"
    const double up = uptime.readAll().split(' ').value(0).toDouble();
    return qint64((up - startTicks / double(sysconf(_SC_CLK_TCK))) * 1000.0);
}

/** --bench-label N: routes every train instance to humans when none is (a stored plan
 *  "bench-label-all", applied), then times N save-and-advance cycles of the Label tab and
 *  prints them as JSON. Returns the exit code. */
int benchLabel(const QString &path, int cycles, bool keepLabels, const QString &annotator)
{
    try {
        QElapsedTimer setup;
        setup.start();
        hyper::ProjectStore store(path, hyper::ProjectStore::Mode::OpenExisting, /*checkIntegrity=*/false);
        // As the window sets up its connection: a short busy timeout with retries from the
        // event loop, and checkpoints on another thread.
        store.setInteractive();
        hyper::WalCheckpointer checkpointer(path);
        hyper::InstanceFilter human;
        human.split = hyper::Split::Train;
        human.route = QStringLiteral("human");
        bool routedNow = false;
        if (store.countInstances(human) == 0) {
            hyper::InstanceFilter train;
            train.split = hyper::Split::Train;
            std::vector<qint64> ids;
            for (const hyper::InstanceSummary &s : store.listInstances(train, 0, 10'000'000))
                ids.push_back(s.id);
            hyper::RoutePlanRecord plan;
            plan.strategy = QStringLiteral("bench-label-all");
            plan.budget = qint64(ids.size());
            hyper::applyRoutePlan(store, hyper::insertRoutePlan(store, plan, ids));
            routedNow = true;
        }
        const double setupSeconds = double(setup.elapsed()) / 1000.0;
        hyper::LabelView view;
        view.resize(1280, 800);
        view.show();
        QCoreApplication::processEvents();
        const hyper::LabelBenchResult r = hyper::runLabelBench(view, store, cycles, keepLabels, annotator);
        if (!r.error.isEmpty()) {
            std::fprintf(stderr, "hyper-workbench: --bench-label: %s\n", qUtf8Printable(r.error));
            return 1;
        }
        std::printf("{\"cycles\": %d, \"routed\": %lld, \"routed_now\": %s, \"setup_seconds\": %.2f, "
                    "\"session_call_ms\": %.2f, \"session_start_ms\": %.2f, \"stalls\": %d, \"median_ms\": %.3f, \"p95_ms\": %.3f, \"max_ms\": %.3f, "
                    "\"save_median_ms\": %.3f, \"save_p95_ms\": %.3f, \"save_max_ms\": %.3f, "
                    "\"cpu_median_ms\": %.3f, \"cpu_p95_ms\": %.3f, \"busy_retries\": %d, \"checkpoints\": %d}\n",
                    r.cycles, qint64(r.routed), routedNow ? "true" : "false", setupSeconds, r.sessionCallMs, r.sessionStartMs, r.stalls,
                    r.medianMs, r.p95Ms, r.maxMs, r.saveMedianMs, r.saveP95Ms, r.saveMaxMs, r.cpuMedianMs,
                    r.cpuP95Ms, r.busyRetries, checkpointer.checkpoints());
        return 0;
    } catch (const std::exception &e) {
        std::fprintf(stderr, "hyper-workbench: --bench-label: %s\n", e.what());
        return 1;
    }
}

} // namespace

int main(int argc, char *argv[])
{
    QElapsedTimer sinceStart;
    sinceStart.start();

    // --help and --version print and quit: they must work without a display (over ssh,
    // for help2man at build time), so they get the offscreen platform.
    for (int i = 1; i < argc; ++i) {
        const std::string_view a = argv[i];
        if ((a == "--help" || a == "-h" || a == "--help-all" || a == "--version" || a == "-v")
            && !qEnvironmentVariableIsSet("QT_QPA_PLATFORM"))
            qputenv("QT_QPA_PLATFORM", "offscreen");
    }
    QApplication app(argc, argv);
    hyper::ml::configureThreads(); // OpenBLAS: a thread per core; LibTorch's own pool: 1
    QApplication::setOrganizationName(QStringLiteral("HyPER"));
    QApplication::setApplicationName(QStringLiteral("HyPER Workbench"));
#ifdef HYPER_VERSION
    QApplication::setApplicationVersion(QStringLiteral(HYPER_VERSION));
#endif
    QApplication::setWindowIcon(QIcon(QStringLiteral(":/icons/hyper.svg")));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Browse, label and route pairwise preference data."));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addPositionalArgument(QStringLiteral("project"), QStringLiteral("The project (.hyper) to open."),
        QStringLiteral("[PROJECT]"));
    const QCommandLineOption measureOption(QStringLiteral("measure-startup"),
        QStringLiteral("Print {\"first_paint_ms\": x, \"rows\": n} once the table has painted, then quit."));
    const QCommandLineOption screenshotOption(QStringLiteral("screenshot"),
        QStringLiteral("Select the first row, save the window to FILE, then quit."), QStringLiteral("FILE"));
    const QCommandLineOption tabOption(QStringLiteral("tab"),
        QStringLiteral("Show this tab (Dataset, Features, Training, PPM, Routing) at start."), QStringLiteral("NAME"));
    const QCommandLineOption delayOption(QStringLiteral("screenshot-delay"),
        QStringLiteral("Milliseconds to wait before --screenshot grabs (for background work to draw)."),
        QStringLiteral("MS"), QStringLiteral("200"));
    parser.addOption(measureOption);
    parser.addOption(screenshotOption);
    parser.addOption(tabOption);
    const QCommandLineOption benchLabelOption(QStringLiteral("bench-label"),
        QStringLiteral("Time N save-and-advance cycles of the Label tab on PROJECT (routing every train instance "
                       "to humans when none is), print JSON, quit."), QStringLiteral("N"));
    const QCommandLineOption keepLabelsOption(QStringLiteral("keep-labels"),
        QStringLiteral("With --bench-label: keep the labels saved and print \"saved LABEL_ID\" on stdout, flushed, "
                       "right after each commit (the crash harness of the stress test)."));
    const QCommandLineOption sizeOption(QStringLiteral("size"),
        QStringLiteral("With --screenshot: the window's size, e.g. 1280x720 (default 1400x900)."), QStringLiteral("WxH"));
    parser.addOption(sizeOption);
    parser.addOption(delayOption);
    parser.addOption(benchLabelOption);
    parser.addOption(keepLabelsOption);
    const QCommandLineOption annotatorOption(QStringLiteral("annotator"),
        QStringLiteral("With --bench-label: the annotator of the session (default bench-label)."), QStringLiteral("NAME"),
        QStringLiteral("bench-label"));
    parser.addOption(annotatorOption);
    parser.process(app);
    if (parser.isSet(benchLabelOption)) {
        bool ok = false;
        const int cycles = parser.value(benchLabelOption).toInt(&ok);
        if (!ok || cycles < 1 || parser.positionalArguments().isEmpty()) {
            std::fprintf(stderr, "hyper-workbench: --bench-label needs N >= 1 and a PROJECT\n");
            return 2;
        }
        return benchLabel(parser.positionalArguments().first(), cycles, parser.isSet(keepLabelsOption),
                          parser.value(annotatorOption));
    }

    const QStringList args = parser.positionalArguments();
    const bool headless = parser.isSet(measureOption) || parser.isSet(screenshotOption);
    hyper::MainWindow window;
    // Measuring and screenshot runs use the default size and leave the settings alone.
    window.setSessionPersistent(!headless);
    QString error;
    if (!args.isEmpty()) {
        if (!window.openProject(args.first(), hyper::ProjectStore::Mode::OpenExisting, &error)) {
            std::fprintf(stderr, "hyper-workbench: %s\n", qUtf8Printable(error));
            return 1;
        }
    } else {
        const QString path = defaultProject();
        const bool firstStart = !QFileInfo::exists(path);
        if (firstStart && !createSample(path, headless))
            return 1;
        if (firstStart)
            window.showWelcome();
        if (!window.openProject(path, hyper::ProjectStore::Mode::OpenOrCreate, &error)) {
            std::fprintf(stderr, "hyper-workbench: %s\n", qUtf8Printable(error));
            if (headless)
                return 1;
            QMessageBox::warning(&window, QStringLiteral("HyPER Workbench"), error);
        }
    }

    if (parser.isSet(sizeOption)) {
        const QStringList wh = parser.value(sizeOption).split(QLatin1Char('x'));
        bool okW = false, okH = false;
        const int w = wh.value(0).toInt(&okW), h = wh.value(1).toInt(&okH);
        if (wh.size() != 2 || !okW || !okH || w < 200 || h < 200) {
            std::fprintf(stderr, "hyper-workbench: --size needs WxH, e.g. 1280x720\n");
            return 2;
        }
        window.resize(w, h);
    }
    hyper::FirstPaintWatcher watcher(window.instanceView()->viewport());
    if (parser.isSet(measureOption)) {
        QObject::connect(&watcher, &hyper::FirstPaintWatcher::painted, &app, [&] {
            std::printf("{\"first_paint_ms\": %lld, \"since_exec_ms\": %lld, \"rows\": %d}\n",
                qint64(sinceStart.elapsed()), msSinceExec(),
                window.instanceModel()->rowCount());
            std::fflush(stdout);
            if (!parser.isSet(screenshotOption))
                QTimer::singleShot(0, &app, &QApplication::quit);
        });
    }
    if (parser.isSet(screenshotOption)) {
        const QString file = parser.value(screenshotOption);
        QObject::connect(&watcher, &hyper::FirstPaintWatcher::painted, &app, [&, file] {
            window.selectRow(0);
            if (parser.isSet(tabOption) && !window.showTab(parser.value(tabOption)))
                std::fprintf(stderr, "hyper-workbench: no tab %s\n", qUtf8Printable(parser.value(tabOption)));
            // Let the detail pane (and the chosen tab's background work) draw before grabbing.
            QTimer::singleShot(parser.value(delayOption).toInt(), &app, [&, file] {
                const bool ok = window.grab().save(file);
                if (!ok)
                    std::fprintf(stderr, "hyper-workbench: cannot write %s\n", qUtf8Printable(file));
                QApplication::exit(ok ? 0 : 1);
            });
        });
    }
    if (parser.isSet(tabOption) && !parser.isSet(screenshotOption) && !window.showTab(parser.value(tabOption)))
        std::fprintf(stderr, "hyper-workbench: no tab %s\n", qUtf8Printable(parser.value(tabOption)));
    window.show();
    return app.exec();
}
