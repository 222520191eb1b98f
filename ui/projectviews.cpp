// The tabs after "Dataset". Each view adds itself here with one line.
#include "ui/mainwindow.h"

namespace hyper {

void MainWindow::createProjectViews()
{
}

} // namespace hyper
