// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/storage/packbench.h"

#include "core/jobs/feedback.h"
#include "core/storage/labelrows.h"
#include "core/storage/packstore.h"
#include "core/storage/projectstore.h"
#include "core/storage/sqlite.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>
#include <algorithm>
#include <random>

namespace hyper {

namespace {

QString words(std::mt19937_64 &rng, int n)
{
    static const char *const kWords[] = {"the", "model", "answer", "question", "because", "data", "reward", "human",
                                         "label", "prefers", "response", "clearly", "better", "worse", "safety", "code"};
    QString s;
    for (int i = 0; i < n; ++i) {
        if (i)
            s += QLatin1Char(' ');
        s += QLatin1String(kWords[rng() % 16]);
    }
    return s;
}

double seconds(const QElapsedTimer &t) { return double(t.nsecsElapsed()) / 1e9; }

} // namespace

PackBenchResult runPackBench(const QString &dir, qint64 instances, int annotators, int overlap)
{
    PackBenchResult r;
    r.instances = instances;
    r.annotators = annotators;
    r.overlap = overlap;
    QDir().mkpath(dir);
    const QString path = QDir(dir).filePath(QStringLiteral("bench-packs.hyper"));
    const QString out = QDir(dir).filePath(QStringLiteral("bench-packs"));
    ProjectStore::removeFiles(path);
    QDir(out).removeRecursively();
    QElapsedTimer t;
    t.start();
    ProjectStore store(path, ProjectStore::Mode::CreateNew, /*checkIntegrity=*/false);
    {
        sqlite3 *db = store.handle();
        std::mt19937_64 rng(1);
        sql::Transaction tx(db);
        sql::Stmt ins(db, "INSERT INTO instances(id, ext_id, split, source, route) VALUES (?, ?, 'train', 'bench', 'human')");
        sql::Stmt txt(db, "INSERT INTO instance_texts(id, prompt, response_a, response_b) VALUES (?, ?, ?, ?)");
        for (qint64 id = 1; id <= instances; ++id) {
            ins.bind(1, std::int64_t(id)).bind(2, QStringLiteral("bench-%1").arg(id));
            ins.run();
            txt.bind(1, std::int64_t(id)).bind(2, words(rng, 40)).bind(3, words(rng, 90)).bind(4, words(rng, 90));
            txt.run();
        }
        tx.commit();
    }
    r.buildSeconds = seconds(t);

    PackExportParams params;
    for (int a = 0; a < annotators; ++a)
        params.annotators << QStringLiteral("annotator-%1").arg(a + 1, 2, 10, QLatin1Char('0'));
    params.overlap = overlap;
    params.outDir = out;
    Feedback quiet;
    t.restart();
    const PackExportResult exported = packs::exportPacks(store, params, quiet);
    r.exportSeconds = seconds(t);
    r.packBytesMin = std::numeric_limits<qint64>::max();
    for (const PackFileInfo &f : exported.packs) {
        r.assignments += f.instances;
        r.packBytesMin = std::min(r.packBytesMin, f.bytes);
        r.packBytesMax = std::max(r.packBytesMax, f.bytes);
        r.packBytesTotal += f.bytes;
    }

    // Every instance of every pack labelled by its annotator (one transaction a pack: the
    // speed of labelling is not what this measures).
    for (const PackFileInfo &f : exported.packs) {
        ProjectStore pack(f.path, ProjectStore::Mode::OpenExisting, /*checkIntegrity=*/false);
        const auto meta = packs::meta(pack);
        sql::Transaction tx(pack.handle());
        for (qint64 id : meta->instances) {
            HumanLabel l;
            l.instanceId = id;
            l.annotator = meta->annotator;
            l.annotatorKind = meta->kind;
            l.overall = Preference(int(id % 5) - 2);
            l.timeSpentSeconds = 20.0;
            l.shownOrder = QStringLiteral("AB");
            insertHumanLabelRow(pack.handle(), l, 0);
            ++r.labels;
        }
        tx.commit();
    }

    t.restart();
    for (const PackFileInfo &f : exported.packs)
        packs::merge(store, f.path);
    r.mergeSeconds = seconds(t);
    t.restart();
    for (const PackFileInfo &f : exported.packs)
        packs::merge(store, f.path);
    r.remergeSeconds = seconds(t);
    r.projectBytes = QFileInfo(path).size();
    return r;
}

} // namespace hyper
