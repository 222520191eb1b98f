// SPDX-License-Identifier: GPL-3.0-or-later
// Instance features: tokenizer, Porter stems, the nine lexical scores, binning, tag
// parsing, feature names, and the stored job (METHOD.md §2-3, docs/FEATURES.md).
#include "core/features/featurebench.h"
#include "core/features/featurejob.h"
#include "core/features/featureset.h"
#include "core/features/lexical.h"
#include "core/features/porter.h"
#include "core/features/tokenizer.h"
#include "core/jobs/feedback.h"
#include "core/storage/featurestore.h"
#include "core/storage/projectstore.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QtTest>
#include <cmath>

using namespace hyper;
using namespace hyper::features;

namespace {

TokenMatrix matrix(std::initializer_list<std::initializer_list<float>> rows)
{
    TokenMatrix m;
    for (const auto &r : rows) {
        m.dim = int(r.size());
        m.data.insert(m.data.end(), r.begin(), r.end());
        ++m.rows;
    }
    return m;
}

double score(const QString &a, const QString &b, Score s, const QString &prompt = QString())
{
    HashedNgramEncoder enc;
    return lexicalScores(prompt, a, b, enc)[size_t(s)];
}

ImportRecord record(int i, const std::string &a, const std::string &b, const std::string &meta = {})
{
    ImportRecord r;
    r.line = i;
    r.externalId = "f-" + std::to_string(i);
    r.prompt = "Prompt number " + std::to_string(i) + std::string(size_t(i), '!');
    r.responseA = a;
    r.responseB = b;
    r.metadataJson = meta;
    return r;
}

void importRows(ProjectStore &store, const std::vector<ImportRecord> &rows)
{
    auto w = store.beginImport(QStringLiteral("test.jsonl"), QStringLiteral("generic"));
    for (const ImportRecord &r : rows)
        w->add(r);
    w->commit(0);
}

} // namespace

class TestFeatures : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void tokenizer_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QStringList>("tokens");
        QTest::addColumn<int>("words");
        QTest::newRow("empty") << QString() << QStringList() << 0;
        QTest::newRow("spaces only") << QStringLiteral(" \t\n ") << QStringList() << 0;
        QTest::newRow("punctuation") << QStringLiteral("Hello, World!")
                                     << QStringList{QStringLiteral("hello"), QStringLiteral(","), QStringLiteral("world"), QStringLiteral("!")} << 2;
        QTest::newRow("apostrophe splits") << QStringLiteral("don't")
                                           << QStringList{QStringLiteral("don"), QStringLiteral("'"), QStringLiteral("t")} << 2;
        QTest::newRow("digits and mixed") << QStringLiteral("42x 7 3.5")
                                          << QStringList{QStringLiteral("42x"), QStringLiteral("7"), QStringLiteral("3"), QStringLiteral("."), QStringLiteral("5")} << 4;
        QTest::newRow("accents") << QStringLiteral("ÉCOLE café")
                                 << QStringList{QStringLiteral("école"), QStringLiteral("café")} << 2;
        QTest::newRow("combining mark") << QStringLiteral("nai\u0308ve")
                                        << QStringList{QStringLiteral("nai\u0308ve")} << 1;
        QTest::newRow("cjk run") << QStringLiteral("日本語 テキスト")
                                 << QStringList{QStringLiteral("日本語"), QStringLiteral("テキスト")} << 2;
        QTest::newRow("emoji is one token") << QStringLiteral("hi 😀!")
                                            << QStringList{QStringLiteral("hi"), QStringLiteral("😀"), QStringLiteral("!")} << 1;
        QTest::newRow("greek lower") << QStringLiteral("ΑΘΗΝΑ")
                                     << QStringList{QStringLiteral("αθηνα")} << 1;
    }
    void tokenizer()
    {
        QFETCH(QString, text);
        QFETCH(QStringList, tokens);
        QFETCH(int, words);
        const TokenizedText t(text);
        QStringList got;
        for (int i = 0; i < t.size(); ++i)
            got << t.lowerToken(i).toString();
        QCOMPARE(got, tokens);
        QCOMPARE(t.wordCount(), words);
        QCOMPARE(tokenCount(text), int(tokens.size()));
        QCOMPARE(t.lower().size(), text.size());
    }

    void porter_data()
    {
        QTest::addColumn<QString>("word");
        QTest::addColumn<QString>("stem");
        // Examples given in Porter (1980) for each step.
        const char *pairs[][2] = {
            {"caresses", "caress"}, {"ponies", "poni"}, {"ties", "ti"}, {"caress", "caress"},
            {"cats", "cat"}, {"feed", "feed"}, {"agreed", "agre"}, {"plastered", "plaster"},
            {"bled", "bled"}, {"motoring", "motor"}, {"sing", "sing"}, {"conflated", "conflat"},
            {"troubled", "troubl"}, {"sized", "size"}, {"hopping", "hop"}, {"tanned", "tan"},
            {"falling", "fall"}, {"hissing", "hiss"}, {"fizzed", "fizz"}, {"failing", "fail"},
            {"filing", "file"}, {"happy", "happi"}, {"sky", "sky"}, {"relational", "relat"},
            {"conditional", "condit"}, {"rational", "ration"}, {"valenci", "valenc"},
            {"hesitanci", "hesit"}, {"digitizer", "digit"}, {"conformabli", "conform"},
            {"radicalli", "radic"}, {"differentli", "differ"}, {"vileli", "vile"},
            {"analogousli", "analog"}, {"vietnamization", "vietnam"}, {"predication", "predic"},
            {"operator", "oper"}, {"feudalism", "feudal"}, {"decisiveness", "decis"},
            {"hopefulness", "hope"}, {"callousness", "callous"}, {"formaliti", "formal"},
            {"sensitiviti", "sensit"}, {"sensibiliti", "sensibl"}, {"triplicate", "triplic"},
            {"formative", "form"}, {"formalize", "formal"}, {"electriciti", "electr"},
            {"electrical", "electr"}, {"hopeful", "hope"}, {"goodness", "good"},
            {"revival", "reviv"}, {"allowance", "allow"}, {"inference", "infer"},
            {"airliner", "airlin"}, {"gyroscopic", "gyroscop"}, {"adjustable", "adjust"},
            {"defensible", "defens"}, {"irritant", "irrit"}, {"replacement", "replac"},
            {"adjustment", "adjust"}, {"dependent", "depend"}, {"adoption", "adopt"},
            {"homologou", "homolog"}, {"communism", "commun"}, {"activate", "activ"},
            {"angulariti", "angular"}, {"homologous", "homolog"}, {"effective", "effect"},
            {"bowdlerize", "bowdler"}, {"probate", "probat"}, {"rate", "rate"}, {"cease", "ceas"},
            {"controll", "control"}, {"roll", "roll"}, {"generalization", "gener"},
            {"generate", "gener"}, {"running", "run"}, {"is", "is"}, {"a", "a"},
            {"Cats", "Cats"}, {"café", "café"},
        };
        for (const auto &p : pairs)
            QTest::newRow(p[0]) << QString::fromUtf8(p[0]) << QString::fromUtf8(p[1]);
    }
    void porter()
    {
        QFETCH(QString, word);
        QFETCH(QString, stem);
        QCOMPARE(QString::fromStdString(porterStem(word.toStdString(), PorterMode::Original)), stem);
    }

    // Both modes against NLTK 3.8 itself, word by word (tests/data/stem/make_golden.py ran
    // it once): the default mode is the one rouge_score stems with.
    void porterMatchesNltk()
    {
        QFile f(QStringLiteral(HYPER_TEST_DATA_DIR "/stem/porter_golden.tsv"));
        QVERIFY(f.open(QIODevice::ReadOnly | QIODevice::Text));
        int words = 0;
        int modesDiffer = 0;
        QStringList wrong;
        while (!f.atEnd()) {
            const QByteArray line = f.readLine().trimmed();
            if (line.isEmpty() || line.startsWith('#'))
                continue;
            const QList<QByteArray> cols = line.split('\t');
            QCOMPARE(cols.size(), 3);
            const std::string word = cols[0].toStdString();
            const std::string nltk = porterStem(word, PorterMode::Nltk);
            const std::string original = porterStem(word, PorterMode::Original);
            if (nltk != cols[1].toStdString())
                wrong << QStringLiteral("%1: %2, NLTK %3").arg(QString::fromStdString(word), QString::fromStdString(nltk),
                                                            QString::fromLatin1(cols[1]));
            if (original != cols[2].toStdString())
                wrong << QStringLiteral("%1 (original): %2, NLTK %3")
                             .arg(QString::fromStdString(word), QString::fromStdString(original), QString::fromLatin1(cols[2]));
            modesDiffer += cols[1] != cols[2];
            ++words;
        }
        QVERIFY2(words > 7000, qPrintable(QString::number(words)));
        QVERIFY2(wrong.isEmpty(), qPrintable(QStringLiteral("%1 stems differ from NLTK's, e.g. %2")
                                                 .arg(wrong.size()).arg(wrong.mid(0, 12).join(QStringLiteral("; ")))));
        QVERIFY(modesDiffer > 300); // the two modes are not the same stemmer
        QCOMPARE(porterStem("dies"), std::string("die"));
        QCOMPARE(porterStem("biology"), std::string("biolog"));
        qInfo("porter: %d words equal NLTK's in both modes; the modes differ on %d", words, modesDiffer);
    }

    void rouge_data()
    {
        QTest::addColumn<QString>("a");
        QTest::addColumn<QString>("b");
        QTest::addColumn<double>("expected");
        QTest::newRow("both empty") << QString() << QString() << 0.0;
        QTest::newRow("one empty") << QString() << QStringLiteral("the cat") << 0.0;
        QTest::newRow("identical") << QStringLiteral("The cat sat.") << QStringLiteral("the cat sat") << 1.0;
        QTest::newRow("five of six") << QStringLiteral("the cat sat on the mat") << QStringLiteral("the cat is on the mat") << 5.0 / 6.0;
        QTest::newRow("stemmed") << QStringLiteral("running dogs") << QStringLiteral("run dog") << 1.0;
        QTest::newRow("short words unstemmed") << QStringLiteral("ran") << QStringLiteral("run") << 0.0;
        QTest::newRow("unequal lengths") << QStringLiteral("a b c d") << QStringLiteral("a b") << 2 * 0.5 * 1.0 / 1.5;
        QTest::newRow("non-ascii") << QStringLiteral("café crème") << QStringLiteral("café noir") << 0.5;
        QTest::newRow("punctuation only") << QStringLiteral("!!") << QStringLiteral("!!") << 0.0;
    }
    void rouge()
    {
        QFETCH(QString, a);
        QFETCH(QString, b);
        QFETCH(double, expected);
        QVERIFY2(std::abs(rouge1(TokenizedText(a), TokenizedText(b)) - expected) < 1e-12,
                 qPrintable(QString::number(rouge1(TokenizedText(a), TokenizedText(b)))));
        QCOMPARE(score(a, b, Score::Rouge), score(b, a, Score::Rouge));
    }

    void greedyMatching()
    {
        const MatchScore m = greedyMatch(matrix({{1, 0}, {0, 1}}), matrix({{1, 0}}));
        QCOMPARE(m.precision, 0.5);
        QCOMPARE(m.recall, 1.0);
        QVERIFY(std::abs(m.f1 - 2.0 / 3.0) < 1e-12);
        const MatchScore both = greedyMatch(TokenMatrix{}, TokenMatrix{});
        QCOMPARE(both.f1, 1.0);
        QCOMPARE(greedyMatch(TokenMatrix{}, matrix({{1, 0}})).f1, 0.0);
        const float h = float(std::sqrt(0.5));
        const MatchScore half = greedyMatch(matrix({{h, h}}), matrix({{1, 0}}));
        QVERIFY(std::abs(half.f1 - h) < 1e-6);
    }

    void lengthPenalty_data()
    {
        QTest::addColumn<int>("a");
        QTest::addColumn<int>("b");
        QTest::addColumn<double>("expected");
        QTest::newRow("equal") << 5 << 5 << 1.0;
        QTest::newRow("twice") << 10 << 5 << std::exp(-1.0);
        QTest::newRow("order free") << 5 << 10 << std::exp(-1.0);
        QTest::newRow("shorter empty") << 0 << 7 << 0.0;
        QTest::newRow("both empty") << 0 << 0 << 0.0;
    }
    void lengthPenalty()
    {
        QFETCH(int, a);
        QFETCH(int, b);
        QFETCH(double, expected);
        QCOMPARE(features::lengthPenalty(a, b), expected);
    }

    void similarityScores_data()
    {
        QTest::addColumn<QString>("a");
        QTest::addColumn<QString>("b");
        QTest::addColumn<double>("cosine");
        QTest::addColumn<double>("bertscore");
        QTest::addColumn<double>("bertscoreLength");
        const QString text = QStringLiteral("Paris is the capital of France; it has 2.1 million people.");
        QTest::newRow("identical") << text << text << 1.0 << 1.0 << 1.0;
        QTest::newRow("identical non-ascii") << QStringLiteral("Größe und Übermut — 東京") << QStringLiteral("Größe und Übermut — 東京") << 1.0 << 1.0 << 1.0;
        QTest::newRow("both empty") << QString() << QString() << 1.0 << 1.0 << 0.0;
        QTest::newRow("one empty") << QString() << text << 0.0 << 0.0 << 0.0;
    }
    void similarityScores()
    {
        QFETCH(QString, a);
        QFETCH(QString, b);
        QFETCH(double, cosine);
        QFETCH(double, bertscore);
        QFETCH(double, bertscoreLength);
        QVERIFY(std::abs(score(a, b, Score::CosineSim) - cosine) < 1e-5);
        QVERIFY(std::abs(score(a, b, Score::Bertscore) - bertscore) < 1e-5);
        QVERIFY(std::abs(score(a, b, Score::BertscoreLength) - bertscoreLength) < 1e-5);
    }

    void similarityOrdersTexts()
    {
        // Not exact values (hashing), but the order that makes the scores useful.
        const QString a = QStringLiteral("The quick brown fox jumps over the lazy dog.");
        const QString near = QStringLiteral("A quick brown fox jumped over a lazy dog.");
        const QString far = QStringLiteral("Quarterly revenue grew by twelve percent in Europe.");
        for (Score s : {Score::CosineSim, Score::Bertscore}) {
            QVERIFY(score(a, near, s) > score(a, far, s));
            QVERIFY(score(a, near, s) <= 1.0 + 1e-6);
            QCOMPARE(score(a, near, s), score(near, a, s));
        }
        // bertscore_length shrinks with the length ratio: 9 vs 18 tokens -> x exp(-1).
        const QString twice = a + QLatin1Char(' ') + a;
        QVERIFY(std::abs(score(a, twice, Score::BertscoreLength) - score(a, twice, Score::Bertscore) * std::exp(-1.0)) < 1e-9);
    }

    void lengths()
    {
        const ScoreVector s = [] {
            HashedNgramEncoder enc;
            return lexicalScores(QStringLiteral("Why? Tell me."), QStringLiteral("one two three"),
                                 QStringLiteral("one, two"), enc);
        }();
        QCOMPARE(s[size_t(Score::PromptLen)], 5.0);
        QCOMPARE(s[size_t(Score::LenShorter)], 3.0);
        QCOMPARE(s[size_t(Score::LenLonger)], 3.0);
        QCOMPARE(s[size_t(Score::TokenLenDiff)], 0.0);
        const ScoreVector e = [] {
            HashedNgramEncoder enc;
            return lexicalScores(QString(), QString(), QStringLiteral("a b c d"), enc);
        }();
        QCOMPARE(e[size_t(Score::PromptLen)], 0.0);
        QCOMPARE(e[size_t(Score::LenShorter)], 0.0);
        QCOMPARE(e[size_t(Score::LenLonger)], 4.0);
        QCOMPARE(e[size_t(Score::TokenLenDiff)], 4.0);
    }

    void entities_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QStringList>("entities");
        QTest::newRow("none") << QStringLiteral("just some lower case words.") << QStringList();
        QTest::newRow("names, not I, not sentence start")
            << QStringLiteral("Yesterday I met Barack Obama in Paris.")
            << QStringList{QStringLiteral("barack obama"), QStringLiteral("paris")};
        QTest::newRow("determiner, date, number")
            << QStringLiteral("The United Nations met on May 5, 2023 with 193 members.")
            << QStringList{QStringLiteral("193"), QStringLiteral("may 5 2023"), QStringLiteral("united nations")};
        QTest::newRow("acronym at start, decimals, iso date")
            << QStringLiteral("Yes. NASA launched 3.5 rockets on 2020-01-02.")
            << QStringList{QStringLiteral("2020-01-02"), QStringLiteral("3.5"), QStringLiteral("nasa")};
        QTest::newRow("list markers") << QStringLiteral("1. First item\n2. Second item") << QStringList();
        QTest::newRow("thousands") << QStringLiteral("It costs 10,000 dollars.") << QStringList{QStringLiteral("10000")};
        QTest::newRow("non-ascii") << QStringLiteral("Ich wohne in München.") << QStringList{QStringLiteral("münchen")};
    }
    void entities()
    {
        QFETCH(QString, text);
        QFETCH(QStringList, entities);
        QCOMPARE(detectEntities(TokenizedText(text)), entities);
    }

    void entitySimilarity()
    {
        const QStringList ab{QStringLiteral("a"), QStringLiteral("b")}, bc{QStringLiteral("b"), QStringLiteral("c")};
        QCOMPARE(entityIoU(ab, bc), 1.0 / 3.0);
        QCOMPARE(entityIoU({}, {}), 1.0);
        QCOMPARE(entityIoU(ab, {}), 0.0);
        QCOMPARE(entityIoU(ab, ab), 1.0);
        QCOMPARE(score(QStringLiteral("no names here"), QStringLiteral("none here either"), Score::EntitySim), 1.0);
        QCOMPARE(score(QStringLiteral("We met Alice Smith and Bob."), QStringLiteral("We saw Bob."), Score::EntitySim), 0.5);
    }

    void binEdges_data()
    {
        QTest::addColumn<double>("value");
        QTest::addColumn<QString>("inclusive"); // membership in the three bins, e.g. "110"
        QTest::addColumn<QString>("exclusive");
        QTest::newRow("0") << 0.0 << QStringLiteral("100") << QStringLiteral("000");
        QTest::newRow("0.33 in two bins") << 0.33 << QStringLiteral("110") << QStringLiteral("000");
        QTest::newRow("1/3 middle only") << 1.0 / 3.0 << QStringLiteral("010") << QStringLiteral("010");
        QTest::newRow("0.5") << 0.5 << QStringLiteral("010") << QStringLiteral("010");
        QTest::newRow("2/3 middle only") << 2.0 / 3.0 << QStringLiteral("010") << QStringLiteral("010");
        QTest::newRow("0.67 in two bins") << 0.67 << QStringLiteral("011") << QStringLiteral("000");
        QTest::newRow("1") << 1.0 << QStringLiteral("001") << QStringLiteral("000");
        QTest::newRow("above 1 in none") << 1.2 << QStringLiteral("000") << QStringLiteral("000");
        QTest::newRow("negative in none") << -0.1 << QStringLiteral("000") << QStringLiteral("000");
        QTest::newRow("nan in none") << std::nan("") << QStringLiteral("000") << QStringLiteral("000");
    }
    void binEdges()
    {
        QFETCH(double, value);
        QFETCH(QString, inclusive);
        QFETCH(QString, exclusive);
        QString inc, exc;
        for (int b = 0; b < 3; ++b) {
            const FeatureDef &f = featureTable()[size_t(int(Score::Rouge) * 3 + b)];
            inc += inBin(value, f.minVal, f.maxVal, BinTest::Inclusive) ? QLatin1Char('1') : QLatin1Char('0');
            exc += inBin(value, f.minVal, f.maxVal, BinTest::Exclusive) ? QLatin1Char('1') : QLatin1Char('0');
        }
        QCOMPARE(inc, inclusive);
        QCOMPARE(exc, exclusive);
    }

    void percentiles_data()
    {
        QTest::addColumn<QList<double>>("values");
        QTest::addColumn<QList<double>>("ranks");
        QTest::newRow("empty") << QList<double>{} << QList<double>{};
        QTest::newRow("distinct") << QList<double>{30, 10, 20} << QList<double>{1.0, 1.0 / 3, 2.0 / 3};
        QTest::newRow("ties averaged") << QList<double>{10, 20, 20, 30} << QList<double>{0.25, 0.625, 0.625, 1.0};
        QTest::newRow("all tied") << QList<double>{5, 5, 5} << QList<double>{2.0 / 3, 2.0 / 3, 2.0 / 3};
        QTest::newRow("nan kept out") << QList<double>{1, std::nan(""), 2} << QList<double>{0.5, std::nan(""), 1.0};
    }
    void percentiles()
    {
        QFETCH(QList<double>, values);
        QFETCH(QList<double>, ranks);
        const std::vector<double> got = percentileRanks(std::vector<double>(values.begin(), values.end()));
        QCOMPARE(qsizetype(got.size()), ranks.size());
        for (size_t i = 0; i < got.size(); ++i) {
            if (std::isnan(ranks[qsizetype(i)]))
                QVERIFY(std::isnan(got[i]));
            else
                QVERIFY(std::abs(got[i] - ranks[qsizetype(i)]) < 1e-12);
        }
    }

    void featureNames()
    {
        const QStringList names = features::featureNames();
        QCOMPARE(names.size(), 90);
        QCOMPARE(QSet<QString>(names.begin(), names.end()).size(), 90);
        QCOMPARE(subjectsOfExpertise().size(), 46);
        QCOMPARE(names.first(), QStringLiteral("bertscore::min_val=0.0|max_val=0.33"));
        QCOMPARE(names[22], QStringLiteral("rouge::min_val=0.33|max_val=0.67"));
        QCOMPARE(names[26], QStringLiteral("token_len_diff::min_val=0.67|max_val=1.0"));
        QCOMPARE(names[27], QStringLiteral("analyzer_closed_set::feature_name=subject_of_expertise|constraints=Anthropology"));
        QVERIFY(names.contains(QStringLiteral("analyzer_closed_set::feature_name=subject_of_expertise|constraints=Computer sciences")));
        QCOMPARE(names[73], QStringLiteral("analyzer_closed_set::feature_name=languages|constraints=English"));
        QVERIFY(names.contains(QStringLiteral("analyzer_scalar::feature_name=safety_concern|value=moderate")));
        QCOMPARE(names[74], QStringLiteral("analyzer_scalar::feature_name=expertise_level|value=general public"));
        QCOMPARE(names[88], QStringLiteral("analyzer_open_set::feature_name=type_of_in_context_material|check_for_existence=1"));
        QCOMPARE(names[89], QStringLiteral("analyzer_open_set::feature_name=format_constraints|check_for_existence=1"));
        int lexical = 0;
        for (const FeatureDef &f : featureTable())
            lexical += f.kind == FeatureKind::Lexical;
        QCOMPARE(lexical, kLexicalFeatureCount);
        QCOMPARE(pythonFloat(0.0), QStringLiteral("0.0"));
        QCOMPARE(pythonFloat(2.0 / 3.0), QStringLiteral("0.67"));
    }

    void tagLists_data()
    {
        QTest::addColumn<QJsonValue>("value");
        QTest::addColumn<bool>("present");
        QTest::addColumn<QStringList>("list");
        const QStringList two{QStringLiteral("Computer sciences"), QStringLiteral("Mathematics")};
        QTest::newRow("json array") << QJsonValue(QJsonArray{QStringLiteral("Computer sciences"), QStringLiteral("Mathematics")}) << true << two;
        QTest::newRow("python list string") << QJsonValue(QStringLiteral("['Computer sciences', 'Mathematics']")) << true << two;
        QTest::newRow("json list string") << QJsonValue(QStringLiteral("[\"Computer sciences\", \"Mathematics\"]")) << true << two;
        QTest::newRow("python quotes inside") << QJsonValue(QStringLiteral("[\"Women's studies\", 'Law']"))
                                              << true << QStringList{QStringLiteral("Women's studies"), QStringLiteral("Law")};
        QTest::newRow("empty list string") << QJsonValue(QStringLiteral("[]")) << true << QStringList();
        QTest::newRow("plain string") << QJsonValue(QStringLiteral(" English ")) << true << QStringList{QStringLiteral("English")};
        QTest::newRow("empty string") << QJsonValue(QString()) << true << QStringList();
        QTest::newRow("null") << QJsonValue(QJsonValue::Null) << false << QStringList();
        QTest::newRow("missing") << QJsonValue(QJsonValue::Undefined) << false << QStringList();
        QTest::newRow("None") << QJsonValue(QStringLiteral("None")) << false << QStringList();
    }
    void tagLists()
    {
        QFETCH(QJsonValue, value);
        QFETCH(bool, present);
        QFETCH(QStringList, list);
        const auto got = parseTagList(value);
        QCOMPARE(got.has_value(), present);
        if (present)
            QCOMPARE(*got, list);
    }

    void metadataFeatures()
    {
        const QJsonObject tags = QJsonDocument::fromJson(R"({
            "subject_of_expertise": "['Computer sciences', 'Mathematics']",
            "languages": ["English", "French"],
            "expertise_level": "Expert domain knowledge",
            "safety_concern": ["moderate"],
            "open_endedness": "['high', 'low']",
            "type_of_in_context_material": [],
            "format_constraints": "['code']"})").object();
        QStringList on;
        for (const FeatureDef &f : featureTable())
            if (f.kind == FeatureKind::Metadata && hasMetadataFeature(f, tags))
                on << f.name;
        QCOMPARE(on, (QStringList{
                         QStringLiteral("analyzer_closed_set::feature_name=subject_of_expertise|constraints=Computer sciences"),
                         QStringLiteral("analyzer_closed_set::feature_name=subject_of_expertise|constraints=Mathematics"),
                         QStringLiteral("analyzer_closed_set::feature_name=languages|constraints=English"),
                         QStringLiteral("analyzer_scalar::feature_name=expertise_level|value=expert domain knowledge"),
                         QStringLiteral("analyzer_scalar::feature_name=safety_concern|value=moderate"),
                         QStringLiteral("analyzer_open_set::feature_name=format_constraints|check_for_existence=1"),
                     }));
        const QJsonObject nested{{QStringLiteral("tags"), QJsonObject{{QStringLiteral("safety_concern"), QStringLiteral("high")}}}};
        QCOMPARE(tagObject(nested).value(QStringLiteral("safety_concern")).toString(), QStringLiteral("high"));
        QVERIFY(!importedScore(QJsonObject{{QStringLiteral("rouge"), QStringLiteral("n/a")}}, Score::Rouge));
        QCOMPARE(*importedScore(QJsonObject{{QStringLiteral("rouge"), QStringLiteral("0.25")}}, Score::Rouge), 0.25);
    }

    void lengthBinsUsePercentiles()
    {
        // Three distinct prompt lengths rank 1/3, 2/3, 1: the first two fall in the
        // middle bin only (0.333 > 0.33 and 0.667 < 0.67), the last in the top bin.
        std::vector<FeatureInputRow> rows(3);
        for (int i = 0; i < 3; ++i) {
            rows[size_t(i)].id = i + 1;
            rows[size_t(i)].prompt = QString(QStringLiteral("w ")).repeated(i + 1);
            rows[size_t(i)].responseA = QStringLiteral("same text");
            rows[size_t(i)].responseB = QStringLiteral("same text");
        }
        Feedback fb;
        FeatureParams params;
        params.threads = 2;
        const ComputedFeatures c = computeFeatureRows(rows, params, fb);
        const int promptLen = int(Score::PromptLen) * 3;
        for (int i = 0; i < 3; ++i) {
            const auto &fs = c.features[size_t(i)];
            const bool low = std::count(fs.begin(), fs.end(), promptLen);
            const bool mid = std::count(fs.begin(), fs.end(), promptLen + 1);
            const bool high = std::count(fs.begin(), fs.end(), promptLen + 2);
            QCOMPARE(low, false);
            QCOMPARE(mid, i < 2);
            QCOMPARE(high, i == 2);
            // Identical responses: rouge 1 -> top bin. Three tied length differences
            // all rank (1+2+3)/3/3 = 2/3 -> the middle bin only.
            QVERIFY(std::count(fs.begin(), fs.end(), int(Score::Rouge) * 3 + 2));
            QVERIFY(std::count(fs.begin(), fs.end(), int(Score::TokenLenDiff) * 3 + 1));
            QVERIFY(!std::count(fs.begin(), fs.end(), int(Score::TokenLenDiff) * 3 + 2));
        }
    }

    void storedJob()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("f.hyper"));
        ProjectStore store(path, ProjectStore::Mode::CreateNew);
        importRows(store, {
            record(1, "Paris is in France.", "Paris is the capital of France."),
            record(2, "Yes.", "No, it is not.",
                   R"({"subject_of_expertise": "['Law']", "safety_concern": "moderate", "rouge": 0.9})"),
            record(3, "", "Something else entirely"),
        });
        Feedback fb;
        FeatureResult r = computeFeatures(store, FeatureParams{}, fb);
        QCOMPARE(r.instances, 3);
        QCOMPARE(r.features.size(), 90);
        QVERIFY(!r.upToDate);
        QCOMPARE(r.importedScores, 1);
        QCOMPARE(r.taggedInstances, 1);
        QCOMPARE(store.info().features, 90);

        FeatureStore fs(store);
        QCOMPARE(fs.featureNames(), features::featureNames());
        const auto m = fs.matrix();
        QCOMPARE(int(m.size()), 3);
        const int lawFeature = int(features::featureNames().indexOf(
            QStringLiteral("analyzer_closed_set::feature_name=subject_of_expertise|constraints=Law")));
        QVERIFY(std::count(m[1].second.begin(), m[1].second.end(), lawFeature));
        QVERIFY(!std::count(m[0].second.begin(), m[0].second.end(), lawFeature));
        bool sawImported = false;
        for (const StoredScore &s : fs.scores(m[1].first))
            if (s.score == QLatin1String("rouge")) {
                QCOMPARE(s.value, 0.9);
                QCOMPARE(s.origin, QStringLiteral("imported"));
                sawImported = true;
            }
        QVERIFY(sawImported);

        // Unchanged inputs: nothing recomputed; a new instance: recomputed.
        r = computeFeatures(store, FeatureParams{}, fb);
        QVERIFY(r.upToDate);
        importRows(store, {record(4, "More text.", "Even more text.")});
        r = computeFeatures(store, FeatureParams{}, fb);
        QVERIFY(!r.upToDate);
        QCOMPARE(r.instances, 4);

        // Recomputing imported scores replaces them.
        FeatureParams recompute;
        recompute.recomputeImported = true;
        r = computeFeatures(store, recompute, fb);
        QCOMPARE(r.importedScores, 0);
        QCOMPARE(fs.importedScoreCount(), 0);
    }

    void canceledJobLeavesProjectAsItWas()
    {
        QTemporaryDir dir;
        ProjectStore store(dir.filePath(QStringLiteral("c.hyper")), ProjectStore::Mode::CreateNew);
        importRows(store, {record(1, "a b", "b c")});
        Feedback fb;
        fb.cancel();
        QVERIFY_THROWS_EXCEPTION(Canceled, computeFeatures(store, FeatureParams{}, fb));
        QCOMPARE(store.info().features, 0);

        // Canceled while scoring: the features stored before stay as they were.
        Feedback ok;
        computeFeatures(store, FeatureParams{}, ok);
        std::vector<ImportRecord> more;
        for (int i = 2; i < 400; ++i)
            more.push_back(record(i, "Some answer number " + std::to_string(i), "Another answer."));
        importRows(store, more);
        Feedback *self = nullptr;
        Feedback midway([&self](double f, const QString &) {
            if (f > 0.1 && self)
                self->cancel();
        }, 0);
        self = &midway;
        FeatureParams force;
        force.force = true;
        QVERIFY_THROWS_EXCEPTION(Canceled, computeFeatures(store, force, midway));
        QCOMPARE(int(FeatureStore(store).matrix().size()), 1);
        QCOMPARE(store.info().features, 90);
    }

    // Opt-in measurement (HYPER_FEATURE_BENCH=N pairs; the CLI's "bench features" runs
    // the same function). A functional check runs always on a few pairs.
    void benchLexical()
    {
        const qint64 n = qEnvironmentVariableIsSet("HYPER_FEATURE_BENCH")
                             ? qEnvironmentVariableIntValue("HYPER_FEATURE_BENCH") : 200;
        Feedback fb;
        const FeatureBenchFigures f = benchLexicalFeatures(n, 0, 1, 2000, fb);
        QCOMPARE(f.instances, n);
        qInfo("features: %lld pairs, %.1f MB text, %d threads: %.2f s (%.0f pairs/s)", f.instances,
              f.textMegabytes, f.threads, f.seconds, f.instancesPerSecond);
    }
};

QTEST_GUILESS_MAIN(TestFeatures)
#include "tst_features.moc"
