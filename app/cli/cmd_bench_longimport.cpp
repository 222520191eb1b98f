// SPDX-License-Identifier: GPL-3.0-or-later
// hyper bench import-long: the long format (one row per judgement, half of them showing
// the responses B first) against the same labels in the wide format (one row per pair,
// one column per annotator), imported in this process into fresh projects.
#include "app/cli/cli.h"
#include "core/io/importer.h"
#include "core/jobs/feedback.h"
#include "core/storage/projectstore.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QTemporaryDir>

namespace hyper::cli {

namespace {

QString filler(QRandomGenerator &rng, int words)
{
    static const char *const kWords[] = {"model", "answer", "careful", "explain", "because", "result", "value",
                                         "first", "second", "data", "pair", "label", "human", "judge", "reason"};
    QString s;
    for (int i = 0; i < words; ++i)
        s += QLatin1String(kWords[rng.bounded(15)]) + QLatin1Char(' ');
    return s;
}

struct Timed {
    double seconds = 0;
    ImportResult result;
    ProjectInfo info;
};

Timed importInto(const QString &project, ImportParams params)
{
    ProjectStore::removeFiles(project);
    ProjectStore store(project, ProjectStore::Mode::CreateNew);
    Feedback quiet;
    QElapsedTimer t;
    t.start();
    Timed out;
    out.result = runImport(store, params, quiet);
    out.seconds = double(t.nsecsElapsed()) / 1e9;
    out.info = store.info();
    return out;
}

} // namespace

int benchImportLong(const QStringList &args)
{
    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral(
        "Long-format import (one row per judgement, --map annotator=) against the same labels in the wide format "
        "(one row per pair, a column per annotator): judgements per second of each and their ratio."));
    addJsonOption(p);
    p.addOption({QStringLiteral("pairs"), QStringLiteral("Pairs."), QStringLiteral("N"), QStringLiteral("20000")});
    p.addOption({QStringLiteral("annotators"), QStringLiteral("Judgements per pair."), QStringLiteral("K"),
                 QStringLiteral("3")});
    parseOrThrow(p, args);
    const int n = intOption(p, QStringLiteral("pairs"), 1, 10000000);
    const int k = intOption(p, QStringLiteral("annotators"), 1, 50);
    QTemporaryDir tmp;
    if (!tmp.isValid())
        throw StoreError("bench import-long: cannot create a temporary directory");
    const QDir dir(tmp.path());
    QFile wide(dir.filePath(QStringLiteral("wide.jsonl"))), longer(dir.filePath(QStringLiteral("long.jsonl")));
    if (!wide.open(QIODevice::WriteOnly) || !longer.open(QIODevice::WriteOnly))
        throw StoreError("bench import-long: cannot write the files");
    QRandomGenerator rng(42);
    static const char *const kScale[] = {"A-is-clearly-better", "A-is-slightly-better", "Tie", "B-is-slightly-better",
                                         "B-is-clearly-better"};
    for (int i = 0; i < n; ++i) {
        const QString prompt = QStringLiteral("Question %1: ").arg(i) + filler(rng, 20);
        const QString a = QStringLiteral("First answer %1: ").arg(i) + filler(rng, 60);
        const QString b = QStringLiteral("Second answer %1: ").arg(i) + filler(rng, 60);
        QJsonObject w{{QStringLiteral("prompt"), prompt}, {QStringLiteral("response_a"), a}, {QStringLiteral("response_b"), b}};
        for (int j = 0; j < k; ++j) {
            const int label = int(rng.bounded(5)) - 2;
            w.insert(QStringLiteral("ann_%1").arg(j + 1), QLatin1String(kScale[label + 2]));
            // Every other judgement was shown B first: its row swaps the responses and the label.
            const bool swapped = (i + j) % 2 == 1;
            const QJsonObject row{{QStringLiteral("prompt"), prompt},
                                  {QStringLiteral("response_a"), swapped ? b : a},
                                  {QStringLiteral("response_b"), swapped ? a : b},
                                  {QStringLiteral("worker"), QStringLiteral("ann_%1").arg(j + 1)},
                                  {QStringLiteral("label"), QLatin1String(kScale[(swapped ? -label : label) + 2])}};
            longer.write(QJsonDocument(row).toJson(QJsonDocument::Compact) + '\n');
        }
        wide.write(QJsonDocument(w).toJson(QJsonDocument::Compact) + '\n');
    }
    wide.close();
    longer.close();

    ImportParams wp;
    wp.file = wide.fileName();
    for (int j = 0; j < k; ++j)
        wp.map.insert(QStringLiteral("human:ann_%1").arg(j + 1), QStringLiteral("ann_%1").arg(j + 1));
    ImportParams lp;
    lp.file = longer.fileName();
    lp.map.insert(QStringLiteral("human"), QStringLiteral("label"));
    lp.map.insert(QStringLiteral("annotator"), QStringLiteral("worker"));
    const Timed w = importInto(dir.filePath(QStringLiteral("wide.hyper")), wp);
    const Timed l = importInto(dir.filePath(QStringLiteral("long.hyper")), lp);
    const double judgements = double(n) * k;
    const bool same = w.info.instances == l.info.instances && w.info.humanLabels == l.info.humanLabels;
    if (p.isSet(QStringLiteral("json"))) {
        printJson({{QStringLiteral("pairs"), n},
                   {QStringLiteral("judgements"), judgements},
                   {QStringLiteral("wide_seconds"), w.seconds},
                   {QStringLiteral("long_seconds"), l.seconds},
                   {QStringLiteral("wide_judgements_per_second"), judgements / w.seconds},
                   {QStringLiteral("long_judgements_per_second"), judgements / l.seconds},
                   {QStringLiteral("long_over_wide"), w.seconds / l.seconds},
                   {QStringLiteral("same_instances_and_labels"), same},
                   {QStringLiteral("mirrored"), l.result.merged.mirrored}});
    } else {
        say(QStringLiteral("%1 pairs x %2 judgements: wide %3 s (%4 judgements/s), long %5 s (%6 judgements/s, %7 "
                           "mirrored): long runs at %8 of the wide rate; same instances and labels: %9")
                .arg(n).arg(k).arg(w.seconds, 0, 'f', 2).arg(judgements / w.seconds, 0, 'f', 0).arg(l.seconds, 0, 'f', 2)
                .arg(judgements / l.seconds, 0, 'f', 0).arg(l.result.merged.mirrored)
                .arg(w.seconds / l.seconds, 0, 'f', 2).arg(same ? QStringLiteral("yes") : QStringLiteral("NO")));
    }
    return same ? 0 : 1;
}

} // namespace hyper::cli
