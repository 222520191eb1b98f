// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/labelbench.h"

#include "core/storage/annotationstore.h"
#include "core/storage/projectstore.h"
#include "ui/labelview.h"
#include "ui/settings.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <algorithm>
#include <cstdio>
#include <ctime>
#include <vector>

namespace hyper {

namespace {

double quantile(std::vector<double> v, double q)
{
    if (v.empty())
        return 0;
    std::sort(v.begin(), v.end());
    return v[std::min(v.size() - 1, std::size_t(q * double(v.size())))];
}

/** CPU time of the calling thread, in milliseconds. */
double threadCpuMs()
{
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return double(ts.tv_sec) * 1e3 + double(ts.tv_nsec) / 1e6;
}

} // namespace

LabelBenchResult runLabelBench(LabelView &view, ProjectStore &store, int cycles, bool keepLabels,
                               const QString &annotator)
{
    LabelBenchResult r;
    AnnotationStore annotations(store);
    const int overlapBefore = annotations.overlap();
    const QString annotatorBefore = settings::lastAnnotator.value(); // a session records its annotator
    annotations.setOverlap(10);
    std::vector<qint64> saved;
    QObject::connect(&view, &LabelView::labelSaved, &view, [&saved, keepLabels](qint64 id) {
        if (keepLabels) {
            std::printf("saved %lld\n", static_cast<long long>(id));
            std::fflush(stdout);
        } else {
            saved.push_back(id);
        }
    });
    try {
        view.setProject(&store);
        QElapsedTimer start;
        start.start();
        if (!view.startSession(annotator, QStringLiteral("normal")))
            throw StoreError("cannot start a session");
        r.sessionCallMs = double(start.nsecsElapsed()) / 1e6;
        auto waitForInstance = [&view] {
            QElapsedTimer w;
            w.start();
            while (view.currentInstanceId() == 0 && view.isLoading() && w.elapsed() < 60000)
                QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents, 50);
        };
        waitForInstance();
        r.sessionStartMs = double(start.nsecsElapsed()) / 1e6;
        r.routed = annotations.status(annotator).routed;
        std::vector<double> total, save, cpu;
        for (int i = 0; i < cycles; ++i) {
            if (view.currentInstanceId() == 0) {
                if (!view.isLoading())
                    break; // the queue is done
                ++r.stalls; // the refill did not keep up: wait (not a cycle)
                waitForInstance();
                continue;
            }
            view.setValue(LabelView::Overall, 1 + i % 5);
            QElapsedTimer t;
            const double cpu0 = threadCpuMs();
            t.start();
            if (!view.saveAndAdvance()) {
                if (!view.isSaveRetrying())
                    throw StoreError("a save failed");
                // Another program held the write lock past the GUI's busy timeout: the
                // view retries by itself; the cycle lasts until its save commits.
                ++r.busyRetries;
                while (view.isSaveRetrying())
                    QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents, 50);
            }
            save.push_back(double(t.nsecsElapsed()) / 1e6);
            QCoreApplication::processEvents();
            total.push_back(double(t.nsecsElapsed()) / 1e6);
            cpu.push_back(threadCpuMs() - cpu0);
        }
        r.cycles = int(total.size());
        r.medianMs = quantile(total, 0.5);
        r.p95Ms = quantile(total, 0.95);
        r.maxMs = quantile(total, 1.0);
        r.saveMedianMs = quantile(save, 0.5);
        r.saveP95Ms = quantile(save, 0.95);
        r.saveMaxMs = quantile(save, 1.0);
        r.cpuMedianMs = quantile(cpu, 0.5);
        r.cpuP95Ms = quantile(cpu, 0.95);
    } catch (const std::exception &e) {
        r.error = QString::fromUtf8(e.what());
    }
    // Leave the project and the settings as they were.
    view.setProject(nullptr);
    if (annotatorBefore.isEmpty())
        settings::lastAnnotator.reset();
    else
        settings::lastAnnotator.setValue(annotatorBefore);
    try {
        for (qint64 id : saved)
            annotations.takeHumanLabel(id);
        annotations.setOverlap(overlapBefore);
    } catch (const std::exception &e) {
        if (r.error.isEmpty())
            r.error = QString::fromUtf8(e.what());
    }
    return r;
}

} // namespace hyper
