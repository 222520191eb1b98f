// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/labels/agreementreport.h"

#include "core/domain/preference.h"
#include "core/domain/types.h"

#include <QJsonArray>
#include <cmath>
#include <map>

namespace hyper::labels {

namespace {

QJsonValue number(double v)
{
    return std::isfinite(v) ? QJsonValue(v) : QJsonValue(QJsonValue::Null);
}

QJsonObject kappaJson(const KappaResult &k)
{
    return {{QStringLiteral("n"), qint64(k.n)},
            {QStringLiteral("percent"), number(k.percent)},
            {QStringLiteral("kappa"), number(k.kappa)}};
}

QJsonObject alphaJson(const AlphaSet &a)
{
    return {{QStringLiteral("ordinal"), number(a.ordinal.alpha)},
            {QStringLiteral("interval"), number(a.interval.alpha)},
            {QStringLiteral("nominal5"), number(a.nominal5.alpha)},
            {QStringLiteral("nominal3"), number(a.nominal3.alpha)},
            {QStringLiteral("units"), qint64(a.ordinal.units)},
            {QStringLiteral("values"), qint64(a.ordinal.values)}};
}

AlphaSet alphaSet(const std::vector<std::vector<int>> &units)
{
    AlphaSet s;
    s.ordinal = krippendorffAlpha(units, AlphaMetric::Ordinal);
    s.interval = krippendorffAlpha(units, AlphaMetric::Interval);
    s.nominal5 = krippendorffAlpha(units, AlphaMetric::Nominal);
    std::vector<std::vector<int>> folded = units;
    for (std::vector<int> &u : folded)
        for (int &v : u)
            v = fold3(v);
    s.nominal3 = krippendorffAlpha(folded, AlphaMetric::Nominal);
    return s;
}

RatingPairs folded(const RatingPairs &pairs)
{
    RatingPairs out;
    out.reserve(pairs.size());
    for (const auto &[x, y] : pairs)
        out.emplace_back(fold3(x), fold3(y));
    return out;
}

} // namespace

std::vector<int> humanVotes(const LabelTable::Row &row)
{
    std::vector<int> votes;
    votes.reserve(row.humans.size());
    for (const LabelTable::Human &h : row.humans)
        votes.push_back(h.overall);
    return votes;
}

std::optional<int> humanMajority(const LabelTable::Row &row)
{
    if (row.humans.empty())
        return std::nullopt;
    const std::vector<int> votes = humanVotes(row);
    return fold3(*foldedMajority(votes.data(), votes.size()));
}

AgreementReport computeAgreement(const LabelTable &table)
{
    AgreementReport r;
    r.instances = table.instances;
    r.annotatorNames = table.annotators;
    r.featuresComputed = !table.features.isEmpty();
    const int nAnnotators = int(table.annotators.size());
    const int nJudges = int(table.judges.size());
    const int nFeatures = int(table.features.size());

    struct PairData {
        RatingPairs overall;
        std::array<RatingPairs, 3> aspects;
    };
    std::map<std::pair<int, int>, PairData> pairs;
    std::vector<std::vector<int>> units;
    std::array<std::vector<std::vector<int>>, 3> aspectUnits;
    std::vector<std::int64_t> labelsPer(static_cast<std::size_t>(nAnnotators), 0);
    std::vector<AnnotatorPosition> apos(static_cast<std::size_t>(nAnnotators));

    struct JudgeData {
        JudgeReport report;
        RatingPairs three;          // (human majority, judge), folded
        std::vector<std::int64_t> tagN, tagAgree;
        JudgePosition position;
    };
    std::vector<JudgeData> judges(static_cast<std::size_t>(nJudges));
    for (int j = 0; j < nJudges; ++j) {
        judges[std::size_t(j)].report.judge = table.judges[j];
        judges[std::size_t(j)].tagN.assign(std::size_t(nFeatures), 0);
        judges[std::size_t(j)].tagAgree.assign(std::size_t(nFeatures), 0);
    }

    for (const LabelTable::Row &row : table.rows) {
        const auto &hs = row.humans;
        if (!hs.empty())
            ++r.humanLabelled;
        std::vector<int> unit;
        std::array<std::vector<int>, 3> aspectUnit;
        for (std::size_t i = 0; i < hs.size(); ++i) {
            const LabelTable::Human &h = hs[i];
            ++labelsPer[std::size_t(h.annotator)];
            unit.push_back(h.overall);
            for (int k = 0; k < 3; ++k)
                if (h.aspects[std::size_t(k)])
                    aspectUnit[std::size_t(k)].push_back(*h.aspects[std::size_t(k)]);
            if (h.shown != 0) {
                AnnotatorPosition &p = apos[std::size_t(h.annotator)];
                if (fold3(h.overall) == 0) {
                    ++p.ties;
                } else {
                    ++p.n;
                    if ((h.shown > 0) == (h.overall < 0))
                        ++p.left;
                }
            }
            for (std::size_t j = i + 1; j < hs.size(); ++j) {
                const bool order = hs[i].annotator < hs[j].annotator;
                const LabelTable::Human &a = order ? hs[i] : hs[j];
                const LabelTable::Human &b = order ? hs[j] : hs[i];
                PairData &d = pairs[{a.annotator, b.annotator}];
                d.overall.emplace_back(a.overall, b.overall);
                for (std::size_t k = 0; k < 3; ++k)
                    if (a.aspects[k] && b.aspects[k])
                        d.aspects[k].emplace_back(*a.aspects[k], *b.aspects[k]);
            }
        }
        units.push_back(std::move(unit));
        for (std::size_t k = 0; k < 3; ++k)
            aspectUnits[k].push_back(std::move(aspectUnit[k]));

        const std::optional<int> majority = humanMajority(row);
        for (const LabelTable::Judge &jl : row.judges) {
            JudgeData &jd = judges[std::size_t(jl.judge)];
            ++jd.report.labels;
            if (jl.original && jl.swapped) {
                const int o = fold3(*jl.original), s = fold3(*jl.swapped);
                ++jd.position.both;
                if (o == s)
                    ++jd.position.consistent;
                else if (s - o > 0) // A chosen when shown first, or B chosen when shown first
                    ++jd.position.favourFirst;
            }
            if (!jl.overall) {
                ++jd.report.unusable;
                continue;
            }
            if (!majority)
                continue;
            const int verdict = fold3(*jl.overall);
            jd.three.emplace_back(*majority, verdict);
            if (*majority == 0)
                continue;
            ++jd.report.n;
            const bool agree = verdict == *majority;
            jd.report.agree += agree;
            jd.report.judgeTies += verdict == 0;
            for (int f : row.features) {
                ++jd.tagN[std::size_t(f)];
                jd.tagAgree[std::size_t(f)] += agree;
            }
        }
    }

    for (int a = 0; a < nAnnotators; ++a) {
        if (labelsPer[std::size_t(a)] == 0)
            continue;
        r.annotators.push_back({table.annotators[a], a < table.annotatorKinds.size() ? table.annotatorKinds[a] : QString(),
                                labelsPer[std::size_t(a)]});
        AnnotatorPosition &p = apos[std::size_t(a)];
        if (p.n + p.ties > 0) {
            p.annotator = table.annotators[a];
            if (p.n > 0)
                p.leftShare = double(p.left) / double(p.n);
            p.pValue = binomialTwoSidedP(p.left, p.n);
            r.annotatorPosition.push_back(p);
        }
    }
    const std::int64_t active = std::int64_t(r.annotators.size());
    r.pairsWithoutOverlap = active * (active - 1) / 2 - std::int64_t(pairs.size());
    for (auto &[key, d] : pairs) {
        PairReport p;
        p.a = key.first;
        p.b = key.second;
        p.five = cohenKappa(d.overall);
        p.folded = cohenKappa(folded(d.overall));
        p.fiveQuadratic = weightedKappa(d.overall, KappaWeights::Quadratic);
        for (std::size_t k = 0; k < 3; ++k)
            p.aspects[k] = cohenKappa(folded(d.aspects[k]));
        r.pairs.push_back(p);
    }
    r.alpha = alphaSet(units);
    for (std::size_t k = 0; k < 3; ++k)
        r.aspectAlpha[k] = alphaSet(aspectUnits[k]);

    for (JudgeData &jd : judges) {
        JudgeReport &j = jd.report;
        if (j.labels == 0)
            continue;
        if (j.n > 0)
            j.agreement = double(j.agree) / double(j.n);
        j.three = cohenKappa(jd.three);
        for (int f = 0; f < nFeatures; ++f) {
            const std::int64_t n = jd.tagN[std::size_t(f)];
            if (n > 0)
                j.perTag.push_back({table.features[f], n, jd.tagAgree[std::size_t(f)],
                                    double(jd.tagAgree[std::size_t(f)]) / double(n)});
        }
        if (jd.position.both > 0) {
            JudgePosition p = jd.position;
            const std::int64_t inconsistent = p.both - p.consistent;
            p.consistency = double(p.consistent) / double(p.both);
            if (inconsistent > 0)
                p.firstShare = double(p.favourFirst) / double(inconsistent);
            p.pValue = binomialTwoSidedP(p.favourFirst, inconsistent);
            j.position = p;
        }
        r.judges.push_back(std::move(j));
    }
    return r;
}

QJsonObject agreementJson(const AgreementReport &r)
{
    QJsonArray annotators;
    for (const AnnotatorSummary &a : r.annotators)
        annotators.append(QJsonObject{{QStringLiteral("name"), a.name},
                                      {QStringLiteral("kind"), a.kind},
                                      {QStringLiteral("labels"), qint64(a.labels)}});
    QJsonArray pairs;
    for (const PairReport &p : r.pairs) {
        QJsonObject o{{QStringLiteral("a"), r.annotatorNames[p.a]},
                      {QStringLiteral("b"), r.annotatorNames[p.b]},
                      {QStringLiteral("n"), qint64(p.folded.n)},
                      {QStringLiteral("percent"), number(p.folded.percent)},
                      {QStringLiteral("kappa"), number(p.folded.kappa)},
                      {QStringLiteral("percent5"), number(p.five.percent)},
                      {QStringLiteral("kappa5"), number(p.five.kappa)},
                      {QStringLiteral("kappa5_quadratic"), number(p.fiveQuadratic)}};
        QJsonObject aspects;
        for (std::size_t k = 0; k < 3; ++k)
            if (p.aspects[k].n > 0)
                aspects.insert(QString::fromLatin1(kAspects[k]), kappaJson(p.aspects[k]));
        if (!aspects.isEmpty())
            o.insert(QStringLiteral("aspects"), aspects);
        pairs.append(o);
    }
    QJsonObject aspectAlpha;
    for (std::size_t k = 0; k < 3; ++k)
        if (r.aspectAlpha[k].ordinal.units > 0)
            aspectAlpha.insert(QString::fromLatin1(kAspects[k]), alphaJson(r.aspectAlpha[k]));

    QJsonArray judges;
    for (const JudgeReport &j : r.judges) {
        QJsonObject o{{QStringLiteral("judge"), j.judge},
                      {QStringLiteral("labels"), qint64(j.labels)},
                      {QStringLiteral("unusable"), qint64(j.unusable)},
                      {QStringLiteral("n"), qint64(j.n)},
                      {QStringLiteral("agree"), qint64(j.agree)},
                      {QStringLiteral("agreement"), number(j.agreement)},
                      {QStringLiteral("judge_ties"), qint64(j.judgeTies)},
                      {QStringLiteral("n3"), qint64(j.three.n)},
                      {QStringLiteral("agreement3"), number(j.three.percent)},
                      {QStringLiteral("kappa3"), number(j.three.kappa)}};
        if (r.featuresComputed) {
            QJsonObject tags;
            for (const TagAgreement &t : j.perTag)
                tags.insert(t.tag, QJsonObject{{QStringLiteral("n"), qint64(t.n)},
                                               {QStringLiteral("agreement"), number(t.agreement)}});
            o.insert(QStringLiteral("per_tag"), tags);
        }
        if (j.position) {
            const JudgePosition &p = *j.position;
            o.insert(QStringLiteral("position"),
                     QJsonObject{{QStringLiteral("both"), qint64(p.both)},
                                 {QStringLiteral("consistent"), qint64(p.consistent)},
                                 {QStringLiteral("consistency"), number(p.consistency)},
                                 {QStringLiteral("inconsistent"), qint64(p.both - p.consistent)},
                                 {QStringLiteral("favour_first"), qint64(p.favourFirst)},
                                 {QStringLiteral("first_share"), number(p.firstShare)},
                                 {QStringLiteral("p_value"), number(p.pValue)}});
        }
        judges.append(o);
    }
    QJsonArray apos;
    for (const AnnotatorPosition &p : r.annotatorPosition)
        apos.append(QJsonObject{{QStringLiteral("annotator"), p.annotator},
                                {QStringLiteral("n"), qint64(p.n)},
                                {QStringLiteral("ties"), qint64(p.ties)},
                                {QStringLiteral("left"), qint64(p.left)},
                                {QStringLiteral("left_share"), number(p.leftShare)},
                                {QStringLiteral("p_value"), number(p.pValue)}});

    QJsonObject alpha = alphaJson(r.alpha);
    return {{QStringLiteral("instances"), qint64(r.instances)},
            {QStringLiteral("human_labelled"), qint64(r.humanLabelled)},
            {QStringLiteral("headline"), QStringLiteral("folded3")},
            {QStringLiteral("annotators"), annotators},
            {QStringLiteral("pairs"), pairs},
            {QStringLiteral("pairs_without_overlap"), qint64(r.pairsWithoutOverlap)},
            {QStringLiteral("krippendorff_alpha"), alpha},
            {QStringLiteral("aspects_alpha"), aspectAlpha},
            {QStringLiteral("judges"), judges},
            {QStringLiteral("annotator_position"), apos},
            {QStringLiteral("features"), r.featuresComputed}};
}

} // namespace hyper::labels
