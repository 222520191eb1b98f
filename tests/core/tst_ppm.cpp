// SPDX-License-Identifier: GPL-3.0-or-later
// The performance prediction model (core/routing/ppm.h) and its least-squares solver
// (core/ml/leastsquares.h), against scikit-learn golden files (tests/data/ppm, made by
// tests/data/ppm/make_golden.py).
#include "core/ml/leastsquares.h"
#include "core/routing/ppm.h"

#include <QFile>
#include <QtTest>

#include <cmath>
#include <limits>
#include <stdexcept>

using namespace hyper;

namespace {

struct Golden
{
    int p = 0;
    std::vector<double> trainX, trainY, trainPred, testX, testPred;
    int nTrain = 0, nTest = 0;
    double intercept = 0;
    std::vector<double> coef;
};

QList<QByteArrayList> readCsv(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        qFatal("cannot open %s", qPrintable(path));
    QList<QByteArrayList> rows;
    const QList<QByteArray> lines = f.readAll().split('\n');
    for (qsizetype i = 1; i < lines.size(); ++i) { // skip the header
        const QByteArray line = lines[i].trimmed();
        if (!line.isEmpty())
            rows.append(line.split(','));
    }
    return rows;
}

double num(const QByteArray &s)
{
    bool ok = false;
    const double v = s.toDouble(&ok);
    if (!ok)
        qFatal("not a number: %s", s.constData());
    return v;
}

Golden loadGolden(const QString &name)
{
    const QString dir = QStringLiteral(HYPER_TEST_DATA_DIR "/ppm/");
    Golden g;
    for (const QByteArrayList &r : readCsv(dir + name + QStringLiteral(".csv"))) {
        g.p = static_cast<int>(r.size()) - 3; // split, x..., y, pred
        const bool train = r[0] == "train";
        for (int j = 0; j < g.p; ++j)
            (train ? g.trainX : g.testX).push_back(num(r[1 + j]));
        if (train) {
            g.trainY.push_back(num(r[1 + g.p]));
            g.trainPred.push_back(num(r[2 + g.p]));
            ++g.nTrain;
        } else {
            g.testPred.push_back(num(r[2 + g.p]));
            ++g.nTest;
        }
    }
    const QList<QByteArrayList> coef = readCsv(dir + name + QStringLiteral("_coef.csv"));
    g.intercept = num(coef.front()[1]);
    for (qsizetype i = 1; i < coef.size(); ++i)
        g.coef.push_back(num(coef[i][1]));
    return g;
}

/** max |a - b| / max(|b|, floor) over the two vectors. */
double maxRel(const std::vector<double> &a, const std::vector<double> &b, double floor)
{
    if (a.size() != b.size())
        return std::numeric_limits<double>::infinity();
    double m = 0;
    for (size_t i = 0; i < a.size(); ++i)
        m = std::max(m, std::abs(a[i] - b[i]) / std::max(std::abs(b[i]), floor));
    return m;
}

double maxAbs(const std::vector<double> &v)
{
    double m = 0;
    for (const double x : v)
        m = std::max(m, std::abs(x));
    return m;
}

} // namespace

class TestPpm : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void goldenVsSklearn_data();
    void goldenVsSklearn();
    void minimumNormSolve();
    void ridgeSolve();
    void quadraticExpansion();
    void averageRanksWithTies();
    void spearmanHandCases();
    void rmseHandCase();
    void kFoldArithmetic();
    void crossValidateFolds();
    void ridgePathMatchesSingleRidge();
    void learningCurveSizes();
    void rejectsBadInput();
    void numpyPermutationMatchesNumpy();
    void referenceProtocolMatchesSklearn();
};

void TestPpm::goldenVsSklearn_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<int>("model");
    QTest::addColumn<double>("ridge");
    QTest::newRow("linear") << QStringLiteral("linear") << int(PpmModel::Linear) << 0.0;
    QTest::newRow("quadratic") << QStringLiteral("quadratic") << int(PpmModel::Quadratic) << 0.0;
    QTest::newRow("ridge") << QStringLiteral("ridge") << int(PpmModel::Linear) << 1.5;
    QTest::newRow("quadratic_ridge") << QStringLiteral("quadratic_ridge") << int(PpmModel::Quadratic) << 2.0;
    QTest::newRow("quadratic_underdetermined") << QStringLiteral("quadratic_underdetermined")
                                               << int(PpmModel::Quadratic) << 0.0;
}

void TestPpm::goldenVsSklearn()
{
    QFETCH(QString, name);
    QFETCH(int, model);
    QFETCH(double, ridge);
    const Golden g = loadGolden(name);
    QCOMPARE(g.p, 6);
    Ppm ppm(static_cast<PpmModel>(model), ridge);
    ppm.fit(g.trainX, g.nTrain, g.p, g.trainY);
    QCOMPARE(ppm.coefficients().size(), g.coef.size());
    const std::vector<double> predTest = ppm.predict(g.testX, g.nTest);
    const std::vector<double> predTrain = ppm.predict(g.trainX, g.nTrain);
    // Relative to each value, with the floor 1e-3 for values near zero (targets are O(1)).
    const double relTest = maxRel(predTest, g.testPred, 1e-3);
    const double relTrain = maxRel(predTrain, g.trainPred, 1e-3);
    // Coefficients: relative to the largest coefficient (the minimum-norm vector itself).
    const double relCoef = maxRel(ppm.coefficients(), g.coef, maxAbs(g.coef));
    const double relIntercept = std::abs(ppm.intercept() - g.intercept) / std::max(std::abs(g.intercept), 1e-3);
    qInfo("%s: max relative difference vs scikit-learn: test predictions %.3g, train predictions %.3g, "
          "coefficients %.3g, intercept %.3g",
          qPrintable(name), relTest, relTrain, relCoef, relIntercept);
    QVERIFY2(relTest <= 1e-6, qPrintable(QString::number(relTest)));
    QVERIFY2(relTrain <= 1e-6, qPrintable(QString::number(relTrain)));
    QVERIFY2(relCoef <= 1e-6, qPrintable(QString::number(relCoef)));
    QVERIFY2(relIntercept <= 1e-6, qPrintable(QString::number(relIntercept)));
    if (name == QLatin1String("quadratic_underdetermined")) {
        QCOMPARE(g.nTrain, 20);
        QCOMPARE(static_cast<int>(g.coef.size()), 27);
        // Interpolates the training set.
        QVERIFY(maxRel(predTrain, g.trainY, 1.0) < 1e-9);
    }
}

void TestPpm::minimumNormSolve()
{
    // x0 + x1 = 2 (one row, two columns): the minimum-norm solution is (1, 1).
    const std::vector<double> w = ml::solveLeastSquares({1, 1}, 1, 2, {2});
    QCOMPARE(w.size(), size_t(2));
    QVERIFY(std::abs(w[0] - 1) < 1e-12 && std::abs(w[1] - 1) < 1e-12);
    // Rank-deficient tall matrix: duplicated column splits the weight evenly.
    const std::vector<double> w2 = ml::solveLeastSquares({1, 1, 2, 2, 3, 3}, 3, 2, {2, 4, 6});
    QVERIFY(std::abs(w2[0] - 1) < 1e-12 && std::abs(w2[1] - 1) < 1e-12);
    // Over-determined, exact: y = 3 x.
    const std::vector<double> w3 = ml::solveLeastSquares({1, 2, 3, 4}, 4, 1, {3, 6, 9, 12});
    QVERIFY(std::abs(w3[0] - 3) < 1e-12);
}

void TestPpm::ridgeSolve()
{
    // One column: w = x.y / (x.x + alpha) = 20 / (5 + 5) = 2.
    const std::vector<double> w = ml::solveLeastSquares({1, 2}, 2, 1, {4, 8}, 5.0);
    QVERIFY(std::abs(w[0] - 2) < 1e-12);
    // Primal (p <= n) and dual (p > n) forms give the same vector: compare via a wide system
    // and its explicit normal equations for one row: w = x y / (x.x + alpha).
    const std::vector<double> w2 = ml::solveLeastSquares({1, 2, 2}, 1, 3, {9}, 1.0);
    const double s = 9.0 / (9.0 + 1.0);
    QVERIFY(std::abs(w2[0] - s) < 1e-12 && std::abs(w2[1] - 2 * s) < 1e-12 && std::abs(w2[2] - 2 * s) < 1e-12);
}

void TestPpm::quadraticExpansion()
{
    QCOMPARE(Ppm::expandedWidth(PpmModel::Linear, 90), 90);
    QCOMPARE(Ppm::expandedWidth(PpmModel::Quadratic, 90), 4185); // + intercept = 4186 (METHOD.md)
    QCOMPARE(Ppm::expandedWidth(PpmModel::Quadratic, 6), 27);
    // sklearn order: x0, x1, x2, x0^2, x0x1, x0x2, x1^2, x1x2, x2^2.
    const std::vector<double> z = Ppm::expand(PpmModel::Quadratic, {2, 3, 5}, 1, 3);
    const std::vector<double> expected{2, 3, 5, 4, 6, 10, 9, 15, 25};
    QCOMPARE(z, expected);
}

void TestPpm::averageRanksWithTies()
{
    QCOMPARE(averageRanks({10, 20, 20, 30}), (std::vector<double>{1, 2.5, 2.5, 4}));
    QCOMPARE(averageRanks({3, 1, 3, 3}), (std::vector<double>{3, 1, 3, 3}));
    QCOMPARE(averageRanks({5}), (std::vector<double>{1}));
}

void TestPpm::spearmanHandCases()
{
    QCOMPARE(spearman({1, 2, 3, 4}, {10, 20, 30, 40}), 1.0);
    QCOMPARE(spearman({1, 2, 3, 4}, {4, 3, 2, 1}), -1.0);
    // Monotone but non-linear: still 1.
    QCOMPARE(spearman({1, 2, 3, 4}, {1, 8, 27, 64}), 1.0);
    // With ties (scipy.stats.spearmanr([1,2,2,3],[1,3,2,4]) = 0.9486832980505139).
    QVERIFY(std::abs(spearman({1, 2, 2, 3}, {1, 3, 2, 4}) - 0.9486832980505139) < 1e-12);
    // scipy.stats.spearmanr([1,1,2,2,3],[2,1,4,3,3]) = 0.7299963950884315.
    QVERIFY(std::abs(spearman({1, 1, 2, 2, 3}, {2, 1, 4, 3, 3}) - 0.7299963950884315) < 1e-12);
    QVERIFY(std::isnan(spearman({1, 1, 1}, {1, 2, 3})));
    QVERIFY(std::isnan(spearman({1}, {1})));
}

void TestPpm::rmseHandCase()
{
    QCOMPARE(rmse({1, 2, 3}, {1, 2, 3}), 0.0);
    QVERIFY(std::abs(rmse({0, 0}, {3, 4}) - std::sqrt(12.5)) < 1e-12);
    QVERIFY(std::isnan(rmse({}, {})));
}

void TestPpm::kFoldArithmetic()
{
    // sklearn KFold(3).split(range(10)): test folds [0,4), [4,7), [7,10).
    const auto f = kFoldRanges(10, 3);
    QCOMPARE(f.size(), size_t(3));
    QCOMPARE(f[0], std::make_pair(0, 4));
    QCOMPARE(f[1], std::make_pair(4, 7));
    QCOMPARE(f[2], std::make_pair(7, 10));
    // 500 candidates, 10 folds: ten folds of 50.
    const auto g = kFoldRanges(500, 10);
    for (int i = 0; i < 10; ++i)
        QCOMPARE(g[i], std::make_pair(50 * i, 50 * i + 50));
    // 250 in 10 folds of 25; 23 in 10: three of 3, seven of 2.
    QCOMPARE(kFoldRanges(250, 10)[9], std::make_pair(225, 250));
    const auto h = kFoldRanges(23, 10);
    QCOMPARE(h[2], std::make_pair(6, 9));
    QCOMPARE(h[3], std::make_pair(9, 11));
    QCOMPARE(h[9].second, 23);
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, kFoldRanges(5, 6));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, kFoldRanges(5, 1));
}

void TestPpm::crossValidateFolds()
{
    // y = 1 + 2 x0 - x1 exactly: linear CV predicts every held-out row exactly.
    std::vector<double> X, y;
    for (int i = 0; i < 23; ++i) {
        const double a = (i * 7) % 11, b = (i * 5) % 13;
        X.push_back(a);
        X.push_back(b);
        y.push_back(1 + 2 * a - b);
    }
    const PpmCvResult cv = crossValidate(PpmModel::Linear, 0, X, 23, 2, y, 10);
    QCOMPARE(cv.folds, 10);
    QCOMPARE(cv.rows, 23);
    QCOMPARE(cv.trainRows, 21); // 23 - the smallest fold (2)
    QCOMPARE(cv.predictions.size(), size_t(23));
    QVERIFY(cv.rmse < 1e-9);
    // y has ties that rounding noise in the predictions breaks: rank rounded predictions.
    std::vector<double> rounded = cv.predictions;
    for (double &v : rounded)
        v = std::round(v * 1e6) / 1e6;
    QVERIFY(std::abs(spearman(rounded, y) - 1) < 1e-12);
    QVERIFY(cv.spearman > 0.99);
    // Fold 0 holds rows 0..2: its model never sees y[0], so its predictions stay; the other
    // folds train on row 0, so theirs move.
    std::vector<double> y2 = y;
    y2[0] += 100;
    const PpmCvResult cv2 = crossValidate(PpmModel::Linear, 0, X, 23, 2, y2, 10);
    QVERIFY(std::abs(cv2.predictions[0] - cv.predictions[0]) < 1e-9);
    QVERIFY(std::abs(cv2.predictions[1] - cv.predictions[1]) < 1e-9);
    QVERIFY(std::abs(cv2.predictions[5] - cv.predictions[5]) > 1e-3);
}

void TestPpm::ridgePathMatchesSingleRidge()
{
    // Under-determined quadratic (40 rows, 6 inputs -> 27 columns) with counts in the
    // hundreds: the SVD path must give, per alpha, the CV of Ppm(model, alpha).
    std::mt19937_64 rng(7);
    std::vector<double> X, y;
    for (int i = 0; i < 40; ++i) {
        double t = 0;
        for (int j = 0; j < 6; ++j) {
            const double c = double(rng() % 500);
            X.push_back(c);
            t += (j % 2 ? 1e-3 : -5e-4) * c;
        }
        y.push_back(0.6 + t + double(rng() % 1000) * 1e-5);
    }
    const std::vector<double> grid = ridgeGrid(PpmModel::Quadratic, X, 40, 6);
    QCOMPARE(grid.size(), size_t(27));
    QVERIFY(grid.front() > 0 && grid.back() / grid.front() > 1e12);
    const std::vector<double> alphas = {grid[4], grid[12], grid[20]};
    const std::vector<PpmCvResult> path = crossValidateRidgePath(PpmModel::Quadratic, alphas, X, 40, 6, y, 5);
    QCOMPARE(path.size(), alphas.size());
    for (size_t a = 0; a < alphas.size(); ++a) {
        const PpmCvResult one = crossValidate(PpmModel::Quadratic, alphas[a], X, 40, 6, y, 5);
        QCOMPARE(path[a].trainRows, one.trainRows);
        for (int i = 0; i < 40; ++i)
            QVERIFY2(std::abs(path[a].predictions[i] - one.predictions[i]) <= 1e-8 * std::max(1.0, std::abs(one.predictions[i])),
                     qPrintable(QStringLiteral("alpha %1 row %2: %3 vs %4").arg(alphas[a]).arg(i)
                                    .arg(path[a].predictions[i], 0, 'g', 17).arg(one.predictions[i], 0, 'g', 17)));
        QVERIFY(std::abs(path[a].rmse - one.rmse) <= 1e-8 * one.rmse);
    }
    // A heavier penalty shrinks the out-of-fold predictions toward the mean of y.
    QVERIFY(path[0].rmse != path[2].rmse);
}

void TestPpm::learningCurveSizes()
{
    const Golden g = loadGolden(QStringLiteral("linear"));
    const auto curve = learningCurve(PpmModel::Linear, 0, g.trainX, g.nTrain, g.p, g.trainY, {10, 20, 36}, 10);
    QCOMPARE(curve.size(), size_t(3));
    QCOMPARE(curve[0].trainSize, 10);
    QCOMPARE(curve[0].cv.trainRows, 10);
    QCOMPARE(curve[2].cv.trainRows, 36);
    // The full size equals plain cross-validation.
    const PpmCvResult cv = crossValidate(PpmModel::Linear, 0, g.trainX, g.nTrain, g.p, g.trainY, 10);
    QVERIFY(std::abs(curve[2].cv.rmse - cv.rmse) < 1e-12);
    QVERIFY(curve[2].cv.rmse < curve[0].cv.rmse);
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                             learningCurve(PpmModel::Linear, 0, g.trainX, g.nTrain, g.p, g.trainY, {37}, 10));
}

void TestPpm::rejectsBadInput()
{
    Ppm ppm;
    QVERIFY_THROWS_EXCEPTION(std::logic_error, ppm.predict({1, 2}, 1));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, ppm.fit({1, 2, 3}, 2, 2, {1, 2}));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, ppm.fit({1, 2, 3, 4}, 2, 2, {1}));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, Ppm(PpmModel::Linear, -1));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, ml::solveLeastSquares({1, 2}, 1, 2, {1}, -0.5));
    ppm.fit({1, 2, 3, 4, 5, 7}, 3, 2, {1, 2, 3});
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, ppm.predict({1, 2, 3}, 1));
    QVERIFY(ppm.predict({}, 0).empty());
}

// numpy's RandomState(seed).permutation(n), as numpy 1.24 gave it
// (tests/data/ppm/make_protocol_golden.py).
void TestPpm::numpyPermutationMatchesNumpy()
{
    int cases = 0;
    for (const QByteArrayList &r : readCsv(QStringLiteral(HYPER_TEST_DATA_DIR "/ppm/numpy_permutation.csv"))) {
        const int n = r[0].toInt();
        const auto seed = std::uint32_t(r[1].toUInt());
        std::vector<int> expected;
        for (const QByteArray &v : r[2].split(' '))
            expected.push_back(v.toInt());
        QCOMPARE(int(expected.size()), n);
        QCOMPARE(numpyPermutation(n, seed), expected);
        ++cases;
    }
    QCOMPARE(cases, 7);
}

// The reference's protocol (train_regressor.py) against scikit-learn running it: the
// split after dropna, then MSE and RMSE of the full fit and of the training curve.
void TestPpm::referenceProtocolMatchesSklearn()
{
    const QString dir = QStringLiteral(HYPER_TEST_DATA_DIR "/ppm/");
    std::vector<double> x, y;
    int dropped = 0;
    for (const QByteArrayList &r : readCsv(dir + QStringLiteral("protocol.csv"))) {
        QCOMPARE(r.size(), 7);
        if (r[6].isEmpty()) { // pandas' dropna
            ++dropped;
            continue;
        }
        for (int c = 0; c < 6; ++c)
            x.push_back(num(r[c]));
        y.push_back(num(r[6]));
    }
    QCOMPARE(dropped, 1);
    const int n = int(y.size());
    QCOMPARE(n, 57);

    std::vector<int> test, train;
    for (const QByteArrayList &r : readCsv(dir + QStringLiteral("protocol_split.csv")))
        (r[0] == "test" ? test : train).push_back(r[1].toInt());
    const PpmSplit split = referenceSplit(n, 42);
    QCOMPARE(split.test, test); // ceil(0.2 * 57) = 12 rows
    QCOMPARE(split.train, train);

    // The quadratic is checked against the exact least-squares fit ("quadratic_exact"): the
    // reference's own quadratic keeps PolynomialFeatures' bias column, which scipy's lstsq
    // gives a rank and a coefficient near 1e12 (make_protocol_golden.py, docs/ROUTING.md).
    int checked = 0;
    for (const PpmModel model : {PpmModel::Linear, PpmModel::Quadratic}) {
        const QByteArray name = model == PpmModel::Linear ? "linear" : "quadratic_exact";
        const PpmHoldout h = referenceHoldout(model, 0, x, n, 6, y, 42);
        QCOMPARE(h.trainRows, 45);
        QCOMPARE(h.testRows, 12);
        QCOMPARE(int(h.curve.size()), 4);
        int point = 0;
        for (const QByteArrayList &r : readCsv(dir + QStringLiteral("protocol_golden.csv"))) {
            if (r[0] != name)
                continue;
            const PpmHoldout::Point &pt = h.curve[std::size_t(point++)];
            QCOMPARE(pt.trainSize, r[1].toInt());
            QVERIFY2(std::abs(pt.mse - num(r[2])) <= 1e-9 * num(r[2]), qPrintable(QString::number(pt.mse, 'g', 17)));
            QVERIFY2(std::abs(pt.rmse - num(r[3])) <= 1e-9 * num(r[3]), qPrintable(QString::number(pt.rmse, 'g', 17)));
            if (pt.trainSize == h.trainRows) {
                QVERIFY(std::abs(h.mse - num(r[2])) <= 1e-9 * num(r[2]));
                QVERIFY(std::abs(h.rmse - num(r[3])) <= 1e-9 * num(r[3]));
            }
            ++checked;
        }
        QCOMPARE(point, 4);
    }
    QCOMPARE(checked, 8);
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, referenceSplit(1, 42));
}

QTEST_GUILESS_MAIN(TestPpm)
#include "tst_ppm.moc"
