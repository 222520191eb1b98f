// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/export/card.h"

#include <QFileInfo>

namespace hyper::exporting {

namespace {

QString percent(qint64 part, qint64 whole)
{
    if (whole <= 0)
        return QStringLiteral("-");
    return QString::number(100.0 * double(part) / double(whole), 'f', 1) + QLatin1Char('%');
}

/** Pipes would end a table cell. */
QString cell(QString text)
{
    return text.replace(QLatin1Char('|'), QLatin1String("\\|"));
}

QString routeRule(const CardInputs &in)
{
    const ResolveParams &r = in.params.resolve;
    if (r.planId)
        return QStringLiteral("the instances of routing plan %1 (%2 routed to humans)")
            .arg(*r.planId)
            .arg(in.result.routedHuman);
    return QStringLiteral("the route column of the project (%1 instances routed to humans; unrouted "
                          "instances take %2)")
        .arg(in.result.routedHuman)
        .arg(r.preferHuman ? QStringLiteral("the human label when they have one (--prefer-human)")
                           : QStringLiteral("the LM label"));
}

} // namespace

namespace {

/** A YAML scalar in double quotes (the card's front matter). */
QString yamlString(QString s)
{
    s.replace(QLatin1Char('\\'), QLatin1String("\\\\")).replace(QLatin1Char('"'), QLatin1String("\\\""));
    s.replace(QLatin1Char('\n'), QLatin1String("\\n"));
    return QLatin1Char('"') + s + QLatin1Char('"');
}

/** Hugging Face's size category of n rows. */
QString sizeCategory(qint64 n)
{
    if (n < 1000)
        return QStringLiteral("n<1K");
    if (n < 10000)
        return QStringLiteral("1K<n<10K");
    if (n < 100000)
        return QStringLiteral("10K<n<100K");
    if (n < 1000000)
        return QStringLiteral("100K<n<1M");
    if (n < 10000000)
        return QStringLiteral("1M<n<10M");
    return QStringLiteral("10M<n<100M");
}

/** The YAML front matter of a Hugging Face dataset card (so the card can be the
 *  dataset repository's README.md). */
QString frontMatter(const CardInputs &in)
{
    const ExportResult &r = in.result;
    QString y = QStringLiteral("---\n");
    y += QStringLiteral("license: %1\n").arg(in.params.cardLicense.isEmpty() ? QStringLiteral("unknown") : in.params.cardLicense);
    y += QStringLiteral("task_categories:\n- text-generation\n- text-classification\n");
    y += QStringLiteral("tags:\n- preference\n- reward-modeling\n- rlhf\n- %1\n")
             .arg(formatName(in.params.format));
    y += QStringLiteral("language:\n");
    for (const QString &l : in.params.cardLanguages)
        y += QStringLiteral("- %1\n").arg(l);
    y += QStringLiteral("size_categories:\n- %1\n").arg(sizeCategory(r.exported));
    y += QStringLiteral("annotations_creators:\n");
    if (r.human > 0)
        y += QStringLiteral("- crowdsourced\n");
    if (r.lm > 0)
        y += QStringLiteral("- machine-generated\n");
    if (r.human == 0 && r.lm == 0)
        y += QStringLiteral("- no-annotation\n");
    y += QStringLiteral("source_datasets:\n");
    if (in.sources.isEmpty())
        y += QStringLiteral("- original\n");
    for (const QString &s : in.sources)
        y += QStringLiteral("- %1\n").arg(yamlString(s));
    y += QStringLiteral("configs:\n- config_name: default\n  data_files:\n  - split: train\n    path: %1\n")
             .arg(yamlString(QFileInfo(in.params.outPath).fileName()));
    y += QStringLiteral("---\n\n");
    return y;
}

} // namespace

QString renderCard(const CardInputs &in)
{
    const ExportResult &r = in.result;
    const ResolveParams &rp = in.params.resolve;
    QString md = frontMatter(in);
    md += QStringLiteral("# Dataset card: %1\n\n").arg(QFileInfo(in.params.outPath).fileName());
    md += QStringLiteral("Exported from `%1` on %2 (UTC), format `%3`%4.\n\n")
              .arg(in.project, in.createdAt, formatName(in.params.format),
                  in.params.format == Format::Trl && in.params.conversational
                      ? QStringLiteral(" (conversational)")
                      : QString());
    md += QStringLiteral("Command:\n\n    %1\n\n")
              .arg(in.params.command.isEmpty() ? QStringLiteral("(not recorded)") : in.params.command);

    md += QStringLiteral("## Size\n\n| | rows | share |\n|---|---:|---:|\n");
    md += QStringLiteral("| exported pairs | %1 | %2 |\n")
              .arg(r.exported)
              .arg(percent(r.exported, r.exported));
    md += QStringLiteral("| human labels | %1 | %2 |\n").arg(r.human).arg(percent(r.human, r.exported));
    md += QStringLiteral("| LM labels | %1 | %2 |\n\n").arg(r.lm).arg(percent(r.lm, r.exported));
    md += QStringLiteral("Human share: **%1**. Train instances read: %2; dropped: %3 (%4 ties, %5 with no label "
                         "at all, %6 with human labels but not routed to humans and no LM label).\n\n")
              .arg(percent(r.human, r.exported))
              .arg(r.instances)
              .arg(r.dropped)
              .arg(r.droppedTie)
              .arg(r.droppedWithoutAnyLabel())
              .arg(r.droppedUnroutedHuman);
    if (r.droppedUnroutedHuman > 0)
        md += QStringLiteral("The %1 labelled but unrouted instances are exported with their human label by "
                             "`--prefer-human` (unrouted instances take the human label when they have one), or "
                             "once they are routed to humans.\n\n")
                  .arg(r.droppedUnroutedHuman);

    md += QStringLiteral("## Resolution\n\n");
    md += QStringLiteral("- Human set: %1.\n").arg(routeRule(in));
    md += QStringLiteral("- Human label: the majority over the crowd annotators (gold references excluded) "
                         "after folding \"slightly\" into \"clearly\"%1; a tie is dropped.\n")
              .arg(rp.expertWeight ? QStringLiteral(", annotators of kind expert counting double")
                                   : QString());
    md += QStringLiteral("- A lead's adjudicated label, where set, replaces the crowd majority: %1 rows.\n")
              .arg(r.adjudicated);
    md += QStringLiteral("- Instances routed to humans without a crowd label take the LM label: %1.\n")
              .arg(r.humanFallback);
    md += QStringLiteral("- LM label: %1, folded; a tie is dropped.\n\n")
              .arg(rp.judge.isEmpty() ? QStringLiteral("the majority over all judges of the instance")
                                      : QStringLiteral("judge `%1`").arg(rp.judge));

    md += QStringLiteral("## Labellers\n\n");
    md += QStringLiteral("Human rows were decided by %1 crowd annotators (%2 of kind expert).\n\n")
              .arg(in.annotators)
              .arg(in.expertAnnotators);
    if (r.judgeRows.empty()) {
        md += QStringLiteral("No row took an LM label.\n\n");
    } else {
        md += QStringLiteral("| judge | LM rows |\n|---|---:|\n");
        for (const auto &[judge, rows] : r.judgeRows)
            md += QStringLiteral("| %1 | %2 |\n")
                      .arg(cell(QString::fromStdString(judge)), QString::number(rows));
        md += QLatin1Char('\n');
        if (r.judgeRows.count("majority"))
            md += QStringLiteral("(\"majority\": the row's judges were several and their folded majority "
                                 "decided.)\n\n");
    }

    md += QStringLiteral("## Agreement\n\n");
    if (r.agreementPairs > 0)
        md += QStringLiteral("Of the %1 exported pairs with both a decided human majority and a decided LM "
                             "label, the two agree on %2 (%3).")
                  .arg(r.agreementPairs)
                  .arg(r.agreementSame)
                  .arg(percent(r.agreementSame, r.agreementPairs));
    else
        md += QStringLiteral("No exported pair has both a decided human majority and a decided LM label.");
    md += QStringLiteral(" Inter-annotator agreement (Cohen's kappa per pair, Krippendorff's alpha): see "
                         "`hyper agreement`.\n\n");

    md += QStringLiteral("## Tags (binary features)\n\n");
    if (!in.featureTable) {
        md += QStringLiteral("The project has no feature table: run `hyper features` and export again for "
                             "per-tag shares.\n");
        return md;
    }
    md += QStringLiteral("Per binary feature of the project's feature table: the exported pairs that carry "
                         "it and the share of them labelled by humans. Metadata tags first, then the "
                         "lexical score bins.\n\n");
    for (const QString &kind : { QStringLiteral("metadata"), QStringLiteral("lexical") }) {
        md += QStringLiteral(
            "| %1 | pairs | share of export | human share among them |\n|---|---:|---:|---:|\n")
                  .arg(kind == QLatin1String("metadata") ? QStringLiteral("tag")
                                                         : QStringLiteral("lexical bin"));
        for (const CardFeature &f : in.features) {
            if (f.kind == kind)
                md += QStringLiteral("| %1 | %2 | %3 | %4 |\n")
                          .arg(cell(f.name), QString::number(f.rows), percent(f.rows, r.exported),
                              percent(f.human, f.rows));
        }
        md += QLatin1Char('\n');
    }
    return md;
}

} // namespace hyper::exporting
