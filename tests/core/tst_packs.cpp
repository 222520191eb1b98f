// SPDX-License-Identifier: GPL-3.0-or-later
// Annotator packs (issue 13, docs/TEAM.md): export with overlap k balanced over the
// named annotators, blind pack files of the project format, merge by label UUID (twice,
// later copies, undone and changed labels, flags), refusals that leave the project as it
// was, the same agreement as labels made in one shared file, next rounds and reissue.
#include "clitesthelpers.h"

#include "core/jobs/feedback.h"
#include "core/sample/sampleproject.h"
#include "core/storage/annotationstore.h"
#include "core/storage/packstore.h"
#include "core/storage/projectstore.h"
#include "core/storage/sqlite.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QTemporaryDir>
#include <QtTest>
#include <map>
#include <set>

using namespace hyper;
using hyper::testing::runCli;

namespace {

qint64 scalar(ProjectStore &store, const char *query)
{
    sql::Stmt s(store.handle(), query);
    return s.step() ? s.i64(0) : -1;
}

/** A deterministic label of (annotator, instance): the same whether made in a pack or in
 *  the shared project. */
HumanLabel labelFor(const QString &annotator, qint64 id)
{
    HumanLabel l;
    l.instanceId = id;
    l.annotator = annotator;
    l.annotatorKind = QStringLiteral("normal");
    const int v = int((AnnotationStore::preference(annotator, id) >> 20) % 5) - 2;
    l.overall = Preference(v);
    l.aspects.insert(QStringLiteral("helpfulness"), Preference(-v));
    l.reasons.insert(QStringLiteral("helpfulness"), {QStringLiteral("more accurate")});
    l.rationale = QStringLiteral("because %1").arg(id);
    l.confidence = 3.0;
    l.timeSpentSeconds = 12.5;
    l.shownOrder = AnnotationStore::showSwapped(annotator, id) ? QStringLiteral("BA") : QStringLiteral("AB");
    return l;
}

QJsonObject cliJson(const QStringList &args, int expectCode = 0)
{
    const auto r = runCli(args);
    if (r.code != expectCode)
        qWarning("hyper %s -> %d: %s", qPrintable(args.join(QLatin1Char(' '))), r.code, r.err.constData());
    return r.code == expectCode ? r.json() : QJsonObject{{QStringLiteral("failed"), r.code}};
}

} // namespace

class TestPacks : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_template;
    int m_n = 0;

    /** A fresh copy of the template project: 120 train + 20 eval, the first 60 train routed. */
    QString freshProject()
    {
        const QString p = m_dir.filePath(QStringLiteral("p%1.hyper").arg(++m_n));
        QFile::copy(m_template, p);
        return p;
    }

    QString exportPacks(const QString &project, const QString &annotators, int k, const QString &sub)
    {
        const QString dir = m_dir.filePath(sub);
        const QJsonObject o = cliJson({QStringLiteral("pack"), QStringLiteral("export"), QStringLiteral("--project"), project,
                                       QStringLiteral("--annotators"), annotators, QStringLiteral("--overlap"),
                                       QString::number(k), QStringLiteral("--out-dir"), dir, QStringLiteral("--json")});
        return o.contains(QStringLiteral("packs")) ? dir : QString();
    }

    /** Labels every instance of the pack as its annotator would (labelFor), committed in the pack. */
    static std::vector<qint64> labelPack(const QString &packPath)
    {
        ProjectStore pack(packPath);
        const auto meta = packs::meta(pack);
        std::vector<qint64> labelled;
        for (qint64 id : meta->instances) {
            pack.addHumanLabel(labelFor(meta->annotator, id));
            labelled.push_back(id);
        }
        return labelled;
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_template = m_dir.filePath(QStringLiteral("template.hyper"));
        Feedback quiet;
        SampleParams params;
        params.trainSize = 120;
        params.evalSize = 20;
        createSampleProject(m_template, params, quiet);
        ProjectStore store(m_template);
        sql::exec(store.handle(), "UPDATE instances SET route = CASE WHEN id <= 60 THEN 'human' ELSE 'lm' END"
                                  " WHERE split = 'train'");
        QVERIFY(!packs::projectUuid(store).isEmpty());
    }

    void exportGivesEachInstanceToKAnnotatorsBlind()
    {
        const QString p = freshProject();
        {
            // Conversation prompts (kept as turns) travel with their turns.
            ProjectStore store(p);
            sql::exec(store.handle(), "UPDATE instance_texts SET prompt_messages = '[{\"role\":\"system\",\"content\":\"Be brief.\"},"
                                      "{\"role\":\"user\",\"content\":\"turn ' || id || '\"}]' WHERE id % 2 = 0");
        }
        const QString dir = exportPacks(p, QStringLiteral("ann1,ann2,ann3"), 2, QStringLiteral("k2"));
        QVERIFY(!dir.isEmpty());
        std::map<qint64, std::set<QString>> holders;
        std::map<QString, std::size_t> sizes;
        QString projectUuid;
        {
            ProjectStore store(p);
            projectUuid = packs::projectUuid(store);
        }
        for (const QString &name : {QStringLiteral("ann1"), QStringLiteral("ann2"), QStringLiteral("ann3")}) {
            const QString file = QDir(dir).filePath(name + QStringLiteral(".hyperpack"));
            ProjectStore pack(file); // the project format, integrity-checked on open
            QCOMPARE(pack.schemaVersion(), ProjectStore::kSchemaVersion);
            const auto meta = packs::meta(pack);
            QVERIFY(meta);
            QCOMPARE(meta->annotator, name);
            QCOMPARE(meta->kind, QStringLiteral("normal"));
            QCOMPARE(meta->projectUuid, projectUuid);
            QVERIFY(!meta->packUuid.isEmpty());
            sizes[name] = meta->instances.size();
            for (qint64 id : meta->instances)
                holders[id].insert(name);
            // Blind: the pack's instances only, no labels, plans, features, metadata or other names.
            QCOMPARE(scalar(pack, "SELECT count(*) FROM instances"), qint64(meta->instances.size()));
            QCOMPARE(scalar(pack, "SELECT count(*) FROM human_labels"), 0);
            QCOMPARE(scalar(pack, "SELECT count(*) FROM lm_labels"), 0);
            QCOMPARE(scalar(pack, "SELECT count(*) FROM route_plans"), 0);
            QCOMPARE(scalar(pack, "SELECT count(*) FROM instance_features"), 0);
            QCOMPARE(scalar(pack, "SELECT count(*) FROM instance_scores"), 0);
            QCOMPARE(scalar(pack, "SELECT count(*) FROM judges"), 0);
            QCOMPARE(scalar(pack, "SELECT count(*) FROM instance_texts WHERE metadata <> ''"), 0);
            QCOMPARE(scalar(pack, "SELECT count(*) FROM instances WHERE model_a <> '' OR model_b <> '' OR route <> 'human'"), 0);
            const auto info = pack.info();
            QCOMPARE(info.annotators, QStringList{name});
            // The queue of the pack (what its Label tab shows) is its instances, shown on
            // the side the project decides for (annotator, instance).
            const QJsonObject q = cliJson({QStringLiteral("queue"), QStringLiteral("--project"), file, QStringLiteral("--annotator"),
                                           name, QStringLiteral("--limit"), QStringLiteral("1000"), QStringLiteral("--json")});
            const QJsonArray items = q.value(QStringLiteral("queue")).toArray();
            QCOMPARE(qsizetype(items.size()), qsizetype(meta->instances.size()));
            for (const QJsonValue &v : items) {
                const qint64 id = v.toObject().value(QStringLiteral("id")).toInteger();
                QCOMPARE(v.toObject().value(QStringLiteral("shown_order")).toString(),
                         AnnotationStore::showSwapped(name, id) ? QStringLiteral("BA") : QStringLiteral("AB"));
            }
            // The texts are the project's.
            ProjectStore project(p, ProjectStore::Mode::OpenExisting, false);
            const qint64 first = meta->instances.front();
            QCOMPARE(pack.instance(first)->prompt, project.instance(first)->prompt);
            QCOMPARE(pack.instance(first)->responseB, project.instance(first)->responseB);
            int conversations = 0;
            for (qint64 id : meta->instances) {
                const auto turns = pack.instance(id)->conversation;
                QCOMPARE(turns.size(), id % 2 == 0 ? qsizetype(2) : qsizetype(0));
                if (turns.isEmpty())
                    continue;
                ++conversations;
                QCOMPARE(turns.at(0).role, QStringLiteral("system"));
                QCOMPARE(turns.at(1).content, QStringLiteral("turn %1").arg(id));
            }
            QVERIFY(conversations > 0);
        }
        // Every routed instance is in exactly two packs; nothing else is in any.
        QCOMPARE(holders.size(), std::size_t(60));
        for (const auto &[id, names] : holders) {
            QVERIFY(id >= 1 && id <= 60);
            QCOMPARE(names.size(), std::size_t(2));
        }
        // Balanced: 120 assignments over 3 annotators.
        for (const auto &[name, n] : sizes)
            QVERIFY2(n >= 25 && n <= 55, qPrintable(QStringLiteral("%1: %2").arg(name).arg(n)));
        // Recorded in the project: three packs out.
        ProjectStore store(p);
        QCOMPARE(scalar(store, "SELECT count(*) FROM packs WHERE status = 'out'"), 3);
        QCOMPARE(scalar(store, "SELECT count(*) FROM pack_instances"), 120);
    }

    void mergedLabelsGiveTheSameAgreementAsOneSharedFile()
    {
        const QString viaPacks = freshProject();
        const QString shared = freshProject();
        const QString dir = exportPacks(viaPacks, QStringLiteral("ann1,ann2,ann3"), 2, QStringLiteral("agree"));
        QVERIFY(!dir.isEmpty());
        QStringList files;
        for (const QString &name : {QStringLiteral("ann1"), QStringLiteral("ann2"), QStringLiteral("ann3")}) {
            const QString file = QDir(dir).filePath(name + QStringLiteral(".hyperpack"));
            const std::vector<qint64> ids = labelPack(file);
            files << file;
            // The same labels made in one shared project file.
            ProjectStore s(shared);
            for (qint64 id : ids)
                s.addHumanLabel(labelFor(name, id));
        }
        // A flag made in a pack arrives too.
        {
            ProjectStore pack(files[0]);
            AnnotationStore(pack).flag(packs::meta(pack)->instances.front(), QStringLiteral("ann1"), QStringLiteral("odd"));
        }
        QStringList args{QStringLiteral("pack"), QStringLiteral("merge"), QStringLiteral("--project"), viaPacks};
        args << files << QStringLiteral("--json");
        const QJsonObject m = cliJson(args);
        QCOMPARE(m.value(QStringLiteral("merged")).toInteger(), 120);
        QCOMPARE(m.value(QStringLiteral("already")).toInteger(), 0);
        QCOMPARE(m.value(QStringLiteral("packs")).toArray().size(), 3);
        auto agreement = [](const QString &p) {
            return cliJson({QStringLiteral("agreement"), QStringLiteral("--project"), p, QStringLiteral("--json")});
        };
        const QJsonObject a = agreement(viaPacks), b = agreement(shared);
        QVERIFY(!a.isEmpty() && !a.contains(QStringLiteral("failed")));
        QCOMPARE(a, b);
        // Everything arrived, with the pack as provenance.
        ProjectStore store(viaPacks);
        QCOMPARE(scalar(store, "SELECT count(*) FROM human_labels WHERE pack <> '' AND uuid IS NOT NULL"), 120);
        QCOMPARE(scalar(store, "SELECT count(*) FROM label_flags WHERE pack <> '' AND note = 'odd'"), 1);
        QCOMPARE(scalar(store, "SELECT count(*) FROM packs WHERE status = 'returned'"), 3);
        const qint64 some = packs::meta(*std::make_unique<ProjectStore>(files[1]))->instances.front();
        HumanLabel got;
        for (const HumanLabel &l : store.humanLabels(some))
            if (l.annotator == QLatin1String("ann2"))
                got = l;
        const HumanLabel want = labelFor(QStringLiteral("ann2"), some);
        QCOMPARE(got.overall, want.overall);
        QCOMPARE(got.aspects, want.aspects);
        QCOMPARE(got.reasons, want.reasons);
        QCOMPARE(got.rationale, want.rationale);
        QCOMPARE(got.confidence, want.confidence);
        QCOMPARE(got.timeSpentSeconds, want.timeSpentSeconds);
        QCOMPARE(got.shownOrder, want.shownOrder);
        QVERIFY(!got.pack.isEmpty());
        // Merged labels count in the queue's overlap: every routed instance is complete.
        AnnotationStore annotations(store);
        annotations.setOverlap(2);
        QCOMPARE(annotations.status(QStringLiteral("ann1")).complete, 60);
    }

    void mergeIsIdempotentAndFollowsUndoAndChanges()
    {
        const QString p = freshProject();
        const QString dir = exportPacks(p, QStringLiteral("solo"), 1, QStringLiteral("idem"));
        const QString file = QDir(dir).filePath(QStringLiteral("solo.hyperpack"));
        std::vector<qint64> ids;
        qint64 undone = 0;
        {
            ProjectStore pack(file);
            ids = packs::meta(pack)->instances;
            QCOMPARE(ids.size(), std::size_t(60));
            for (int i = 0; i < 3; ++i)
                pack.addHumanLabel(labelFor(QStringLiteral("solo"), ids[std::size_t(i)]));
            // Undone in the pack: never merged.
            undone = pack.addHumanLabel(labelFor(QStringLiteral("solo"), ids[3]));
            AnnotationStore(pack).takeHumanLabel(undone);
        }
        auto merge = [&] {
            return cliJson({QStringLiteral("pack"), QStringLiteral("merge"), QStringLiteral("--project"), p, file,
                            QStringLiteral("--json")});
        };
        QJsonObject m = merge();
        QCOMPARE(m.value(QStringLiteral("merged")).toInteger(), 3);
        m = merge();
        QCOMPARE(m.value(QStringLiteral("merged")).toInteger(), 0);
        QCOMPARE(m.value(QStringLiteral("already")).toInteger(), 3);
        // A later copy of the pack: one more label, one changed (undone and saved again).
        {
            ProjectStore pack(file);
            pack.addHumanLabel(labelFor(QStringLiteral("solo"), ids[4]));
            qint64 first = 0;
            for (const HumanLabel &l : pack.humanLabels(ids[0]))
                first = l.id;
            AnnotationStore(pack).takeHumanLabel(first);
            HumanLabel changed = labelFor(QStringLiteral("solo"), ids[0]);
            changed.overall = changed.overall == Preference::BClearly ? Preference::AClearly : Preference::BClearly;
            changed.rationale = QStringLiteral("changed my mind");
            pack.addHumanLabel(changed);
        }
        m = merge();
        QCOMPARE(m.value(QStringLiteral("merged")).toInteger(), 2);
        QCOMPARE(m.value(QStringLiteral("already")).toInteger(), 2);
        QCOMPARE(m.value(QStringLiteral("packs")).toArray().first().toObject().value(QStringLiteral("replaced")).toInteger(), 1);
        ProjectStore store(p);
        std::vector<HumanLabel> solo;
        for (const HumanLabel &l : store.humanLabels(ids[0]))
            if (l.annotator == QLatin1String("solo"))
                solo.push_back(l);
        QCOMPARE(solo.size(), std::size_t(1));
        QCOMPARE(solo.front().rationale, QStringLiteral("changed my mind"));
        QCOMPARE(scalar(store, "SELECT count(*) FROM human_labels WHERE pack <> ''"), 4);
        for (const HumanLabel &l : store.humanLabels(ids[3]))
            QVERIFY(l.annotator != QLatin1String("solo"));
    }

    void refusalsLeaveTheProjectUnchanged()
    {
        const QString p = freshProject();
        const QString dir = exportPacks(p, QStringLiteral("ann1,ann2"), 1, QStringLiteral("refuse"));
        const QString file = QDir(dir).filePath(QStringLiteral("ann1.hyperpack"));
        labelPack(file);
        auto state = [&] {
            ProjectStore s(p);
            sql::Stmt st(s.handle(), "SELECT (SELECT count(*) FROM human_labels) || '/' || (SELECT count(*) FROM label_flags)"
                                     " || '/' || (SELECT group_concat(status) FROM packs)");
            return st.step() ? st.text(0) : QString();
        };
        const QString before = state();

        // Another project's pack: refused, naming the pack's project.
        const QString other = m_dir.filePath(QStringLiteral("other.hyper"));
        QVERIFY(QFile::copy(m_template, other));
        {
            ProjectStore o(other); // a copy has the same UUID: give it its own, as a new project would have
            sql::exec(o.handle(), "UPDATE project_meta SET value = 'ffffffff-0000-4000-8000-000000000000' WHERE key = 'project_uuid'");
        }
        auto r = runCli({QStringLiteral("pack"), QStringLiteral("merge"), QStringLiteral("--project"), other, file});
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains("belongs to another project") && r.err.contains(QFileInfo(p).fileName().toUtf8()), r.err.constData());

        // A truncated pack.
        const QString cut = m_dir.filePath(QStringLiteral("cut.hyperpack"));
        {
            QFile in(file), out(cut);
            QVERIFY(in.open(QIODevice::ReadOnly) && out.open(QIODevice::WriteOnly));
            out.write(in.read(in.size() / 2));
        }
        r = runCli({QStringLiteral("pack"), QStringLiteral("merge"), QStringLiteral("--project"), p, cut});
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains(cut.toUtf8()), r.err.constData());
        QCOMPARE(state(), before);

        // A project is not a pack.
        r = runCli({QStringLiteral("pack"), QStringLiteral("merge"), QStringLiteral("--project"), p, other});
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains("not an annotator pack"), r.err.constData());

        // An annotator who exists in the project with another kind.
        {
            ProjectStore s(p);
            sql::exec(s.handle(), "UPDATE annotators SET kind = 'expert' WHERE name = 'ann1'");
        }
        const QString kindBefore = state();
        r = runCli({QStringLiteral("pack"), QStringLiteral("merge"), QStringLiteral("--project"), p, file});
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains("ann1") && r.err.contains("expert"), r.err.constData());
        QCOMPARE(state(), kindBefore);

        // A pack file in the way of a new export is refused before anything is written.
        const QString q = freshProject();
        const QString inWay = m_dir.filePath(QStringLiteral("inway"));
        QVERIFY(QDir().mkpath(inWay));
        {
            QFile f(QDir(inWay).filePath(QStringLiteral("ann9.hyperpack")));
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write("an annotator's work");
        }
        r = runCli({QStringLiteral("pack"), QStringLiteral("export"), QStringLiteral("--project"), q,
                    QStringLiteral("--annotators"), QStringLiteral("ann8,ann9"), QStringLiteral("--overlap"), QStringLiteral("1"),
                    QStringLiteral("--out-dir"), inWay});
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains("ann9.hyperpack exists"), r.err.constData());
        QVERIFY(!QFile::exists(QDir(inWay).filePath(QStringLiteral("ann8.hyperpack"))));
        ProjectStore untouched(q);
        QCOMPARE(scalar(untouched, "SELECT count(*) FROM packs"), 0);
    }

    void mergeWhileTheProjectIsOpen()
    {
        const QString p = freshProject();
        const QString dir = exportPacks(p, QStringLiteral("ann1"), 1, QStringLiteral("open"));
        const QString file = QDir(dir).filePath(QStringLiteral("ann1.hyperpack"));
        labelPack(file);
        ProjectStore workbench(p); // as the workbench holds it
        workbench.setInteractive();
        const qint64 version = workbench.dataVersion();
        const qint64 before = scalar(workbench, "SELECT count(*) FROM human_labels");
        const QJsonObject m = cliJson({QStringLiteral("pack"), QStringLiteral("merge"), QStringLiteral("--project"), p, file,
                                       QStringLiteral("--json")});
        QCOMPARE(m.value(QStringLiteral("merged")).toInteger(), 60);
        QVERIFY(workbench.dataVersion() != version); // what the window polls
        QCOMPARE(scalar(workbench, "SELECT count(*) FROM human_labels"), before + 60);
        QVERIFY(QFile::exists(p + QStringLiteral("-wal")));
    }

    void nextRoundsAndReissue()
    {
        const QString p = freshProject();
        const QString dir = exportPacks(p, QStringLiteral("ann1,ann2,ann3"), 1, QStringLiteral("round1"));
        // ann1 returns a fully labelled pack; ann2 and ann3 have not returned theirs.
        const QString ann1 = QDir(dir).filePath(QStringLiteral("ann1.hyperpack"));
        const std::vector<qint64> done = labelPack(ann1);
        QCOMPARE(cliJson({QStringLiteral("pack"), QStringLiteral("merge"), QStringLiteral("--project"), p, ann1,
                          QStringLiteral("--json")}).value(QStringLiteral("merged")).toInteger(), qint64(done.size()));
        // Exporting again: the labelled and the out instances stay out of it.
        {
            ProjectStore store(p);
            PackExportParams params;
            params.annotators = {QStringLiteral("ann4")};
            qint64 eligible = -1;
            const auto plan = packs::plan(store, params, &eligible);
            QCOMPARE(eligible, 0);
            QVERIFY(plan.front().instances.empty());
        }
        // Reissue ann3's pack to ann4.
        QString uuid3;
        std::vector<qint64> ids3;
        {
            ProjectStore pack(QDir(dir).filePath(QStringLiteral("ann3.hyperpack")));
            uuid3 = packs::meta(pack)->packUuid;
            ids3 = packs::meta(pack)->instances;
        }
        const QJsonObject re = cliJson({QStringLiteral("pack"), QStringLiteral("reissue"), QStringLiteral("--project"), p,
                                        QStringLiteral("--pack"), uuid3, QStringLiteral("--to"), QStringLiteral("ann4"),
                                        QStringLiteral("--out-dir"), m_dir.filePath(QStringLiteral("round2")),
                                        QStringLiteral("--json")});
        QCOMPARE(re.value(QStringLiteral("instances")).toInteger(), qint64(ids3.size()));
        {
            ProjectStore pack(re.value(QStringLiteral("file")).toString());
            QCOMPARE(packs::meta(pack)->instances, ids3);
            QCOMPARE(packs::meta(pack)->annotator, QStringLiteral("ann4"));
        }
        const QJsonObject list = cliJson({QStringLiteral("pack"), QStringLiteral("list"), QStringLiteral("--project"), p,
                                          QStringLiteral("--json")});
        std::map<QString, QString> status;
        for (const QJsonValue &v : list.value(QStringLiteral("packs")).toArray())
            status[v.toObject().value(QStringLiteral("annotator")).toString()] = v.toObject().value(QStringLiteral("status")).toString();
        QCOMPARE(status[QStringLiteral("ann1")], QStringLiteral("returned"));
        QCOMPARE(status[QStringLiteral("ann2")], QStringLiteral("out"));
        QCOMPARE(status[QStringLiteral("ann3")], QStringLiteral("reissued"));
        QCOMPARE(status[QStringLiteral("ann4")], QStringLiteral("out"));
        // A reissued pack's labels still merge when it comes back late.
        const std::vector<qint64> late = labelPack(QDir(dir).filePath(QStringLiteral("ann3.hyperpack")));
        QCOMPARE(cliJson({QStringLiteral("pack"), QStringLiteral("merge"), QStringLiteral("--project"), p,
                          QDir(dir).filePath(QStringLiteral("ann3.hyperpack")), QStringLiteral("--json")})
                     .value(QStringLiteral("merged")).toInteger(),
                 qint64(late.size()));
        // A pack opened as a project works with list and info too.
        const auto info = runCli({QStringLiteral("info"), QStringLiteral("--project"), ann1, QStringLiteral("--json")});
        QCOMPARE(info.code, 0);
        QCOMPARE(info.json().value(QStringLiteral("pack")).toObject().value(QStringLiteral("annotator")).toString(),
                 QStringLiteral("ann1"));
        QCOMPARE(runCli({QStringLiteral("list"), QStringLiteral("--project"), ann1, QStringLiteral("--json")}).code, 0);
    }
};

QTEST_GUILESS_MAIN(TestPacks)
#include "tst_packs.moc"
