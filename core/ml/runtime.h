// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Torch-free header: safe to include from Qt code.
#include <string>

namespace hyper::ml {

struct RuntimeInfo {
    std::string torchVersion;
    bool cudaAvailable = false;
    int cudaDevices = 0;
    int intraOpThreads = 0;
};

/** What the LibTorch this binary was built against offers here. */
RuntimeInfo runtimeInfo();

/** Sets the thread counts once at start-up: OpenBLAS's pool (when it is the BLAS; the
 *  large matrix work: least squares, matmuls) gets `blasThreads`, LibTorch's own
 *  intra-op pool `intraOpThreads`. <= 0 means one per hardware thread. The default keeps
 *  LibTorch's pool at 1: on the 2-core target its OpenMP threads spin-wait against
 *  OpenBLAS's (measured: PPM fit 3.3 s with 2+2 threads, 2.1 s with 1+2; the bag RM
 *  9.6 s with 1 thread, 86 s with 2 on a loaded box). Returns LibTorch's count. */
int configureThreads(int blasThreads = 0, int intraOpThreads = 1);

/** While at least one of these lives, OpenBLAS runs single-threaded (process-wide; the
 *  count set before the first one is restored when the last one ends). For code that
 *  makes many small BLAS/LAPACK calls or parallelizes them itself (the PPM's k-fold
 *  solves): waking OpenBLAS's pool for each call costs a scheduler round trip, which on a
 *  busy 2-core machine turned a 1 s PPM fit into 24 s of waiting. */
class SingleThreadedBlas
{
public:
    SingleThreadedBlas();
    ~SingleThreadedBlas();
    SingleThreadedBlas(const SingleThreadedBlas &) = delete;
    SingleThreadedBlas &operator=(const SingleThreadedBlas &) = delete;
};

} // namespace hyper::ml
