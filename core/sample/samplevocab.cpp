// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/sample/samplevocab.h"

#include "core/sample/samplegenerator.h"

namespace hyper::samplevocab {

// Weights are relative; expertShare skews expertise_level per subject so that the
// "expert domain knowledge" prompts concentrate in the technical subjects, as in MultiPref.
const Subject kSubjects[] = {
    {"Computer sciences", 20, 0.40, {"program", "function", "server", "database"},
     {"algorithm", "complexity", "invariant", "testcase"}, {"hack", "bloated", "deprecated", "segfault"}},
    {"Business", 9, 0.10, {"company", "market", "customer", "budget"},
     {"revenue", "forecast", "margin", "stakeholder"}, {"synergy", "buzzword", "hype", "getrich"}},
    {"Medicine and health", 8, 0.35, {"patient", "symptom", "doctor", "treatment"},
     {"clinical", "dosage", "diagnosis", "guideline"}, {"miracle", "detox", "cureall", "anecdote"}},
    {"Mathematics", 6, 0.50, {"number", "equation", "graph", "integral"},
     {"proof", "lemma", "derivation", "theorem"}, {"handwave", "roughly", "miscalculation", "circular"}},
    {"Education", 5, 0.05, {"student", "teacher", "lesson", "school"},
     {"curriculum", "scaffold", "assessment", "objective"}, {"rote", "cramming", "busywork", "lecturing"}},
    {"Psychology", 5, 0.15, {"mind", "habit", "emotion", "stress"},
     {"cognition", "empirical", "behavioral", "therapy"}, {"horoscope", "popscience", "labeling", "overdiagnosis"}},
    {"Literature", 4, 0.10, {"novel", "poem", "author", "story"},
     {"theme", "imagery", "narrator", "motif"}, {"spoiler", "cliche", "plotless", "misquote"}},
    {"Economics", 4, 0.30, {"price", "trade", "policy", "growth"},
     {"elasticity", "incentive", "marginal", "inflation"}, {"freelunch", "zerosum", "bubbletalk", "goldbug"}},
    {"Law", 4, 0.35, {"contract", "court", "tenant", "rights"},
     {"statute", "precedent", "jurisdiction", "counsel"}, {"loophole", "guaranteed", "lawless", "sueeveryone"}},
    {"History", 4, 0.15, {"empire", "war", "century", "king"},
     {"chronology", "archive", "primary", "context"}, {"anachronism", "legend", "hearsay", "mythmaking"}},
    {"Philosophy", 3, 0.25, {"ethics", "mind", "truth", "freedom"},
     {"argument", "premise", "epistemic", "counterexample"}, {"strawman", "fallacy", "dogma", "platitude"}},
    {"Chemistry", 3, 0.50, {"molecule", "solution", "acid", "reaction"},
     {"stoichiometry", "reagent", "equilibrium", "molar"}, {"alchemy", "unbalanced", "guesswork", "toxicmix"}},
    {"Physics", 3, 0.50, {"force", "energy", "particle", "orbit"},
     {"conservation", "momentum", "vector", "units"}, {"perpetual", "quantumwoo", "unitless", "paradoxical"}},
    {"Biology", 3, 0.35, {"cell", "gene", "animal", "plant"},
     {"enzyme", "mechanism", "genome", "species"}, {"lamarckian", "folklore", "overgeneralized", "myth"}},
    {"Engineering", 3, 0.45, {"bridge", "circuit", "engine", "load"},
     {"tolerance", "specification", "safetyfactor", "simulation"}, {"eyeball", "overbuilt", "ducttape", "untested"}},
    {"Culinary arts", 3, 0.05, {"recipe", "oven", "flour", "sauce"},
     {"temperature", "ratio", "technique", "seasoning"}, {"burnt", "soggy", "bland", "guessing"}},
    {"Visual arts", 2, 0.10, {"painting", "color", "canvas", "sketch"},
     {"composition", "contrast", "perspective", "palette"}, {"messy", "clashing", "flat", "tacky"}},
    {"Performing arts", 2, 0.10, {"stage", "actor", "music", "dance"},
     {"rehearsal", "timing", "phrasing", "blocking"}, {"offbeat", "stagefright", "mumbling", "overacting"}},
    {"Political science", 2, 0.20, {"election", "party", "vote", "government"},
     {"institution", "coalition", "turnout", "constitution"}, {"conspiracy", "propaganda", "rigged", "partisan"}},
    {"Environmental studies and forestry", 2, 0.20, {"forest", "climate", "river", "soil"},
     {"ecosystem", "emissions", "biodiversity", "sustainable"}, {"hoax", "greenwash", "doomsday", "denial"}},
    {"Linguistics and language", 2, 0.20, {"word", "grammar", "accent", "sentence"},
     {"morphology", "syntax", "phoneme", "corpus"}, {"slangy", "prescriptive", "gibberish", "mistranslated"}},
    {"Journalism, media studies and communication", 2, 0.10, {"news", "headline", "audience", "report"},
     {"sourcing", "factcheck", "attribution", "balanced"}, {"clickbait", "rumor", "sensational", "unsourced"}},
    {"Family and consumer science", 2, 0.05, {"family", "home", "budget", "child"},
     {"routine", "planning", "household", "nutrition"}, {"nagging", "impulsive", "overspend", "chaotic"}},
    {"Human physical performance and recreation", 2, 0.10, {"training", "muscle", "run", "game"},
     {"progression", "recovery", "warmup", "hydration"}, {"overtraining", "fad", "shortcut", "injuryprone"}},
    {"Geography", 1, 0.10, {"country", "map", "mountain", "city"},
     {"latitude", "region", "terrain", "population"}, {"flatearth", "misplaced", "outdated", "confused"}},
    {"Sociology", 1, 0.20, {"society", "group", "class", "community"},
     {"survey", "structure", "norms", "inequality"}, {"stereotype", "sweeping", "anecdotal", "caricature"}},
    {"Religion", 1, 0.15, {"faith", "ritual", "scripture", "belief"},
     {"tradition", "exegesis", "respectful", "historical"}, {"mocking", "dismissive", "sectarian", "preachy"}},
    {"Space sciences", 1, 0.45, {"planet", "star", "rocket", "galaxy"},
     {"orbital", "spectrum", "redshift", "telemetry"}, {"astrology", "ufo", "moonhoax", "starsign"}},
};
const std::size_t kSubjectCount = sizeof(kSubjects) / sizeof(kSubjects[0]);

const char *const kGenericGood[] = {"specifically", "because", "evidence", "example",
                                    "precisely", "clarify", "summary", "tradeoff"};
const char *const kGenericBad[] = {"whatever", "basically", "obviously", "somehow",
                                   "guess", "stuff", "vague", "anyway"};
const char *const kSafetyGood[] = {"safely", "consult", "decline", "responsibly",
                                   "warning", "professional", "lawful", "precaution"};
const char *const kSafetyBad[] = {"bypass", "untraceable", "weaponize", "exploit",
                                  "illegally", "harmful", "evade", "sabotage"};
const char *const kIntentGood[] = {"firstly", "secondly", "additionally", "finally",
                                   "covers", "addressed", "both", "requested"};
const char *const kIntentBad[] = {"skipped", "ignored", "partially", "forgot",
                                  "unrelated", "incomplete", "instead", "missed"};

const char *const kAssertive[] = {"definitely", "absolutely", "certainly", "undoubtedly",
                                  "surely", "truly", "indeed", "totally"};

const char *const kFiller[] = {
    "the", "a", "this", "that", "it", "is", "are", "can", "will", "with", "for", "of",
    "in", "on", "to", "and", "or", "when", "which", "you", "we", "your", "one", "also",
    "more", "some", "each", "other", "way", "part", "case", "point", "idea", "answer",
    "here", "there", "then", "thing", "use", "make", "take", "give", "look", "time",
    "work", "people", "first", "next", "about", "usually", "often", "might", "would",
    "could", "should", "many", "most", "few", "very", "quite", "so", "as", "by", "from",
    "into", "over", "after", "before", "while", "where", "how", "what", "why", "if"};
const std::size_t kFillerCount = sizeof(kFiller) / sizeof(kFiller[0]);

const char *const kAskOpeners[] = {"Can you explain", "How do I", "What is the best way to",
                                   "Please help me understand", "Write a short piece about",
                                   "Compare and discuss", "Give me advice on", "Why does"};
const std::size_t kAskOpenerCount = sizeof(kAskOpeners) / sizeof(kAskOpeners[0]);

const char *const kRiskyAsks[] = {"get around a lock on", "secretly track", "make something dangerous with",
                                  "avoid being caught with", "hurt the reputation of",
                                  "get unprescribed medicine for"};
const std::size_t kRiskyAskCount = sizeof(kRiskyAsks) / sizeof(kRiskyAsks[0]);

} // namespace hyper::samplevocab

namespace hyper {

using namespace samplevocab;

QStringList sampleSubjects()
{
    QStringList out;
    for (size_t i = 0; i < kSubjectCount; ++i)
        out << QString::fromUtf8(kSubjects[i].name);
    return out;
}

QStringList sampleTagValues(const QString &tag)
{
    auto list = [](const auto &arr) {
        QStringList out;
        for (const char *v : arr)
            out << QString::fromUtf8(v);
        return out;
    };
    if (tag == QLatin1String("subject_of_expertise"))
        return sampleSubjects();
    if (tag == QLatin1String("languages"))
        return list(kOtherLanguages) << QStringLiteral("English");
    if (tag == QLatin1String("expertise_level"))
        return list(kExpertise);
    if (tag == QLatin1String("open_endedness"))
        return list(kOpenEndedness);
    if (tag == QLatin1String("safety_concern"))
        return list(kSafety);
    if (tag == QLatin1String("complexity_of_intents"))
        return list(kComplexity);
    if (tag == QLatin1String("type_of_in_context_material"))
        return list(kMaterial);
    if (tag == QLatin1String("format_constraints"))
        return list(kFormat);
    if (tag == QLatin1String("category")) {
        QStringList out;
        for (const Section &s : kSections)
            out << QString::fromUtf8(s.category);
        return out;
    }
    return {};
}

} // namespace hyper
