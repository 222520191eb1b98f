// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Dense least squares for the PPM (core/routing/ppm.h). Torch-free header: hyper_core
// calls it with plain vectors; LibTorch (double precision, LAPACK) does the work in
// leastsquares.cpp.

#include <vector>

namespace hyper::ml {

/** Relative cutoff used by solveLeastSquares for the minimum-norm solution: singular
 *  values below rcond * max(singular value) are treated as zero. rcond = eps * max(n, p)
 *  (NumPy's and torch's default). scikit-learn (scipy.linalg.lstsq) uses eps alone; the two
 *  agree unless a singular value lies between eps and max(n, p) * eps of the largest, where
 *  scipy returns coefficients dominated by rounding noise (e.g. the direction that centering
 *  removes). */
double leastSquaresRcond(int n, int p);

/** Coefficients w (length p) of min ||X w - y||^2 + ridge * ||w||^2, no intercept.
 *  X: row-major n x p, y: length n. With ridge == 0: the minimum-norm least-squares
 *  solution (LAPACK gelsd, as scipy.linalg.lstsq behind scikit-learn's LinearRegression),
 *  also when n < p or X is rank-deficient. With ridge > 0: the Ridge solution, through the
 *  p x p normal equations when p <= n, else through the n x n dual
 *  w = X^T (X X^T + ridge I)^-1 y (the same vector). Centering for an intercept is the
 *  caller's job. Throws std::invalid_argument on bad sizes or ridge < 0. */
std::vector<double> solveLeastSquares(const std::vector<double> &X, int n, int p,
                                      const std::vector<double> &y, double ridge = 0);

/** Ridge solutions of min ||X w - y||^2 + alpha ||w||^2 for several alphas (each > 0) from
 *  one thin SVD X = U S V^T: w(alpha) = V diag(s / (s^2 + alpha)) U^T y. Same vectors as
 *  solveLeastSquares(X, n, p, y, alpha), at the cost of one factorization for the whole
 *  path. Returns alphas.size() vectors of length p. Throws std::invalid_argument. */
std::vector<std::vector<double>> ridgePath(const std::vector<double> &X, int n, int p, const std::vector<double> &y,
                                           const std::vector<double> &alphas);

} // namespace hyper::ml
