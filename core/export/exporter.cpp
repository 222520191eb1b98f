// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/export/exporter.h"

#include "core/export/card.h"
#include "core/jobs/feedback.h"
#include "core/storage/featurestore.h"
#include "core/storage/projectstore.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QSaveFile>
#include <memory>

namespace hyper::exporting {

namespace {

/** Rows are built in a buffer and written in blocks of about this size. */
constexpr std::size_t kFlushBytes = std::size_t(1) << 20;

/** One output written atomically: a QSaveFile (temporary file in the target folder,
 *  renamed over the target by commit(); discarded when destroyed uncommitted). */
class OutputFile
{
public:
    explicit OutputFile(const QString &path)
        : m_file(path)
    {
        if (!m_file.open(QIODevice::WriteOnly))
            throw ExportIoError(
                QStringLiteral("%1: cannot write: %2").arg(path, m_file.errorString()).toStdString());
        m_buffer.reserve(kFlushBytes + (std::size_t(1) << 16));
    }

    std::string &buffer() { return m_buffer; }
    QString path() const { return m_file.fileName(); }

    void flushIfFull()
    {
        if (m_buffer.size() >= kFlushBytes)
            flush();
    }

    void flush()
    {
        if (m_buffer.empty())
            return;
        if (m_file.write(m_buffer.data(), qint64(m_buffer.size())) != qint64(m_buffer.size()))
            throw ExportIoError(
                QStringLiteral("%1: write failed: %2").arg(path(), m_file.errorString()).toStdString());
        m_buffer.clear();
    }

    void commit()
    {
        flush();
        if (!m_file.commit())
            throw ExportIoError(
                QStringLiteral("%1: could not be saved: %2").arg(path(), m_file.errorString()).toStdString());
    }

private:
    QSaveFile m_file;
    std::string m_buffer;
};

QString canonicalTarget(const QString &path)
{
    const QFileInfo info(path);
    const QString canonical = info.canonicalFilePath();
    return canonical.isEmpty() ? info.absoluteFilePath() : canonical;
}

/** Refuses outputs that coincide with each other or with the project file. */
void checkPaths(const ProjectStore &store, const ExportParams &p)
{
    if (p.outPath.isEmpty())
        throw ExportRequestError("an output file is required");
    const QString project = canonicalTarget(store.path());
    QStringList seen;
    for (const QString &path : { p.outPath, p.rawPath, p.cardPath }) {
        if (path.isEmpty())
            continue;
        const QString c = canonicalTarget(path);
        if (c == project)
            throw ExportRequestError(
                QStringLiteral("%1 is the project file; choose another output").arg(path).toStdString());
        if (seen.contains(c))
            throw ExportRequestError(QStringLiteral("%1 is given for two outputs").arg(path).toStdString());
        seen << c;
    }
}

/** Tag shares over the exported rows (ids ascending, parallel human flags). */
std::vector<CardFeature> featureShares(
    ProjectStore &store, const std::vector<qint64> &ids, const std::vector<char> &human, bool *present)
{
    FeatureStore features(store);
    const std::vector<FeatureCount> defs = features.featureCounts();
    *present = !defs.empty();
    std::vector<CardFeature> out;
    for (const FeatureCount &d : defs)
        out.push_back({ d.name, d.kind, 0, 0 });
    if (defs.empty())
        return out;
    std::size_t k = 0;
    for (const auto &[id, list] : features.matrix()) {
        while (k < ids.size() && ids[k] < id)
            ++k;
        if (k == ids.size())
            break;
        if (ids[k] != id)
            continue;
        for (int f : list) {
            if (f < 0 || std::size_t(f) >= out.size())
                continue;
            ++out[std::size_t(f)].rows;
            out[std::size_t(f)].human += human[k] ? 1 : 0;
        }
    }
    return out;
}

} // namespace

ExportResult runExport(ProjectStore &store, const ExportParams &params, Feedback &feedback)
{
    QElapsedTimer timer;
    timer.start();
    checkPaths(store, params);
    const ExportCatalog catalog = loadExportCatalog(store);
    const Resolver resolver(store, catalog, params.resolve);

    // Every output is opened before the long pass, so that a bad path fails at once.
    OutputFile out(params.outPath);
    std::unique_ptr<OutputFile> raw, card;
    if (!params.rawPath.isEmpty())
        raw = std::make_unique<OutputFile>(params.rawPath);
    if (!params.cardPath.isEmpty())
        card = std::make_unique<OutputFile>(params.cardPath);

    ExportResult res;
    const qint64 total = countExportInstances(store, Split::Train);
    const RowContext ctx { catalog, resolver.judgeIndex() };
    std::vector<qint64> judgeCounts(catalog.judges.size() + 1, 0); // last: "majority"
    std::vector<char> annotatorUsed(catalog.annotators.size(), 0);
    std::vector<qint64> exportedIds;
    std::vector<char> exportedHuman;
    exportedIds.reserve(std::size_t(total));
    exportedHuman.reserve(std::size_t(total));
    std::string &buf = out.buffer();
    if (params.format == Format::Csv)
        appendCsvHeader(buf);
    feedback.setProgress(0.0, QStringLiteral("exporting"));

    forEachExportInstance(store, Split::Train, catalog, [&](const ExportInstance &in) {
        if ((++res.instances & 1023) == 0) {
            if (feedback.isCanceled())
                throw Canceled {};
            feedback.setProgress(0.95 * double(res.instances) / double(std::max<qint64>(1, total)),
                QStringLiteral("exporting"));
        }
        const Resolution r = resolver.resolve(in);
        res.routedHuman += r.routedHuman ? 1 : 0;
        res.humanFallback += r.routedHuman && r.source == LabelSource::Lm ? 1 : 0;
        if (r.dropped != DropReason::None) {
            ++(r.dropped == DropReason::Tie ? res.droppedTie : res.droppedNoLabel);
            if (r.dropped == DropReason::NoLabel && !r.routedHuman && r.humanMajority)
                ++res.droppedUnroutedHuman;
            ++res.dropped;
            return;
        }
        switch (params.format) {
        case Format::Dpo:
            appendDpoRow(buf, in, r, ctx);
            break;
        case Format::Trl:
            appendTrlRow(buf, in, r, params.conversational);
            break;
        case Format::Csv:
            appendCsvRow(buf, in, r, ctx);
            break;
        }
        ++res.exported;
        if (r.source == LabelSource::Human) {
            ++res.human;
            res.adjudicated += r.adjudicated ? 1 : 0;
            for (int w : r.who)
                annotatorUsed[std::size_t(w)] = 1;
        } else {
            ++res.lm;
            const std::size_t j = ctx.judge >= 0 ? std::size_t(ctx.judge)
                : r.who.size() == 1              ? std::size_t(r.who.front())
                                                 : catalog.judges.size();
            ++judgeCounts[j];
        }
        if (r.humanMajority && r.lmMajority && *r.humanMajority != 0 && *r.lmMajority != 0) {
            ++res.agreementPairs;
            res.agreementSame += *r.humanMajority == *r.lmMajority ? 1 : 0;
        }
        exportedIds.push_back(in.id);
        exportedHuman.push_back(r.source == LabelSource::Human ? 1 : 0);
        out.flushIfFull();
        if (params.afterRow)
            params.afterRow(res.exported);
    });
    for (std::size_t j = 0; j < judgeCounts.size(); ++j) {
        if (judgeCounts[j] > 0)
            res.judgeRows[j < catalog.judges.size() ? catalog.judges[j] : std::string("majority")]
                = judgeCounts[j];
    }

    if (raw) {
        feedback.setProgress(0.95, QStringLiteral("raw labels"));
        std::string &rb = raw->buffer();
        forEachRawLabel(
            store,
            [&](const RawHumanLabel &l) {
                appendRawHumanRow(rb, l);
                raw->flushIfFull();
                ++res.rawLabels;
            },
            [&](const RawLmLabel &l) {
                appendRawLmRow(rb, l);
                raw->flushIfFull();
                ++res.rawLabels;
            });
    }
    if (feedback.isCanceled())
        throw Canceled {};
    res.seconds = double(timer.nsecsElapsed()) / 1e9;

    if (card) {
        CardInputs ci;
        ci.project = store.path();
        ci.params = params;
        ci.result = res;
        for (std::size_t a = 0; a < catalog.annotators.size(); ++a) {
            if (!annotatorUsed[a])
                continue;
            ++ci.annotators;
            ci.expertAnnotators += catalog.annotators[a].kind == "expert" ? 1 : 0;
        }
        ci.features = featureShares(store, exportedIds, exportedHuman, &ci.featureTable);
        ci.createdAt = QDateTime::currentDateTimeUtc().toString(Qt::ISODate);
        ci.sources = store.info().sources;
        const QByteArray text = renderCard(ci).toUtf8();
        card->buffer().assign(text.constData(), std::size_t(text.size()));
    }

    // Renames last, together: a rename that fails removes the files renamed before it.
    std::vector<OutputFile *> files { &out };
    if (raw)
        files.push_back(raw.get());
    if (card)
        files.push_back(card.get());
    for (std::size_t i = 0; i < files.size(); ++i) {
        try {
            files[i]->commit();
        } catch (...) {
            for (std::size_t k = 0; k < i; ++k)
                QFile::remove(files[k]->path());
            throw;
        }
    }
    feedback.setProgress(1.0, QStringLiteral("exported"));
    res.seconds = double(timer.nsecsElapsed()) / 1e9;
    return res;
}

} // namespace hyper::exporting
