#pragma once

#include "core/domain/types.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace hyper {

/** One parsed row of an input file, ready for the store. Strings are UTF-8 so that the
 *  hot import path never converts through UTF-16. Preferences are scale integers
 *  (-2..2, see Preference). */
struct ImportHumanLabel {
    std::string annotator;
    std::string kind = "normal";          // normal | expert | gold | ...
    int overall = 0;
    std::optional<int> helpfulness;
    std::optional<int> truthfulness;
    std::optional<int> harmlessness;
    std::string reasonsJson;              // {"overall":[...],"helpfulness":[...]} or empty
    std::string rationale;
    std::optional<double> confidence;
    std::optional<double> timeSpentSeconds;
};

struct ImportLmLabel {
    std::string judge;
    std::optional<int> overall;           // none: unusable verdict (raw kept)
    std::optional<int> verdictOriginal;
    std::optional<int> verdictSwapped;    // mapped back to the A/B frame
    std::string rationale;
    std::string raw;
};

struct ImportRecord {
    std::int64_t line = 0;                // 1-based line (or record) in the input file
    std::string externalId;
    Split split = Split::Train;
    std::string prompt;
    std::string responseA;
    std::string responseB;
    std::string modelA;
    std::string modelB;
    std::string source;
    std::string category;
    std::string metadataJson;             // a JSON object, or empty
    std::vector<ImportHumanLabel> human;
    std::vector<ImportLmLabel> lm;
};

} // namespace hyper
