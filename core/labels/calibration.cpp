// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/labels/calibration.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>

namespace hyper::labels {

Interval wilsonInterval(std::int64_t k, std::int64_t n, double z)
{
    if (n <= 0 || k < 0 || k > n)
        return {};
    const double nn = double(n);
    const double p = double(k) / nn;
    const double z2 = z * z;
    const double centre = p + z2 / (2 * nn);
    const double spread = z * std::sqrt(p * (1 - p) / nn + z2 / (4 * nn * nn));
    const double denom = 1 + z2 / nn;
    return {std::max(0.0, (centre - spread) / denom), std::min(1.0, (centre + spread) / denom)};
}

std::optional<int> humanMedian5(const LabelTable::Row &row)
{
    if (row.humans.empty())
        return std::nullopt;
    std::vector<int> votes = humanVotes(row);
    std::sort(votes.begin(), votes.end());
    const std::size_t m = votes.size() / 2;
    if (votes.size() % 2 == 1)
        return votes[m];
    const int sum = votes[m - 1] + votes[m]; // twice the mean; odd: a half step
    return sum / 2;                          // integer division truncates toward 0
}

std::int64_t Confusion5::rowTotal(int human) const
{
    std::int64_t t = 0;
    for (std::int64_t c : counts[std::size_t(human + 2)])
        t += c;
    return t;
}

double Confusion5::rowShare(int human, int judge) const
{
    const std::int64_t t = rowTotal(human);
    return t == 0 ? kUndefined : double(cell(human, judge)) / double(t);
}

double Confusion5::exact() const
{
    if (n == 0)
        return kUndefined;
    std::int64_t d = 0;
    for (int v = -2; v <= 2; ++v)
        d += cell(v, v);
    return double(d) / double(n);
}

double Confusion5::withinOne() const
{
    if (n == 0)
        return kUndefined;
    std::int64_t d = 0;
    for (int h = -2; h <= 2; ++h)
        for (int j = -2; j <= 2; ++j)
            if (std::abs(h - j) <= 1)
                d += cell(h, j);
    return double(d) / double(n);
}

CalibrationReport computeCalibration(const LabelTable &table)
{
    const AgreementReport agreement = computeAgreement(table);
    CalibrationReport r;
    r.instances = agreement.instances;
    r.humanLabelled = agreement.humanLabelled;
    r.featuresComputed = agreement.featuresComputed;

    // The confusion matrices, per judge index of the table.
    std::vector<Confusion5> confusion(std::size_t(table.judges.size()));
    for (const LabelTable::Row &row : table.rows) {
        const std::optional<int> human = humanMedian5(row);
        if (!human)
            continue;
        for (const LabelTable::Judge &j : row.judges) {
            if (!j.overall || *j.overall < -2 || *j.overall > 2)
                continue;
            Confusion5 &c = confusion[std::size_t(j.judge)];
            ++c.counts[std::size_t(*human + 2)][std::size_t(*j.overall + 2)];
            ++c.n;
        }
    }

    for (const JudgeReport &jr : agreement.judges) {
        JudgeCalibration c;
        c.judge = jr.judge;
        c.labels = jr.labels;
        c.unusable = jr.unusable;
        c.n = jr.n;
        c.agree = jr.agree;
        c.judgeTies = jr.judgeTies;
        c.accuracy = jr.agreement;
        c.interval = wilsonInterval(jr.agree, jr.n);
        c.position = jr.position;
        const qsizetype index = table.judges.indexOf(jr.judge);
        if (index >= 0)
            c.confusion = confusion[std::size_t(index)];
        c.overlap = c.confusion.n;
        for (const TagAgreement &t : jr.perTag) {
            TagCalibration tc;
            tc.tag = t.tag;
            tc.n = t.n;
            tc.agree = t.agree;
            tc.accuracy = t.agreement;
            tc.interval = wilsonInterval(t.agree, t.n);
            tc.belowOverall = !std::isnan(c.accuracy) && tc.interval.high < c.accuracy;
            c.perTag.push_back(tc);
        }
        std::sort(c.perTag.begin(), c.perTag.end(), [](const TagCalibration &a, const TagCalibration &b) {
            if (a.accuracy != b.accuracy)
                return a.accuracy < b.accuracy;
            if (a.n != b.n)
                return a.n > b.n;
            return a.tag < b.tag;
        });
        r.judges.push_back(std::move(c));
    }
    return r;
}

} // namespace hyper::labels
