// SPDX-License-Identifier: GPL-3.0-or-later
// libFuzzer's entry for one target, chosen at build time (HYPER_FUZZ_TARGET, the name in
// targets.cpp). A broken rule or an exception no reader should throw is printed and
// aborts, so that libFuzzer keeps the input as a finding (docs/DEVELOPING.md, "Fuzzing").
#include "targets.h"

#include <cstdio>
#include <cstdlib>
#include <exception>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    static const hyper::fuzz::Target *target = hyper::fuzz::findTarget(HYPER_FUZZ_TARGET);
    if (!target) {
        std::fprintf(stderr, "no fuzz target named %s\n", HYPER_FUZZ_TARGET);
        std::abort();
    }
    try {
        return target->run(data, size);
    } catch (const hyper::fuzz::Broken &e) {
        std::fprintf(stderr, "\n%s: broken rule: %s\n", HYPER_FUZZ_TARGET, e.what());
    } catch (const std::exception &e) {
        std::fprintf(stderr, "\n%s: unexpected exception: %s\n", HYPER_FUZZ_TARGET, e.what());
    }
    std::abort();
}
