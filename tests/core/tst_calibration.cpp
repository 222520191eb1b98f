// SPDX-License-Identifier: GPL-3.0-or-later
// Judge calibration (core/labels/calibration.h) against hand computations on tiny
// tables: Wilson intervals, the human 5-point median, the 5x5 confusion matrix,
// accuracy with its interval, per-tag accuracy worst first, and position consistency.
#include "core/labels/calibration.h"

#include <QtTest>
#include <cmath>

using namespace hyper::labels;

namespace {

bool near(double a, double b, double eps) { return std::abs(a - b) < eps; }

#define QNEAR(a, b, eps)                                                                                       \
    QVERIFY2(near((a), (b), (eps)), qPrintable(QStringLiteral("%1 != %2").arg((a), 0, 'g', 17).arg((b), 0, 'g', 17)))

LabelTable::Human human(int annotator, int overall)
{
    LabelTable::Human h;
    h.annotator = annotator;
    h.overall = overall;
    return h;
}

LabelTable::Judge judge(int j, std::optional<int> overall, std::optional<int> orig = {},
                        std::optional<int> swapped = {})
{
    return {j, overall, orig, swapped};
}

LabelTable::Row row(std::int64_t id, std::vector<LabelTable::Human> humans, std::vector<LabelTable::Judge> judges,
                    std::vector<int> features = {})
{
    return {id, std::move(humans), std::move(judges), std::move(features)};
}

/**
 * Two annotators (0 amy, 1 bob), two judges (0 jx, 1 jy), two features (0 f0, 1 f1).
 *   id  amy  bob  majority  median  jx (orig, swapped)  jy   features
 *   1   -2   -1   A         -1      -2                   0    f0
 *   2    2        B          2       2 (2, 2)                 f0 f1
 *   3    0    0   tie        0       1                        f1
 *   4   -1    2   tie        0      -1
 *   5    1        B          1      -2 (-2, 1)                f0
 *   6                                -1
 *   7   -2        A         -2      none
 */
LabelTable tiny()
{
    LabelTable t;
    t.annotators = {QStringLiteral("amy"), QStringLiteral("bob")};
    t.annotatorKinds = {QStringLiteral("normal"), QStringLiteral("normal")};
    t.judges = {QStringLiteral("jx"), QStringLiteral("jy")};
    t.features = {QStringLiteral("f0"), QStringLiteral("f1")};
    t.instances = 8;
    t.rows = {row(1, {human(0, -2), human(1, -1)}, {judge(0, -2), judge(1, 0)}, {0}),
              row(2, {human(0, 2)}, {judge(0, 2, 2, 2)}, {0, 1}),
              row(3, {human(0, 0), human(1, 0)}, {judge(0, 1)}, {1}),
              row(4, {human(0, -1), human(1, 2)}, {judge(0, -1)}),
              row(5, {human(0, 1)}, {judge(0, -2, -2, 1)}, {0}),
              row(6, {}, {judge(0, -1)}),
              row(7, {human(0, -2)}, {judge(0, std::nullopt)})};
    return t;
}

} // namespace

class TestCalibration : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void wilson()
    {
        // 8 / 10, z = 1.96: p = 0.8, z²/2n = 0.192073, z²/4n² = 0.0096037,
        // spread = z * sqrt(0.016 + 0.0096037) = 0.313616, denominator 1 + z²/n = 1.384146:
        // (0.992073 -+ 0.313616) / 1.384146 = [0.490162, 0.943318].
        const Interval a = wilsonInterval(8, 10);
        QNEAR(a.low, 0.490162, 1e-5);
        QNEAR(a.high, 0.943318, 1e-5);
        // 0 / 5: spread = z * sqrt(z²/100) = z²/10 = z²/2n, so low = 0 and
        // high = (2 * 0.384146) / 1.768292 = 0.434482.
        const Interval b = wilsonInterval(0, 5);
        QNEAR(b.low, 0.0, 1e-12);
        QNEAR(b.high, 0.434482, 1e-5);
        // Symmetric: 5 / 5 is the mirror image of 0 / 5.
        const Interval c = wilsonInterval(5, 5);
        QNEAR(c.low, 1 - b.high, 1e-12);
        QNEAR(c.high, 1.0, 1e-12);
        // Undefined without data.
        QVERIFY(std::isnan(wilsonInterval(0, 0).low));
        QVERIFY(std::isnan(wilsonInterval(0, 0).high));
    }

    void median()
    {
        QVERIFY(!humanMedian5(row(1, {}, {})));
        QCOMPARE(*humanMedian5(row(1, {human(0, 2), human(1, -2), human(2, 2)}, {})), 2);
        QCOMPARE(*humanMedian5(row(1, {human(0, -2), human(1, -1)}, {})), -1);  // -1.5 -> -1
        QCOMPARE(*humanMedian5(row(1, {human(0, -2), human(1, 1)}, {})), 0);   // -0.5 -> 0
        QCOMPARE(*humanMedian5(row(1, {human(0, 1), human(1, 2)}, {})), 1);    // 1.5 -> 1
        QCOMPARE(*humanMedian5(row(1, {human(0, -2), human(1, -2), human(2, 1), human(3, 2)}, {})), 0);
    }

    void report()
    {
        const CalibrationReport r = computeCalibration(tiny());
        QCOMPARE(r.instances, 8);
        QCOMPARE(r.humanLabelled, 6);
        QVERIFY(r.featuresComputed);
        QCOMPARE(r.judges.size(), std::size_t(2));

        const JudgeCalibration &jx = r.judges[0];
        QCOMPARE(jx.judge, QStringLiteral("jx"));
        QCOMPARE(jx.labels, 7);
        QCOMPARE(jx.unusable, 1); // row 7
        // Decided majority and a usable verdict: rows 1 (agree), 2 (agree), 5 (miss).
        QCOMPARE(jx.n, 3);
        QCOMPARE(jx.agree, 2);
        QCOMPARE(jx.judgeTies, 0);
        QNEAR(jx.accuracy, 2.0 / 3.0, 1e-12);
        const Interval i23 = wilsonInterval(2, 3);
        QNEAR(jx.interval.low, i23.low, 1e-12);
        QNEAR(jx.interval.high, i23.high, 1e-12);
        // Confusion over rows 1-5 (human labels and a usable verdict):
        // (-1,-2) (2,2) (0,1) (0,-1) (1,-2).
        QCOMPARE(jx.overlap, 5);
        QCOMPARE(jx.confusion.n, 5);
        QCOMPARE(jx.confusion.cell(-1, -2), 1);
        QCOMPARE(jx.confusion.cell(2, 2), 1);
        QCOMPARE(jx.confusion.cell(0, 1), 1);
        QCOMPARE(jx.confusion.cell(0, -1), 1);
        QCOMPARE(jx.confusion.cell(1, -2), 1);
        QCOMPARE(jx.confusion.cell(0, 0), 0);
        QCOMPARE(jx.confusion.rowTotal(0), 2);
        QCOMPARE(jx.confusion.rowTotal(-2), 0);
        QNEAR(jx.confusion.rowShare(0, 1), 0.5, 1e-12);
        QVERIFY(std::isnan(jx.confusion.rowShare(-2, 0)));
        QNEAR(jx.confusion.exact(), 1.0 / 5.0, 1e-12);     // only (2,2)
        QNEAR(jx.confusion.withinOne(), 4.0 / 5.0, 1e-12); // all but (1,-2)
        // Per tag, decided instances: f0 rows 1, 2, 5 (2 of 3); f1 row 2 (1 of 1).
        QCOMPARE(jx.perTag.size(), std::size_t(2));
        QCOMPARE(jx.perTag[0].tag, QStringLiteral("f0"));
        QCOMPARE(jx.perTag[0].n, 3);
        QCOMPARE(jx.perTag[0].agree, 2);
        QCOMPARE(jx.perTag[1].tag, QStringLiteral("f1"));
        QNEAR(jx.perTag[1].accuracy, 1.0, 1e-12);
        QVERIFY(!jx.perTag[0].belowOverall); // 2/3 is inside its own interval
        // Both orders on rows 2 (consistent) and 5 (A first, B when swapped).
        QVERIFY(jx.position);
        QCOMPARE(jx.position->both, 2);
        QCOMPARE(jx.position->consistent, 1);
        QNEAR(jx.position->consistency, 0.5, 1e-12);

        const JudgeCalibration &jy = r.judges[1];
        QCOMPARE(jy.judge, QStringLiteral("jy"));
        QCOMPARE(jy.n, 1);
        QCOMPARE(jy.agree, 0);
        QCOMPARE(jy.judgeTies, 1); // a judge tie is a miss
        QNEAR(jy.accuracy, 0.0, 1e-12);
        QCOMPARE(jy.confusion.n, 1);
        QCOMPARE(jy.confusion.cell(-1, 0), 1);
        QVERIFY(!jy.position);
    }

    void tagBelowOverall()
    {
        // 100 decided instances the judge gets right (50 of them tagged "good") and 20
        // tagged "bad" it gets wrong: overall 100/120 = 0.833; "bad" 0/20 has the Wilson
        // upper bound 2 * 1.96² / 40 / (1 + 1.96² / 20) = 0.161 < 0.833: flagged. "good"
        // 50/50 is not, and "bad" comes first (worst first).
        LabelTable t;
        t.annotators = {QStringLiteral("amy")};
        t.judges = {QStringLiteral("jx")};
        t.features = {QStringLiteral("good"), QStringLiteral("bad")};
        for (int i = 0; i < 120; ++i) {
            const bool bad = i >= 100;
            std::vector<int> features;
            if (i < 50)
                features.push_back(0);
            if (bad)
                features.push_back(1);
            t.rows.push_back(row(i + 1, {human(0, -2)}, {judge(0, bad ? 2 : -1)}, features));
        }
        t.instances = 120;
        const CalibrationReport r = computeCalibration(t);
        QCOMPARE(r.judges.size(), std::size_t(1));
        const JudgeCalibration &j = r.judges[0];
        QNEAR(j.accuracy, 100.0 / 120.0, 1e-12);
        QCOMPARE(j.perTag.size(), std::size_t(2));
        QCOMPARE(j.perTag[0].tag, QStringLiteral("bad"));
        QCOMPARE(j.perTag[0].n, 20);
        QNEAR(j.perTag[0].interval.high, 0.161125, 1e-5);
        QVERIFY(j.perTag[0].belowOverall);
        QCOMPARE(j.perTag[1].tag, QStringLiteral("good"));
        QVERIFY(!j.perTag[1].belowOverall);
        // Confusion: human -2 throughout; judge -1 (100) and 2 (20).
        QCOMPARE(j.confusion.cell(-2, -1), 100);
        QCOMPARE(j.confusion.cell(-2, 2), 20);
        QNEAR(j.confusion.rowShare(-2, 2), 20.0 / 120.0, 1e-12);
        QNEAR(j.confusion.exact(), 0.0, 1e-12);
        QVERIFY(!j.position);
    }
};

QTEST_GUILESS_MAIN(TestCalibration)
#include "tst_calibration.moc"
