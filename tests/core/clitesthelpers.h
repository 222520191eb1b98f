// SPDX-License-Identifier: GPL-3.0-or-later
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

/** Starts another program (python3's sqlite3) that takes the project's write lock
 *  (BEGIN IMMEDIATE), holds it for `seconds` and rolls back; returns once it holds it. */
inline bool holdWriteLock(QProcess &holder, const QString &project, double seconds)
{
    holder.start(QStringLiteral("/usr/bin/python3"),
                 {QStringLiteral("-c"),
                  QStringLiteral("import sqlite3, sys, time\n"
                                 "c = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
                                 "c.execute('BEGIN IMMEDIATE')\n"
                                 "print('locked', flush=True)\n"
                                 "time.sleep(%1)\n"
                                 "c.execute('ROLLBACK')\n")
                      .arg(seconds),
                  project});
    return holder.waitForReadyRead(30000) && holder.readLine().trimmed() == "locked";
}

} // namespace hyper::testing
