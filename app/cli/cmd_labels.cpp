// SPDX-License-Identifier: GPL-3.0-or-later
// hyper label: record one human label; hyper agreement: inter-annotator and
// human-vs-judge agreement, position bias (docs/AGREEMENT.md).
#include "app/cli/cli.h"
#include "core/domain/preference.h"
#include "core/domain/types.h"
#include "core/labels/agreementreport.h"
#include "core/storage/agreementqueries.h"
#include "core/storage/projectstore.h"

#include <QJsonObject>
#include <cmath>
#include <cstdio>

namespace hyper::cli {

namespace {

bool isAspect(const QString &name)
{
    for (const char *a : kAspects)
        if (name == QLatin1String(a))
            return true;
    return false;
}

QString aspectList()
{
    QStringList names;
    for (const char *a : kAspects)
        names << QString::fromLatin1(a);
    return names.join(QStringLiteral(", "));
}

/** NAME=VALUE, split at the first '='. */
std::pair<QString, QString> keyValue(const QString &option, const QString &text)
{
    const qsizetype eq = text.indexOf(QLatin1Char('='));
    if (eq <= 0)
        throw UsageError(QStringLiteral("%1 takes NAME=VALUE, got '%2'").arg(option, text).toStdString());
    return {text.left(eq).trimmed(), text.mid(eq + 1)};
}

std::optional<double> numberOption(const QCommandLineParser &p, const QString &name, bool nonNegative)
{
    if (!p.isSet(name))
        return std::nullopt;
    bool ok = false;
    const double v = p.value(name).toDouble(&ok);
    if (!ok || !std::isfinite(v) || (nonNegative && v < 0))
        throw UsageError(QStringLiteral("--%1 takes a %2number, got '%3'")
                             .arg(name, nonNegative ? QStringLiteral("non-negative ") : QString(), p.value(name))
                             .toStdString());
    return v;
}

QString fmt(double v, int decimals = 3)
{
    return std::isfinite(v) ? QString::number(v, 'f', decimals) : QStringLiteral("n/a");
}

} // namespace

int cmdLabel(const QStringList &args)
{
    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral(
        "Record one human label (committed before the command prints). PREF is one of: ")
        + preferenceNames().join(QStringLiteral(", ")) + QStringLiteral("."));
    addProjectOption(p);
    addJsonOption(p);
    p.addOption({QStringLiteral("instance"), QStringLiteral("The instance id (see 'hyper list')."), QStringLiteral("ID")});
    p.addOption({QStringLiteral("annotator"), QStringLiteral("The annotator's name (created when new)."), QStringLiteral("NAME")});
    p.addOption({QStringLiteral("overall"), QStringLiteral("The overall preference."), QStringLiteral("PREF")});
    p.addOption({QStringLiteral("aspect"),
                 QStringLiteral("An aspect's preference (repeatable); NAME is one of ") + aspectList() + QStringLiteral("."),
                 QStringLiteral("NAME=PREF")});
    p.addOption({QStringLiteral("kind"), QStringLiteral("normal, expert or gold: the kind of a new annotator."),
                 QStringLiteral("KIND")});
    p.addOption({QStringLiteral("rationale"), QStringLiteral("Free-text reason."), QStringLiteral("TEXT")});
    p.addOption({QStringLiteral("reason"),
                 QStringLiteral("A checked reason for 'overall' or an aspect (repeatable)."), QStringLiteral("NAME=TEXT")});
    p.addOption({QStringLiteral("confidence"), QStringLiteral("The annotator's confidence."), QStringLiteral("X")});
    p.addOption({QStringLiteral("time-spent"), QStringLiteral("Seconds spent on the label."), QStringLiteral("SECONDS")});
    p.addOption({QStringLiteral("shown-order"),
                 QStringLiteral("AB when A was shown on the left (first), BA when B was."), QStringLiteral("AB|BA")});
    parseOrThrow(p, args);
    requireProject(p);

    // Everything is checked before the project is opened for the write.
    HumanLabel label;
    label.instanceId = instanceOption(p);
    label.annotator = p.value(QStringLiteral("annotator"));
    if (label.annotator.trimmed().isEmpty())
        throw UsageError("--annotator NAME is required");
    if (!p.isSet(QStringLiteral("overall")))
        throw UsageError("--overall PREF is required");
    label.overall = preferenceOption(QStringLiteral("--overall"), p.value(QStringLiteral("overall")));
    for (const QString &a : p.values(QStringLiteral("aspect"))) {
        const auto [name, value] = keyValue(QStringLiteral("--aspect"), a);
        if (!isAspect(name))
            throw UsageError(QStringLiteral("--aspect: unknown aspect '%1'; use one of: %2")
                                 .arg(name, aspectList())
                                 .toStdString());
        if (label.aspects.contains(name))
            throw UsageError(QStringLiteral("--aspect %1 given twice").arg(name).toStdString());
        label.aspects.insert(name, preferenceOption(QStringLiteral("--aspect ") + name, value));
    }
    for (const QString &r : p.values(QStringLiteral("reason"))) {
        const auto [name, value] = keyValue(QStringLiteral("--reason"), r);
        if (name != QLatin1String("overall") && !isAspect(name))
            throw UsageError(QStringLiteral("--reason: unknown name '%1'; use overall or one of: %2")
                                 .arg(name, aspectList())
                                 .toStdString());
        label.reasons[name] << value;
    }
    const QString kind = p.value(QStringLiteral("kind"));
    if (p.isSet(QStringLiteral("kind")) && kind != QLatin1String("normal") && kind != QLatin1String("expert")
        && kind != QLatin1String("gold"))
        throw UsageError(QStringLiteral("--kind must be normal, expert or gold, got '%1'").arg(kind).toStdString());
    label.annotatorKind = kind;
    label.rationale = p.value(QStringLiteral("rationale"));
    label.confidence = numberOption(p, QStringLiteral("confidence"), false);
    label.timeSpentSeconds = numberOption(p, QStringLiteral("time-spent"), true);
    if (p.isSet(QStringLiteral("shown-order"))) {
        label.shownOrder = p.value(QStringLiteral("shown-order"));
        if (label.shownOrder != QLatin1String("AB") && label.shownOrder != QLatin1String("BA"))
            throw UsageError(QStringLiteral("--shown-order must be AB or BA, got '%1'").arg(label.shownOrder).toStdString());
    }

    const auto project = openProject(p);
    if (!project->instance(label.instanceId))
        throw BadInput(QStringLiteral("hyper label: %1 has no instance %2 (see 'hyper list')")
                           .arg(project->path())
                           .arg(label.instanceId)
                           .toStdString());
    if (const auto existing = annotatorKind(*project, label.annotator)) {
        if (!kind.isEmpty() && *existing != kind)
            throw BadInput(QStringLiteral("hyper label: annotator '%1' exists with kind '%2'; --kind %3 disagrees")
                               .arg(label.annotator, *existing, kind)
                               .toStdString());
    }
    const qint64 id = project->addHumanLabel(label);
    if (p.isSet(QStringLiteral("json"))) {
        printJson({{QStringLiteral("label"), id},
                   {QStringLiteral("instance"), label.instanceId},
                   {QStringLiteral("annotator"), label.annotator},
                   {QStringLiteral("overall"), preferenceName(label.overall)}});
    } else {
        std::printf("label %lld: %s on instance %lld: %s\n", id, qPrintable(label.annotator), label.instanceId,
                    preferenceNameUtf8(label.overall));
        std::fflush(stdout);
    }
    return 0;
}

int cmdAgreement(const QStringList &args)
{
    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral(
        "Inter-annotator agreement (percent and Cohen's kappa per annotator pair, "
        "Krippendorff's alpha), agreement of each LM judge with the human majority "
        "(overall and per binary feature) and position bias. See docs/AGREEMENT.md."));
    addProjectOption(p);
    addJsonOption(p);
    p.addOption({QStringLiteral("split"), QStringLiteral("train or eval (default: both)."), QStringLiteral("SPLIT")});
    parseOrThrow(p, args);
    requireProject(p);
    std::optional<Split> split;
    if (p.isSet(QStringLiteral("split"))) {
        split = parseSplit(p.value(QStringLiteral("split")));
        if (!split)
            throw UsageError("--split must be train or eval");
    }
    const auto project = openProject(p);
    const labels::AgreementReport r = labels::computeAgreement(loadLabelTable(*project, split));
    if (p.isSet(QStringLiteral("json"))) {
        QJsonObject o = labels::agreementJson(r);
        o.insert(QStringLiteral("split"), split ? splitName(*split) : QStringLiteral("all"));
        printJson(o);
        return 0;
    }

    std::printf("instances: %lld (%lld with human labels)\n", qint64(r.instances), qint64(r.humanLabelled));
    for (const labels::AnnotatorSummary &a : r.annotators)
        std::printf("annotator %s (%s): %lld labels\n", qPrintable(a.name), qPrintable(a.kind), qint64(a.labels));
    if (!r.pairs.empty())
        std::printf("pairs (A/tie/B; 5-point in brackets):\n");
    for (const labels::PairReport &pr : r.pairs)
        std::printf("  %s ~ %s: n=%lld agreement %s kappa %s [%s, kappa %s, quadratic %s]\n",
                    qPrintable(r.annotatorNames[pr.a]), qPrintable(r.annotatorNames[pr.b]), qint64(pr.folded.n),
                    qPrintable(fmt(pr.folded.percent)), qPrintable(fmt(pr.folded.kappa)), qPrintable(fmt(pr.five.percent)),
                    qPrintable(fmt(pr.five.kappa)), qPrintable(fmt(pr.fiveQuadratic)));
    std::printf("Krippendorff's alpha: ordinal %s (5-point), nominal %s (A/tie/B), %lld units\n",
                qPrintable(fmt(r.alpha.ordinal.alpha)), qPrintable(fmt(r.alpha.nominal3.alpha)),
                qint64(r.alpha.ordinal.units));
    for (const labels::JudgeReport &j : r.judges) {
        std::printf("judge %s: agreement with the human majority %s on %lld decided instances (%lld judge ties);"
                    " A/tie/B %s, kappa %s on %lld; %lld unusable\n",
                    qPrintable(j.judge), qPrintable(fmt(j.agreement)), qint64(j.n), qint64(j.judgeTies),
                    qPrintable(fmt(j.three.percent)), qPrintable(fmt(j.three.kappa)), qint64(j.three.n),
                    qint64(j.unusable));
        if (j.position)
            std::printf("  position: consistent %s of %lld; %lld inconsistent, %s of them favour the first shown (p=%s)\n",
                        qPrintable(fmt(j.position->consistency)), qint64(j.position->both),
                        qint64(j.position->both - j.position->consistent), qPrintable(fmt(j.position->firstShare)),
                        qPrintable(fmt(j.position->pValue, 4)));
    }
    for (const labels::AnnotatorPosition &a : r.annotatorPosition)
        std::printf("annotator %s picked the left response in %s of %lld (p=%s; %lld ties)\n", qPrintable(a.annotator),
                    qPrintable(fmt(a.leftShare)), qint64(a.n), qPrintable(fmt(a.pValue, 4)), qint64(a.ties));
    return 0;
}

} // namespace hyper::cli
