// SPDX-License-Identifier: GPL-3.0-or-later
// The bundled synthetic sample project (core/sample/samplegenerator.h, `hyper sample`).
#include "core/domain/preference.h"
#include "core/jobs/feedback.h"
#include "core/sample/samplegenerator.h"
#include "core/sample/sampleproject.h"
#include "core/sample/samplevocab.h"
#include "core/storage/projectstore.h"

#include <QElapsedTimer>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QSet>
#include <QTemporaryDir>
#include <QtTest>

using namespace hyper;

namespace {

QJsonObject meta(const ImportRecord &r)
{
    return QJsonDocument::fromJson(QByteArray::fromStdString(r.metadataJson)).object();
}

bool sameRecord(const ImportRecord &a, const ImportRecord &b)
{
    if (a.externalId != b.externalId || a.split != b.split || a.prompt != b.prompt
        || a.responseA != b.responseA || a.responseB != b.responseB || a.modelA != b.modelA
        || a.modelB != b.modelB || a.source != b.source || a.category != b.category
        || a.metadataJson != b.metadataJson || a.human.size() != b.human.size()
        || a.lm.size() != b.lm.size())
        return false;
    for (size_t i = 0; i < a.human.size(); ++i)
        if (a.human[i].annotator != b.human[i].annotator || a.human[i].overall != b.human[i].overall
            || a.human[i].timeSpentSeconds != b.human[i].timeSpentSeconds)
            return false;
    for (size_t i = 0; i < a.lm.size(); ++i)
        if (a.lm[i].judge != b.lm[i].judge || a.lm[i].overall != b.lm[i].overall)
            return false;
    return true;
}

QString str(const QJsonObject &o, const char *key) { return o.value(QLatin1String(key)).toString(); }

QStringList strings(const QJsonValue &v)
{
    QStringList out;
    for (const QJsonValue &x : v.toArray())
        out << x.toString();
    return out;
}

LabelAccuracy accuracy(const std::vector<ImportRecord> &records, AccuracyTally::Filter f = {})
{
    AccuracyTally t(std::move(f));
    for (const ImportRecord &r : records)
        t.add(r);
    return t.result();
}

/** The share of assertive-tone words ("definitely", ...) in a text: the surface cue
 *  skimming annotators follow. */
double assertiveShare(const std::string &text)
{
    QSet<QByteArray> words;
    for (size_t i = 0; i < samplevocab::kAssertiveCount; ++i)
        words << samplevocab::kAssertive[i];
    int n = 0, all = 0;
    for (const QByteArray &w : QByteArray::fromStdString(text).toLower().replace('.', ' ').split(' ')) {
        n += words.contains(w);
        all += !w.isEmpty();
    }
    return all ? double(n) / all : 0.0;
}

int sign(int v) { return (v > 0) - (v < 0); }

void print(const char *what, const LabelAccuracy &a)
{
    qInfo("%-28s n=%5lld human=%.3f lm=%.3f oracle_mix=%.3f (human share %.2f) rule_mix=%.3f (%.2f)",
          what, a.n, a.human, a.lm, a.oracleMix, a.oracleHumanShare, a.ruleMix, a.ruleHumanShare);
}

} // namespace

class TestSample : public QObject
{
    Q_OBJECT

private:
    std::vector<ImportRecord> m_default; // the default sample (3000 + 1000, seed 1)

private Q_SLOTS:
    void initTestCase() { m_default = generateSample(SampleParams{}); }

    void deterministicForASeed()
    {
        const SampleParams p{300, 100, 7};
        const auto a = generateSample(p);
        const auto b = generateSample(p);
        QCOMPARE(a.size(), b.size());
        for (size_t i = 0; i < a.size(); ++i)
            QVERIFY2(sameRecord(a[i], b[i]), a[i].externalId.c_str());
        const auto c = generateSample(SampleParams{300, 100, 8});
        int same = 0;
        for (size_t i = 0; i < a.size(); ++i)
            same += a[i].prompt == c[i].prompt;
        QCOMPARE(same, 0);
        // Instance i depends only on (seed, split, i): a larger sample extends a smaller.
        const auto small = generateSample(SampleParams{100, 20, 7});
        for (size_t i = 0; i < 100; ++i)
            QVERIFY(sameRecord(small[i], a[i]));
        for (size_t i = 0; i < 20; ++i)
            QVERIFY(sameRecord(small[100 + i], a[300 + i]));
    }

    void pinnedOutputOfSeedOne()
    {
        // A fingerprint of the default sample (texts, models, labels of the first 100 train
        // and 20 eval records): it catches a platform or library that draws differently. It
        // changes only when the generator does: then update it on purpose and re-measure
        // the accuracies and the reward-model table in docs/SAMPLE.md.
        QCryptographicHash h(QCryptographicHash::Sha1);
        auto take = [&h](const ImportRecord &r) {
            h.addData(QByteArray::fromStdString(r.externalId + r.prompt + r.responseA + r.responseB + r.modelA + r.modelB + r.source + r.category));
            for (const ImportHumanLabel &l : r.human)
                h.addData(QByteArray::fromStdString(l.annotator + ':' + std::to_string(l.overall) + ':' + std::to_string(qint64(l.timeSpentSeconds.value_or(-1.0)))));
            for (const ImportLmLabel &l : r.lm)
                h.addData(QByteArray::fromStdString(l.judge + ':' + std::to_string(*l.overall)));
        };
        for (size_t i = 0; i < 100; ++i)
            take(m_default[i]);
        for (size_t i = 3000; i < 3020; ++i)
            take(m_default[i]);
        const QByteArray got = h.result().toHex();
        qInfo("fingerprint of seed 1: %s", got.constData());
        QCOMPARE(got, QByteArray("b770810447f4529279e2d32fdf83d8f3df6c2e2f"));
    }

    void sizesAndLabels()
    {
        QCOMPARE(m_default.size(), size_t(4000));
        int train = 0, eval = 0;
        for (const ImportRecord &r : m_default) {
            if (r.split == Split::Train) {
                QCOMPARE(train, int(&r - m_default.data())); // train comes first
                ++train;
                QCOMPARE(r.human.size(), size_t(4));
                QCOMPARE(r.lm.size(), size_t(1));
                QCOMPARE(QByteArray::fromStdString(r.lm[0].judge), QByteArray("gpt-4-sim"));
                QVERIFY(r.lm[0].overall.has_value());
                int normal = 0, expert = 0;
                for (const ImportHumanLabel &h : r.human) {
                    QVERIFY(h.overall >= -2 && h.overall <= 2);
                    normal += h.kind == "normal" && h.annotator.rfind("normal-", 0) == 0;
                    expert += h.kind == "expert" && h.annotator.rfind("expert-", 0) == 0;
                }
                QCOMPARE(normal, 2);
                QCOMPARE(expert, 2);
                QVERIFY(r.human[0].annotator != r.human[1].annotator);
                QVERIFY(r.human[2].annotator != r.human[3].annotator);
                QVERIFY(r.category.empty());
            } else {
                ++eval;
            }
            QVERIFY(!r.prompt.empty() && !r.responseA.empty() && !r.responseB.empty());
            QVERIFY(r.modelA != r.modelB);
        }
        QCOMPARE(train, 3000);
        QCOMPARE(eval, 1000);
        const auto tiny = generateSample(SampleParams{5, 0, 3});
        QCOMPARE(tiny.size(), size_t(5));
    }

    void tagsInVocabulary()
    {
        const QStringList tags = {QStringLiteral("subject_of_expertise"), QStringLiteral("languages"),
                                  QStringLiteral("type_of_in_context_material"), QStringLiteral("format_constraints")};
        const QStringList scalars = {QStringLiteral("expertise_level"), QStringLiteral("open_endedness"),
                                     QStringLiteral("safety_concern"), QStringLiteral("complexity_of_intents")};
        QMap<QString, int> subjectCounts, scale;
        int english = 0, slightly = 0, emptyMaterial = 0, train = 0;
        for (const ImportRecord &r : m_default) {
            const QJsonObject m = meta(r);
            for (const QString &t : tags) {
                QVERIFY2(m.value(t).isArray(), qPrintable(t));
                const QStringList values = strings(m.value(t));
                for (const QString &v : values)
                    QVERIFY2(sampleTagValues(t).contains(v), qPrintable(t + QStringLiteral(": ") + v));
                QCOMPARE(QSet<QString>(values.begin(), values.end()).size(), values.size());
            }
            for (const QString &t : scalars)
                QVERIFY2(sampleTagValues(t).contains(m.value(t).toString()), qPrintable(t));
            const QStringList subjects = strings(m.value(QLatin1String("subject_of_expertise")));
            QVERIFY(subjects.size() >= 1 && subjects.size() <= 3);
            QVERIFY(!strings(m.value(QLatin1String("languages"))).isEmpty());
            QVERIFY(parsePreference(str(m, "gold")).has_value());
            QVERIFY(m.value(QLatin1String("gold_margin")).isDouble());
            if (r.split != Split::Train)
                continue;
            ++train;
            for (const QString &s : subjects)
                subjectCounts[s] += 1;
            english += strings(m.value(QLatin1String("languages"))).contains(QStringLiteral("English"));
            emptyMaterial += strings(m.value(QLatin1String("type_of_in_context_material"))).isEmpty();
            scale[str(m, "safety_concern")] += 1;
            const int g = toInt(*parsePreference(str(m, "gold")));
            QVERIFY(g != 0);
            QCOMPARE(g < 0, m.value(QLatin1String("gold_margin")).toDouble() < 0);
            for (const ImportHumanLabel &h : r.human)
                slightly += h.overall == 1 || h.overall == -1;
        }
        // Skewed, realistic distributions: computing is the largest subject, English dominates,
        // most prompts carry no in-context material, every safety level occurs.
        QVERIFY(subjectCounts.value(QStringLiteral("Computer sciences")) > subjectCounts.value(QStringLiteral("History")) * 3);
        QVERIFY(subjectCounts.size() >= 20);
        QVERIFY(english > train * 9 / 10);
        QVERIFY(emptyMaterial > train / 2);
        QCOMPARE(scale.size(), 4);
        QVERIFY(slightly > train / 4); // the 5-point scale is used, "slightly" included
    }

    void evalSplitHasSectionsAndGold()
    {
        QMap<QString, int> perCategory, aBetter;
        for (const ImportRecord &r : m_default) {
            if (r.split != Split::Eval)
                continue;
            const QString cat = QString::fromStdString(r.category);
            QVERIFY2(sampleTagValues(QStringLiteral("category")).contains(cat), qPrintable(cat));
            QVERIFY(!str(meta(r), "subset").isEmpty());
            QCOMPARE(r.human.size(), size_t(1));
            QVERIFY(r.lm.empty());
            const ImportHumanLabel &g = r.human[0];
            QCOMPARE(QByteArray::fromStdString(g.annotator), QByteArray("gold"));
            QCOMPARE(QByteArray::fromStdString(g.kind), QByteArray("gold"));
            QVERIFY(g.overall == -2 || g.overall == 2);
            QCOMPARE(toInt(*parsePreference(str(meta(r), "gold"))), g.overall);
            perCategory[cat] += 1;
            aBetter[cat] += g.overall < 0;
        }
        QCOMPARE(perCategory.size(), 4);
        for (auto it = perCategory.cbegin(); it != perCategory.cend(); ++it) {
            QVERIFY2(it.value() >= 100, qPrintable(it.key()));
            const double share = double(aBetter[it.key()]) / it.value();
            QVERIFY2(share > 0.35 && share < 0.65, qPrintable(it.key())); // both orientations
        }
    }

    void labelAccuracyRewardsAHybridMix()
    {
        const LabelAccuracy all = accuracy(m_default);
        print("train (all)", all);

        auto is = [](const char *tag, const char *value) {
            return [tag, value](const QJsonObject &m) { return str(m, tag) == QLatin1String(value); };
        };
        const LabelAccuracy modSafety = accuracy(m_default, is("safety_concern", "moderate"));
        const LabelAccuracy complex = accuracy(m_default, is("complexity_of_intents", "complex"));
        const LabelAccuracy expert = accuracy(m_default, is("expertise_level", "expert domain knowledge"));
        const LabelAccuracy simpleGeneral = accuracy(m_default, [](const QJsonObject &m) {
            return str(m, "expertise_level") == QLatin1String("general public")
                   && str(m, "complexity_of_intents") == QLatin1String("simple");
        });
        const LabelAccuracy skimmed = accuracy(m_default, [](const QJsonObject &m) {
            return str(m, "complexity_of_intents") == QLatin1String("simple")
                   && (str(m, "expertise_level") == QLatin1String("general public")
                       || str(m, "open_endedness") == QLatin1String("high"));
        });
        const LabelAccuracy moderate = accuracy(m_default, is("complexity_of_intents", "moderate"));
        print("simple general public", simpleGeneral);
        print("skimmed (simple; general/high open)", skimmed);
        print("complexity=moderate", moderate);
        const LabelAccuracy elsewhere = accuracy(m_default, [](const QJsonObject &m) {
            return str(m, "safety_concern") != QLatin1String("moderate")
                   && str(m, "complexity_of_intents") == QLatin1String("simple");
        });
        print("safety_concern=moderate", modSafety);
        print("complexity=complex", complex);
        print("expertise=expert", expert);
        print("elsewhere (simple, not mod.)", elsewhere);
        QCOMPARE(all.n, 3000);
        QVERIFY(all.oracleMix >= std::max(all.human, all.lm) + 0.05);
        QVERIFY(all.oracleHumanShare > 0.15 && all.oracleHumanShare < 0.6);
        // The judge's cells: humans right, the judge systematically wrong.
        QVERIFY(modSafety.lm + 0.10 < modSafety.human);
        QVERIFY(complex.lm + 0.05 < complex.human);
        // The humans' cells: the judge right, humans systematically wrong (below).
        QVERIFY(skimmed.lm > skimmed.human + 0.10);
        QVERIFY(elsewhere.lm > elsewhere.human + 0.05);
    }

    void humansFollowToneWhereTheySkim()
    {
        // On skimmed prompts (simple intents; general public or highly open-ended) most
        // annotators prefer the more assertive response. Where that cue and gold disagree,
        // the folded human majority is wrong (a clear majority, not a tie) most of the time,
        // while the judge, which ignores tone, is right. Elsewhere tone does not move them.
        int opposed = 0, humanWrong = 0, humanTied = 0, lmRight = 0, assertiveGold = 0, noticed = 0;
        int careful = 0, carefulWrong = 0;
        for (const ImportRecord &r : m_default) {
            if (r.split != Split::Train)
                continue;
            const QJsonObject m = meta(r);
            const int goldDir = sign(toInt(*parsePreference(str(m, "gold"))));
            const double na = assertiveShare(r.responseA), nb = assertiveShare(r.responseB);
            if (std::abs(na - nb) < 0.02)
                continue;
            const int cueDir = na > nb ? -1 : 1;
            ++noticed;
            assertiveGold += cueDir == goldDir;
            if (cueDir == goldDir)
                continue;
            std::vector<int> votes;
            for (const ImportHumanLabel &h : r.human)
                votes.push_back(h.overall);
            const int human = sign(foldedMajority(votes.data(), votes.size()).value_or(0));
            const bool skim = str(m, "complexity_of_intents") == QLatin1String("simple")
                              && (str(m, "expertise_level") == QLatin1String("general public")
                                  || str(m, "open_endedness") == QLatin1String("high"));
            const bool judgeCell = str(m, "safety_concern") == QLatin1String("moderate")
                                   || str(m, "complexity_of_intents") == QLatin1String("complex");
            if (skim) {
                ++opposed;
                humanWrong += human == -goldDir;
                humanTied += human == 0;
                lmRight += sign(*r.lm[0].overall) == goldDir;
            } else if (judgeCell) {
                ++careful;
                carefulWrong += human == -goldDir;
            }
        }
        const double independence = double(assertiveGold) / noticed;
        qInfo("tone cue noticed in %d train pairs, on the gold side in %.3f; skimmed and opposed to gold: %d, "
              "human majority wrong %.3f, tied %.3f, judge right %.3f; judge cells, opposed: %d, human wrong %.3f",
              noticed, independence, opposed, double(humanWrong) / opposed, double(humanTied) / opposed,
              double(lmRight) / opposed, careful, double(carefulWrong) / careful);
        QVERIFY(independence > 0.45 && independence < 0.55); // gold does not reward tone
        QVERIFY(opposed > 200);
        QVERIFY(double(humanWrong) / opposed > 0.65);
        QVERIFY(double(humanTied) / opposed < 0.2);
        QVERIFY(double(lmRight) / opposed > 0.85);
        QVERIFY(careful > 100);
        QVERIFY(double(carefulWrong) / careful < 0.2);

        // The eval's chat section turns the cue against an RM that learned it: the worse
        // response is the more assertive one. Elsewhere tone is independent of gold.
        int chat = 0, chatTrap = 0, other = 0, otherTrap = 0;
        for (const ImportRecord &r : m_default) {
            if (r.split != Split::Eval)
                continue;
            const int goldDir = sign(r.human[0].overall);
            const double na = assertiveShare(r.responseA), nb = assertiveShare(r.responseB);
            const bool trap = (na > nb ? -1 : 1) != goldDir && na != nb;
            if (r.category == "chat") {
                ++chat;
                chatTrap += trap;
            } else {
                ++other;
                otherTrap += trap;
            }
        }
        qInfo("eval: the worse response is the more assertive in %.3f of chat, %.3f elsewhere",
              double(chatTrap) / chat, double(otherTrap) / other);
        QVERIFY(double(chatTrap) / chat > 0.9);
        QVERIFY(double(otherTrap) / other > 0.35 && double(otherTrap) / other < 0.55);
    }

    void hybridStructureHoldsForOtherSeeds()
    {
        for (quint64 seed : {2ULL, 3ULL, 99ULL}) {
            const LabelAccuracy a = accuracy(generateSample(SampleParams{3000, 0, seed}));
            print(qPrintable(QStringLiteral("train, seed %1").arg(seed)), a);
            QVERIFY(a.oracleMix >= std::max(a.human, a.lm) + 0.05);
            // The fixed rule uses no gold, so it is free of the oracle's selection bias.
            QVERIFY(a.ruleMix >= std::max(a.human, a.lm) + 0.03);
        }
    }

    void textsCarryQualityAndLengthSignal()
    {
        // A marker-word count (what a bag-of-words RM can learn) agrees with gold well above
        // chance, and the better response is usually, not always, the longer one.
        QSet<QByteArray> good, bad;
        using namespace samplevocab;
        for (size_t i = 0; i < kMarkerPoolSize; ++i) {
            good << kGenericGood[i] << kSafetyGood[i] << kIntentGood[i];
            bad << kGenericBad[i] << kSafetyBad[i] << kIntentBad[i];
        }
        for (size_t s = 0; s < kSubjectCount; ++s)
            for (int k = 0; k < 4; ++k) {
                good << kSubjects[s].good[k];
                bad << kSubjects[s].bad[k];
            }
        auto score = [&](const std::string &text) {
            int v = 0;
            for (const QByteArray &w : QByteArray::fromStdString(text).toLower().replace('.', ' ').split(' '))
                v += good.contains(w) - bad.contains(w);
            return v;
        };
        int n = 0, markerRight = 0, longerBetter = 0;
        for (const ImportRecord &r : m_default) {
            if (r.split != Split::Train)
                continue;
            const bool aBetter = toInt(*parsePreference(str(meta(r), "gold"))) < 0;
            const int d = score(r.responseA) - score(r.responseB);
            markerRight += d == 0 ? 0 : ((d > 0) == aBetter ? 2 : 0);
            markerRight += d == 0;
            const auto words = [](const std::string &t) { return std::count(t.begin(), t.end(), ' '); };
            longerBetter += (words(r.responseA) > words(r.responseB)) == aBetter;
            ++n;
        }
        const double markerAcc = markerRight / (2.0 * n), lengthAcc = double(longerBetter) / n;
        qInfo("marker-count accuracy %.3f, better-is-longer %.3f", markerAcc, lengthAcc);
        QVERIFY(markerAcc > 0.75);
        QVERIFY(lengthAcc > 0.55 && lengthAcc < 0.8);
    }

    void writesIntoAProject()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("s.hyper"));
        ProjectStore store(path, ProjectStore::Mode::CreateNew);
        Feedback fb;
        const SampleSummary s = writeSample(store, SampleParams{200, 80, 5}, fb);
        QCOMPARE(s.instances, 200);
        QCOMPARE(s.evalInstances, 80);
        QCOMPARE(s.humanLabels, 200 * 4 + 80);
        QCOMPARE(s.lmLabels, 200);
        const ProjectInfo i = store.info();
        QCOMPARE(i.instances, 200);
        QCOMPARE(i.evalInstances, 80);
        QCOMPARE(i.humanLabels, 880);
        QCOMPARE(i.lmLabels, 200);
        QVERIFY(i.judges.contains(QStringLiteral("gpt-4-sim")));
        QVERIFY(i.annotators.contains(QStringLiteral("gold")));

        // Cancelled: nothing is written.
        const QString path2 = dir.filePath(QStringLiteral("c.hyper"));
        ProjectStore store2(path2, ProjectStore::Mode::CreateNew);
        Feedback canceled;
        canceled.cancel();
        bool threw = false;
        try {
            writeSample(store2, SampleParams{50, 10, 5}, canceled);
        } catch (const Canceled &) {
            threw = true;
        }
        QVERIFY(threw);
        QCOMPARE(store2.info().instances, 0);
    }

    void commandLine()
    {
        const QString cli = QStringLiteral(HYPER_CLI_PATH);
        if (!QFileInfo::exists(cli))
            QSKIP("the hyper executable is not built");
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("cli.hyper"));
        QProcess p;
        p.start(cli, {QStringLiteral("sample"), QStringLiteral("--project"), path, QStringLiteral("--size"),
                      QStringLiteral("300"), QStringLiteral("--eval-size"), QStringLiteral("100"),
                      QStringLiteral("--seed"), QStringLiteral("3"), QStringLiteral("--json")});
        QVERIFY(p.waitForFinished(120000));
        QCOMPARE(p.exitCode(), 0);
        const QJsonObject o = QJsonDocument::fromJson(p.readAllStandardOutput()).object();
        QCOMPARE(o.value(QLatin1String("instances")).toInt(), 300);
        QCOMPARE(o.value(QLatin1String("eval_instances")).toInt(), 100);
        QCOMPARE(o.value(QLatin1String("human_labels")).toInt(), 1300);
        QCOMPARE(o.value(QLatin1String("lm_labels")).toInt(), 300);
        QVERIFY(o.value(QLatin1String("seconds")).isDouble());
        const QJsonObject acc = o.value(QLatin1String("label_accuracy")).toObject();
        for (const char *k : {"human", "lm", "oracle_mix"})
            QVERIFY2(acc.value(QLatin1String(k)).toDouble() > 0.5, k);

        // A project that already holds instances is refused (exit 2), and left alone.
        p.start(cli, {QStringLiteral("sample"), QStringLiteral("--project"), path});
        QVERIFY(p.waitForFinished(120000));
        QCOMPARE(p.exitCode(), 2);
        QVERIFY(p.readAllStandardError().contains("already"));
        // Bad numbers are usage errors.
        const QString other = dir.filePath(QStringLiteral("other.hyper"));
        p.start(cli, {QStringLiteral("sample"), QStringLiteral("--project"), other, QStringLiteral("--size"),
                      QStringLiteral("-4")});
        QVERIFY(p.waitForFinished(120000));
        QCOMPARE(p.exitCode(), 2);
        QVERIFY(!QFileInfo::exists(other));
    }

    // The first-start sample is written on a worker with a Cancel button (issue 19): a
    // cancel reaches the running stage at its next progress report, not after it, and
    // leaves no file behind.
    void createSampleProjectCancelsWithinAStage()
    {
        // A large sample: its writing stage alone takes seconds. A cancel early in it must
        // end the call at once, not after the stage (the cancel reaches the stage's own
        // feedback at its next progress report).
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("canceled.hyper"));
        SampleParams big;
        big.trainSize = 80000;
        big.evalSize = 1000;
        QElapsedTimer sinceCancel;
        Feedback feedback([&](double f, const QString &) {
            if (f > 0.01 && !feedback.isCanceled()) { // early in the first stage (writing: 0 to 0.3)
                feedback.cancel();
                sinceCancel.start();
            }
        }, 0);
        QElapsedTimer total;
        total.start();
        bool canceled = false;
        try {
            createSampleProject(path, big, feedback);
        } catch (const Canceled &) {
            canceled = true;
        }
        QVERIFY(canceled);
        QVERIFY(sinceCancel.isValid());
        const qint64 afterCancel = sinceCancel.elapsed();
        // Writing 80,000 pairs takes about 5 s here; stopping takes milliseconds.
        QVERIFY2(afterCancel < 1500, qPrintable(QStringLiteral("%1 ms after the cancel (%2 ms in all)")
                                                    .arg(afterCancel).arg(total.elapsed())));
        QVERIFY(!QFileInfo::exists(path));
        QVERIFY(!QFileInfo::exists(path + QStringLiteral("-wal")));
    }
};

QTEST_GUILESS_MAIN(TestSample)
#include "tst_sample.moc"
