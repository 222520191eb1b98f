// SPDX-License-Identifier: GPL-3.0-or-later
// Label accuracy against the sample's hidden gold: the cheap stand-in for "an RM trained
// on these labels" that shows whether the sample's structure rewards a hybrid routing.
#include "core/domain/preference.h"
#include "core/sample/samplegenerator.h"
#include "core/sample/samplevocab.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace hyper {

namespace {

template <size_t N>
int indexOf(const char *const (&values)[N], const QString &v)
{
    for (size_t i = 0; i < N; ++i)
        if (v == QLatin1String(values[i]))
            return int(i);
    return -1;
}

int sign(int v) { return (v > 0) - (v < 0); }

/** 1 when the label's folded direction is gold's, 0.5 for a tie, 0 otherwise. */
double credit(std::optional<int> label, int goldDir)
{
    if (!label || *label == 0)
        return 0.5;
    return sign(*label) == goldDir ? 1.0 : 0.0;
}

constexpr int kCells = 4 * 3 * 3; // safety_concern x complexity_of_intents x expertise_level

} // namespace

QJsonObject LabelAccuracy::toJson() const
{
    return {{QStringLiteral("n"), n},
            {QStringLiteral("human"), human},
            {QStringLiteral("lm"), lm},
            {QStringLiteral("oracle_mix"), oracleMix},
            {QStringLiteral("oracle_human_share"), oracleHumanShare},
            {QStringLiteral("rule_mix"), ruleMix},
            {QStringLiteral("rule_human_share"), ruleHumanShare}};
}

AccuracyTally::AccuracyTally(Filter filter)
    : m_filter(std::move(filter)), m_cells(kCells)
{
}

void AccuracyTally::add(const ImportRecord &r)
{
    if (r.split != Split::Train || r.metadataJson.empty())
        return;
    const QJsonObject meta = QJsonDocument::fromJson(QByteArray::fromStdString(r.metadataJson)).object();
    const auto gold = parsePreference(meta.value(QLatin1String("gold")).toString());
    if (!gold || *gold == Preference::Tie)
        return;
    if (m_filter && !m_filter(meta))
        return;
    using namespace samplevocab;
    const int safety = indexOf(kSafety, meta.value(QLatin1String("safety_concern")).toString());
    const int complexity = indexOf(kComplexity, meta.value(QLatin1String("complexity_of_intents")).toString());
    const int expertise = indexOf(kExpertise, meta.value(QLatin1String("expertise_level")).toString());
    // Instances with tags outside the vocabulary share one cell (index 0) rather than
    // being dropped, so the tally still counts every gold-labelled instance.
    const int cell = safety < 0 || complexity < 0 || expertise < 0 ? 0 : (safety * 3 + complexity) * 3 + expertise;

    const int goldDir = sign(toInt(*gold));
    std::vector<int> votes;
    votes.reserve(r.human.size());
    for (const ImportHumanLabel &h : r.human)
        if (h.kind != "gold")
            votes.push_back(h.overall);
    std::optional<int> human = votes.empty() ? std::nullopt : foldedMajority(votes.data(), votes.size());
    std::optional<int> lm;
    if (!r.lm.empty())
        lm = r.lm.front().overall;
    Cell &c = m_cells[size_t(cell)];
    c.n += 1;
    c.human += credit(human, goldDir);
    c.lm += credit(lm, goldDir);
}

LabelAccuracy AccuracyTally::result() const
{
    LabelAccuracy a;
    double human = 0, lm = 0, mix = 0, rule = 0;
    qint64 routedHuman = 0, ruleHuman = 0;
    for (size_t i = 0; i < m_cells.size(); ++i) {
        const Cell &c = m_cells[i];
        const int safety = int(i) / 9, complexity = (int(i) / 3) % 3;
        if (safety == 2 || complexity == 2) {
            rule += c.human;
            ruleHuman += c.n;
        } else {
            rule += c.lm;
        }
        a.n += c.n;
        human += c.human;
        lm += c.lm;
        // Ties go to the LM: it is the cheaper source.
        if (c.human > c.lm) {
            mix += c.human;
            routedHuman += c.n;
        } else {
            mix += c.lm;
        }
    }
    if (a.n > 0) {
        a.human = human / double(a.n);
        a.lm = lm / double(a.n);
        a.oracleMix = mix / double(a.n);
        a.oracleHumanShare = double(routedHuman) / double(a.n);
        a.ruleMix = rule / double(a.n);
        a.ruleHumanShare = double(ruleHuman) / double(a.n);
    }
    return a;
}

} // namespace hyper
