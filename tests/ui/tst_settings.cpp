// SPDX-License-Identifier: GPL-3.0-or-later
// Setting<T>: defaults, round trips, and the bounded, deduplicated recent projects.
#include "ui/settings.h"

#include <QStandardPaths>
#include <QTest>

using namespace hyper;

class TestSettings : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("HyPER-tests"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_settings"));
        QSettings().clear();
    }

    void defaultsAndRoundTrip()
    {
        const Setting<int> number { "test/number", 42 };
        const Setting<QString> text { "test/text", QStringLiteral("fallback") };
        QCOMPARE(number.value(), 42);
        QCOMPARE(text.value(), QStringLiteral("fallback"));
        number.setValue(7);
        text.setValue(QStringLiteral("set"));
        QCOMPARE(number.value(), 7);
        QCOMPARE(text.value(), QStringLiteral("set"));
        QCOMPARE(QSettings().value(QStringLiteral("test/number")).toInt(), 7);
        number.reset();
        QCOMPARE(number.value(), 42);
        QCOMPARE(settings::importSkipBadRows.value(), false);
    }

    void recentProjects()
    {
        settings::recentProjects.reset();
        for (int i = 0; i < settings::kMaxRecentProjects + 3; ++i)
            settings::addRecentProject(QStringLiteral("/tmp/p%1.hyper").arg(i));
        QStringList recent = settings::recentProjects.value();
        QCOMPARE(recent.size(), settings::kMaxRecentProjects);
        QCOMPARE(recent.first(), QStringLiteral("/tmp/p%1.hyper").arg(settings::kMaxRecentProjects + 2));
        QCOMPARE(settings::lastProject.value(), recent.first());

        settings::addRecentProject(QStringLiteral("/tmp/p5.hyper")); // moves to the front
        recent = settings::recentProjects.value();
        QCOMPARE(recent.first(), QStringLiteral("/tmp/p5.hyper"));
        QCOMPARE(recent.count(QStringLiteral("/tmp/p5.hyper")), 1);

        settings::removeRecentProject(QStringLiteral("/tmp/p5.hyper"));
        QVERIFY(!settings::recentProjects.value().contains(QStringLiteral("/tmp/p5.hyper")));
        QCOMPARE(settings::lastProject.value(), QString());
    }
};

QTEST_GUILESS_MAIN(TestSettings)
#include "tst_settings.moc"
