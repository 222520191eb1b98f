// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/export/exportbench.h"

#include "core/export/exporter.h"
#include "core/features/featurejob.h"
#include "core/jobs/feedback.h"
#include "core/sample/samplegenerator.h"
#include "core/storage/exportqueries.h"
#include "core/storage/ppmstore.h"
#include "core/storage/projectstore.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QTemporaryDir>
#include <algorithm>

namespace hyper::exporting {

ExportBenchFigures benchExport(const ExportBenchParams &params)
{
    QTemporaryDir tmp;
    const QString dir = params.dir.isEmpty() ? tmp.path() : params.dir;
    QDir().mkpath(dir);
    const QString project = dir + QStringLiteral("/bench-export.hyper");
    ProjectStore::removeFiles(project);
    ExportBenchFigures fig;
    QElapsedTimer setup;
    setup.start();
    {
        ProjectStore store(project, ProjectStore::Mode::CreateNew);
        Feedback quiet;
        SampleParams sample;
        sample.trainSize = params.instances;
        sample.evalSize = 0;
        writeSample(store, sample, quiet);

        // Half of the train split routed to humans: every second instance.
        std::vector<qint64> half;
        const ExportCatalog catalog = loadExportCatalog(store);
        qint64 k = 0;
        forEachExportInstance(store, Split::Train, catalog, [&](const ExportInstance &in) {
            if ((k++ & 1) == 0)
                half.push_back(in.id);
        });
        RoutePlanRecord plan;
        plan.strategy = QStringLiteral("bench");
        plan.budget = qint64(half.size());
        applyRoutePlan(store, insertRoutePlan(store, plan, half));
        if (params.features) {
            Feedback featureFeedback;
            computeFeatures(store, FeatureParams {}, featureFeedback);
        }
    }
    fig.setupSeconds = double(setup.nsecsElapsed()) / 1e9;

    ProjectStore store(project, ProjectStore::Mode::OpenExisting);
    const QString suffix = params.format == Format::Csv ? QStringLiteral(".csv") : QStringLiteral(".jsonl");
    ExportParams ep;
    ep.format = params.format;
    ep.outPath = dir + QStringLiteral("/bench-export") + suffix;
    ep.cardPath = ep.outPath + QStringLiteral(".md");
    if (params.raw)
        ep.rawPath = dir + QStringLiteral("/bench-export-raw.jsonl");
    ep.command = QStringLiteral("hyper bench export");
    for (int i = 0; i < std::max(1, params.repeat); ++i) {
        Feedback quiet;
        const ExportResult r = runExport(store, ep, quiet);
        fig.seconds.push_back(r.seconds);
        fig.instances = r.instances;
        fig.exported = r.exported;
        fig.human = r.human;
        fig.lm = r.lm;
        fig.dropped = r.dropped;
        fig.rawLabels = r.rawLabels;
    }
    fig.bestSeconds = *std::min_element(fig.seconds.begin(), fig.seconds.end());
    fig.rowsPerSecond = double(fig.exported) / fig.bestSeconds;
    fig.instancesPerSecond = double(fig.instances) / fig.bestSeconds;
    fig.megabytes = double(QFileInfo(ep.outPath).size()) / 1e6;
    fig.megabytesPerSecond = fig.megabytes / fig.bestSeconds;
    if (params.dir.isEmpty()) {
        QFile::remove(ep.outPath);
        QFile::remove(ep.cardPath);
        if (!ep.rawPath.isEmpty())
            QFile::remove(ep.rawPath);
    }
    return fig;
}

} // namespace hyper::exporting
