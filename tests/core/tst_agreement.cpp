// SPDX-License-Identifier: GPL-3.0-or-later
// Agreement statistics (core/labels) against hand computations on tiny tables; each
// expected value is worked out in the comment above its check (docs/AGREEMENT.md).
#include "core/labels/agreement.h"
#include "core/labels/agreementreport.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QtTest>
#include <cmath>

using namespace hyper::labels;

namespace {

bool near(double a, double b) { return std::abs(a - b) < 1e-12; }

#define QNEAR(a, b) QVERIFY2(near((a), (b)), qPrintable(QStringLiteral("%1 != %2").arg((a), 0, 'g', 17).arg((b), 0, 'g', 17)))

RatingPairs repeat(std::initializer_list<std::pair<std::pair<int, int>, int>> cells)
{
    RatingPairs out;
    for (const auto &[pair, count] : cells)
        for (int i = 0; i < count; ++i)
            out.push_back(pair);
    return out;
}

std::vector<std::vector<int>> columnsToUnits(const std::vector<std::vector<int>> &coders)
{
    // coders[c][u], 0 = missing
    std::vector<std::vector<int>> units(coders.front().size());
    for (const auto &c : coders)
        for (std::size_t u = 0; u < c.size(); ++u)
            if (c[u] != 0)
                units[u].push_back(c[u]);
    return units;
}

/** Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section C: four
 *  observers, twelve units, values 1-5, missing values (0 here). */
std::vector<std::vector<int>> krippendorff2011()
{
    return columnsToUnits({
        {1, 2, 3, 3, 2, 1, 4, 1, 2, 0, 0, 0}, // A
        {1, 2, 3, 3, 2, 2, 4, 1, 2, 5, 0, 3}, // B
        {0, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, 0}, // C
        {1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, 0}, // D
    });
}

LabelTable::Human human(int annotator, int overall, int shown = 0)
{
    LabelTable::Human h;
    h.annotator = annotator;
    h.overall = overall;
    h.shown = shown;
    return h;
}

LabelTable::Judge judge(int j, std::optional<int> overall, std::optional<int> orig = {},
                        std::optional<int> swapped = {})
{
    return {j, overall, orig, swapped};
}

/**
 * Three annotators (0 amy, 1 bob, 2 cat), two judges (0 jx, 1 jy: both orders), two
 * features (0 f0, 1 f1). Scale values; folded majority in brackets.
 *   id  amy     bob     cat    majority  jx   jy (orig, swapped -> overall)  features
 *   1   -2 AB   -1      0      A         -2   (-2, 2 -> 0)                   f0
 *   2    2 BA    2             B          0   ( 2, 2 -> 2)                   f0 f1
 *   3    0 AB           0      tie        2   ( 2,-2 -> 0)                   f1
 *   4           -2 BA   2      tie       -2
 *   5   -2                     A         none (-2,-2 -> -2)
 * Aspects: helpfulness amy -2 / bob -1 on 1, amy 2 on 2.
 */
LabelTable tiny()
{
    LabelTable t;
    t.annotators = {QStringLiteral("amy"), QStringLiteral("bob"), QStringLiteral("cat")};
    t.annotatorKinds = {QStringLiteral("normal"), QStringLiteral("expert"), QStringLiteral("normal")};
    t.judges = {QStringLiteral("jx"), QStringLiteral("jy")};
    t.features = {QStringLiteral("f0"), QStringLiteral("f1")};
    t.instances = 6; // one more, unlabelled
    LabelTable::Row r1{1, {human(0, -2, 1), human(1, -1), human(2, 0)}, {judge(0, -2), judge(1, 0, -2, 2)}, {0}};
    r1.humans[0].aspects[0] = -2;
    r1.humans[1].aspects[0] = -1;
    LabelTable::Row r2{2, {human(0, 2, -1), human(1, 2)}, {judge(0, 0), judge(1, 2, 2, 2)}, {0, 1}};
    r2.humans[0].aspects[0] = 2;
    LabelTable::Row r3{3, {human(0, 0, 1), human(2, 0)}, {judge(0, 2), judge(1, 0, 2, -2)}, {1}};
    LabelTable::Row r4{4, {human(1, -2, -1), human(2, 2)}, {judge(0, -2)}, {}};
    LabelTable::Row r5{5, {human(0, -2)}, {judge(0, std::nullopt), judge(1, -2, -2, -2)}, {}};
    t.rows = {r1, r2, r3, r4, r5};
    return t;
}

} // namespace

class TestAgreement : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void kappa2x2()
    {
        // Confusion matrix (rows: first rater yes/no, columns: second):
        //   yes/yes 20, yes/no 5, no/yes 10, no/no 15; n = 50.
        // p_o = 35/50 = 0.7; first says yes 25/50, second 30/50;
        // p_e = 0.5 * 0.6 + 0.5 * 0.4 = 0.5; kappa = (0.7 - 0.5) / (1 - 0.5) = 0.4.
        const KappaResult k = cohenKappa(repeat({{{1, 1}, 20}, {{1, 0}, 5}, {{0, 1}, 10}, {{0, 0}, 15}}));
        QCOMPARE(k.n, 50);
        QNEAR(k.percent, 0.7);
        QNEAR(k.expected, 0.5);
        QNEAR(k.kappa, 0.4);
    }

    void kappa3x3AndFolding()
    {
        // Folded classes A (-1), tie (0), B (1); rows: first rater.
        //        A  T  B
        //   A    4  1  0     row sums 5, 4, 6; column sums 5, 4, 6; n = 15
        //   T    1  2  1     p_o = 11/15; p_e = (25 + 16 + 36) / 225 = 77/225
        //   B    0  1  5     kappa = (165 - 77) / (225 - 77) = 88/148 = 22/37
        // On the 5-point scale two of the first rater's A/A items say "slightly" (-1):
        // the 5-point agreement drops to 9/15; folding gives the table above back.
        RatingPairs five = repeat({{{-2, -2}, 2}, {{-1, -2}, 2}, {{-2, 0}, 1}, {{0, -2}, 1}, {{0, 0}, 2},
                                   {{0, 2}, 1}, {{2, 0}, 1}, {{2, 2}, 5}});
        RatingPairs folded;
        for (auto [x, y] : five)
            folded.emplace_back(fold3(x), fold3(y));
        const KappaResult k = cohenKappa(folded);
        QCOMPARE(k.n, 15);
        QNEAR(k.percent, 11.0 / 15.0);
        QNEAR(k.kappa, 22.0 / 37.0);
        // 5-point: categories -2, -1, 0, 2. First rater: -2:3, -1:2, 0:4, 2:6; second:
        // -2:5, 0:4, 2:6. p_o = 9/15; p_e = (3*5 + 0 + 4*4 + 6*6) / 225 = 67/225;
        // kappa = (135 - 67) / (225 - 67) = 68/158 = 34/79.
        const KappaResult k5 = cohenKappa(five);
        QNEAR(k5.percent, 9.0 / 15.0);
        QNEAR(k5.kappa, 34.0 / 79.0);
    }

    void weightedKappaQuadratic()
    {
        // Pairs (-2,-2), (0,2), (2,2), (2,0); n = 4. Observed sum of (x-y)^2 = 4 + 4 = 8.
        // Marginals (both raters): -2:1, 0:1, 2:2. Expected sum over cells of
        // row * col * (x-y)^2 = 4 + 32 + 4 + 8 + 32 + 8 = 88, divided by n: 22.
        // kappa_w = 1 - 8/22 = 7/11.
        QNEAR(weightedKappa({{-2, -2}, {0, 2}, {2, 2}, {2, 0}}, KappaWeights::Quadratic), 7.0 / 11.0);
        // Linear weights: observed 2 + 2 = 4; expected sum row*col*|x-y| =
        // 2 + 8 + 2 + 4 + 8 + 4 = 28, / 4 = 7; kappa_w = 1 - 4/7 = 3/7.
        QNEAR(weightedKappa({{-2, -2}, {0, 2}, {2, 2}, {2, 0}}, KappaWeights::Linear), 3.0 / 7.0);
        QVERIFY(std::isnan(weightedKappa({}, KappaWeights::Quadratic)));
        QVERIFY(std::isnan(weightedKappa({{1, 1}, {1, 1}}, KappaWeights::Quadratic)));
    }

    void kappaEdgeCases()
    {
        // No pairs: nothing defined.
        const KappaResult none = cohenKappa({});
        QCOMPARE(none.n, 0);
        QVERIFY(std::isnan(none.percent) && std::isnan(none.kappa));
        // One category only, used by both: p_o = p_e = 1, kappa undefined.
        const KappaResult one = cohenKappa({{0, 0}, {0, 0}, {0, 0}});
        QNEAR(one.percent, 1.0);
        QVERIFY(std::isnan(one.kappa));
        // Each rater constant but on different categories: p_o = 0, p_e = 0, kappa 0.
        const KappaResult apart = cohenKappa({{-2, 2}, {-2, 2}});
        QNEAR(apart.percent, 0.0);
        QNEAR(apart.kappa, 0.0);
        // Perfect agreement with two categories: kappa 1.
        QNEAR(cohenKappa({{-1, -1}, {1, 1}}).kappa, 1.0);
    }

    void krippendorffPaperExample()
    {
        // Units pairable: 11 (unit 12 has a single value); n = 3 + 8 * 4 + 3 + 2 = 40.
        // Marginals n_1..n_5 = 9, 13, 10, 5, 3.
        // Nominal: off-diagonal coincidences: unit 2 {2,2,2,3}: 6 pairs / 3 = 2;
        // unit 6 {1,2,3,4}: 12 / 3 = 4; unit 8 {1,1,1,2}: 6 / 3 = 2: sum 8.
        // Expected: n^2 - sum n_c^2 = 1600 - 384 = 1216. alpha = 1 - 39 * 8 / 1216
        // = 113/152 = 0.743421 (the paper's 0.743).
        const auto units = krippendorff2011();
        const AlphaResult nominal = krippendorffAlpha(units, AlphaMetric::Nominal);
        QCOMPARE(nominal.units, 11);
        QCOMPARE(nominal.values, 40);
        QNEAR(nominal.alpha, 113.0 / 152.0);
        // Ordinal: delta^2(c,k) = (sum_{g=c..k} n_g - (n_c + n_k)/2)^2:
        //   d12 = 11^2 = 121, d13 = 22.5^2 = 506.25, d14 = 30^2 = 900, d15 = 34^2 = 1156,
        //   d23 = 11.5^2 = 132.25, d24 = 19^2 = 361, d25 = 23^2 = 529, d34 = 7.5^2 = 56.25,
        //   d35 = 11.5^2 = 132.25, d45 = 4^2 = 16.
        // Coincidences off the diagonal (one side): o12 = 1 + 1/3, o13 = o14 = 1/3,
        // o23 = 1 + 1/3, o24 = o34 = 1/3. Observed: 2 * (4/3*121 + 1/3*506.25 + 1/3*900
        // + 4/3*132.25 + 1/3*361 + 1/3*56.25) = 2 * 945.5 = 1891.
        // Expected: 2 * sum_{c<k} n_c n_k d_ck = 2 * 199740 = 399480.
        // alpha = 1 - 39 * 1891 / 399480 = 1 - 73749/399480 = 108577/133160 = 0.815388
        // (the 0.815 the literature quotes for this example).
        QNEAR(krippendorffAlpha(units, AlphaMetric::Ordinal).alpha, 108577.0 / 133160.0);
        // Interval: observed 2 * (4/3 + 4/3 + 3 + 4/3 + 4/3 + 1/3) = 52/3; expected
        // 2 * 2240 = 4480; alpha = 1 - 39 * (52/3) / 4480 = 951/1120 = 0.849 (the paper's).
        QNEAR(krippendorffAlpha(units, AlphaMetric::Interval).alpha, 951.0 / 1120.0);
    }

    void krippendorffSmallOrdinal()
    {
        // Units (5-point values; the last is not pairable): {-2,-1,0}, {2,2}, {0,0},
        // {-2,2}, {-2}. n = 9; marginals -2:2, -1:1, 0:3, 2:3 (1 does not occur and adds
        // nothing to the ordinal distances).
        // Ordinal delta^2 over -2, -1, 0, 2: d(-2,-1) = 1.5^2 = 2.25, d(-2,0) = 3.5^2 =
        // 12.25, d(-2,2) = 6.5^2 = 42.25, d(-1,0) = 2^2 = 4, d(-1,2) = 5^2 = 25, d(0,2) = 9.
        // Observed: unit 1: 2 * (2.25 + 12.25 + 4) / 2 = 18.5; unit 4: 2 * 42.25 / 1 =
        // 84.5; total 103. Expected: 2 * (2*1*2.25 + 2*3*12.25 + 2*3*42.25 + 1*3*4 + 1*3*25
        // + 3*3*9) = 999. alpha = 1 - 8 * 103 / 999 = 175/999.
        const std::vector<std::vector<int>> units = {{-2, -1, 0}, {2, 2}, {0, 0}, {-2, 2}, {-2}};
        const AlphaResult a = krippendorffAlpha(units, AlphaMetric::Ordinal);
        QCOMPARE(a.units, 4);
        QCOMPARE(a.values, 9);
        QNEAR(a.alpha, 175.0 / 999.0);
        // Nominal on the 5-point values: mismatches 6/2 + 2/1 = 5; expected
        // 81 - (4 + 1 + 9 + 9) = 58; alpha = 1 - 8 * 5 / 58 = 9/29.
        QNEAR(krippendorffAlpha(units, AlphaMetric::Nominal).alpha, 9.0 / 29.0);
    }

    void krippendorffEdgeCases()
    {
        // No pairable unit.
        AlphaResult a = krippendorffAlpha({{1}, {}, {2}}, AlphaMetric::Ordinal);
        QCOMPARE(a.units, 0);
        QVERIFY(std::isnan(a.alpha));
        a = krippendorffAlpha({}, AlphaMetric::Nominal);
        QVERIFY(std::isnan(a.alpha));
        // One category only: D_e = 0, undefined.
        a = krippendorffAlpha({{0, 0}, {0, 0, 0}}, AlphaMetric::Nominal);
        QCOMPARE(a.units, 2);
        QVERIFY(std::isnan(a.alpha));
        // Perfect agreement over two categories: 1.
        QNEAR(krippendorffAlpha({{1, 1}, {2, 2, 2}}, AlphaMetric::Ordinal).alpha, 1.0);
        // Every unit split: below zero. Units {1,2}, {1,2}: n = 4, n_1 = n_2 = 2;
        // observed 2 + 2 = 4; expected 2 * 2 * 2 = 8; alpha = 1 - 3 * 4 / 8 = -0.5.
        QNEAR(krippendorffAlpha({{1, 2}, {1, 2}}, AlphaMetric::Nominal).alpha, -0.5);
    }

    void binomial()
    {
        // P(X <= 3 | n = 10) = (1 + 10 + 45 + 120) / 1024 = 176/1024; two-sided 0.34375.
        QNEAR(binomialTwoSidedP(3, 10), 0.34375);
        QNEAR(binomialTwoSidedP(7, 10), 0.34375);
        QNEAR(binomialTwoSidedP(5, 10), 1.0);
        QNEAR(binomialTwoSidedP(0, 5), 2.0 / 32.0);
        QNEAR(binomialTwoSidedP(0, 0), 1.0);
        QVERIFY(binomialTwoSidedP(0, 2000) < 1e-300);
    }

    void reportOnTinyTable()
    {
        const AgreementReport r = computeAgreement(tiny());
        QCOMPARE(r.instances, 6);
        QCOMPARE(r.humanLabelled, 5);
        QCOMPARE(int(r.annotators.size()), 3);
        QCOMPARE(r.annotators[0].labels, 4); // amy: 1, 2, 3, 5
        QCOMPARE(r.annotators[1].kind, QStringLiteral("expert"));
        QCOMPARE(int(r.pairs.size()), 3);
        QCOMPARE(r.pairsWithoutOverlap, 0);

        // amy ~ bob on 1, 2: (-2,-1), (2,2). Folded: (A,A), (B,B): percent 1, p_e =
        // (1 + 1) / 4, kappa 1. 5-point: percent 1/2; amy -2:1, 2:1; bob -1:1, 2:1;
        // p_e = 1/4; kappa = (1/2 - 1/4) / (3/4) = 1/3.
        const PairReport &ab = r.pairs[0];
        QCOMPARE(ab.a, 0);
        QCOMPARE(ab.b, 1);
        QCOMPARE(ab.folded.n, 2);
        QNEAR(ab.folded.percent, 1.0);
        QNEAR(ab.folded.kappa, 1.0);
        QNEAR(ab.five.percent, 0.5);
        QNEAR(ab.five.kappa, 1.0 / 3.0);
        // Helpfulness on 1 only: (A, A) folded: percent 1, one category: kappa undefined.
        QCOMPARE(ab.aspects[0].n, 1);
        QVERIFY(std::isnan(ab.aspects[0].kappa));
        QCOMPARE(ab.aspects[1].n, 0);
        // amy ~ cat on 1, 3: (A, tie), (tie, tie): percent 1/2; amy A:1 tie:1, cat tie:2;
        // p_e = 2/4; kappa 0.
        QNEAR(r.pairs[1].folded.percent, 0.5);
        QNEAR(r.pairs[1].folded.kappa, 0.0);
        // bob ~ cat on 1, 4: (A, tie), (A, B): percent 0, p_e 0, kappa 0.
        QNEAR(r.pairs[2].folded.percent, 0.0);
        QNEAR(r.pairs[2].folded.kappa, 0.0);

        // Alpha over units {-2,-1,0}, {2,2}, {0,0}, {-2,2} (unit 5 has one value): ordinal
        // 175/999 (krippendorffSmallOrdinal). Folded: {A,A,tie}, {B,B}, {tie,tie}, {A,B};
        // n = 9, 3 of each class; mismatches 4/2 + 2/1 = 4; expected 81 - 27 = 54;
        // alpha = 1 - 8 * 4 / 54 = 11/27.
        QCOMPARE(r.alpha.ordinal.units, 4);
        QNEAR(r.alpha.ordinal.alpha, 175.0 / 999.0);
        QNEAR(r.alpha.nominal3.alpha, 11.0 / 27.0);
        // Helpfulness: one pairable unit {-2,-1}: nominal and ordinal 1 - 1 * 2 / 2 = 0;
        // folded both A: undefined.
        QCOMPARE(r.aspectAlpha[0].ordinal.units, 1);
        QNEAR(r.aspectAlpha[0].ordinal.alpha, 0.0);
        QVERIFY(std::isnan(r.aspectAlpha[0].nominal3.alpha));
        QCOMPARE(r.aspectAlpha[1].ordinal.units, 0);

        // Judge jx. Majorities: 1 A, 2 B, 3 tie, 4 tie (1-1), 5 A. Decided and usable:
        // 1 (A vs A: agree), 2 (B vs tie: miss, a judge tie); 5 is unusable.
        // n = 2, agreement 1/2. Three classes (majority, judge): (A,A), (B,tie), (tie,B),
        // (tie,A): percent 1/4; majority A:1 B:1 tie:2, judge A:2 tie:1 B:1;
        // p_e = (2 + 2 + 1) / 16 = 5/16; kappa = (4 - 5) / (16 - 5) = -1/11.
        QCOMPARE(int(r.judges.size()), 2);
        const JudgeReport &jx = r.judges[0];
        QCOMPARE(jx.judge, QStringLiteral("jx"));
        QCOMPARE(jx.labels, 5);
        QCOMPARE(jx.unusable, 1);
        QCOMPARE(jx.n, 2);
        QCOMPARE(jx.agree, 1);
        QCOMPARE(jx.judgeTies, 1);
        QNEAR(jx.agreement, 0.5);
        QCOMPARE(jx.three.n, 4);
        QNEAR(jx.three.percent, 0.25);
        QNEAR(jx.three.kappa, -1.0 / 11.0);
        // Per tag: f0 on 1 (agree) and 2 (miss): 1/2; f1 on 2 (miss; 3 is undecided): 0.
        QCOMPARE(int(jx.perTag.size()), 2);
        QCOMPARE(jx.perTag[0].n, 2);
        QNEAR(jx.perTag[0].agreement, 0.5);
        QCOMPARE(jx.perTag[1].n, 1);
        QNEAR(jx.perTag[1].agreement, 0.0);
        QVERIFY(!jx.position);

        // Judge jy: decided 1 (A vs tie: miss), 2 (agree), 5 (agree): 2/3.
        // Three classes: (A,tie), (B,B), (tie,tie), (A,A): 3/4; majority A:2 B:1 tie:1,
        // judge tie:2 B:1 A:1; p_e = (2 + 1 + 2) / 16 = 5/16; kappa = (12 - 5)/(16 - 5) = 7/11.
        // Position: both orders on 1, 2, 3, 5; consistent 2 and 5; 1 is (A first, B first)
        // -> favours the first-shown response; 3 is (B, A) -> favours the second.
        // consistency 1/2, first share 1/2, p = 1.
        const JudgeReport &jy = r.judges[1];
        QCOMPARE(jy.n, 3);
        QNEAR(jy.agreement, 2.0 / 3.0);
        QNEAR(jy.three.percent, 0.75);
        QNEAR(jy.three.kappa, 7.0 / 11.0);
        QVERIFY(jy.position);
        QCOMPARE(jy.position->both, 4);
        QCOMPARE(jy.position->consistent, 2);
        QCOMPARE(jy.position->favourFirst, 1);
        QNEAR(jy.position->consistency, 0.5);
        QNEAR(jy.position->firstShare, 0.5);
        QNEAR(jy.position->pValue, 1.0);

        // Shown order: amy 1 AB and A (left), 2 BA and B (left), 3 AB tie: 2 of 2 left,
        // p = 2 * (1/4) = 1/2; bob 4 BA and A (right): 0 of 1, p = 1.
        QCOMPARE(int(r.annotatorPosition.size()), 2);
        const AnnotatorPosition &amy = r.annotatorPosition[0];
        QCOMPARE(amy.annotator, QStringLiteral("amy"));
        QCOMPARE(amy.n, 2);
        QCOMPARE(amy.ties, 1);
        QCOMPARE(amy.left, 2);
        QNEAR(amy.leftShare, 1.0);
        QNEAR(amy.pValue, 0.5);
        QCOMPARE(r.annotatorPosition[1].left, 0);
        QNEAR(r.annotatorPosition[1].leftShare, 0.0);
    }

    void majorityRule()
    {
        LabelTable::Row row;
        QVERIFY(!humanMajority(row));
        row.humans = {human(0, -1), human(1, -2), human(2, 2)};
        QCOMPARE(*humanMajority(row), -1);
        row.humans = {human(0, -1), human(1, 2)};
        QCOMPARE(*humanMajority(row), 0); // 1-1: tie
        row.humans = {human(0, -1), human(1, 0), human(2, 2)};
        QCOMPARE(*humanMajority(row), 0); // all different: tie
        row.humans = {human(0, 0), human(1, 0), human(2, 2)};
        QCOMPARE(*humanMajority(row), 0); // majority says tie
    }

    void emptyAndJson()
    {
        // No labels at all: no pairs, undefined alphas, nulls in the JSON.
        LabelTable empty;
        empty.instances = 3;
        const AgreementReport e = computeAgreement(empty);
        QVERIFY(e.pairs.empty());
        QVERIFY(e.judges.empty());
        QVERIFY(std::isnan(e.alpha.ordinal.alpha));
        const QJsonObject ej = agreementJson(e);
        QVERIFY(ej.value(QStringLiteral("krippendorff_alpha")).toObject().value(QStringLiteral("ordinal")).isNull());
        QCOMPARE(ej.value(QStringLiteral("pairs")).toArray().size(), 0);
        QCOMPARE(ej.value(QStringLiteral("instances")).toInteger(), 3);

        const QJsonObject j = agreementJson(computeAgreement(tiny()));
        for (const char *key : {"annotators", "pairs", "krippendorff_alpha", "judges", "annotator_position",
                                "headline", "instances", "human_labelled", "pairs_without_overlap"})
            QVERIFY2(j.contains(QLatin1String(key)), key);
        const QJsonObject pair = j.value(QStringLiteral("pairs")).toArray().first().toObject();
        for (const char *key : {"a", "b", "n", "percent", "kappa", "percent5", "kappa5", "kappa5_quadratic"})
            QVERIFY2(pair.contains(QLatin1String(key)), key);
        QCOMPARE(pair.value(QStringLiteral("a")).toString(), QStringLiteral("amy"));
        QVERIFY(pair.value(QStringLiteral("aspects")).toObject().value(QStringLiteral("helpfulness"))
                    .toObject().value(QStringLiteral("kappa")).isNull());
        const QJsonObject alpha = j.value(QStringLiteral("krippendorff_alpha")).toObject();
        QCOMPARE(alpha.value(QStringLiteral("units")).toInt(), 4);
        QNEAR(alpha.value(QStringLiteral("nominal3")).toDouble(), 11.0 / 27.0);
        const QJsonArray judges = j.value(QStringLiteral("judges")).toArray();
        const QJsonObject jy = judges[1].toObject();
        QCOMPARE(jy.value(QStringLiteral("judge")).toString(), QStringLiteral("jy"));
        QNEAR(jy.value(QStringLiteral("position")).toObject().value(QStringLiteral("consistency")).toDouble(), 0.5);
        QCOMPARE(jy.value(QStringLiteral("per_tag")).toObject().value(QStringLiteral("f1")).toObject()
                     .value(QStringLiteral("n")).toInt(), 1);
        QVERIFY(!judges[0].toObject().contains(QStringLiteral("position")));
    }
};

QTEST_GUILESS_MAIN(TestAgreement)
#include "tst_agreement.moc"
