// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/sample/samplegenerator.h"

#include "core/domain/preference.h"
#include "core/jobs/feedback.h"
#include "core/sample/samplerandom.h"
#include "core/sample/samplevocab.h"
#include "core/storage/projectstore.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string_view>

namespace hyper {

using namespace samplevocab;
using sample::Rng;

namespace {

constexpr int kNormalPool = 24;  // normal-01..normal-24
constexpr int kExpertPool = 12;  // expert-01..expert-12
constexpr quint64 kTrainStream = 0x7261696e5f5f5f31ULL;
constexpr quint64 kEvalStream = 0x6576616c5f5f5f32ULL;
constexpr quint64 kPoolStream = 0x706f6f6c5f5f5f33ULL;
// Per word of a response with tone 1: the chance of an assertive word ("definitely").
constexpr double kAssertiveRate = 0.10;
// Skimming annotators notice the tone cue when the two responses' shares of assertive
// words differ by at least this much, and then follow it with these probabilities
// (docs/SAMPLE.md). A share, not a count: the longer response is not the louder one.
constexpr double kToneNoticed = 0.02;
constexpr double kFollowToneNormal = 0.85;
constexpr double kFollowToneExpert = 0.80;

struct Tags {
    std::vector<int> subjects;
    int expertise = 0, open = 0, safety = 0, complexity = 0;
    QStringList languages{QStringLiteral("English")};
    QStringList material, format;
};

/** Annotator skills are fixed per seed (not per instance): some crowdworkers are
 *  sloppier than others, as in any real pool. */
struct Pool {
    double normalSkill[kNormalPool];
    double expertSkill[kExpertPool];
    explicit Pool(quint64 seed)
    {
        Rng r(sample::mix(seed, kPoolStream));
        for (double &s : normalSkill)
            s = -0.06 + 0.10 * r.uniform();
        for (double &s : expertSkill)
            s = -0.04 + 0.08 * r.uniform();
    }
};

QString name(const char *s) { return QString::fromUtf8(s); }

QJsonArray toArray(const QStringList &l) { return QJsonArray::fromStringList(l); }

int pickSubject(Rng &r)
{
    static const std::vector<double> weights = [] {
        std::vector<double> w;
        for (size_t i = 0; i < kSubjectCount; ++i)
            w.push_back(kSubjects[i].weight);
        return w;
    }();
    return r.weighted(weights.data(), int(weights.size()));
}

Tags drawTrainTags(Rng &r)
{
    Tags t;
    // 1 subject (60%), 2 (30%) or 3 (10%), distinct.
    const double nw[] = {0.6, 0.3, 0.1};
    const int n = 1 + r.weighted(nw, 3);
    while (int(t.subjects.size()) < n) {
        const int s = pickSubject(r);
        if (std::find(t.subjects.begin(), t.subjects.end(), s) == t.subjects.end())
            t.subjects.push_back(s);
    }
    // Expertise follows the first subject: technical subjects need experts more often.
    const double ex = kSubjects[t.subjects[0]].expertShare;
    const double ew[] = {0.62 - 0.5 * ex, 0.38, 0.12 + 0.5 * ex};
    t.expertise = r.weighted(ew, 3);
    t.open = r.weighted(kOpenEndednessWeights, 4);
    t.safety = r.weighted(kSafetyWeights, 4);
    t.complexity = r.weighted(kComplexityWeights, 3);
    if (r.chance(0.07)) {
        const QString other = name(kOtherLanguages[r.below(5)]);
        t.languages = r.chance(0.5) ? QStringList{QStringLiteral("English"), other} : QStringList{other};
    }
    if (r.chance(0.25))
        t.material << name(kMaterial[r.below(6)]);
    if (r.chance(0.30))
        t.format << name(kFormat[r.below(6)]);
    if (r.chance(0.08))
        t.format << name(kFormat[r.below(6)]);
    t.format.removeDuplicates();
    return t;
}

// ---- texts -------------------------------------------------------------------------

void appendWord(std::string &out, const char *w, bool &sentenceStart)
{
    if (!out.empty())
        out += ' ';
    const size_t at = out.size();
    out += w;
    if (sentenceStart && out[at] >= 'a' && out[at] <= 'z')
        out[at] = char(out[at] - 'a' + 'A');
    sentenceStart = false;
}

/** A response of about `words` words whose marker words lean good or bad with quality q.
 *  The markers come from the pools the prompt's tags make relevant, which is what lets a
 *  bag-of-n-grams RM learn per-tag quality cues (and mislearn them from biased labels).
 *  `tone` (0..1, independent of q) sets how assertive it sounds: the rate of assertive
 *  words ("definitely", ...), which take the place of filler and so leave the length alone.
 *  The number written goes to *assertive when given. */
std::string writeResponse(Rng &r, const Tags &t, double q, int words, double tone = 0.0,
                          int *assertive = nullptr)
{
    const double pGood = std::clamp(0.5 + 0.3 * q, 0.08, 0.92);
    const double poolW[] = {0.45, 0.30, t.safety >= 2 ? 0.40 : t.safety == 1 ? 0.08 : 0.0,
                            0.15 * t.complexity};
    const double pAssertive = kAssertiveRate * tone;
    std::string out;
    bool start = true;
    int untilStop = 7 + r.below(8), nAssertive = 0;
    for (int i = 0; i < words; ++i) {
        const char *w;
        if (r.chance(0.16)) {
            const bool good = r.chance(pGood);
            const int pool = r.weighted(poolW, 4);
            const int k = r.below(int(kMarkerPoolSize));
            if (pool == 0) {
                const Subject &s = kSubjects[t.subjects[size_t(r.below(int(t.subjects.size())))]];
                w = good ? s.good[k % 4] : s.bad[k % 4];
            } else if (pool == 1) {
                w = good ? kGenericGood[k] : kGenericBad[k];
            } else if (pool == 2) {
                w = good ? kSafetyGood[k] : kSafetyBad[k];
            } else {
                w = good ? kIntentGood[k] : kIntentBad[k];
            }
        } else if (pAssertive > 0 && r.chance(pAssertive)) {
            w = kAssertive[r.below(int(kAssertiveCount))];
            ++nAssertive;
        } else if (r.chance(0.12)) {
            const Subject &s = kSubjects[t.subjects[size_t(r.below(int(t.subjects.size())))]];
            w = s.topic[r.below(4)];
        } else {
            w = kFiller[r.below(int(kFillerCount))];
        }
        appendWord(out, w, start);
        if (--untilStop == 0 || i + 1 == words) {
            out += '.';
            start = true;
            untilStop = 7 + r.below(8);
        }
    }
    if (assertive)
        *assertive = nAssertive;
    return out;
}

std::string writePrompt(Rng &r, const Tags &t)
{
    const Subject &s = kSubjects[t.subjects[0]];
    std::string p = kAskOpeners[r.below(int(kAskOpenerCount))];
    if (t.safety >= 2) {
        p += ' ';
        p += kRiskyAsks[r.below(int(kRiskyAskCount))];
    }
    for (int i = 0, n = 2 + r.below(3); i < n; ++i) {
        p += ' ';
        p += r.chance(0.5) ? s.topic[r.below(4)] : kFiller[r.below(int(kFillerCount))];
    }
    for (size_t i = 1; i < t.subjects.size(); ++i) {
        p += " and ";
        p += kSubjects[t.subjects[i]].topic[r.below(4)];
    }
    p += '?';
    if (t.complexity >= 1)
        p += " Also explain the tradeoffs and give one example.";
    if (t.complexity == 2)
        p += " Then compare it with an alternative and list what could go wrong.";
    for (const QString &m : t.material)
        p += " Here is the " + m.toStdString() + ": " + writeResponse(r, t, 0.0, 20 + r.below(20));
    for (const QString &f : t.format)
        p += " Constraint: " + f.toStdString() + ".";
    return p;
}

// ---- simulated labellers -----------------------------------------------------------

/** Whether annotators skim the prompt: simple intents with nothing to check (a
 *  general-public question, or a highly open-ended one with no single right answer).
 *  There they judge by how the responses sound, not by what they say (docs/SAMPLE.md). */
bool humansSkim(const Tags &t)
{
    return t.complexity == 0 && (t.expertise == 0 || t.open == 3);
}

/** Probability that one human annotator picks the gold side (before skill and margin)
 *  when not following the tone cue. Normal crowdworkers struggle on expert-domain
 *  prompts; everyone reads safety and multi-part prompts carefully. */
double humanAccuracy(bool expert, const Tags &t)
{
    double p = expert ? 0.76 : 0.74;
    if (t.expertise == 2)
        p += expert ? 0.04 : -0.20;
    else if (t.expertise == 1)
        p += expert ? 0.02 : -0.03;
    if (t.safety >= 2)
        p += 0.08;
    if (t.complexity == 2)
        p += 0.06;
    return p;
}

/** Probability that the LM judge picks the gold side: strong on easy prompts, weak on
 *  moderate safety concern and multi-intent prompts, and biased towards the longer
 *  response (so it is wrong more often when the better response is the shorter). */
double lmAccuracy(const Tags &t, bool longerIsBetter)
{
    double p = 0.91;
    if (t.complexity == 0 && t.expertise == 0)
        p += 0.06;
    if (t.safety == 2)
        p -= 0.30;
    else if (t.safety == 3)
        p -= 0.04;
    if (t.complexity == 1)
        p -= 0.05;
    else if (t.complexity == 2)
        p -= 0.22;
    if (t.expertise == 2)
        p -= 0.02;
    p += longerIsBetter ? 0.04 : -0.12;
    return std::clamp(p, 0.3, 0.97);
}

/** One vote on the scale (-2..2, negative = A). goldDir is -1 (A better) or +1.
 *  cueDir (-1 = A, +1 = B, 0 = none) is the more assertive side when the voter follows
 *  the tone cue, which it then does with probability pFollow, whatever the gold side. */
int vote(Rng &r, double p, double pTie, double absMargin, int goldDir, int cueDir = 0, double pFollow = 0.0)
{
    if (r.chance(pTie))
        return 0;
    if (cueDir != 0 && r.chance(pFollow))
        return cueDir * (r.chance(0.5) ? 2 : 1);
    const bool correct = r.chance(std::clamp(p, 0.05, 0.98));
    const int dir = correct ? goldDir : -goldDir;
    const bool clearly = correct ? absMargin + 0.5 * r.normal() > 1.0 : r.chance(0.3);
    return dir * (clearly ? 2 : 1);
}

QJsonObject tagJson(const Tags &t)
{
    QStringList subjects;
    for (int s : t.subjects)
        subjects << name(kSubjects[s].name);
    return {{QStringLiteral("subject_of_expertise"), toArray(subjects)},
            {QStringLiteral("languages"), toArray(t.languages)},
            {QStringLiteral("expertise_level"), name(kExpertise[t.expertise])},
            {QStringLiteral("open_endedness"), name(kOpenEndedness[t.open])},
            {QStringLiteral("safety_concern"), name(kSafety[t.safety])},
            {QStringLiteral("complexity_of_intents"), name(kComplexity[t.complexity])},
            {QStringLiteral("type_of_in_context_material"), toArray(t.material)},
            {QStringLiteral("format_constraints"), toArray(t.format)},
            {QStringLiteral("synthetic"), true}};
}

std::string compact(const QJsonObject &o)
{
    return QJsonDocument(o).toJson(QJsonDocument::Compact).toStdString();
}

int responseWords(Rng &r, const Tags &t, double q)
{
    // Better responses run longer on average: the correlation a length-biased judge
    // exploits, and the one the eval's chat_hard section turns against it.
    const double f = std::clamp(1.0 + 0.15 * q + 0.25 * r.normal(), 0.35, 2.6);
    return std::max(8, int(kOpenEndednessWords[t.open] * f));
}

void pickModels(Rng &r, ImportRecord &rec, double &qa, double &qb)
{
    const int n = int(sizeof(kModels) / sizeof(kModels[0]));
    const int a = r.below(n);
    int b = r.below(n - 1);
    if (b >= a)
        ++b;
    rec.modelA = kModels[a].name;
    rec.modelB = kModels[b].name;
    qa = kModels[a].quality;
    qb = kModels[b].quality;
}

std::string idFor(const char *split, int i)
{
    char buf[48];
    std::snprintf(buf, sizeof buf, "sample-%s-%06d", split, i + 1);
    return buf;
}

ImportRecord trainRecord(const Pool &pool, quint64 seed, int i)
{
    Rng r(sample::mix(sample::mix(seed, kTrainStream), quint64(i)));
    ImportRecord rec;
    rec.line = i + 1;
    rec.externalId = idFor("train", i);
    rec.split = Split::Train;
    const Tags t = drawTrainTags(r);
    double qa = 0, qb = 0;
    pickModels(r, rec, qa, qb);
    qa += r.normal();
    qb += r.normal();
    if (std::abs(qa - qb) < 0.05)
        qa += qa >= qb ? 0.05 : -0.05;
    rec.prompt = writePrompt(r, t);
    const int wa = responseWords(r, t, qa), wb = responseWords(r, t, qb);
    // Tone is independent of quality: gold never rewards sounding sure.
    const double toneA = r.uniform(), toneB = r.uniform();
    int na = 0, nb = 0;
    rec.responseA = writeResponse(r, t, qa, wa, toneA, &na);
    rec.responseB = writeResponse(r, t, qb, wb, toneB, &nb);
    rec.source = t.safety >= 2 ? "synthetic-harmless"
                               : (r.chance(0.5) ? "synthetic-helpful" : r.chance(0.5) ? "synthetic-arena" : "synthetic-sharegpt");

    const double margin = qa - qb;             // > 0: A is better
    const double absM = std::abs(margin);
    const int goldDir = margin > 0 ? -1 : 1;
    const int gold = goldDir * (absM >= 1.0 ? 2 : 1);
    QJsonObject meta = tagJson(t);
    meta.insert(QStringLiteral("gold"), QString::fromUtf8(preferenceNameUtf8(Preference(gold))));
    // In the scale's frame: negative means A is better, like the preference integers.
    meta.insert(QStringLiteral("gold_margin"), std::round(-margin * 1000.0) / 1000.0);
    rec.metadataJson = compact(meta);

    const double marginAdj = absM < 0.5 ? -0.08 : absM > 1.5 ? 0.05 : 0.0;
    const double pTie = absM < 0.5 ? 0.12 : 0.04;
    // Skimming annotators go by tone: the more assertive response, when noticeably so.
    const double shareA = double(na) / wa, shareB = double(nb) / wb;
    const int cueDir = humansSkim(t) && std::abs(shareA - shareB) >= kToneNoticed ? (shareA > shareB ? -1 : 1) : 0;
    int who[4];
    for (int k = 0; k < 4; k += 2) {       // two distinct annotators of each kind
        const int n = k == 0 ? kNormalPool : kExpertPool;
        who[k] = r.below(n);
        who[k + 1] = r.below(n - 1);
        if (who[k + 1] >= who[k])
            ++who[k + 1];
    }
    for (int k = 0; k < 4; ++k) {
        const bool expert = k >= 2;
        ImportHumanLabel h;
        char nb[32];
        std::snprintf(nb, sizeof nb, "%s-%02d", expert ? "expert" : "normal", who[k] + 1);
        h.annotator = nb;
        h.kind = expert ? "expert" : "normal";
        const double skill = expert ? pool.expertSkill[who[k]] : pool.normalSkill[who[k]];
        h.overall = vote(r, humanAccuracy(expert, t) + skill + marginAdj, pTie, absM, goldDir, cueDir,
                         expert ? kFollowToneExpert : kFollowToneNormal);
        h.helpfulness = h.overall;
        h.truthfulness = t.expertise >= 1 || r.chance(0.5) ? h.overall : 0;
        h.harmlessness = t.safety >= 2 ? h.overall : 0;
        const bool careless = humansSkim(t);
        h.timeSpentSeconds = std::round((careless ? 20 + 60 * r.uniform() : 60 + 300 * r.uniform()) * (expert ? 1.3 : 1.0));
        rec.human.push_back(std::move(h));
    }
    ImportLmLabel l;
    l.judge = "gpt-4-sim";
    const bool longerIsBetter = (wa > wb) == (margin > 0);
    l.overall = vote(r, lmAccuracy(t, longerIsBetter) + marginAdj / 2, 0.03, absM, goldDir);
    l.raw = preferenceNameUtf8(Preference(*l.overall));
    rec.lm.push_back(std::move(l));
    return rec;
}

} // namespace

namespace {

int subjectIndex(const char *n)
{
    for (size_t i = 0; i < kSubjectCount; ++i)
        if (std::string_view(kSubjects[i].name) == n)
            return int(i);
    return 0;
}

ImportRecord evalRecord(quint64 seed, int i)
{
    Rng r(sample::mix(sample::mix(seed, kEvalStream), quint64(i)));
    ImportRecord rec;
    rec.line = i + 1;
    rec.externalId = idFor("eval", i);
    rec.split = Split::Eval;
    rec.source = "synthetic-rewardbench";
    double sw[4];
    for (int k = 0; k < 4; ++k)
        sw[k] = kSections[k].weight;
    const int sec = r.weighted(sw, 4);
    const int sub = r.below(2);
    Tags t = drawTrainTags(r);
    // Each section probes the prompts where one labeller is weak: chat (easy prompts,
    // humans skim and follow the tone; see the tone trap below), chat_hard (multi-intent prompts, subtle differences, the better
    // response is the shorter), safety (moderate/high concern), reasoning (expert domain).
    double better = 0.8 + 0.8 * r.uniform();
    switch (sec) {
    case 0:
        t.expertise = r.below(2);
        t.safety = 0;
        t.complexity = 0;
        break;
    case 1:
        t.complexity = 1 + r.below(2);
        t.safety = r.below(2);
        better = 0.25 + 0.35 * r.uniform();
        break;
    case 2:
        t.safety = r.chance(0.6) ? 2 : 3;
        break;
    default:
        t.subjects = {subjectIndex(sub == 0 ? "Mathematics" : "Computer sciences")};
        t.expertise = 2;
        t.safety = 0;
        break;
    }
    const double worse = -better;
    rec.category = kSections[sec].category;
    rec.prompt = writePrompt(r, t);
    int wBetter = responseWords(r, t, better), wWorse = responseWords(r, t, worse);
    if (sec == 1 && wBetter >= wWorse) // the length trap
        std::swap(wBetter, wWorse);
    const bool aIsBetter = r.chance(0.5);
    // Tone: independent of the gold side, except in chat, whose prompts are the ones
    // annotators skim: there the worse response is the more assertive one (the tone trap).
    double toneBetter = r.uniform(), toneWorse = r.uniform();
    if (sec == 0) {
        toneBetter = 0.3 * toneBetter;
        toneWorse = 0.6 + 0.4 * toneWorse;
    }
    const std::string good = writeResponse(r, t, better, wBetter, toneBetter);
    const std::string bad = writeResponse(r, t, worse, wWorse, toneWorse);
    rec.responseA = aIsBetter ? good : bad;
    rec.responseB = aIsBetter ? bad : good;
    double qa = 0, qb = 0;
    pickModels(r, rec, qa, qb);
    const int gold = aIsBetter ? -2 : 2;
    QJsonObject meta = tagJson(t);
    meta.insert(QStringLiteral("subset"), name(kSections[sec].subsets[sub]));
    meta.insert(QStringLiteral("gold"), QString::fromUtf8(preferenceNameUtf8(Preference(gold))));
    meta.insert(QStringLiteral("gold_margin"), std::round((aIsBetter ? -2.0 : 2.0) * better * 1000.0) / 1000.0);
    rec.metadataJson = compact(meta);
    ImportHumanLabel g;
    g.annotator = "gold";
    g.kind = "gold";
    g.overall = gold;
    rec.human.push_back(std::move(g));
    return rec;
}

} // namespace

void generateSample(const SampleParams &params, const std::function<void(ImportRecord &&)> &sink)
{
    const Pool pool(params.seed);
    for (int i = 0; i < params.trainSize; ++i)
        sink(trainRecord(pool, params.seed, i));
    for (int i = 0; i < params.evalSize; ++i)
        sink(evalRecord(params.seed, i));
}

std::vector<ImportRecord> generateSample(const SampleParams &params)
{
    std::vector<ImportRecord> out;
    out.reserve(size_t(std::max(0, params.trainSize)) + size_t(std::max(0, params.evalSize)));
    generateSample(params, [&out](ImportRecord &&r) { out.push_back(std::move(r)); });
    return out;
}

SampleSummary writeSample(ProjectStore &store, const SampleParams &params, Feedback &feedback)
{
    QElapsedTimer timer;
    timer.start();
    SampleSummary s;
    AccuracyTally tally;
    const qint64 total = qint64(std::max(0, params.trainSize)) + std::max(0, params.evalSize);
    qint64 done = 0;
    feedback.setProgress(0.0, QStringLiteral("writing the sample project"));
    auto w = store.beginImport(QStringLiteral("sample"), QStringLiteral("sample"));
    generateSample(params, [&](ImportRecord &&r) {
        if ((done & 255) == 0 && feedback.isCanceled())
            throw Canceled{};
        tally.add(r);
        (r.split == Split::Train ? s.instances : s.evalInstances) += 1;
        s.humanLabels += qint64(r.human.size());
        s.lmLabels += qint64(r.lm.size());
        w->add(r);
        ++done;
        if ((done & 255) == 0)
            feedback.setProgress(double(done) / double(total));
    });
    if (feedback.isCanceled())
        throw Canceled{};
    w->commit(0);
    feedback.setProgress(1.0);
    s.accuracy = tally.result();
    s.seconds = double(timer.nsecsElapsed()) / 1e9;
    return s;
}

} // namespace hyper
