// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Loading the ML module (LibTorch, core/ml/mlmodule.h) from a job, so that the wait is
// reported: the first training, scoring, collect or PPM fit of a process maps LibTorch
// (about half a second here, longer from a cold disk).
#include <QString>

namespace hyper {

class Feedback;

/** Loads the ML module unless it is loaded, first reporting "Loading LibTorch…" to
 *  feedback at `fraction`. Throws ml::MlModuleError (a ml::TrainError). */
void loadMlModule(Feedback &feedback, double fraction = 0.0);

/** Whether this process has loaded the ML module (for the GUI, which does not see
 *  core/ml). */
bool mlModuleLoaded();

} // namespace hyper
