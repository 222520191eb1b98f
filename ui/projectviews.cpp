// SPDX-License-Identifier: GPL-3.0-or-later
// The tabs after "Dataset". Each view adds itself here with one line.
#include "ui/mainwindow.h"

#include "ui/agreementview.h"
#include "ui/calibrationview.h"
#include "ui/featuresview.h"
#include "ui/labelview.h"
#include "ui/ppmview.h"
#include "ui/reviewview.h"
#include "ui/routingview.h"
#include "ui/teamview.h"
#include "ui/trainingview.h"

namespace hyper {

void MainWindow::createProjectViews()
{
    addProjectView(new FeaturesView(this));
    addProjectView(new TrainingView(this));
    addProjectView(new PpmView(this));
    addProjectView(new RoutingView(this));
    addProjectView(new AgreementView(this));
    addProjectView(new LabelView(this));
    addProjectView(new CalibrationView(this));
    addProjectView(new ReviewView(this));
    addProjectView(new TeamView(this));
}

} // namespace hyper
