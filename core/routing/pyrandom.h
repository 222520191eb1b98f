// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Python's random module, draw for draw (issue 20): the reference's reference mode draws
// its simulated candidates (run_knapsack), its subsample (random.sample in
// generate_instances / topk_sampling) and its importance carriers (get_ids) from Python's
// global random state, so a seed reproduces its plans only with the same generator.
//
// CPython 3.11 Modules/_randommodule.c and Lib/random.py: MT19937 seeded by
// init_by_array from the seed's 32-bit words; getrandbits(k); _randbelow by rejection
// on getrandbits(n.bit_length()); shuffle from the end (j = randbelow(i + 1)); sample's
// pool and set-selection branches, chosen by the same size rule.

#include <array>
#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

namespace hyper::routing {

class PyRandom
{
public:
    /** random.seed(seed) for a non-negative integer seed. */
    explicit PyRandom(std::uint64_t seed);
    /** The same generator as numpy's legacy RandomState(seed) seeds it: init_genrand(seed)
     *  alone (numpyPermutation draws from it). */
    static PyRandom numpyLegacy(std::uint32_t seed);

    /** One 32-bit output of the Mersenne Twister (genrand_uint32). */
    std::uint32_t next32();
    /** random.getrandbits(k), 0 < k <= 64. */
    std::uint64_t getrandbits(int k);
    /** random._randbelow(n), n >= 1. */
    std::uint64_t randbelow(std::uint64_t n);
    /** random.random(). */
    double random();

    /** random.shuffle(x). */
    template <typename T>
    void shuffle(std::vector<T> &x)
    {
        for (std::size_t i = x.size(); i-- > 1;)
            std::swap(x[i], x[std::size_t(randbelow(std::uint64_t(i) + 1))]);
    }

    /** random.sample(population, k) for a population of n: the positions chosen, in the
     *  order sample returns their elements. k > n throws std::invalid_argument. */
    std::vector<std::size_t> sample(std::size_t n, std::size_t k);

private:
    PyRandom() = default;
    /** MT19937's init_genrand. */
    void initGenrand(std::uint32_t seed);
    void reload();

    static constexpr int kN = 624;
    std::array<std::uint32_t, kN> m_mt {};
    int m_index = kN;
};

} // namespace hyper::routing
