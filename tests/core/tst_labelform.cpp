// SPDX-License-Identifier: GPL-3.0-or-later
// The labelling form's pieces in core/labels/labelform: the shown-frame mapping (left is
// B when swapped) and the reason lists.
#include "core/domain/types.h"
#include "core/labels/labelform.h"
#include "core/labels/labelpace.h"

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

    // The ETA's seconds per label (issue 19: it swung from 12 min to 2 h 44 min over the
    // first labels).
    void labelPaceIsSteadyEarly()
    {
        using labels::LabelPace;
        // No history: nothing before three labels, then the median.
        LabelPace fresh;
        QVERIFY(!fresh.estimate());
        fresh.add(5);
        fresh.add(90);
        QVERIFY(!fresh.estimate());
        fresh.add(7);
        QCOMPARE(*fresh.estimate(), 7.0);
        // With the annotator's history (12 s), one slow label moves it a little, not 8x.
        LabelPace known(12.0);
        QCOMPARE(*known.estimate(), 12.0);
        known.add(5);
        known.add(90);
        const double two = *known.estimate(); // 0.8 * 12 + 0.2 * 47.5
        QVERIFY2(qAbs(two - 19.1) < 1e-9, qPrintable(QString::number(two)));
        // A break is not labelling time: clamped to 10 min (and a scripted save to 1 s).
        LabelPace breakTaken;
        for (double t : {3600.0, 7200.0, 5.0})
            breakTaken.add(t);
        QCOMPARE(*breakTaken.estimate(), LabelPace::kMaxSeconds); // the median, 3600 s, clamped
        LabelPace scripted;
        for (int i = 0; i < 3; ++i)
            scripted.add(0.01);
        QCOMPARE(*scripted.estimate(), LabelPace::kMinSeconds);
        breakTaken.removeLast();
        QCOMPARE(breakTaken.labels(), 2);
        // What is shown moves only past 20%.
        LabelPace shown(10.0);
        QCOMPARE(*shown.shown(), 10.0);
        shown.add(20); // estimate 11: within 20% of 10
        QCOMPARE(*shown.shown(), 10.0);
        for (int i = 0; i < 3; ++i)
            shown.add(30); // estimate 0.6 * 10 + 0.4 * 30 = 18: shown moves
        QCOMPARE(*shown.shown(), *shown.estimate());
        QVERIFY(*shown.shown() > 15.0);
    }
};

QTEST_GUILESS_MAIN(TstLabelForm)
#include "tst_labelform.moc"
