#include "app/cli/cli.h"

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
        std::fputs(qPrintable(parser.helpText()), stdout);
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

QString requireProject(const QCommandLineParser &parser)
{
    const QString p = parser.value(QStringLiteral("project"));
    if (p.isEmpty())
        throw UsageError("--project FILE is required");
    return p;
}

std::unique_ptr<ProjectStore> openProject(const QCommandLineParser &parser, ProjectStore::Mode mode)
{
    const QString path = requireProject(parser);
    try {
        return std::make_unique<ProjectStore>(path, mode);
    } catch (const StoreError &e) {
        throw BadInput(e.what());
    }
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

void say(const QString &text)
{
    std::fputs(qPrintable(text), stderr);
    std::fputc('\n', stderr);
}

} // namespace hyper::cli
