// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/domain/types.h"

#include <QtGlobal>

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
    /** A prompt given as a message list of more than one lone user turn: the list as
     *  canonical JSON, [{"role":"...","content":"..."},...] (roles lower-case, content as
     *  text); empty otherwise. `prompt` holds the same turns as "Role: text" paragraphs. */
    std::string promptMessagesJson;
    std::string responseA;
    std::string responseB;
    std::string modelA;
    std::string modelB;
    std::string source;
    std::string category;
    std::string metadataJson;             // a JSON object, or empty
    std::vector<ImportHumanLabel> human;
    std::vector<ImportLmLabel> lm;
    /** Long format (--map annotator=): each row is one judgement of an instance; the
     *  writer merges rows of the same instance and records the shown order. */
    bool judgement = false;
    /** --map instance=COLUMN: rows with the same value are one instance ("" = by content). */
    std::string instanceKey;
};

/** What an import does with a row whose instance the project (or the file) already has:
 *  Skip adds only its labels that are new (matched by annotator or judge and instance),
 *  Keep adds it as another instance, Error stops the import. */
enum class OnDuplicate { Skip, Keep, Error };

/** What the writer merged (ImportWriter::merged()). */
struct ImportMergeCounts {
    qint64 instances = 0;        // instances created
    qint64 duplicateRows = 0;    // rows of an instance already there (Skip)
    qint64 labelsAdded = 0;      // labels written
    qint64 labelsKept = 0;       // labels the project had already (same annotator/judge): not written
    qint64 labelsReplaced = 0;   // the same annotator twice on an instance in this file: the later row won
    qint64 mirrored = 0;         // labels of rows that showed B first, mirrored into the instance's frame
};

} // namespace hyper
