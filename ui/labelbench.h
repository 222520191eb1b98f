// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>

namespace hyper {

class LabelView;
class ProjectStore;

/** What runLabelBench measured (milliseconds of GUI-thread work). */
struct LabelBenchResult {
    int cycles = 0;
    qint64 routed = 0;           // train instances routed to humans
    double sessionCallMs = 0;    // startSession() itself on the GUI thread
    double sessionStartMs = 0;   // until the first instance is shown (queue loaded on the worker)
    int stalls = 0;              // cycles that found the queue empty while a refill ran
    double medianMs = 0, p95Ms = 0, maxMs = 0;             // save + advance + deferred work + repaint
    double saveMedianMs = 0, saveP95Ms = 0, saveMaxMs = 0; // saveAndAdvance() alone
    double cpuMedianMs = 0, cpuP95Ms = 0; // GUI-thread CPU time of a whole cycle (no waits)
    int busyRetries = 0;         // saves that found the project busy past the GUI's timeout and retried
    QString error;
};

/**
 * The save-and-advance latency harness behind `hyper-workbench PROJECT --bench-label N`
 * (docs/GUI.md, docs/BENCHMARKS.md). Drives the real LabelView (shown; offscreen under
 * QT_QPA_PLATFORM=offscreen) through N cycles of "set the overall, save and advance",
 * timing each cycle from the save to the end of the event processing it caused (the
 * deferred prefetch, background refill results, the repaint). Sets the project's overlap
 * to a value above every instance's label count for the run and leaves the project as it
 * found it: the overlap is restored and the labels it saved are taken out again (the
 * annotator row stays), and the last-annotator setting is put back.
 *
 * With keepLabels (--keep-labels, the crash harness of the stress test) the labels stay,
 * and "saved LABEL_ID" is printed on stdout and flushed right after each commit.
 */
LabelBenchResult runLabelBench(LabelView &view, ProjectStore &store, int cycles, bool keepLabels = false,
                               const QString &annotator = QStringLiteral("bench-label"));

} // namespace hyper
