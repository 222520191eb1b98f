// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/export/resolve.h"

#include "core/storage/ppmstore.h"
#include "core/storage/projectstore.h"

#include <algorithm>

namespace hyper::exporting {

namespace {

/** Weight of an annotator's vote: experts count double when asked. */
int voteWeight(const ExportAnnotator &a, bool expertWeight)
{
    return expertWeight && a.kind == "expert" ? 2 : 1;
}

void addWho(std::vector<int> &who, int index)
{
    if (std::find(who.begin(), who.end(), index) == who.end())
        who.push_back(index);
}

void countFolded(const std::vector<int> &votes, Resolution &r)
{
    for (int v : votes)
        ++(v < 0 ? r.votesA : v > 0 ? r.votesB : r.votesTie);
}

} // namespace

std::optional<int> weightedFoldedMajority(const std::vector<int> &votes, const std::vector<int> *weights)
{
    if (votes.empty())
        return std::nullopt;
    long long a = 0, b = 0, t = 0;
    for (std::size_t i = 0; i < votes.size(); ++i) {
        const long long w = weights ? (*weights)[i] : 1;
        (votes[i] < 0 ? a : votes[i] > 0 ? b : t) += w;
    }
    if (a > b && a > t)
        return -2;
    if (b > a && b > t)
        return 2;
    return 0;
}

Resolver::Resolver(ProjectStore &store, const ExportCatalog &catalog, const ResolveParams &params)
    : m_catalog(catalog)
    , m_params(params)
{
    if (m_params.planId) {
        if (!routePlan(store, *m_params.planId))
            throw ExportRequestError("no routing plan " + std::to_string(*m_params.planId)
                + " (see 'hyper route' or 'hyper ppm list')");
        m_plan = planInstanceIds(store, *m_params.planId);
        std::sort(m_plan.begin(), m_plan.end());
    }
    if (!m_params.judge.isEmpty()) {
        const QByteArray name = m_params.judge.toUtf8();
        m_judge = m_catalog.judgeIndex(std::string_view(name.constData(), std::size_t(name.size())));
        if (m_judge < 0) {
            std::string known;
            for (const std::string &j : m_catalog.judges)
                known += (known.empty() ? "" : ", ") + j;
            throw ExportRequestError("unknown judge '" + name.toStdString()
                + "' (judges of this project: " + (known.empty() ? std::string("none") : known) + ")");
        }
    }
}

bool Resolver::routedToHumans(const ExportInstance &instance) const
{
    if (m_params.planId)
        return std::binary_search(m_plan.begin(), m_plan.end(), instance.id);
    if (instance.route == "human")
        return true;
    return instance.route.empty() && m_params.preferHuman;
}

Resolution Resolver::resolve(const ExportInstance &instance) const
{
    Resolution r;
    r.routedHuman = routedToHumans(instance);

    // Crowd votes only: gold labels are references, not annotations (as in mixes).
    std::vector<int> human, weights, humanWho;
    human.reserve(instance.human.size());
    for (const ExportVote &v : instance.human) {
        const ExportAnnotator &a = m_catalog.annotators[std::size_t(v.who)];
        if (a.gold)
            continue;
        human.push_back(v.value);
        weights.push_back(voteWeight(a, m_params.expertWeight));
        humanWho.push_back(v.who);
    }
    std::vector<int> lm, lmWho;
    lm.reserve(instance.lm.size());
    for (const ExportVote &v : instance.lm) {
        if (m_judge >= 0 && v.who != m_judge)
            continue;
        lm.push_back(v.value);
        lmWho.push_back(v.who);
    }
    r.humanMajority = weightedFoldedMajority(human, nullptr);
    r.lmMajority = weightedFoldedMajority(lm, nullptr);

    if (r.routedHuman && instance.adjudicated) {
        // A lead's final label wins over the crowd; the crowd's votes stay as provenance.
        r.source = LabelSource::Human;
        r.adjudicated = true;
        r.adjudicator = instance.adjudicator;
        for (int w : humanWho)
            addWho(r.who, w);
        countFolded(human, r);
        const int folded = *instance.adjudicated < 0 ? -2 : *instance.adjudicated > 0 ? 2 : 0;
        if (folded == 0)
            r.dropped = DropReason::Tie;
        else
            r.label = folded;
        return r;
    }
    const bool useHuman = r.routedHuman && !human.empty();
    r.source = useHuman ? LabelSource::Human : LabelSource::Lm;
    const std::vector<int> &votes = useHuman ? human : lm;
    for (int w : useHuman ? humanWho : lmWho)
        addWho(r.who, w);
    countFolded(votes, r);
    const std::optional<int> m = useHuman ? weightedFoldedMajority(human, &weights) : r.lmMajority;
    if (!m)
        r.dropped = DropReason::NoLabel;
    else if (*m == 0)
        r.dropped = DropReason::Tie;
    else
        r.label = *m;
    return r;
}

} // namespace hyper::exporting
