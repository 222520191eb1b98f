// SPDX-License-Identifier: GPL-3.0-or-later
// The word diff of the Label tab (core/labels/worddiff): tokens, hand-worked small cases,
// and on random texts: the edits are minimal (n + m - 2·LCS, LCS by dynamic programming)
// and removing them from both sides leaves the same token sequence.
#include "core/labels/worddiff.h"

#include <QRandomGenerator>
#include <QtTest>

using namespace hyper::labels;

namespace {

QStringList texts(const QString &s, const std::vector<TextRange> &ranges)
{
    QStringList out;
    for (const TextRange &r : ranges)
        out << s.mid(r.start, r.length);
    return out;
}

/** The tokens of s minus the ranges (which must be tokens of s). */
QStringList kept(const QString &s, const std::vector<TextRange> &removed)
{
    QStringList out;
    std::size_t r = 0;
    for (const TextRange &t : wordTokens(s)) {
        if (r < removed.size() && removed[r] == t) {
            ++r;
            continue;
        }
        out << s.mid(t.start, t.length);
    }
    return r == removed.size() ? out : QStringList{QStringLiteral("<removed range is not a token>")};
}

int lcsLength(const QStringList &a, const QStringList &b)
{
    std::vector<std::vector<int>> t(std::size_t(a.size() + 1), std::vector<int>(std::size_t(b.size() + 1), 0));
    for (int i = 1; i <= a.size(); ++i)
        for (int j = 1; j <= b.size(); ++j)
            t[std::size_t(i)][std::size_t(j)] = a[i - 1] == b[j - 1]
                ? t[std::size_t(i - 1)][std::size_t(j - 1)] + 1
                : std::max(t[std::size_t(i - 1)][std::size_t(j)], t[std::size_t(i)][std::size_t(j - 1)]);
    return t[std::size_t(a.size())][std::size_t(b.size())];
}

} // namespace

class TstWordDiff : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void tokens()
    {
        const QString s = QStringLiteral("Hello, world_2!  x=1.5\ncafé 😀");
        QCOMPARE(texts(s, wordTokens(s)),
                 (QStringList{QStringLiteral("Hello"), QStringLiteral(","), QStringLiteral("world_2"),
                              QStringLiteral("!"), QStringLiteral("x"), QStringLiteral("="), QStringLiteral("1"),
                              QStringLiteral("."), QStringLiteral("5"), QStringLiteral("café"),
                              QStringLiteral("😀")}));
        QVERIFY(wordTokens(QStringLiteral(" \n\t ")).empty());
    }

    void identical()
    {
        const QString s = QStringLiteral("The same words, twice.");
        const WordDiff d = wordDiff(s, s);
        QVERIFY(d.onlyInA.empty());
        QVERIFY(d.onlyInB.empty());
        QCOMPARE(d.common, 6); // The, same, words, ",", twice, "."
        QVERIFY(d.exact);
    }

    void oneWordReplaced()
    {
        // "the cat sat" vs "the dog sat": delete "cat", insert "dog".
        const QString a = QStringLiteral("the cat sat"), b = QStringLiteral("the  dog sat");
        const WordDiff d = wordDiff(a, b);
        QCOMPARE(texts(a, d.onlyInA), QStringList{QStringLiteral("cat")});
        QCOMPARE(texts(b, d.onlyInB), QStringList{QStringLiteral("dog")});
        QCOMPARE(d.onlyInB.front().start, 5); // offsets are in b's own text
        QCOMPARE(d.common, 2);
    }

    void insertionsAndDeletions()
    {
        // a b c d e f  vs  a x c d f y: LCS "a c d f" (4): delete b, e; insert x, y.
        const QString a = QStringLiteral("a b c d e f"), b = QStringLiteral("a x c d f y");
        const WordDiff d = wordDiff(a, b);
        QCOMPARE(texts(a, d.onlyInA), (QStringList{QStringLiteral("b"), QStringLiteral("e")}));
        QCOMPARE(texts(b, d.onlyInB), (QStringList{QStringLiteral("x"), QStringLiteral("y")}));
        QCOMPARE(d.common, 4);
        // One side empty: everything of the other side differs.
        const WordDiff e = wordDiff(QString(), b);
        QCOMPARE(int(e.onlyInB.size()), 6);
        QVERIFY(e.onlyInA.empty());
    }

    void minimalOnRandomTexts()
    {
        QRandomGenerator rng(7);
        const QStringList vocab{QStringLiteral("a"), QStringLiteral("b"), QStringLiteral("c"), QStringLiteral("d"),
                                QStringLiteral("e"), QStringLiteral(",")};
        for (int round = 0; round < 300; ++round) {
            auto make = [&] {
                QStringList words;
                const int n = int(rng.bounded(25));
                for (int i = 0; i < n; ++i)
                    words << vocab[int(rng.bounded(vocab.size()))];
                return words.join(QLatin1Char(' '));
            };
            const QString a = make(), b = make();
            const WordDiff d = wordDiff(a, b);
            const QStringList ta = texts(a, wordTokens(a)), tb = texts(b, wordTokens(b));
            const int lcs = lcsLength(ta, tb);
            QVERIFY(d.exact);
            QCOMPARE(d.common, lcs);
            QCOMPARE(int(d.onlyInA.size()), int(ta.size()) - lcs);
            QCOMPARE(int(d.onlyInB.size()), int(tb.size()) - lcs);
            // What is left on both sides is the same common subsequence.
            QCOMPARE(kept(a, d.onlyInA), kept(b, d.onlyInB));
        }
    }

    void capOnEdits()
    {
        // 6 edits needed; with a cap of 3 the middle part is marked as a whole.
        const QString a = QStringLiteral("same a b c end"), b = QStringLiteral("same x y z end");
        const WordDiff exact = wordDiff(a, b);
        QVERIFY(exact.exact);
        QCOMPARE(int(exact.onlyInA.size() + exact.onlyInB.size()), 6);
        const WordDiff capped = wordDiff(a, b, 3);
        QVERIFY(!capped.exact);
        QCOMPARE(texts(a, capped.onlyInA), (QStringList{QStringLiteral("a"), QStringLiteral("b"), QStringLiteral("c")}));
        QCOMPARE(capped.common, 2);
    }
};

QTEST_GUILESS_MAIN(TstWordDiff)
#include "tst_worddiff.moc"
