// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstddef>

// Word lists and tag vocabularies of the synthetic sample project (samplegenerator.cpp).
// Kept apart from the generator so that the story (docs/SAMPLE.md) and the tables can be
// read side by side. Everything here is made up for the sample; nothing is copied data.
namespace hyper::samplevocab {

struct Subject {
    const char *name;     // a MultiPref-style subject_of_expertise value
    double weight;        // relative frequency (skewed: computing and business dominate)
    double expertShare;   // how often its prompts need expert domain knowledge
    const char *topic[4]; // neutral topic words for prompts and responses
    const char *good[4];  // words a better answer on this subject tends to use
    const char *bad[4];   // words a worse answer tends to use
};

extern const Subject kSubjects[];
extern const std::size_t kSubjectCount;

// Marker pools shared by all subjects, by concern.
extern const char *const kGenericGood[];
extern const char *const kGenericBad[];
extern const char *const kSafetyGood[];
extern const char *const kSafetyBad[];
extern const char *const kIntentGood[];
extern const char *const kIntentBad[];
inline constexpr std::size_t kMarkerPoolSize = 8;

// Assertive-tone words ("definitely", ...): a surface cue of how confident a response
// sounds. Their rate follows a per-response tone drawn independently of quality, so they
// carry no quality signal; skimming annotators follow them anyway (docs/SAMPLE.md).
extern const char *const kAssertive[];
inline constexpr std::size_t kAssertiveCount = 8;

// Neutral filler (carries no quality signal).
extern const char *const kFiller[];
extern const std::size_t kFillerCount;

// Prompt phrases.
extern const char *const kAskOpeners[];
extern const std::size_t kAskOpenerCount;
extern const char *const kRiskyAsks[];
extern const std::size_t kRiskyAskCount;

// Tag vocabularies (METHOD.md §2) with the sample's frequencies.
inline constexpr const char *kExpertise[] = {"general public", "basic domain knowledge",
                                             "expert domain knowledge"};
inline constexpr const char *kOpenEndedness[] = {"no", "low", "moderate", "high"};
inline constexpr double kOpenEndednessWeights[] = {0.15, 0.30, 0.30, 0.25};
inline constexpr int kOpenEndednessWords[] = {45, 70, 110, 150}; // base response length
inline constexpr const char *kSafety[] = {"safe", "low", "moderate", "high"};
inline constexpr double kSafetyWeights[] = {0.66, 0.16, 0.12, 0.06};
inline constexpr const char *kComplexity[] = {"simple", "moderate", "complex"};
inline constexpr double kComplexityWeights[] = {0.55, 0.30, 0.15};
inline constexpr const char *kMaterial[] = {"code", "article", "table", "dialogue", "email",
                                            "math expression"};
inline constexpr const char *kFormat[] = {"bullet points", "word limit", "numbered list",
                                          "json output", "formal tone", "code block"};
inline constexpr const char *kOtherLanguages[] = {"Spanish", "French", "German", "Chinese",
                                                  "Portuguese"};

// Simulated response models (name, quality offset).
struct Model {
    const char *name;
    double quality;
};
inline constexpr Model kModels[] = {
    {"sim-large-chat-70b", 0.35}, {"sim-frontier-api", 0.45}, {"sim-mid-chat-13b", 0.0},
    {"sim-small-chat-7b", -0.30}, {"sim-instruct-8x7b", 0.15}, {"sim-base-sft-7b", -0.45}};

// RewardBench-shaped sections of the eval split: (category, weight, two subset names).
struct Section {
    const char *category;
    double weight;
    const char *subsets[2];
};
inline constexpr Section kSections[] = {{"chat", 0.30, {"alpacaeval-sim", "mt-bench-easy-sim"}},
                                        {"chat_hard", 0.25, {"mt-bench-hard-sim", "llmbar-sim"}},
                                        {"safety", 0.25, {"refusals-sim", "xstest-sim"}},
                                        {"reasoning", 0.20, {"math-sim", "code-sim"}}};

} // namespace hyper::samplevocab
