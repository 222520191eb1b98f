#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Golden data for tests/core/tst_ppm.cpp: scikit-learn's LinearRegression, Ridge and
PolynomialFeatures(degree=2, include_bias=False) predictions on small deterministic data.

Regenerate (needs Debian's python3-sklearn; use /usr/bin/python3, not a pyenv python3):
    /usr/bin/python3 tests/data/ppm/make_golden.py

Writes, for each case C:
    C.csv       header split,x0..x5,y,pred  (split = train | test; pred = sklearn's prediction)
    C_coef.csv  header term,value           (intercept, then coef_ in sklearn's column order)
"""
import csv
import os

import numpy as np
import sklearn
from sklearn.linear_model import LinearRegression, Ridge
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import PolynomialFeatures

HERE = os.path.dirname(os.path.abspath(__file__))
P = 6
N_TEST = 10


def make_data(seed, n_train):
    rng = np.random.RandomState(seed)
    X = rng.randint(0, 10, size=(n_train + N_TEST, P)).astype(np.float64)
    w = rng.normal(size=P)
    y = X @ w * 0.1 + 0.02 * X[:, 0] * X[:, 1] - 0.01 * X[:, 2] ** 2 + rng.normal(scale=0.3, size=len(X))
    return X[:n_train], y[:n_train], X[n_train:], y[n_train:]


def write_case(name, model, Xtr, ytr, Xte, yte):
    model.fit(Xtr, ytr)
    with open(os.path.join(HERE, name + ".csv"), "w", newline="") as f:
        wr = csv.writer(f)
        wr.writerow(["split"] + ["x%d" % i for i in range(P)] + ["y", "pred"])
        for split, X, y in (("train", Xtr, ytr), ("test", Xte, yte)):
            pred = model.predict(X)
            for row, yy, pp in zip(X, y, pred):
                wr.writerow([split] + ["%d" % v for v in row] + [repr(float(yy)), repr(float(pp))])
    est = model.steps[-1][1] if hasattr(model, "steps") else model
    with open(os.path.join(HERE, name + "_coef.csv"), "w", newline="") as f:
        wr = csv.writer(f)
        wr.writerow(["term", "value"])
        wr.writerow(["intercept", repr(float(est.intercept_))])
        for i, c in enumerate(est.coef_):
            wr.writerow(["w%d" % i, repr(float(c))])


def main():
    print("scikit-learn", sklearn.__version__)
    Xtr, ytr, Xte, yte = make_data(1, 40)
    write_case("linear", LinearRegression(), Xtr, ytr, Xte, yte)
    write_case("quadratic", make_pipeline(PolynomialFeatures(2, include_bias=False), LinearRegression()),
               Xtr, ytr, Xte, yte)
    write_case("ridge", Ridge(alpha=1.5), Xtr, ytr, Xte, yte)
    write_case("quadratic_ridge", make_pipeline(PolynomialFeatures(2, include_bias=False), Ridge(alpha=2.0)),
               Xtr, ytr, Xte, yte)
    # Under-determined: 20 rows, 27 quadratic columns -> minimum-norm solution.
    Xtr, ytr, Xte, yte = make_data(2, 20)
    write_case("quadratic_underdetermined",
               make_pipeline(PolynomialFeatures(2, include_bias=False), LinearRegression()), Xtr, ytr, Xte, yte)


if __name__ == "__main__":
    main()
