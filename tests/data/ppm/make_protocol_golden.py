#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Golden data for `hyper ppm fit --protocol reference` (tests/core/tst_ppm.cpp): the
reference's fitting protocol, as scripts/train_regressor.py of allenai/hybrid-preferences
@ 7a17ed3 runs it (its main() and train_linear_regressor / train_quadratic_regressor),
rewritten here with the same scikit-learn calls:

    input_df = pd.read_csv(path).dropna()
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, random_state=42)
    model = LinearRegression()                        # linear
    poly = PolynomialFeatures(degree=2); LinearRegression() on poly.fit_transform(X)   # quadratic
    mse = mean_squared_error(y_test, y_pred); rmse = sqrt(mse)
    training curve: the same fit on X_train[:int(len(X_train) * pct)], pct = .25 .5 .75 1

Regenerate with Debian's python3-sklearn and python3-pandas (no PyPI):
    /usr/bin/python3 tests/data/ppm/make_protocol_golden.py

Writes protocol.csv (x0..x5, Overall; row 9 has an empty Overall, which dropna drops),
protocol_golden.csv (model, train_size, mse, rmse: the curve, the last row the full fit;
models linear, quadratic as the reference fits it, and quadratic_exact, see below),
and protocol_split.csv (the test rows' indices into the rows left after dropna, in split
order; then the training rows'), plus numpy_permutation.csv (RandomState(42).permutation
for several n, the draws train_test_split makes).
"""
import csv
import math
import os

import numpy as np
import pandas as pd
from sklearn.linear_model import LinearRegression
from sklearn.metrics import mean_squared_error
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import PolynomialFeatures

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    rng = np.random.RandomState(7)
    n, p = 58, 6
    X = rng.randint(0, 12, size=(n, p)).astype(float)
    w = rng.normal(size=p)
    y = X @ w * 0.1 + 0.03 * X[:, 0] * X[:, 2] + rng.normal(scale=0.2, size=n)
    df = pd.DataFrame(X, columns=[f"x{i}" for i in range(p)]).astype(int)
    df["Overall"] = y
    df.loc[9, "Overall"] = np.nan
    path = os.path.join(HERE, "protocol.csv")
    df.to_csv(path, index=False, float_format="%.17g")

    data = pd.read_csv(path).dropna()
    Xd = data[[f"x{i}" for i in range(p)]]
    yd = data["Overall"].astype(float)
    X_train, X_test, y_train, y_test = train_test_split(Xd, yd, test_size=0.2, random_state=42)
    pos = {label: k for k, label in enumerate(data.index)}
    with open(os.path.join(HERE, "protocol_split.csv"), "w", newline="") as f:
        wr = csv.writer(f)
        wr.writerow(["part", "row"])
        for part, frame in (("test", X_test), ("train", X_train)):
            for label in frame.index:
                wr.writerow([part, pos[label]])

    def linear(Xa, Xb, ya):
        return LinearRegression().fit(Xa, ya).predict(Xb)

    def quadratic(Xa, Xb, ya):
        poly = PolynomialFeatures(degree=2)
        return LinearRegression().fit(poly.fit_transform(Xa), ya).predict(poly.transform(Xb))

    # The reference's quadratic keeps PolynomialFeatures' bias column. LinearRegression
    # centres it to 0, and scipy's lstsq (LAPACK's SVD) still finds a singular value of
    # about 2.5e-13 for it (sklearn 1.2.1, scipy 1.10.1): one rank more, and a coefficient
    # near 1e12 on it. The test error then depends on rounding.
    # The same model without that column is the exact least-squares fit the workbench
    # computes; both are written, the workbench is checked against the exact one.
    def quadratic_exact(Xa, Xb, ya):
        poly = PolynomialFeatures(degree=2, include_bias=False)
        return LinearRegression().fit(poly.fit_transform(Xa), ya).predict(poly.transform(Xb))

    with open(os.path.join(HERE, "protocol_golden.csv"), "w", newline="") as f:
        wr = csv.writer(f)
        wr.writerow(["model", "train_size", "mse", "rmse"])
        for name, fit in (("linear", linear), ("quadratic", quadratic), ("quadratic_exact", quadratic_exact)):
            for pct in (0.25, 0.5, 0.75, 1):
                m = int(len(X_train) * pct)
                mse = mean_squared_error(y_test, fit(X_train[:m], X_test, y_train[:m]))
                wr.writerow([name, m, repr(float(mse)), repr(math.sqrt(mse))])

    with open(os.path.join(HERE, "numpy_permutation.csv"), "w", newline="") as f:
        wr = csv.writer(f)
        wr.writerow(["n", "seed", "permutation"])
        for size, seed in ((1, 42), (2, 42), (10, 42), (57, 42), (1000, 42), (300, 0), (7000, 1234)):
            perm = np.random.RandomState(seed).permutation(size)
            wr.writerow([size, seed, " ".join(str(int(v)) for v in perm)])
    print("wrote protocol.csv, protocol_split.csv, protocol_golden.csv, numpy_permutation.csv")


if __name__ == "__main__":
    main()
