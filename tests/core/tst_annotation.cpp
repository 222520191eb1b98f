// SPDX-License-Identifier: GPL-3.0-or-later
// The annotation workflow's storage (core/storage/annotationstore.h): the overlap-aware,
// balanced queue; undo/redo of saved labels in the database; flags, the review queue and
// adjudication.
#include "core/io/importer.h"
#include "core/jobs/feedback.h"
#include "core/storage/annotationstore.h"
#include "core/storage/projectstore.h"
#include "core/storage/sqlite.h"

#include <QFile>
#include <QTemporaryDir>
#include <QtTest>
#include <map>
#include <set>

using namespace hyper;

namespace {

QString str(const char *s) { return QString::fromLatin1(s); }

HumanLabel label(qint64 instance, const QString &who, Preference p)
{
    HumanLabel h;
    h.instanceId = instance;
    h.annotator = who;
    h.annotatorKind = str("normal");
    h.overall = p;
    return h;
}

} // namespace

class TestAnnotation : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    int m_projects = 0;

    /** A project of n PandaLM-style rows, each with three imported human labels
     *  (rows i % 4 == 0 disagree: A, B, tie); the first `routed` ids routed to humans. */
    QString project(int n, int routed, std::vector<qint64> &ids)
    {
        const QString p = m_dir.filePath(QStringLiteral("a%1.hyper").arg(++m_projects));
        const QString data = m_dir.filePath(QStringLiteral("rows%1.jsonl").arg(m_projects));
        QFile f(data);
        if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate))
            return {};
        for (int i = 0; i < n; ++i) {
            const char *humans = i % 4 == 0 ? "[1, 2, 0]" : "[1, 1, 1]";
            f.write(QStringLiteral(R"({"idx": %1, "instruction": "Question %1?", "input": "", "response1": "answer one %1", "response2": "answer two %1", "human_labels": %2, "gpt35_label": 1, "pandalm7b_label": 2})")
                        .arg(i)
                        .arg(QString::fromLatin1(humans))
                        .toUtf8()
                    + "\n");
        }
        f.close();
        ProjectStore store(p, ProjectStore::Mode::CreateNew);
        ImportParams params;
        params.file = data;
        params.format = str("pandalm");
        Feedback feedback;
        if (runImport(store, params, feedback).imported != n)
            return {};
        ids.clear();
        for (const InstanceSummary &s : store.listInstances({}, 0, n))
            ids.push_back(s.id);
        sql::Stmt u(store.handle(), "UPDATE instances SET route = CASE WHEN id <= ? THEN 'human' ELSE 'lm' END");
        u.bind(1, std::int64_t(ids[std::size_t(routed - 1)]));
        u.run();
        return p;
    }

    static qint64 count(ProjectStore &store, const char *query)
    {
        sql::Stmt s(store.handle(), query);
        return s.step() ? s.i64(0) : -1;
    }

private Q_SLOTS:
    void queueRespectsOverlapAndRouting()
    {
        std::vector<qint64> ids;
        const QString p = project(40, 30, ids);
        QVERIFY(!p.isEmpty());
        ProjectStore store(p);
        AnnotationStore a(store);
        QCOMPARE(a.overlap(), 1);
        a.setOverlap(2);
        QCOMPARE(a.overlap(), 2);
        a.ensureAnnotator(str("ann"), str("normal"));
        a.ensureAnnotator(str("bob"), str("expert"));
        int workbench = 0, imported = 0;
        for (const AnnotatorInfo &info : a.annotators()) {
            workbench += info.origin == QLatin1String("workbench");
            imported += info.origin == QLatin1String("import");
        }
        QCOMPARE(workbench, 2);
        QCOMPARE(imported, 3); // PandaLM's three humans
        a.ensureAnnotator(str("bob"), QString()); // an empty kind keeps "expert"
        for (const AnnotatorInfo &info : a.annotators())
            if (info.name == QLatin1String("bob"))
                QCOMPARE(info.kind, str("expert"));

        // Imported labels (three per row) do not count toward the overlap.
        std::vector<qint64> q = a.queue(str("ann"), 1000);
        QCOMPARE(q.size(), std::size_t(30));
        const std::set<qint64> routed(ids.begin(), ids.begin() + 30);
        for (qint64 id : q)
            QVERIFY(routed.count(id));
        QCOMPARE(std::set<qint64>(q.begin(), q.end()).size(), q.size());

        const qint64 first = q.front();
        store.addHumanLabel(label(first, str("ann"), Preference::AClearly));
        q = a.queue(str("ann"), 1000);
        QCOMPARE(q.size(), std::size_t(29));
        QVERIFY(std::find(q.begin(), q.end(), first) == q.end());
        // bob still sees it, and first (one label of two): closest to complete comes first
        // within bob's preferred group or the rest.
        std::vector<qint64> qb = a.queue(str("bob"), 1000);
        QCOMPARE(qb.size(), std::size_t(30));
        store.addHumanLabel(label(first, str("bob"), Preference::ASlightly));
        // Two workbench labels: it leaves every queue, including a newcomer's.
        for (const char *who : {"ann", "bob", "carol"}) {
            const std::vector<qint64> qq = a.queue(str(who), 1000);
            QVERIFY(std::find(qq.begin(), qq.end(), first) == qq.end());
        }
        QCOMPARE(a.queue(str("carol"), 1000).size(), std::size_t(29));
        QCOMPARE(a.queue(str("carol"), 5).size(), std::size_t(5));

        // Skipped ids are left out.
        const std::vector<qint64> skipped(q.begin(), q.begin() + 3);
        const std::vector<qint64> q2 = a.queue(str("ann"), 1000, skipped);
        QCOMPARE(q2.size(), std::size_t(26));
        for (qint64 s : skipped)
            QVERIFY(std::find(q2.begin(), q2.end(), s) == q2.end());

        const QueueStatus st = a.status(str("ann"));
        QCOMPARE(st.routed, qint64(30));
        QCOMPARE(st.complete, qint64(1));
        QCOMPARE(st.mine, qint64(1));
        QCOMPARE(st.remaining, qint64(29));
    }

    void assignmentIsBalanced_data()
    {
        QTest::addColumn<int>("k");
        QTest::newRow("k=1") << 1;
        QTest::newRow("k=2") << 2;
    }

    void assignmentIsBalanced()
    {
        QFETCH(int, k);
        std::vector<qint64> ids;
        const QString p = project(300, 300, ids);
        QVERIFY(!p.isEmpty());
        ProjectStore store(p);
        AnnotationStore a(store);
        a.setOverlap(k);
        const QStringList team = {str("ann"), str("bob"), str("carol")};
        for (const QString &t : team)
            a.ensureAnnotator(t, str("normal"));
        // Everyone labels the head of their own queue in turn until all queues are empty.
        std::map<QString, int> done;
        for (bool any = true; any;) {
            any = false;
            for (const QString &t : team) {
                const std::vector<qint64> q = a.queue(t, 1);
                if (q.empty())
                    continue;
                store.addHumanLabel(label(q.front(), t, Preference::BSlightly));
                ++done[t];
                any = true;
            }
        }
        // Every routed instance has exactly k workbench labels, never two by one person.
        QCOMPARE(count(store, "SELECT count(*) FROM (SELECT h.instance_id FROM human_labels h JOIN annotators a"
                              " ON a.id = h.annotator_id WHERE a.origin = 'workbench' GROUP BY h.instance_id)"),
                 qint64(300));
        QCOMPARE(count(store, "SELECT count(*) FROM human_labels h JOIN annotators a ON a.id = h.annotator_id"
                              " WHERE a.origin = 'workbench'"),
                 qint64(300 * k));
        QCOMPARE(count(store, "SELECT count(*) FROM (SELECT 1 FROM human_labels GROUP BY instance_id, annotator_id"
                              " HAVING count(*) > 1)"),
                 qint64(0));
        for (const QString &t : team) {
            QVERIFY2(std::abs(done[t] - 100 * k) <= 10 * k,
                     qPrintable(QStringLiteral("%1 labelled %2 of %3").arg(t).arg(done[t]).arg(300 * k)));
            QCOMPARE(a.status(t).remaining, qint64(0));
        }
    }

    void preferredInstancesComeFirst()
    {
        std::vector<qint64> ids;
        const QString p = project(200, 200, ids);
        QVERIFY(!p.isEmpty());
        ProjectStore store(p);
        AnnotationStore a(store);
        for (const char *t : {"ann", "bob", "carol", "dan"})
            a.ensureAnnotator(str(t), str("normal"));
        // k = 1, four annotators: the heads of the four queues are (nearly) disjoint, so
        // people working at the same time rarely label the same instance.
        std::vector<std::set<qint64>> heads;
        for (const char *t : {"ann", "bob", "carol", "dan"}) {
            const std::vector<qint64> q = a.queue(str(t), 30);
            heads.emplace_back(q.begin(), q.end());
        }
        for (std::size_t i = 0; i < heads.size(); ++i)
            for (std::size_t j = i + 1; j < heads.size(); ++j) {
                std::vector<qint64> both;
                std::set_intersection(heads[i].begin(), heads[i].end(), heads[j].begin(), heads[j].end(),
                                      std::back_inserter(both));
                QVERIFY2(both.empty(), qPrintable(QStringLiteral("queues %1 and %2 share %3 of their first 30")
                                                      .arg(i).arg(j).arg(both.size())));
            }
    }

    void sideIsRandomButStable()
    {
        int swapped = 0;
        for (qint64 id = 1; id <= 2000; ++id) {
            const bool s = AnnotationStore::showSwapped(str("ann"), id);
            QCOMPARE(AnnotationStore::showSwapped(str("ann"), id), s);
            swapped += s;
        }
        QVERIFY2(swapped > 900 && swapped < 1100, qPrintable(QString::number(swapped)));
        int differ = 0;
        for (qint64 id = 1; id <= 2000; ++id)
            differ += AnnotationStore::showSwapped(str("ann"), id) != AnnotationStore::showSwapped(str("bob"), id);
        QVERIFY2(differ > 900 && differ < 1100, qPrintable(QString::number(differ)));
    }

    void undoAndRedoOfASavedLabel()
    {
        std::vector<qint64> ids;
        const QString p = project(8, 8, ids);
        QVERIFY(!p.isEmpty());
        ProjectStore store(p);
        AnnotationStore a(store);
        HumanLabel h = label(ids[1], str("ann"), Preference::BClearly);
        h.aspects.insert(str("helpfulness"), Preference::BSlightly);
        h.reasons.insert(str("helpfulness"), {str("informative"), str("concise")});
        h.rationale = str("B answers the question");
        h.confidence = 4;
        h.timeSpentSeconds = 12.5;
        h.shownOrder = str("BA");
        const qint64 id = store.addHumanLabel(h);
        const qint64 before = count(store, "SELECT count(*) FROM human_labels");
        QCOMPARE(store.humanLabels(ids[1]).size(), std::size_t(4));

        const HumanLabel taken = a.takeHumanLabel(id);
        QCOMPARE(taken.id, id);
        QCOMPARE(taken.overall, Preference::BClearly);
        QCOMPARE(taken.rationale, h.rationale);
        QCOMPARE(count(store, "SELECT count(*) FROM human_labels"), before - 1);
        QCOMPARE(store.humanLabels(ids[1]).size(), std::size_t(3));
        QVERIFY_THROWS_EXCEPTION(StoreError, a.takeHumanLabel(id));

        QCOMPARE(a.restoreHumanLabel(taken), id);
        QCOMPARE(count(store, "SELECT count(*) FROM human_labels"), before);
        const std::vector<HumanLabel> back = store.humanLabels(ids[1]);
        const auto it = std::find_if(back.begin(), back.end(), [&](const HumanLabel &l) { return l.id == id; });
        QVERIFY(it != back.end());
        QCOMPARE(it->overall, Preference::BClearly);
        QCOMPARE(it->aspects.value(str("helpfulness")), Preference::BSlightly);
        QCOMPARE(it->reasons.value(str("helpfulness")), QStringList({str("informative"), str("concise")}));
        QCOMPARE(it->shownOrder, str("BA"));
        QCOMPARE(*it->timeSpentSeconds, 12.5);
        QCOMPARE(it->createdAt, taken.createdAt);
        QVERIFY_THROWS_EXCEPTION(StoreError, a.restoreHumanLabel(taken)); // already there
        QCOMPARE(store.humanLabels(ids[1]).size(), std::size_t(4));
    }

    void flagsReviewAndAdjudication()
    {
        std::vector<qint64> ids;
        const QString p = project(12, 6, ids); // ids[0..5] routed to humans
        QVERIFY(!p.isEmpty());
        ProjectStore store(p);
        AnnotationStore a(store);
        // Rows 0, 4, 8 disagree (A, B, tie): spread 4 and folded disagreement.
        std::vector<ReviewItem> r = a.reviewQueue();
        QCOMPARE(r.size(), std::size_t(3));
        QCOMPARE(r[0].instanceId, ids[0]);
        QCOMPARE(r[1].instanceId, ids[4]);
        QVERIFY(r[0].foldedDisagree);
        QCOMPARE(r[0].spread, 4.0);
        QCOMPARE(r[0].labels, 3);
        QCOMPARE(r[0].votesA, 1);
        QCOMPARE(r[0].votesTie, 1);
        QCOMPARE(r[0].votesB, 1);
        QVERIFY(r[0].routedHuman);
        QVERIFY(!r[2].routedHuman);
        QCOMPARE(a.reviewQueue(3, false, true).size(), std::size_t(2)); // ids[8] is routed to the LM
        QCOMPARE(a.reviewQueue(5).size(), std::size_t(3)); // folded disagreement alone suffices

        const qint64 f = a.flag(ids[2], str("ann"), str("prompt is cut off"));
        r = a.reviewQueue();
        QCOMPARE(r.size(), std::size_t(4));
        QCOMPARE(r[1].instanceId, ids[2]);
        QCOMPARE(r[1].flags, 1);
        QCOMPARE(a.flags(ids[2]).size(), std::size_t(1));
        QCOMPARE(a.flags(ids[2])[0].note, str("prompt is cut off"));
        QCOMPARE(a.flags(ids[2])[0].annotator, str("ann"));
        a.unflag(f);
        QCOMPARE(a.reviewQueue().size(), std::size_t(3));
        QVERIFY_THROWS_EXCEPTION(StoreError, a.flag(999999, str("ann"), QString()));

        a.adjudicate(ids[4], Preference::BClearly, str("lead"), str("B is right"));
        r = a.reviewQueue();
        QCOMPARE(r.size(), std::size_t(2));
        r = a.reviewQueue(3, true);
        QCOMPARE(r.size(), std::size_t(3));
        QCOMPARE(r.back().instanceId, ids[4]);
        QCOMPARE(*r.back().adjudicated, Preference::BClearly);
        QCOMPARE(a.adjudication(ids[4])->lead, str("lead"));
        a.adjudicate(ids[4], Preference::AClearly, str("lead2"), QString()); // replaces
        QCOMPARE(a.adjudication(ids[4])->overall, Preference::AClearly);
        QCOMPARE(count(store, "SELECT count(*) FROM adjudications"), qint64(1));
        a.clearAdjudication(ids[4]);
        QVERIFY(!a.adjudication(ids[4]));
        QVERIFY_THROWS_EXCEPTION(StoreError, a.adjudicate(ids[4], Preference::Tie, QString(), QString()));
    }

    void badInputChangesNothing()
    {
        std::vector<qint64> ids;
        const QString p = project(4, 4, ids);
        QVERIFY(!p.isEmpty());
        ProjectStore store(p);
        AnnotationStore a(store);
        QVERIFY_THROWS_EXCEPTION(StoreError, a.setOverlap(0));
        QCOMPARE(a.overlap(), 1);
        QVERIFY_THROWS_EXCEPTION(StoreError, a.ensureAnnotator(str("  "), str("normal")));
        const qint64 before = count(store, "SELECT count(*) FROM annotators");
        QVERIFY_THROWS_EXCEPTION(StoreError, a.restoreHumanLabel(label(ids[0], str("x"), Preference::Tie)));
        QCOMPARE(count(store, "SELECT count(*) FROM annotators"), before);
        QCOMPARE(a.annotators().size(), std::size_t(before));
    }
};

QTEST_GUILESS_MAIN(TestAnnotation)
#include "tst_annotation.moc"
