#pragma once

// Running the `hyper` command line from tests (tst_cli*, HYPER_CLI_PATH set by CMake).
#include <QByteArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QStringList>

namespace hyper::testing {

/** One finished `hyper` call: exit code (-1 when it crashed or hung), stdout, stderr. */
struct CliRun {
    int code = -1;
    QByteArray out, err;
    QJsonObject json() const { return QJsonDocument::fromJson(out).object(); }
};

/** Runs `hyper ARGS` and waits up to three minutes. */
inline CliRun runCli(const QStringList &args)
{
    QProcess p;
    p.start(QStringLiteral(HYPER_CLI_PATH), args);
    p.waitForFinished(180000);
    return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1, p.readAllStandardOutput(),
            p.readAllStandardError()};
}

} // namespace hyper::testing
