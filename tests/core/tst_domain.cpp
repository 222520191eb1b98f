// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/domain/preference.h"
#include "core/ml/sections.h"

#include <QtTest>

using namespace hyper;

class TestDomain : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void preferenceNamesRoundTrip()
    {
        for (int v = -2; v <= 2; ++v) {
            const Preference p = *preferenceFromInt(v);
            QCOMPARE(parsePreference(preferenceName(p)), std::optional(p));
        }
        QVERIFY(!parsePreference(QStringLiteral("a-is-clearly-better")));
        QVERIFY(!preferenceFromInt(3));
        QCOMPARE(foldSlightly(Preference::BSlightly), Preference::BClearly);
        QCOMPARE(swapSides(Preference::ASlightly), Preference::BSlightly);
    }

    void foldedMajority_data()
    {
        QTest::addColumn<QList<int>>("votes");
        QTest::addColumn<int>("expected"); // 99 = none
        QTest::newRow("none") << QList<int>{} << 99;
        QTest::newRow("one slightly A") << QList<int>{-1} << -2;
        QTest::newRow("slightly folds into clearly") << QList<int>{-1, -2, 2} << -2;
        QTest::newRow("2-2 split is a tie") << QList<int>{-1, -2, 1, 2} << 0;
        QTest::newRow("tie majority") << QList<int>{0, 0, 2} << 0;
        QTest::newRow("B beats ties") << QList<int>{0, 2, 1} << 2;
        QTest::newRow("1-1-1") << QList<int>{-2, 0, 2} << 0;
    }
    void foldedMajority()
    {
        QFETCH(QList<int>, votes);
        QFETCH(int, expected);
        const std::optional<int> got = hyper::foldedMajority(votes.data(), size_t(votes.size()));
        QCOMPARE(got.value_or(99), expected);
    }

    void sectionScoring()
    {
        // Hand-built: chat 3/4 right, chat-hard 1/2, and two safety subsets (1/1 and 0/3)
        // forming one section weighted by examples: 1/4. Overall = mean of sections.
        std::vector<ml::PairOutcome> o;
        auto add = [&](const char *subset, int right, int wrong) {
            for (int i = 0; i < right; ++i)
                o.push_back({subset, true});
            for (int i = 0; i < wrong; ++i)
                o.push_back({subset, false});
        };
        add("alpacaeval", 3, 1);
        add("mt-bench-hard", 1, 1);
        add("refusals", 1, 0);
        add("xstest", 0, 3);
        const std::map<std::string, std::string> sections = {
            {"alpacaeval", "chat"}, {"mt-bench-hard", "chat_hard"}, {"refusals", "safety"}, {"xstest", "safety"}};
        const ml::SectionScores s = ml::scoreSections(o, sections);
        QCOMPARE(s.pairs, size_t(10));
        QCOMPARE(s.subsets.at("xstest"), 0.0);
        QCOMPARE(s.sections.at("chat"), 0.75);
        QCOMPARE(s.sections.at("chat_hard"), 0.5);
        QCOMPARE(s.sections.at("safety"), 0.25);
        QCOMPARE(s.overall, 0.5);
        // Unmapped subsets are their own sections.
        const ml::SectionScores own = ml::scoreSections(o);
        QCOMPARE(own.sections.size(), size_t(4));
        QCOMPARE(own.overall, (0.75 + 0.5 + 1.0 + 0.0) / 4);
    }
};

QTEST_GUILESS_MAIN(TestDomain)
#include "tst_domain.moc"
