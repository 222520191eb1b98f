// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// The fuzz targets of the importers (docs/DEVELOPING.md, "Fuzzing"). Each takes one input
// of any bytes and returns 0; it throws Broken when the code under test breaks a rule that
// the target checks (a wrong line, a record that is not valid UTF-8), and lets any other
// unexpected exception through. Two builds run them:
//   - the fuzz build (clang's libFuzzer, -DHYPER_FUZZ=ON): fuzzmain.cpp turns Broken and
//     stray exceptions into a crash, which libFuzzer saves as a finding;
//   - the normal build: tst_fuzzreplay runs every file of tests/fuzz/corpus/TARGET and
//     tests/fuzz/regressions/TARGET through its target, so a finding stays fixed.
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace hyper::fuzz {

/** A rule of the code under test was broken; what() says which. */
struct Broken : std::logic_error {
    using std::logic_error::logic_error;
};

using TargetFn = int (*)(const std::uint8_t *data, std::size_t size);

struct Target {
    const char *name;    ///< also the corpus folder's name
    TargetFn run;
    const char *what;    ///< one line for the docs and --help
};

/** Every target, in a fixed order. */
const std::vector<Target> &targets();
/** The target of that name; nullptr when none. */
const Target *findTarget(const std::string &name);

} // namespace hyper::fuzz
