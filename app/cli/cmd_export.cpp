// SPDX-License-Identifier: GPL-3.0-or-later
// hyper export: the resolved train split as a DPO / TRL / CSV file with its dataset card
// (docs/EXPORT.md).
#include "app/cli/cli.h"
#include "core/export/exporter.h"

#include <QJsonObject>
#include <QRegularExpression>

namespace hyper::cli {

namespace {

/** The command line as a shell would take it back (for the card). */
QString quotedCommand(const QStringList &args)
{
    static const QRegularExpression plain(QStringLiteral("^[A-Za-z0-9_./:=@%+,-]+$"));
    QStringList parts { QStringLiteral("hyper export") };
    for (qsizetype i = 1; i < args.size(); ++i) {
        QString a = args[i];
        if (!plain.match(a).hasMatch())
            a = QLatin1Char('\'') + a.replace(QLatin1Char('\''), QLatin1String("'\\''")) + QLatin1Char('\'');
        parts << a;
    }
    return parts.join(QLatin1Char(' '));
}

} // namespace

int cmdExport(const QStringList &args)
{
    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral(
        "Export the resolved train split: the human label (folded majority of the crowd annotators) "
        "where an instance is routed to humans and labelled, the LM label elsewhere; ties and missing "
        "labels dropped. Writes FILE, a dataset card (FILE.md unless --card/--no-card) and optionally "
        "the raw labels, all atomically: a failure leaves no file."));
    addProjectOption(p);
    addJsonOption(p);
    p.addOption({ QStringLiteral("format"), QStringLiteral("dpo | trl | csv"), QStringLiteral("FORMAT") });
    p.addOption({ QStringLiteral("out"), QStringLiteral("The output file."), QStringLiteral("FILE") });
    p.addOption({ QStringLiteral("plan"),
        QStringLiteral("Human set: the instances of this routing plan "
                       "(default: the route column)."),
        QStringLiteral("ID") });
    p.addOption({ QStringLiteral("judge"),
        QStringLiteral("LM labels of this judge only (default: the "
                       "folded majority of all judges)."),
        QStringLiteral("NAME") });
    p.addOption(
        { QStringLiteral("expert-weight"), QStringLiteral("Annotators of kind expert count double.") });
    p.addOption({ QStringLiteral("prefer-human"),
        QStringLiteral("Unrouted instances (route '') take their "
                       "human label when they have one.") });
    p.addOption({ QStringLiteral("conversational"),
        QStringLiteral("trl: prompt/chosen/rejected as message lists.") });
    p.addOption({ QStringLiteral("card"), QStringLiteral("The dataset card (default: FILE.md)."),
        QStringLiteral("CARD") });
    p.addOption({ QStringLiteral("no-card"), QStringLiteral("Write no dataset card.") });
    p.addOption({ QStringLiteral("card-license"),
        QStringLiteral("The data's license in the card's Hugging Face metadata (an HF license id; default: unknown)."),
        QStringLiteral("ID") });
    p.addOption({ QStringLiteral("card-language"),
        QStringLiteral("A language of the data (ISO 639-1, repeatable; default: en)."), QStringLiteral("CODE") });
    p.addOption({ QStringLiteral("raw"), QStringLiteral("Also write every human and LM label row as JSONL."),
        QStringLiteral("RAW") });
    parseOrThrow(p, args);
    requireProject(p);

    exporting::ExportParams params;
    const QString format = p.value(QStringLiteral("format"));
    if (format.isEmpty())
        throw UsageError("--format dpo|trl|csv is required");
    const auto f = exporting::parseFormat(format);
    if (!f)
        throw UsageError(QStringLiteral("unknown format '%1' (dpo, trl or csv)").arg(format).toStdString());
    params.format = *f;
    params.outPath = p.value(QStringLiteral("out"));
    if (params.outPath.isEmpty())
        throw UsageError("--out FILE is required (- for stdout)");
    // --out -: the data on stdout (the export writes atomically and reads its own output
    // for the card, so it writes a temporary file first). The card only with --card.
    const StdoutTarget stdoutTarget(params.outPath, p.isSet(QStringLiteral("json")), QStringLiteral("export.out"));
    params.conversational = p.isSet(QStringLiteral("conversational"));
    if (params.conversational && params.format != exporting::Format::Trl)
        throw UsageError("--conversational applies to --format trl only");
    if (p.isSet(QStringLiteral("card")) && p.isSet(QStringLiteral("no-card")))
        throw UsageError("--card and --no-card exclude each other");
    if (!p.isSet(QStringLiteral("no-card")) && (p.isSet(QStringLiteral("card")) || !stdoutTarget.active()))
        params.cardPath = p.isSet(QStringLiteral("card")) ? p.value(QStringLiteral("card"))
                                                          : params.outPath + QStringLiteral(".md");
    params.rawPath = p.value(QStringLiteral("raw"));
    if (p.isSet(QStringLiteral("card-license")))
        params.cardLicense = p.value(QStringLiteral("card-license")).trimmed();
    if (p.isSet(QStringLiteral("card-language")))
        params.cardLanguages = p.values(QStringLiteral("card-language"));
    if (p.isSet(QStringLiteral("plan"))) {
        bool ok = false;
        const qint64 plan = p.value(QStringLiteral("plan")).toLongLong(&ok);
        if (!ok)
            throw UsageError("--plan takes a numeric plan id");
        params.resolve.planId = plan;
    }
    params.resolve.judge = p.value(QStringLiteral("judge"));
    if (p.isSet(QStringLiteral("judge")) && params.resolve.judge.isEmpty())
        throw UsageError("--judge takes a judge name");
    params.resolve.expertWeight = p.isSet(QStringLiteral("expert-weight"));
    params.resolve.preferHuman = p.isSet(QStringLiteral("prefer-human"));
    params.command = quotedCommand(args);
    // Testing aid (docs/EXPORT.md): fail after N rows, to show that nothing is left behind.
    const QByteArray failAfter = qgetenv("HYPER_TEST_EXPORT_FAIL_AFTER");
    if (!failAfter.isEmpty()) {
        const qint64 n = failAfter.toLongLong();
        params.afterRow = [n](qint64 rows) {
            if (rows >= n)
                throw std::runtime_error("injected failure after " + std::to_string(rows) + " rows");
        };
    }

    const auto project = openProject(p);
    Feedback feedback = stderrFeedback(QStringLiteral("export"));
    exporting::ExportResult r;
    try {
        r = exporting::runExport(*project, params, feedback);
    } catch (const exporting::ExportRequestError &e) {
        throw UsageError(e.what());
    } catch (const exporting::ExportIoError &e) {
        say(QStringLiteral("hyper export: %1; nothing was written").arg(QString::fromUtf8(e.what())));
        return 1;
    }
    stdoutTarget.finish(params.outPath);

    if (p.isSet(QStringLiteral("json"))) {
        QJsonObject judges;
        for (const auto &[name, rows] : r.judgeRows)
            judges.insert(QString::fromStdString(name), rows);
        QJsonObject o { { QStringLiteral("exported"), r.exported }, { QStringLiteral("human"), r.human },
            { QStringLiteral("lm"), r.lm }, { QStringLiteral("dropped"), r.dropped },
            { QStringLiteral("dropped_tie"), r.droppedTie },
            { QStringLiteral("dropped_unlabelled"), r.droppedWithoutAnyLabel() },
            { QStringLiteral("dropped_unrouted_human"), r.droppedUnroutedHuman },
            { QStringLiteral("instances"), r.instances }, { QStringLiteral("routed_human"), r.routedHuman },
            { QStringLiteral("human_fallback_lm"), r.humanFallback }, { QStringLiteral("judges"), judges },
            { QStringLiteral("adjudicated"), r.adjudicated },
            { QStringLiteral("format"), exporting::formatName(params.format) },
            { QStringLiteral("out"), params.outPath },
            { QStringLiteral("card"),
                params.cardPath.isEmpty() ? QJsonValue() : QJsonValue(params.cardPath) },
            { QStringLiteral("raw"), params.rawPath.isEmpty() ? QJsonValue() : QJsonValue(params.rawPath) },
            { QStringLiteral("raw_labels"), r.rawLabels }, { QStringLiteral("seconds"), r.seconds } };
        if (params.resolve.planId)
            o.insert(QStringLiteral("plan"), *params.resolve.planId);
        printJson(o);
    } else {
        say(QStringLiteral(
            "exported %1 pairs to %2 (%3 human, %4 LM; %5 dropped: %6 ties, %7 with no label, %8 labelled by humans "
            "but not routed to them) in %9 s")
                .arg(QString::number(r.exported), params.outPath, QString::number(r.human),
                    QString::number(r.lm), QString::number(r.dropped), QString::number(r.droppedTie),
                    QString::number(r.droppedWithoutAnyLabel()), QString::number(r.droppedUnroutedHuman),
                    QString::number(r.seconds, 'f', 2)));
        if (r.droppedUnroutedHuman > 0 && !params.resolve.preferHuman)
            say(QStringLiteral("hint: --prefer-human exports the %1 unrouted instances that have human labels")
                    .arg(r.droppedUnroutedHuman));
        if (!params.cardPath.isEmpty())
            say(QStringLiteral("dataset card: %1").arg(params.cardPath));
        if (!params.rawPath.isEmpty())
            say(QStringLiteral("raw labels: %1 rows in %2").arg(r.rawLabels).arg(params.rawPath));
    }
    return 0;
}

} // namespace hyper::cli
