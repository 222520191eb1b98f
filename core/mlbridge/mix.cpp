// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/mlbridge/mix.h"

#include "core/domain/preference.h"

#include <cmath>
#include <random>

#include "core/storage/featurestore.h"
#include "core/storage/ppmstore.h"
#include "core/storage/projectstore.h"

namespace hyper {

namespace {

bool allClear(const std::vector<int> &votes)
{
    for (int v : votes) {
        if (v != -2 && v != 2)
            return false;
    }
    return !votes.empty();
}

ml::PairText toPair(const MixInstance &m, int label, float margin, std::string subset)
{
    ml::PairText p;
    p.prompt = m.prompt;
    // Negative prefers A (Preference's scale frame).
    p.chosen = label < 0 ? m.responseA : m.responseB;
    p.rejected = label < 0 ? m.responseB : m.responseA;
    p.margin = margin;
    p.subset = std::move(subset);
    p.id = m.id;
    return p;
}

} // namespace

MixSpec MixSpec::parse(const QString &text)
{
    MixSpec s;
    s.text = text.trimmed();
    const QString t = s.text;
    if (t == QLatin1String("human")) {
        s.kind = Kind::Human;
        s.humanFraction = 1.0;
    } else if (t == QLatin1String("lm")) {
        s.kind = Kind::Lm;
        s.humanFraction = 0.0;
    } else if (t.startsWith(QLatin1String("random:"))) {
        bool ok = false;
        const double f = t.mid(7).toDouble(&ok);
        if (!ok || !(f >= 0.0 && f <= 1.0))
            throw MixError("--mix random:F needs a fraction F between 0 and 1, got '" + t.mid(7).toStdString() + "'");
        s.kind = Kind::Random;
        s.humanFraction = f;
    } else if (t.startsWith(QLatin1String("plan:"))) {
        bool ok = false;
        s.planId = t.mid(5).toLongLong(&ok);
        if (!ok)
            throw MixError("--mix plan:ID needs a numeric plan id");
        s.kind = Kind::Plan;
    } else if (t.startsWith(QLatin1String("features:"))) {
        s.kind = Kind::Features;
        s.features = t.mid(9).split(QLatin1Char(';'), Qt::SkipEmptyParts);
        for (QString &f : s.features)
            f = f.trimmed();
        if (s.features.isEmpty())
            throw MixError("--mix features:NAME[;NAME...] needs at least one feature name");
    } else {
        throw MixError("unknown mix '" + t.toStdString()
                       + "' (expected human, lm, random:FRACTION, features:NAME[;NAME...] or plan:ID)");
    }
    return s;
}

MixSpec MixSpec::subset(std::unordered_set<qint64> humanIds, const QString &text)
{
    MixSpec s;
    s.kind = Kind::Subset;
    s.humanFraction = 0.0;
    s.humanIds = std::move(humanIds);
    s.text = text;
    return s;
}

std::optional<int> resolvedLabel(const std::vector<int> &votes)
{
    const std::optional<int> m = foldedMajority(votes.data(), votes.size());
    if (!m || *m == 0)
        return std::nullopt;
    return m;
}

std::vector<char> mixHumanMask(const std::vector<MixInstance> &train, const MixSpec &spec, quint64 seed)
{
    if (spec.kind == MixSpec::Kind::Plan && !spec.resolved)
        throw MixError("routing plan " + std::to_string(spec.planId) + " is not resolved (resolvePlanMix)");
    std::vector<char> human(train.size(), spec.kind == MixSpec::Kind::Human ? 1 : 0);
    switch (spec.kind) {
    case MixSpec::Kind::Human:
    case MixSpec::Kind::Lm:
        break;
    case MixSpec::Kind::Random: {
        // Exactly round(F x n) instances, chosen by a seeded Fisher-Yates over instance
        // positions (our own draw, so every standard library gives the same choice).
        std::vector<std::size_t> order(train.size());
        for (std::size_t i = 0; i < order.size(); ++i)
            order[i] = i;
        std::mt19937_64 rng(seed ^ 0x6d69785f72616e64ull); // "mix_rand": own stream
        for (std::size_t i = order.size(); i > 1; --i)
            std::swap(order[i - 1], order[std::size_t(rng() % i)]);
        const auto take = std::size_t(std::llround(spec.humanFraction * double(train.size())));
        for (std::size_t i = 0; i < take && i < order.size(); ++i)
            human[order[i]] = 1;
        break;
    }
    case MixSpec::Kind::Features:
    case MixSpec::Kind::Plan:
    case MixSpec::Kind::Subset:
        for (std::size_t i = 0; i < train.size(); ++i)
            human[i] = spec.humanIds.count(train[i].id) ? 1 : 0;
        break;
    }
    return human;
}

std::vector<MixChoice> mixChoices(const std::vector<MixInstance> &train, const std::vector<char> &humanMask,
                                  MixStats *stats)
{
    MixStats s;
    std::vector<MixChoice> out;
    out.reserve(train.size());
    for (std::size_t i = 0; i < train.size(); ++i) {
        const MixInstance &m = train[i];
        const bool human = i < humanMask.size() && humanMask[i];
        const std::vector<int> &votes = human ? m.humanVotes : m.lmVotes;
        ++s.instances;
        const std::optional<int> label = resolvedLabel(votes);
        if (!label) {
            ++s.dropped;
            continue;
        }
        const bool clear = allClear(votes);
        s.withMargin += clear ? 1 : 0;
        ++(human ? s.humanChosen : s.lmChosen);
        out.push_back({i, *label, clear, human});
    }
    if (stats)
        *stats = s;
    return out;
}

std::vector<ml::PairText> mixTrainPairs(const std::vector<MixInstance> &train, const MixSpec &spec,
                                        quint64 seed, MixStats *stats)
{
    const std::vector<MixChoice> choices = mixChoices(train, mixHumanMask(train, spec, seed), stats);
    std::vector<ml::PairText> pairs;
    pairs.reserve(choices.size());
    for (const MixChoice &c : choices)
        pairs.push_back(toPair(train[c.index], c.label, c.clear ? kMixClearMargin : 0.0f, {}));
    return pairs;
}

void resolveFeatureMix(ProjectStore &store, MixSpec &spec)
{
    if (spec.kind != MixSpec::Kind::Features)
        return;
    QStringList known;
    for (const FeatureCount &c : FeatureStore(store).featureCounts())
        known << c.name;
    if (known.isEmpty())
        throw MixError("--mix features: needs the feature table: run 'hyper features' first");
    spec.humanIds.clear();
    for (const QString &name : spec.features) {
        if (!known.contains(name))
            throw MixError("unknown feature '" + name.toStdString() + "' (see 'hyper features --json')");
        InstanceFilter f;
        f.split = Split::Train;
        f.features = {name};
        for (const InstanceSummary &r : store.listInstances(f, 0, int(store.countInstances(f))))
            spec.humanIds.insert(r.id);
    }
}

void resolvePlanMix(ProjectStore &store, MixSpec &spec)
{
    if (spec.kind != MixSpec::Kind::Plan)
        return;
    if (!routePlan(store, spec.planId))
        throw MixError("no routing plan " + std::to_string(spec.planId) + " (see 'hyper route')");
    spec.humanIds.clear();
    for (qint64 id : planInstanceIds(store, spec.planId))
        spec.humanIds.insert(id);
    spec.resolved = true;
}

void resolveMix(ProjectStore &store, MixSpec &spec)
{
    resolveFeatureMix(store, spec);
    resolvePlanMix(store, spec);
}

std::vector<ml::PairText> mixEvalPairs(const std::vector<MixInstance> &eval)
{
    std::vector<ml::PairText> pairs;
    pairs.reserve(eval.size());
    for (const MixInstance &m : eval) {
        const std::optional<int> label = resolvedLabel(m.goldVotes.empty() ? m.humanVotes : m.goldVotes);
        if (!label)
            continue;
        pairs.push_back(toPair(m, *label, 0.0f, m.category.empty() ? std::string("uncategorized") : m.category));
    }
    return pairs;
}

} // namespace hyper
