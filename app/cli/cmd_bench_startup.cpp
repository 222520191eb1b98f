// SPDX-License-Identifier: GPL-3.0-or-later
// hyper bench startup (issue 17): how long the programs take from exec to exit (the
// workbench: to its first painted rows) with LibTorch loaded only on first use, against
// the same commands with it mapped at start (HYPER_ML_PRELOAD=1), in one run.
#include "app/cli/cli.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonObject>
#include <QProcess>

#include <algorithm>

namespace hyper::cli {
namespace {

struct Measured {
    QString name;
    double lazyMs = 0, preloadMs = 0;
};

double median(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    return v.empty() ? 0.0 : (v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2);
}

/** Wall milliseconds from start to exit; throws when the program fails. */
double timeRun(const QString &program, const QStringList &args, bool preload)
{
    QProcess p;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.remove(QStringLiteral("HYPER_ML_PRELOAD"));
    if (preload)
        env.insert(QStringLiteral("HYPER_ML_PRELOAD"), QStringLiteral("1"));
    env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
    p.setProcessEnvironment(env);
    p.setProcessChannelMode(QProcess::MergedChannels);
    QElapsedTimer timer;
    timer.start();
    p.start(program, args);
    if (!p.waitForFinished(120000) || p.exitStatus() != QProcess::NormalExit || p.exitCode() != 0)
        throw BadInput(QStringLiteral("bench startup: '%1 %2' failed: %3")
                           .arg(program, args.join(QLatin1Char(' ')), QString::fromUtf8(p.readAll().left(400)))
                           .toStdString());
    return double(timer.nsecsElapsed()) / 1e6;
}

} // namespace

int benchStartup(const QStringList &args)
{
    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral(
        "Start-up with LibTorch loaded on first use against the same commands with it loaded at start "
        "(HYPER_ML_PRELOAD=1), alternating, median of --runs each. Issue target: hyper info on the sample "
        "<= 0.1 s."));
    addJsonOption(p);
    p.addOption({QStringLiteral("runs"), QStringLiteral("Runs per command and side (default 7)."), QStringLiteral("N"),
                 QStringLiteral("7")});
    p.addOption({QStringLiteral("project"),
                 QStringLiteral("The project (default: the sample, made in --dir when absent)."), QStringLiteral("FILE")});
    p.addOption({QStringLiteral("dir"), QStringLiteral("Work folder (default out/bench)."), QStringLiteral("DIR"),
                 QStringLiteral("out/bench")});
    parseOrThrow(p, args);
    const int runs = intOption(p, QStringLiteral("runs"), 1, 1000);
    const QString self = QCoreApplication::applicationFilePath();
    QString project = p.value(QStringLiteral("project"));
    if (project.isEmpty()) {
        QDir().mkpath(p.value(QStringLiteral("dir")));
        project = QDir(p.value(QStringLiteral("dir"))).absoluteFilePath(QStringLiteral("startup-sample.hyper"));
        if (!QFileInfo::exists(project))
            timeRun(self, {QStringLiteral("sample"), QStringLiteral("--project"), project}, false);
    }
    struct Command {
        QString name, program;
        QStringList args;
    };
    std::vector<Command> commands = {
        {QStringLiteral("hyper --help"), self, {QStringLiteral("--help")}},
        {QStringLiteral("hyper info"), self, {QStringLiteral("info"), QStringLiteral("--project"), project}},
        {QStringLiteral("hyper list"), self,
         {QStringLiteral("list"), QStringLiteral("--project"), project, QStringLiteral("--limit"), QStringLiteral("20")}},
    };
    // The workbench beside this program (installed) or in the build tree.
    const QDir here(QCoreApplication::applicationDirPath());
    for (const QString &candidate : {here.filePath(QStringLiteral("hyper-workbench")),
                                     here.filePath(QStringLiteral("../gui/hyper-workbench"))})
        if (QFileInfo(candidate).isExecutable()) {
            commands.push_back({QStringLiteral("hyper-workbench, to first rows"), QDir::cleanPath(candidate),
                                {project, QStringLiteral("--measure-startup")}});
            break;
        }
    std::vector<Measured> results;
    for (const Command &c : commands) {
        std::vector<double> lazy, preload;
        timeRun(c.program, c.args, false); // warm the page cache
        timeRun(c.program, c.args, true);
        for (int i = 0; i < runs; ++i) {
            lazy.push_back(timeRun(c.program, c.args, false));
            preload.push_back(timeRun(c.program, c.args, true));
        }
        results.push_back({c.name, median(lazy), median(preload)});
    }
    if (p.isSet(QStringLiteral("json"))) {
        QJsonArray rows;
        for (const Measured &m : results)
            rows.append(QJsonObject{{QStringLiteral("command"), m.name},
                                    {QStringLiteral("lazy_ms"), m.lazyMs},
                                    {QStringLiteral("preload_ms"), m.preloadMs},
                                    {QStringLiteral("ratio"), m.preloadMs > 0 ? m.lazyMs / m.preloadMs : 0.0}});
        printJson({{QStringLiteral("project"), project}, {QStringLiteral("runs"), runs},
                   {QStringLiteral("load_average"), loadAverage()}, {QStringLiteral("commands"), rows}});
        return 0;
    }
    say(QStringLiteral("start-up on %1, median of %2 runs each (load %3):").arg(project).arg(runs).arg(loadAverage(), 0, 'f', 2));
    for (const Measured &m : results)
        say(QStringLiteral("  %1: %2 ms with LibTorch on first use, %3 ms with it loaded at start (ratio %4)")
                .arg(m.name, -32)
                .arg(m.lazyMs, 0, 'f', 0)
                .arg(m.preloadMs, 0, 'f', 0)
                .arg(m.preloadMs > 0 ? m.lazyMs / m.preloadMs : 0.0, 0, 'f', 2));
    return 0;
}

} // namespace hyper::cli
