// SPDX-License-Identifier: GPL-3.0-or-later
// The labelling form's pieces in core/labels/labelform: the shown-frame mapping (left is
// B when swapped) and the reason lists.
#include "core/domain/types.h"
#include "core/labels/labelform.h"

#include <QSet>
#include <QtTest>

using namespace hyper;
using namespace hyper::labels;

class TstLabelForm : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void shownFrame()
    {
        // Unswapped: left is A, so 1 (left clearly better) is A clearly better.
        QCOMPARE(*preferenceFromShown(1, false), Preference::AClearly);
        QCOMPARE(*preferenceFromShown(2, false), Preference::ASlightly);
        QCOMPARE(*preferenceFromShown(3, false), Preference::Tie);
        QCOMPARE(*preferenceFromShown(5, false), Preference::BClearly);
        // Swapped: left is B.
        QCOMPARE(*preferenceFromShown(1, true), Preference::BClearly);
        QCOMPARE(*preferenceFromShown(4, true), Preference::ASlightly);
        QCOMPARE(*preferenceFromShown(3, true), Preference::Tie);
        QVERIFY(!preferenceFromShown(0, false));
        QVERIFY(!preferenceFromShown(6, true));
        for (bool swapped : {false, true})
            for (int s = 1; s <= 5; ++s)
                QCOMPARE(shownFromPreference(*preferenceFromShown(s, swapped), swapped), s);
        QCOMPARE(shownOrder(false), QStringLiteral("AB"));
        QCOMPARE(shownOrder(true), QStringLiteral("BA"));
    }

    void reasonLists()
    {
        QCOMPARE(int(labelAspects().size()), 3);
        QSet<QString> keys;
        for (int i = 0; i < 3; ++i) {
            const AspectSpec &a = labelAspects()[std::size_t(i)];
            QCOMPARE(QString::fromLatin1(a.key), QString::fromLatin1(kAspects[i]));
            QVERIFY(a.reasons.size() >= 4);
            for (const ReasonSpec &r : a.reasons) {
                QVERIFY(!QString::fromLatin1(r.text).isEmpty());
                keys.insert(QString::fromLatin1(r.key));
            }
            QCOMPARE(reasonKeys(QString::fromLatin1(a.key)).size(), qsizetype(a.reasons.size()));
        }
        QCOMPARE(keys.size(), 16); // every reason key is distinct across aspects
        QVERIFY(reasonKeys(QStringLiteral("overall")).isEmpty());
    }
};

QTEST_GUILESS_MAIN(TstLabelForm)
#include "tst_labelform.moc"
