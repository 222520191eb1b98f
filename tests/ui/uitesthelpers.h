// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Projects for the window tests (tst_projectwatch, tst_packsui).
#include "core/jobs/feedback.h"
#include "core/sample/samplegenerator.h"
#include "core/storage/ppmstore.h"
#include "core/storage/projectstore.h"
#include "ui/mainwindow.h"

#include <QTest>

namespace hyper::testing {

/** A new sample project of `train` + `eval` instances whose first `routed` train
 *  instances are routed to humans (a stored, applied plan "test"). */
inline void makeRoutedSample(const QString &path, int train, int eval, int routed)
{
    ProjectStore store(path, ProjectStore::Mode::CreateNew);
    Feedback quiet;
    SampleParams sample;
    sample.trainSize = train;
    sample.evalSize = eval;
    writeSample(store, sample, quiet);
    InstanceFilter filter;
    filter.split = Split::Train;
    std::vector<qint64> ids;
    for (const InstanceSummary &s : store.listInstances(filter, 0, routed))
        ids.push_back(s.id);
    RoutePlanRecord plan;
    plan.strategy = QStringLiteral("test");
    plan.budget = qint64(ids.size());
    applyRoutePlan(store, insertRoutePlan(store, plan, ids));
}

/** Opens the project in the window at 1280 x 720 and shows it; the error, or "" once it
 *  is exposed. */
inline QString openAndShow(MainWindow &w, const QString &path)
{
    QString error;
    if (!w.openProject(path, ProjectStore::Mode::OpenExisting, &error))
        return error;
    w.resize(1280, 720);
    w.show();
    return QTest::qWaitForWindowExposed(&w) ? QString() : QStringLiteral("the window was not exposed");
}

} // namespace hyper::testing
