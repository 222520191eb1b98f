// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/ml/sections.h"

namespace hyper::ml {

SectionScores scoreSections(const std::vector<PairOutcome> &outcomes,
                            const std::map<std::string, std::string> &sectionOf)
{
    struct Tally {
        std::size_t correct = 0, total = 0;
    };
    std::map<std::string, Tally> bySubset, bySection;
    for (const PairOutcome &o : outcomes) {
        const auto it = sectionOf.find(o.subset);
        const std::string &section = it == sectionOf.end() ? o.subset : it->second;
        for (Tally *t : {&bySubset[o.subset], &bySection[section]}) {
            ++t->total;
            t->correct += o.correct ? 1 : 0;
        }
    }
    SectionScores s;
    s.pairs = outcomes.size();
    for (const auto &[name, t] : bySubset)
        s.subsets[name] = double(t.correct) / double(t.total);
    double sum = 0;
    for (const auto &[name, t] : bySection) {
        s.sections[name] = double(t.correct) / double(t.total);
        sum += s.sections[name];
    }
    s.overall = bySection.empty() ? 0.0 : sum / double(bySection.size());
    return s;
}

} // namespace hyper::ml
