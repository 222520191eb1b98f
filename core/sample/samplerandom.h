// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QtGlobal>
#include <cmath>
#include <random>

// Portable random draws for the sample generator. std::mt19937_64's output sequence is
// fixed by the standard, but the std distributions are implementation-defined, so every
// mapping from raw 64-bit draws is done here by hand: the sample is then identical with
// libstdc++, libc++ and MSVC. Only +, -, *, / and sqrt (all correctly rounded in IEEE
// arithmetic) touch the draws; no libm transcendental function does. (A compiler that
// fuses a*b+c into one FMA could, in principle, flip a comparison at the last bit; the
// default x86-64 and -ffp-contract=off builds do not fuse.)
namespace hyper::sample {

/** splitmix64 finaliser of (a, b): decorrelated seeds for per-instance engines. */
inline quint64 mix(quint64 a, quint64 b)
{
    quint64 z = a + 0x9e3779b97f4a7c15ULL * (b + 1);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

class Rng
{
public:
    explicit Rng(quint64 seed) : m_engine(seed) {}

    quint64 next() { return m_engine(); }

    /** Uniform in [0, 1) with 53 random bits. */
    double uniform() { return double(m_engine() >> 11) * (1.0 / 9007199254740992.0); }

    /** Uniform integer in [0, n), n > 0 (modulo bias below n / 2^64: negligible). */
    int below(int n) { return int(m_engine() % quint64(n)); }

    bool chance(double p) { return uniform() < p; }

    /** Approximately standard normal: Irwin-Hall sum of four uniforms, rescaled (mean 0,
     *  variance 1, support +-2*sqrt(3)). The draws are sequenced explicitly because the
     *  evaluation order of operands in one expression is unspecified. */
    double normal()
    {
        double s = uniform();
        s += uniform();
        s += uniform();
        s += uniform();
        return (s - 2.0) * std::sqrt(3.0);
    }

    /** Index drawn with the given non-negative weights (not all zero). */
    int weighted(const double *w, int n)
    {
        double total = 0;
        for (int i = 0; i < n; ++i)
            total += w[i];
        double x = uniform() * total;
        for (int i = 0; i < n; ++i) {
            if (x < w[i])
                return i;
            x -= w[i];
        }
        for (int i = n - 1; i >= 0; --i) // rounding at the top end: last positive weight
            if (w[i] > 0)
                return i;
        return 0;
    }

private:
    std::mt19937_64 m_engine;
};

} // namespace hyper::sample
