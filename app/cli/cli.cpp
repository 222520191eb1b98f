// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/cli/cli.h"

#include "core/storage/filesystem.h"

#include "core/routing/collect.h"

#include <QFile>
#include <QTemporaryDir>
#include <QJsonDocument>
#include <cstdio>
#include <unistd.h>

namespace hyper::cli {

void parseOrThrow(QCommandLineParser &parser, const QStringList &args)
{
    parser.addHelpOption();
    if (!parser.parse(args))
        throw UsageError(parser.errorText().toStdString());
    if (parser.isSet(QStringLiteral("help"))) {
        // Qt's usage line names the executable (QCoreApplication::arguments()); ours names
        // the subcommand too: "Usage: hyper import [options]".
        QString text = parser.helpText();
        const QString usagePrefix = QStringLiteral("Usage: ");
        const qsizetype eol = text.indexOf(QLatin1Char('\n'));
        const qsizetype options = text.indexOf(QStringLiteral(" [options]"));
        if (text.startsWith(usagePrefix) && options > 0 && (eol < 0 || options < eol) && !args.isEmpty())
            text.replace(usagePrefix.size(), options - usagePrefix.size(), args.first());
        std::fputs(qPrintable(text), stdout);
        std::exit(0);
    }
}

void addProjectOption(QCommandLineParser &parser)
{
    parser.addOption({QStringLiteral("project"), QStringLiteral("The project file (*.hyper)."),
                      QStringLiteral("FILE")});
}

void addJsonOption(QCommandLineParser &parser)
{
    parser.addOption({QStringLiteral("json"), QStringLiteral("Print one JSON object on stdout.")});
}

QMap<QString, QString> mapOptions(const QCommandLineParser &p)
{
    QMap<QString, QString> map;
    for (const QString &m : p.values(QStringLiteral("map"))) {
        const qsizetype eq = m.indexOf(QLatin1Char('='));
        // FIELD= (no column) switches the field off (docs/IMPORT.md).
        if (eq <= 0)
            throw UsageError(QStringLiteral("--map needs FIELD=COLUMN, got '%1'").arg(m).toStdString());
        map.insert(m.left(eq), m.mid(eq + 1));
    }
    return map;
}

QJsonObject sectionsJson(const ml::SectionScores &scores)
{
    QJsonObject o;
    for (const auto &[name, acc] : scores.sections)
        o.insert(QString::fromStdString(name), acc);
    return o;
}

QString requireProject(const QCommandLineParser &parser)
{
    const QString p = parser.value(QStringLiteral("project"));
    if (p.isEmpty())
        throw UsageError("--project FILE is required");
    return p;
}

StdoutTarget::StdoutTarget(QString &out, bool json, const QString &fileName)
{
    if (out != QLatin1String("-"))
        return;
    if (json)
        throw UsageError("--out - and --json both want stdout");
    m_dir = std::make_unique<QTemporaryDir>();
    if (!m_dir->isValid())
        throw BadInput("cannot create a temporary folder for --out -");
    out = m_dir->filePath(fileName);
}

StdoutTarget::~StdoutTarget() = default;

void StdoutTarget::finish(QString &out) const
{
    if (!active())
        return;
    QFile f(out);
    if (!f.open(QIODevice::ReadOnly))
        throw BadInput(QStringLiteral("cannot read %1: %2").arg(out, f.errorString()).toStdString());
    std::fflush(stdout);
    char buffer[1 << 16];
    for (qint64 n; (n = f.read(buffer, sizeof buffer)) > 0;)
        if (std::fwrite(buffer, 1, std::size_t(n), stdout) != std::size_t(n))
            throw BadInput("cannot write to stdout");
    std::fflush(stdout);
    out = QStringLiteral("-");
}

void addCheckOption(QCommandLineParser &parser)
{
    parser.addOption({QStringLiteral("check"),
                      QStringLiteral("Run SQLite's integrity check over the whole project file first (the commands "
                                     "that write always do).")});
}

std::unique_ptr<ProjectStore> openProject(const QCommandLineParser &parser, ProjectStore::Mode mode, bool checkIntegrity)
{
    const QString path = requireProject(parser);
    if (const QString warning = networkFileSystemWarning(path); !warning.isEmpty())
        std::fprintf(stderr, "hyper: warning: %s\n", qUtf8Printable(warning));
    try {
        return std::make_unique<ProjectStore>(path, mode, checkIntegrity);
    } catch (const StoreError &e) {
        throw BadInput(e.what());
    }
}

void addSlurmOptions(QCommandLineParser &p)
{
    const QString options[][3] = {
        {QStringLiteral("slurm-dir"), QStringLiteral("Write a Slurm job into DIR instead of training here."), QStringLiteral("DIR")},
        {QStringLiteral("partition"), QStringLiteral("With --slurm-dir: #SBATCH --partition."), QStringLiteral("NAME")},
        {QStringLiteral("gres"), QStringLiteral("With --slurm-dir: #SBATCH --gres (e.g. gpu:1)."), QStringLiteral("GRES")},
        {QStringLiteral("time"), QStringLiteral("With --slurm-dir: #SBATCH --time (HH:MM:SS)."), QStringLiteral("TIME")},
        {QStringLiteral("cpus-per-task"), QStringLiteral("With --slurm-dir: #SBATCH --cpus-per-task (default 1)."), QStringLiteral("N")},
        {QStringLiteral("mem"), QStringLiteral("With --slurm-dir: #SBATCH --mem (e.g. 8G)."), QStringLiteral("SIZE")},
        {QStringLiteral("train-command"),
         QStringLiteral("With --slurm-dir: hyper-train's absolute path on the nodes (default: the one beside this hyper)."),
         QStringLiteral("PATH")},
        {QStringLiteral("import-results"), QStringLiteral("Bring the finished tasks of a job folder into the project."),
         QStringLiteral("DIR")},
    };
    for (const auto &o : options)
        p.addOption({o[0], o[1], o[2]});
}

QString trainCommandOption(const QCommandLineParser &p)
{
    if (p.isSet(QStringLiteral("train-command")))
        return p.value(QStringLiteral("train-command"));
    const QString found = routing::findTrainCommand();
    if (found.isEmpty())
        throw UsageError("cannot find hyper-train: name it with --train-command PATH");
    return found;
}

void printJson(const QJsonObject &object)
{
    const QByteArray out = QJsonDocument(object).toJson(QJsonDocument::Compact);
    std::fwrite(out.constData(), 1, size_t(out.size()), stdout);
    std::fputc('\n', stdout);
    std::fflush(stdout);
}

Feedback stderrFeedback(const QString &what)
{
    const bool tty = isatty(fileno(stderr));
    return Feedback(
        [what, tty](double f, const QString &message) {
            if (!tty)
                return;
            std::fprintf(stderr, "\r%s %5.1f%% %-48s", qPrintable(what), f * 100.0, qPrintable(message));
            if (f >= 1.0)
                std::fputc('\n', stderr);
        },
        200);
}

double loadAverage()
{
    QFile f(QStringLiteral("/proc/loadavg"));
    if (!f.open(QIODevice::ReadOnly))
        return -1;
    bool ok = false;
    const double v = f.readLine().split(' ').value(0).toDouble(&ok);
    return ok ? v : -1;
}

void say(const QString &text)
{
    std::fputs(qPrintable(text), stderr);
    std::fputc('\n', stderr);
}

int intOption(const QCommandLineParser &parser, const QString &name, int lo, int hi)
{
    bool ok = false;
    const int v = parser.value(name).toInt(&ok);
    if (!ok || v < lo || v > hi)
        throw UsageError(
            QStringLiteral("--%1 must be an integer between %2 and %3").arg(name).arg(lo).arg(hi).toStdString());
    return v;
}

quint64 seedOption(const QCommandLineParser &parser)
{
    bool ok = false;
    const quint64 v = parser.value(QStringLiteral("seed")).toULongLong(&ok);
    if (!ok)
        throw UsageError("--seed must be an unsigned integer");
    return v;
}

void addSyntheticBenchOptions(QCommandLineParser &parser, const QString &defaultCandidates)
{
    parser.addOption({QStringLiteral("instances"), QStringLiteral("N."), QStringLiteral("N"), QStringLiteral("10000")});
    parser.addOption({QStringLiteral("candidates"), QStringLiteral("K."), QStringLiteral("K"), defaultCandidates});
    parser.addOption({QStringLiteral("budget"), QStringLiteral("Budget as a fraction of N."), QStringLiteral("B"),
                      QStringLiteral("0.5")});
    parser.addOption({QStringLiteral("threads"), QStringLiteral("Threads (0: all cores)."), QStringLiteral("T"),
                      QStringLiteral("0")});
    parser.addOption({QStringLiteral("seed"), QStringLiteral("Generator seed."), QStringLiteral("S"),
                      QStringLiteral("1")});
}

SyntheticBenchOptions syntheticBenchOptions(const QCommandLineParser &parser)
{
    bool ok1 = false, ok2 = false, ok3 = false, ok4 = false, ok5 = false;
    SyntheticBenchOptions o;
    o.instances = parser.value(QStringLiteral("instances")).toLongLong(&ok1);
    o.candidates = parser.value(QStringLiteral("candidates")).toLongLong(&ok2);
    o.budget = parser.value(QStringLiteral("budget")).toDouble(&ok3);
    o.threads = parser.value(QStringLiteral("threads")).toInt(&ok4);
    o.seed = parser.value(QStringLiteral("seed")).toULongLong(&ok5);
    if (!ok1 || !ok2 || !ok3 || !ok4 || !ok5 || o.instances < 1 || o.candidates < 1 || o.threads < 0 ||
        !(o.budget > 0) || o.budget > 1)
        throw UsageError("--instances, --candidates, --threads, --seed must be positive integers "
                         "and --budget a fraction in (0, 1]");
    return o;
}

Preference preferenceOption(const QString &option, const QString &text)
{
    if (const auto p = parsePreference(text))
        return *p;
    throw UsageError(QStringLiteral("%1: '%2' is not a preference; use one of: %3")
                         .arg(option, text, preferenceNames().join(QStringLiteral(", ")))
                         .toStdString());
}

qint64 instanceOption(const QCommandLineParser &parser)
{
    bool ok = false;
    const qint64 id = parser.value(QStringLiteral("instance")).toLongLong(&ok);
    if (!parser.isSet(QStringLiteral("instance")) || !ok || id <= 0)
        throw UsageError("--instance ID is required (a positive instance id, see 'hyper list')");
    return id;
}

} // namespace hyper::cli
