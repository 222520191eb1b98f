// SPDX-License-Identifier: GPL-3.0-or-later
// hyper route | simulate | ppm importance, and train-rm on a routed plan (the contract of
// shared docs CLI.md, "PPM and routing": route prints plan/human/predicted, simulate
// candidates/seconds/best; bad input exits 2). The project is prepared in-process; each
// hyper call costs half a second of start-up (LibTorch), so there are few of them.
#include "core/features/featurejob.h"
#include "core/jobs/feedback.h"
#include "core/routing/collect.h"
#include "core/routing/ppmfit.h"
#include "core/sample/samplegenerator.h"
#include "core/storage/ppmstore.h"
#include "core/storage/projectstore.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include "clitesthelpers.h"
#include <cmath>
#include <map>
#include <set>

using namespace hyper;

#include "routingtesthelpers.h"

namespace {

constexpr int kTrain = 400;
constexpr int kEval = 100;

using Run = hyper::testing::CliRun;
const auto hyperCli = hyper::testing::runCli;

std::map<qint64, QString> routesOf(const QString &project)
{
    ProjectStore store(project);
    std::map<qint64, QString> out;
    for (const InstanceSummary &s : store.listInstances(InstanceFilter {}, 0, 100000))
        out[s.id] = s.route;
    return out;
}

std::size_t plansOf(const QString &project)
{
    ProjectStore store(project);
    return listRoutePlans(store).size();
}

} // namespace

class TestCliRoute : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_project; // features, an agreement collection and a quadratic PPM
    QString m_noPpm;   // features only
    qint64 m_model = 0;
    qint64 m_plan = 0;       // the plan `hyper route --budget 0.3` stored and applied
    double m_planScore = 0;  // its predicted score
    QStringList m_features;  // the project's feature names
    std::map<QString, qint64> m_carriers;

    QStringList command(const char *name, const QString &project) const
    {
        QStringList args = QString::fromLatin1(name).split(QLatin1Char(' '));
        return args << QStringLiteral("--project") << project;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_project = m_dir.filePath(QStringLiteral("route.hyper"));
        m_noPpm = m_dir.filePath(QStringLiteral("noppm.hyper"));
        Feedback feedback;
        hyper::testing::writeFeaturedSample(m_project, kTrain, kEval);
        {
            ProjectStore store(m_project);
            const routing::FeatureMatrix m = routing::FeatureMatrix::fromStore(store, false);
            QCOMPARE(m.instances(), std::int64_t(kTrain));
            QCOMPARE(m.reachable(), std::int64_t(kTrain));
            m_features = m.names();
            for (int f = 0; f < m.features(); ++f)
                m_carriers[m.names()[f]] = qint64(m.members(f).size());
        }
        QVERIFY(QFile::copy(m_project, m_noPpm));
        ProjectStore store(m_project);
        routing::CollectParams collect;
        collect.candidates = 40;
        collect.seed = 2;
        collect.metric = QStringLiteral("agreement:human");
        QCOMPARE(routing::collectPpmData(store, collect, feedback).measured, 40);
        routing::PpmFitParams fit;
        fit.model = PpmModel::Quadratic;
        fit.folds = 4;
        fit.curvePoints = 0;
        m_model = routing::fitPpm(store, fit).record.id;
        QVERIFY(listRoutePlans(store).empty());
    }

    void routeStoresAndAppliesAPlan()
    {
        Run r = hyperCli(command("route", m_project)
            << QStringLiteral("--budget") << QStringLiteral("0.3") << QStringLiteral("--json"));
        QVERIFY2(r.code == 0, r.err.constData());
        const QJsonObject j = r.json();
        for (const char *key : { "plan", "human", "predicted" })
            QVERIFY2(j.contains(QLatin1String(key)), key);
        const qint64 human = std::llround(0.3 * kTrain);
        QCOMPARE(j.value(QStringLiteral("human")).toInteger(), human);
        QVERIFY(j.value(QStringLiteral("predicted")).isDouble());
        m_planScore = j.value(QStringLiteral("predicted")).toDouble();
        QVERIFY(std::isfinite(m_planScore));
        QCOMPARE(j.value(QStringLiteral("model")).toInteger(), m_model);
        QCOMPARE(j.value(QStringLiteral("instances")).toInteger(), qint64(kTrain));
        QCOMPARE(j.value(QStringLiteral("strategy")).toString(), QStringLiteral("simulated"));
        QVERIFY(j.value(QStringLiteral("applied")).toBool());
        m_plan = j.value(QStringLiteral("plan")).toInteger();

        std::vector<qint64> ids;
        {
            ProjectStore store(m_project);
            const auto plan = routePlan(store, m_plan);
            QVERIFY(plan);
            QCOMPARE(plan->human, human);
            QVERIFY(plan->predicted);
            QCOMPARE(*plan->predicted, m_planScore); // printed round-trip exact
            ids = planInstanceIds(store, m_plan);
            QCOMPARE(qint64(ids.size()), human);
        }

        r = hyperCli(command("list", m_project) << QStringLiteral("--route") << QStringLiteral("human")
                                                 << QStringLiteral("--limit") << QStringLiteral("1000")
                                                 << QStringLiteral("--json"));
        QVERIFY2(r.code == 0, r.err.constData());
        const QJsonArray listed = r.json().value(QStringLiteral("instances")).toArray();
        QCOMPARE(qint64(listed.size()), human);
        std::set<qint64> listedIds;
        for (const QJsonValue &v : listed) {
            listedIds.insert(v.toObject().value(QStringLiteral("id")).toInteger());
            QCOMPARE(v.toObject().value(QStringLiteral("split")).toString(), QStringLiteral("train"));
        }
        QVERIFY(listedIds == std::set<qint64>(ids.begin(), ids.end()));
    }

    void noApplyLeavesRoutesAlone()
    {
        QVERIFY(m_plan > 0);
        const std::map<qint64, QString> before = routesOf(m_project);
        const std::size_t plans = plansOf(m_project);
        const Run r = hyperCli(command("route", m_project)
            << QStringLiteral("--budget") << QStringLiteral("0.5") << QStringLiteral("--strategy")
            << QStringLiteral("topk") << QStringLiteral("--no-apply") << QStringLiteral("--json"));
        QVERIFY2(r.code == 0, r.err.constData());
        const QJsonObject j = r.json();
        QVERIFY(!j.value(QStringLiteral("applied")).toBool());
        QCOMPARE(j.value(QStringLiteral("human")).toInteger(), qint64(kTrain / 2));
        QCOMPARE(plansOf(m_project), plans + 1);
        QVERIFY(routesOf(m_project) == before);
        ProjectStore store(m_project);
        const qint64 plan = j.value(QStringLiteral("plan")).toInteger();
        QCOMPARE(qint64(planInstanceIds(store, plan).size()), qint64(kTrain / 2));
        QVERIFY(routePlan(store, plan)->appliedAt.isEmpty());
    }

    void simulateStoresNothing()
    {
        QVERIFY(m_plan > 0);
        const std::size_t plans = plansOf(m_project);
        const std::map<qint64, QString> before = routesOf(m_project);
        const Run r = hyperCli(command("simulate", m_project)
            << QStringLiteral("--budget") << QStringLiteral("0.3") << QStringLiteral("--candidates")
            << QStringLiteral("2000") << QStringLiteral("--json"));
        QVERIFY2(r.code == 0, r.err.constData());
        const QJsonObject j = r.json();
        for (const char *key : { "candidates", "seconds", "best" })
            QVERIFY2(j.contains(QLatin1String(key)), key);
        QCOMPARE(j.value(QStringLiteral("candidates")).toInteger(), qint64(2000));
        QVERIFY(j.value(QStringLiteral("seconds")).toDouble() > 0);
        const double best = j.value(QStringLiteral("best")).toDouble();
        QVERIFY(std::isfinite(best));
        QCOMPARE(j.value(QStringLiteral("budget")).toInteger(), std::llround(0.3 * kTrain));
        // Same seed (1) and budget as the route above, whose 500 candidates are the first
        // 500 of these 2000: the best can only be as good or better.
        QVERIFY2(best >= m_planScore, qPrintable(QStringLiteral("%1 < %2").arg(best).arg(m_planScore)));
        QCOMPARE(plansOf(m_project), plans);
        QVERIFY(routesOf(m_project) == before);
    }

    void importanceListsEveryFeature()
    {
        const Run r = hyperCli(command("ppm importance", m_project) << QStringLiteral("--json"));
        QVERIFY2(r.code == 0, r.err.constData());
        const QJsonObject j = r.json();
        QCOMPARE(j.value(QStringLiteral("model")).toInteger(), m_model);
        QCOMPARE(j.value(QStringLiteral("kind")).toString(), QStringLiteral("quadratic"));
        QVERIFY(!j.contains(QStringLiteral("coefficients"))); // linear models only
        const QJsonArray importance = j.value(QStringLiteral("importance")).toArray();
        QCOMPARE(importance.size(), 90);
        QCOMPARE(importance.size(), m_features.size());
        std::set<QString> seen;
        double previous = INFINITY;
        for (const QJsonValue &v : importance) {
            const QJsonObject f = v.toObject();
            for (const char *key : { "feature", "gain", "std", "carriers" })
                QVERIFY2(f.contains(QLatin1String(key)), key);
            const QString name = f.value(QStringLiteral("feature")).toString();
            QVERIFY2(m_carriers.count(name), qPrintable(name));
            QCOMPARE(f.value(QStringLiteral("carriers")).toInteger(), m_carriers.at(name));
            const double gain = f.value(QStringLiteral("gain")).toDouble();
            QVERIFY(std::isfinite(gain));
            QVERIFY(gain <= previous); // sorted by gain, descending
            previous = gain;
            QVERIFY(f.value(QStringLiteral("std")).toDouble() >= 0);
            seen.insert(name);
        }
        QCOMPARE(int(seen.size()), int(m_features.size()));
    }

    void routeWithoutPpmExits2()
    {
        const std::map<qint64, QString> before = routesOf(m_noPpm);
        const Run r = hyperCli(command("route", m_noPpm)
            << QStringLiteral("--budget") << QStringLiteral("0.3") << QStringLiteral("--json"));
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains("hyper ppm fit"), r.err.constData());
        QVERIFY(r.out.isEmpty());
        QCOMPARE(plansOf(m_noPpm), std::size_t(0));
        QVERIFY(routesOf(m_noPpm) == before);
        ProjectStore store(m_noPpm);
        QVERIFY(listPpmModels(store).empty());
    }

    void badBudgetsExit2()
    {
        const std::size_t plans = plansOf(m_project);
        for (const char *budget : { "0", "abc" }) {
            const Run r = hyperCli(command("route", m_project)
                << QStringLiteral("--budget") << QString::fromLatin1(budget) << QStringLiteral("--json"));
            QVERIFY2(r.code == 2, budget);
            QVERIFY2(r.err.contains("--budget"), r.err.constData());
            QVERIFY(r.out.isEmpty());
        }
        QCOMPARE(plansOf(m_project), plans);
    }

    void trainRmOnTheRoutedPlan()
    {
        QVERIFY(m_plan > 0);
        const Run r = hyperCli(command("train-rm", m_project)
            << QStringLiteral("--mix") << QStringLiteral("plan:%1").arg(m_plan) << QStringLiteral("--epochs")
            << QStringLiteral("1") << QStringLiteral("--json"));
        QVERIFY2(r.code == 0, r.err.constData());
        QVERIFY2(r.json().value(QStringLiteral("train_pairs")).toInt() > 0, r.out.constData());
    }
};

QTEST_GUILESS_MAIN(TestCliRoute)
#include "tst_cli_route.moc"
