// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// The reads behind `hyper export` (core/export): one streaming pass over a split's
// instances with their texts and votes, and the raw label rows. SQL lives in
// core/storage/exportqueries.cpp; callers get plain values. Same thread rules as
// ProjectStore; every function throws StoreError.
#include "core/domain/types.h"

#include <QtGlobal>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hyper {

class ProjectStore;

/** One vote: a scale integer (-2..2) and who gave it (an index into
 *  ExportCatalog::annotators for human votes, into ExportCatalog::judges for LM votes). */
struct ExportVote {
    int value = 0;
    int who = 0;
};

struct ExportAnnotator {
    std::string name; // UTF-8
    std::string kind; // "normal" | "expert" | "gold" | free text
    /** Named or kinded "gold": a reference label, not a crowd vote (as in
     *  loadMixInstances()). */
    bool gold = false;
};

/** The annotators and judges of a project, ordered by name, indexed densely. */
struct ExportCatalog {
    std::vector<ExportAnnotator> annotators;
    std::vector<std::string> judges; // UTF-8 names
    /** Index into judges, or -1. */
    int judgeIndex(std::string_view name) const;
};

ExportCatalog loadExportCatalog(ProjectStore &store);

/** One instance of the split with its votes. The string views are valid only during the
 *  callback that receives it. */
struct ExportInstance {
    qint64 id = 0;
    std::string_view externalId, source, category, modelA, modelB, route;
    std::string_view prompt, responseA, responseB;
    /** The prompt's turns as a JSON message list when it was imported as one; empty else. */
    std::string_view promptMessages;
    std::vector<ExportVote> human; // every human label (gold ones too), in label order
    std::vector<ExportVote> lm; // usable LM verdicts (overall not null), in label order
    std::optional<int> adjudicated; // a lead's final label (adjudications), -2..2
    std::string_view adjudicator;   // the lead's name when adjudicated
};

/** Number of instances of the split (for progress). */
qint64 countExportInstances(ProjectStore &store, Split split);

/** Calls fn for every instance of the split, ordered by id, in one streaming pass (three
 *  cursors merged by instance id: texts, human votes, LM votes; no per-row query). An
 *  exception thrown by fn stops the pass and propagates. */
void forEachExportInstance(ProjectStore &store, Split split, const ExportCatalog &catalog,
    const std::function<void(const ExportInstance &)> &fn);

/** One stored human label, for the raw export. Views valid during the callback only. */
struct RawHumanLabel {
    qint64 labelId = 0, instanceId = 0;
    std::string_view externalId, split, annotator, annotatorKind;
    int overall = 0;
    std::optional<int> helpfulness, truthfulness, harmlessness;
    std::string_view reasonsJson, rationale, shownOrder, createdAt;
    std::optional<double> confidence, timeSpent;
};

/** One stored LM label, for the raw export. Views valid during the callback only. */
struct RawLmLabel {
    qint64 labelId = 0, instanceId = 0;
    std::string_view externalId, split, judge;
    std::optional<int> overall, verdictOriginal, verdictSwapped;
    std::string_view rationale, raw, createdAt;
};

/** Every human label (ordered by instance, then label id), then every LM label (same
 *  order), of both splits. */
void forEachRawLabel(ProjectStore &store, const std::function<void(const RawHumanLabel &)> &human,
    const std::function<void(const RawLmLabel &)> &lm);

} // namespace hyper
