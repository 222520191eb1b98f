// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/routing/pyrandom.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <stdexcept>

namespace hyper::routing {

namespace {
constexpr int kM = 397;
constexpr std::uint32_t kMatrixA = 0x9908b0dfu, kUpper = 0x80000000u, kLower = 0x7fffffffu;
} // namespace

PyRandom::PyRandom(std::uint64_t seed)
{
    // random_seed(): the absolute value's 32-bit words, least significant first; 0 is [0].
    std::vector<std::uint32_t> key;
    for (std::uint64_t s = seed; s != 0; s >>= 32)
        key.push_back(std::uint32_t(s & 0xffffffffu));
    if (key.empty())
        key.push_back(0);

    // init_genrand(19650218), then init_by_array(key).
    initGenrand(19650218u);
    std::size_t i = 1, j = 0;
    const std::size_t len = key.size();
    for (std::size_t k = std::max<std::size_t>(kN, len); k; --k) {
        m_mt[i] = (m_mt[i] ^ ((m_mt[i - 1] ^ (m_mt[i - 1] >> 30)) * 1664525u)) + key[j] + std::uint32_t(j);
        ++i;
        ++j;
        if (i >= kN) {
            m_mt[0] = m_mt[kN - 1];
            i = 1;
        }
        if (j >= len)
            j = 0;
    }
    for (std::size_t k = kN - 1; k; --k) {
        m_mt[i] = (m_mt[i] ^ ((m_mt[i - 1] ^ (m_mt[i - 1] >> 30)) * 1566083941u)) - std::uint32_t(i);
        ++i;
        if (i >= kN) {
            m_mt[0] = m_mt[kN - 1];
            i = 1;
        }
    }
    m_mt[0] = 0x80000000u;
    m_index = kN;
}

void PyRandom::initGenrand(std::uint32_t seed)
{
    m_mt[0] = seed;
    for (int i = 1; i < kN; ++i)
        m_mt[std::size_t(i)] = 1812433253u * (m_mt[std::size_t(i - 1)] ^ (m_mt[std::size_t(i - 1)] >> 30)) + std::uint32_t(i);
    m_index = kN;
}

PyRandom PyRandom::numpyLegacy(std::uint32_t seed)
{
    PyRandom r;
    r.initGenrand(seed);
    return r;
}

void PyRandom::reload()
{
    for (int k = 0; k < kN; ++k) {
        const std::uint32_t y = (m_mt[std::size_t(k)] & kUpper) | (m_mt[std::size_t((k + 1) % kN)] & kLower);
        m_mt[std::size_t(k)] = m_mt[std::size_t((k + kM) % kN)] ^ (y >> 1) ^ ((y & 1u) ? kMatrixA : 0u);
    }
    m_index = 0;
}

std::uint32_t PyRandom::next32()
{
    if (m_index >= kN)
        reload();
    std::uint32_t y = m_mt[std::size_t(m_index++)];
    y ^= y >> 11;
    y ^= (y << 7) & 0x9d2c5680u;
    y ^= (y << 15) & 0xefc60000u;
    y ^= y >> 18;
    return y;
}

std::uint64_t PyRandom::getrandbits(int k)
{
    if (k <= 0 || k > 64)
        throw std::invalid_argument("getrandbits: k must be in 1..64");
    if (k <= 32)
        return next32() >> (32 - k);
    // Words least significant first; the last one keeps its top bits.
    const std::uint64_t low = next32();
    const std::uint64_t high = next32() >> (64 - k);
    return low | (high << 32);
}

std::uint64_t PyRandom::randbelow(std::uint64_t n)
{
    if (n == 0)
        throw std::invalid_argument("randbelow: n must be at least 1");
    const int k = int(std::bit_width(n));
    std::uint64_t r = getrandbits(k);
    while (r >= n)
        r = getrandbits(k);
    return r;
}

double PyRandom::random()
{
    const std::uint32_t a = next32() >> 5, b = next32() >> 6;
    return (double(a) * 67108864.0 + double(b)) * (1.0 / 9007199254740992.0);
}

std::vector<std::size_t> PyRandom::sample(std::size_t n, std::size_t k)
{
    if (k > n)
        throw std::invalid_argument("sample larger than population");
    std::vector<std::size_t> result(k);
    std::size_t setsize = 21;
    if (k > 5) // 4 ** ceil(log(k * 3, 4)), math.log(x, base) being log(x) / log(base)
        setsize += std::size_t(std::pow(4.0, std::ceil(std::log(double(k * 3)) / std::log(4.0))));
    if (n <= setsize) {
        std::vector<std::size_t> pool(n);
        for (std::size_t i = 0; i < n; ++i)
            pool[i] = i;
        for (std::size_t i = 0; i < k; ++i) {
            const std::size_t j = std::size_t(randbelow(n - i));
            result[i] = pool[j];
            pool[j] = pool[n - i - 1];
        }
    } else {
        std::vector<char> selected(n, 0);
        for (std::size_t i = 0; i < k; ++i) {
            std::size_t j = std::size_t(randbelow(n));
            while (selected[j])
                j = std::size_t(randbelow(n));
            selected[j] = 1;
            result[i] = j;
        }
    }
    return result;
}

} // namespace hyper::routing
