// SPDX-License-Identifier: GPL-3.0-or-later
// The search box's query language (core/storage/searchquery.h): plain words ANDed with
// the last one a prefix, "quoted phrases", word*, OR, AND, NOT, parentheses; malformed
// queries say what is wrong. Checked on the FTS5 expressions and on a small project,
// through the index and through the scan of rows the index has not reached.
#include "core/jobs/feedback.h"
#include "core/storage/projectstore.h"
#include "core/storage/searchquery.h"

#include <QTemporaryDir>
#include <QtTest>

using namespace hyper;

namespace {

QString S(const char *utf8)
{
    return QString::fromUtf8(utf8);
}

QStringList L(std::initializer_list<const char *> items)
{
    QStringList out;
    for (const char *i : items)
        out << S(i);
    return out;
}

} // namespace

class TestSearchQuery : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::unique_ptr<ProjectStore> m_store;

    qint64 count(const QString &text)
    {
        InstanceFilter f;
        f.text = text;
        return m_store->countInstances(f);
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_store = std::make_unique<ProjectStore>(m_dir.filePath(QStringLiteral("s.hyper")), ProjectStore::Mode::CreateNew);
        const char *prompts[] = {"the quick brown fox", "brown quick dog", "a fox and a dog", "quickly done",
                                 "nothing here", "prompt: x marks"};
        auto writer = m_store->beginImport(QStringLiteral("s.jsonl"), QStringLiteral("jsonl"));
        int line = 0;
        for (const char *p : prompts) {
            ImportRecord r;
            r.line = ++line;
            r.prompt = p;
            r.responseA = "first answer " + std::to_string(line);
            r.responseB = "second answer " + std::to_string(line);
            writer->add(r);
        }
        writer->commit(0);
    }

    void expressions_data()
    {
        QTest::addColumn<QString>("typed");
        QTest::addColumn<QString>("fts");
        QTest::addColumn<QStringList>("terms");
        QTest::newRow("words") << S("quick brown") << S("\"quick\" \"brown\"*") << L({"quick", "brown"});
        QTest::newRow("phrase") << S("\"quick brown\"") << S("\"quick brown\"") << L({"quick brown"});
        QTest::newRow("phrase prefix") << S("\"quick bro\"*") << S("\"quick bro\"*") << L({"quick bro"});
        QTest::newRow("prefix") << S("qui* dog") << S("\"qui\"* \"dog\"*") << L({"qui", "dog"});
        QTest::newRow("or") << S("fox OR dog") << S("\"fox\" OR \"dog\"*") << L({"fox", "dog"});
        QTest::newRow("not") << S("dog NOT fox") << S("\"dog\" NOT \"fox\"*") << L({"dog", "fox"});
        QTest::newRow("group") << S("(fox OR dog) NOT brown") << S("( \"fox\" OR \"dog\" ) NOT \"brown\"*") << L({"fox", "dog", "brown"});
        QTest::newRow("lower-case or is a word") << S("fox or dog") << S("\"fox\" \"or\" \"dog\"*") << L({"fox", "or", "dog"});
        QTest::newRow("column syntax is text") << S("prompt:x") << S("\"prompt:x\"*") << L({"prompt:x"});
        QTest::newRow("quote in a word") << S("it\"s\"") << S("\"it\" \"s\"") << L({"it", "s"});
    }

    void expressions()
    {
        QFETCH(QString, typed);
        QFETCH(QString, fts);
        QFETCH(QStringList, terms);
        const SearchQuery q = parseSearch(typed);
        QCOMPARE(q.fts, fts);
        // The scan looks for every word and phrase in order, each in the three texts.
        QStringList scanned;
        for (qsizetype i = 0; i < q.scanPatterns.size(); i += 3) {
            QCOMPARE(q.scanPatterns.at(i + 1), q.scanPatterns.at(i));
            QCOMPARE(q.scanPatterns.at(i + 2), q.scanPatterns.at(i));
            scanned << q.scanPatterns.at(i).mid(1, q.scanPatterns.at(i).size() - 2);
        }
        QCOMPARE(scanned, terms);
    }

    void scanExpression()
    {
        // Adjacent operands are ANDed, NOT becomes AND NOT, groups stay; three LIKE
        // patterns a term, with the LIKE wildcards in the text escaped.
        const SearchQuery q = parseSearch(QStringLiteral("(a OR b) c NOT 50%_off"));
        const QString term = QStringLiteral("(prompt LIKE ? ESCAPE '\\' OR response_a LIKE ? ESCAPE '\\' OR response_b LIKE ? ESCAPE '\\')");
        QCOMPARE(q.scanSql, QStringLiteral("( %1 OR %1 ) AND %1 AND NOT %1").arg(term));
        QCOMPARE(q.scanPatterns.size(), qsizetype(12));
        QCOMPARE(q.scanPatterns.at(0), QStringLiteral("%a%"));
        QCOMPARE(q.scanPatterns.at(9), QStringLiteral("%50\\%\\_off%"));
    }

    void malformed_data()
    {
        QTest::addColumn<QString>("typed");
        QTest::addColumn<QString>("message");
        QTest::newRow("open quote") << S("say \"hello") << S("search: the quote at character 5 is not closed");
        QTest::newRow("or at the end") << S("apple OR") << S("search: OR needs a word after it (character 7)");
        QTest::newRow("or first") << S("OR apple") << S("search: OR needs a word before it (character 1)");
        QTest::newRow("not first") << S("NOT apple") << S("search: NOT needs a word before it (character 1); NOT excludes: write 'apple NOT pie'");
        QTest::newRow("two operators") << S("a OR AND b") << S("search: AND needs a word before it (character 6)");
        QTest::newRow("open paren") << S("(a OR b") << S("search: a '(' is not closed");
        QTest::newRow("close paren") << S("a)") << S("search: ')' without '(' (character 2)");
        QTest::newRow("empty parens") << S("a ()") << S("search: empty parentheses (character 4)");
        QTest::newRow("operator before close") << S("(a OR) b") << S("search: OR needs a word after it (character 4)");
    }

    void malformed()
    {
        QFETCH(QString, typed);
        QFETCH(QString, message);
        try {
            parseSearch(typed);
            QFAIL("no error");
        } catch (const SearchSyntaxError &e) {
            QCOMPARE(QString::fromUtf8(e.what()), message);
        }
        // The store refuses it the same way, rather than showing no rows.
        InstanceFilter f;
        f.text = typed;
        QVERIFY_THROWS_EXCEPTION(SearchSyntaxError, m_store->countInstances(f));
    }

    void results_data()
    {
        QTest::addColumn<bool>("indexed");
        QTest::newRow("scan (before the index)") << false;
        QTest::newRow("index") << true;
    }

    void results()
    {
        QFETCH(bool, indexed);
        if (indexed) {
            Feedback quiet;
            m_store->updateSearchIndex(quiet);
            QVERIFY(m_store->searchIndexReady());
        }
        QCOMPARE(count(QStringLiteral("quick brown")), qint64(2));     // 1, 2
        QCOMPARE(count(QStringLiteral("quick")), qint64(3));           // quick, quickly: the last word is a prefix
        QCOMPARE(count(QStringLiteral("fox dog")), qint64(1));         // 3
        QCOMPARE(count(QStringLiteral("nosuchword")), qint64(0));
        // The scan applies the same operators and groups.
        QCOMPARE(count(QStringLiteral("\"quick brown\"")), qint64(1)); // 1 only
        QCOMPARE(count(QStringLiteral("fox OR dog")), qint64(3));      // 1, 2, 3
        QCOMPARE(count(QStringLiteral("dog NOT fox")), qint64(1));     // 2
        QCOMPARE(count(QStringLiteral("(fox OR dog) NOT brown")), qint64(1)); // 3
        QCOMPARE(count(QStringLiteral("qui* AND dog")), qint64(1));    // 2
        QCOMPARE(count(QStringLiteral("fox OR quickly NOT done")), qint64(2)); // 1, 3: NOT binds first
        if (!indexed)
            return; // the scan matches substrings: "quick" is in "quickly", "prompt:x" is not in "prompt: x"
        QCOMPARE(count(QStringLiteral("\"quick\"")), qint64(2));       // a phrase is no prefix
        QCOMPARE(count(QStringLiteral("prompt:x")), qint64(1));        // literal text, not a column filter
    }
};

QTEST_GUILESS_MAIN(TestSearchQuery)
#include "tst_searchquery.moc"
