// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/ml/leastsquares.h"

#include <torch/types.h>

#include <cstring>
#include <limits>
#include <stdexcept>
#include <string>

namespace hyper::ml {

double leastSquaresRcond(int n, int p)
{
    return std::numeric_limits<double>::epsilon() * static_cast<double>(std::max(n, p));
}

std::vector<double> solveLeastSquares(const std::vector<double> &X, int n, int p,
                                      const std::vector<double> &y, double ridge)
{
    if (n < 1 || p < 1)
        throw std::invalid_argument("solveLeastSquares: need at least one row and one column");
    if (X.size() != static_cast<size_t>(n) * static_cast<size_t>(p))
        throw std::invalid_argument("solveLeastSquares: X has " + std::to_string(X.size()) +
                                    " values, expected n * p = " + std::to_string(size_t(n) * size_t(p)));
    if (y.size() != static_cast<size_t>(n))
        throw std::invalid_argument("solveLeastSquares: y has " + std::to_string(y.size()) +
                                    " values, expected " + std::to_string(n));
    if (!(ridge >= 0))
        throw std::invalid_argument("solveLeastSquares: ridge must be >= 0");

    torch::NoGradGuard noGrad;
    const auto opts = torch::TensorOptions().dtype(torch::kFloat64);
    // from_blob does not own or copy; clone so LAPACK may overwrite its input freely.
    const torch::Tensor A = torch::from_blob(const_cast<double *>(X.data()), {n, p}, opts).clone();
    const torch::Tensor b = torch::from_blob(const_cast<double *>(y.data()), {n, 1}, opts).clone();

    torch::Tensor w;
    if (ridge == 0) {
        w = std::get<0>(at::linalg_lstsq(A, b, leastSquaresRcond(n, p), c10::string_view("gelsd")));
    } else if (p <= n) {
        torch::Tensor G = at::matmul(A.t(), A);
        G.diagonal().add_(ridge);
        w = at::linalg_solve(G, at::matmul(A.t(), b));
    } else {
        torch::Tensor K = at::matmul(A, A.t());
        K.diagonal().add_(ridge);
        w = at::matmul(A.t(), at::linalg_solve(K, b));
    }
    w = w.reshape({p}).contiguous();
    std::vector<double> out(static_cast<size_t>(p));
    std::memcpy(out.data(), w.data_ptr<double>(), out.size() * sizeof(double));
    return out;
}

std::vector<std::vector<double>> ridgePath(const std::vector<double> &X, int n, int p, const std::vector<double> &y,
                                           const std::vector<double> &alphas)
{
    if (n < 1 || p < 1 || X.size() != static_cast<size_t>(n) * static_cast<size_t>(p) ||
        y.size() != static_cast<size_t>(n))
        throw std::invalid_argument("ridgePath: bad sizes");
    for (double a : alphas)
        if (!(a > 0))
            throw std::invalid_argument("ridgePath: every alpha must be > 0");
    torch::NoGradGuard noGrad;
    const auto opts = torch::TensorOptions().dtype(torch::kFloat64);
    const torch::Tensor A = torch::from_blob(const_cast<double *>(X.data()), {n, p}, opts).clone();
    const torch::Tensor b = torch::from_blob(const_cast<double *>(y.data()), {n}, opts).clone();
    const auto [U, S, Vh] = at::linalg_svd(A, /*full_matrices=*/false);
    const torch::Tensor uty = at::mv(U.t(), b);
    const torch::Tensor s2 = S * S;
    std::vector<std::vector<double>> out;
    out.reserve(alphas.size());
    for (double a : alphas) {
        const torch::Tensor w = at::mv(Vh.t(), S / (s2 + a) * uty).contiguous();
        out.emplace_back(w.data_ptr<double>(), w.data_ptr<double>() + p);
    }
    return out;
}

} // namespace hyper::ml
