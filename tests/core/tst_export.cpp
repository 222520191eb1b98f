// SPDX-License-Identifier: GPL-3.0-or-later
// Resolution and export (docs/EXPORT.md): the resolution rule on a hand-built project,
// the dpo/trl/csv rows, the card, the raw labels, atomic writes and the CLI contract.
#include "core/export/card.h"
#include "core/io/importer.h"
#include "core/export/exporter.h"
#include "core/export/jsontext.h"
#include "core/features/featurejob.h"
#include "core/io/rowsource.h"
#include "core/jobs/feedback.h"
#include "core/storage/annotationstore.h"
#include "core/storage/exportqueries.h"
#include "core/storage/featurestore.h"
#include "core/storage/ppmstore.h"
#include "core/storage/projectstore.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>
#include <map>
#include <unistd.h>

using namespace hyper;
using namespace hyper::exporting;

namespace {

// Texts with everything a JSON or CSV writer can get wrong.
const char *const kPrompt1
    = "Say \"hi\" \\ back,\tthen\x01 stop\nna\xC3\xAFve \xE6\x97\xA5\xE6\x9C\xAC \xF0\x9F\x99\x82";
const char *const kA1 = "Hi \"there\", friend";
const char *const kB1 = " Go away ";

struct H {
    const char *annotator, *kind;
    int vote;
};
struct L {
    const char *judge;
    std::optional<int> vote;
};

ImportRecord record(const char *ext, const char *prompt, const char *a, const char *b, std::vector<H> human,
    std::vector<L> lm, Split split = Split::Train)
{
    ImportRecord r;
    r.externalId = ext;
    r.split = split;
    r.prompt = prompt;
    r.responseA = a;
    r.responseB = b;
    r.modelA = "m-a";
    r.modelB = "m-b";
    r.source = "src1";
    for (const H &h : human) {
        ImportHumanLabel l;
        l.annotator = h.annotator;
        l.kind = h.kind;
        l.overall = h.vote;
        r.human.push_back(l);
    }
    for (const L &x : lm) {
        ImportLmLabel l;
        l.judge = x.judge;
        l.overall = x.vote;
        l.raw = x.vote ? "" : "unparseable";
        r.lm.push_back(l);
    }
    return r;
}

/** The hand-built project (see the table in resolutionDefault). Returns ext id -> id.
 *  With applyPlan, a plan routes i-maj, i-tie, i-expert, i-fallback, i-gold to humans
 *  and is applied; another plan holds i-judges only. */
std::map<QString, qint64> buildProject(
    ProjectStore &store, bool applyPlan, qint64 *planA = nullptr, qint64 *planB = nullptr)
{
    auto w = store.beginImport(QStringLiteral("hand"), QStringLiteral("test"));
    w->add(record("i-maj", kPrompt1, kA1, kB1,
        { { "ann1", "normal", -2 }, { "exp1", "expert", -1 }, { "ann2", "normal", 2 } },
        { { "judgeX", 2 } }));
    w->add(record("i-tie", "p2", "a2", "b2", { { "ann1", "normal", -1 }, { "ann2", "normal", 1 } },
        { { "judgeX", -2 } }));
    w->add(record("i-expert", "p3", "a3", "b3",
        { { "ann1", "normal", -2 }, { "ann2", "normal", -2 }, { "exp1", "expert", 2 } },
        { { "judgeX", -2 } }));
    w->add(record("i-fallback", "p4", "a4", "b4", {}, { { "judgeX", 2 }, { "judgeY", std::nullopt } }));
    w->add(record("i-judges", "p5", "a5", "b5", { { "ann1", "normal", -2 }, { "ann2", "normal", -2 } },
        { { "judgeX", -1 }, { "judgeY", 2 } }));
    w->add(record("i-gold", "p6", "a6", "b6", { { "gold", "gold", 2 } }, { { "judgeY", -2 } }));
    w->add(record("i-nolabel", "p7", "a7", "b7", {}, {}));
    w->add(record(
        "i-lm", "p8", "a8", "b8", { { "ann1", "normal", 2 } }, { { "judgeX", -2 }, { "judgeY", -2 } }));
    w->add(record("e-1", "pe", "ae", "be", { { "gold", "gold", 2 } }, { { "judgeX", 2 } }, Split::Eval));
    w->commit(0);
    std::map<QString, qint64> ids;
    for (const InstanceSummary &s : store.listInstances(InstanceFilter {}, 0, 100))
        ids[s.externalId] = s.id;
    // One more expert vote through the label API (the GUI's path): i-expert becomes
    // A 2 : B 2 unweighted (a tie), B by 4 : 2 with experts counting double.
    HumanLabel h;
    h.instanceId = ids[QStringLiteral("i-expert")];
    h.annotator = QStringLiteral("exp2");
    h.annotatorKind = QStringLiteral("expert");
    h.overall = Preference::BSlightly;
    store.addHumanLabel(h);
    if (applyPlan) {
        RoutePlanRecord plan;
        plan.strategy = QStringLiteral("test");
        std::vector<qint64> human;
        for (const char *e : { "i-maj", "i-tie", "i-expert", "i-fallback", "i-gold" })
            human.push_back(ids[QString::fromLatin1(e)]);
        const qint64 a = insertRoutePlan(store, plan, human);
        applyRoutePlan(store, a);
        const qint64 b = insertRoutePlan(store, plan, { ids[QStringLiteral("i-judges")] });
        if (planA)
            *planA = a;
        if (planB)
            *planB = b;
    }
    return ids;
}

/** ext id -> "H:A" / "L:B" / "drop:tie" / "drop:none" */
std::map<QString, QString> outcomes(ProjectStore &store, const ResolveParams &params)
{
    const ExportCatalog catalog = loadExportCatalog(store);
    const Resolver resolver(store, catalog, params);
    std::map<QString, QString> out;
    forEachExportInstance(store, Split::Train, catalog, [&](const ExportInstance &in) {
        const Resolution r = resolver.resolve(in);
        const QString ext = QString::fromUtf8(in.externalId.data(), qsizetype(in.externalId.size()));
        if (r.dropped != DropReason::None)
            out[ext]
                = r.dropped == DropReason::Tie ? QStringLiteral("drop:tie") : QStringLiteral("drop:none");
        else
            out[ext] = QString::fromLatin1(r.source == LabelSource::Human ? "H:" : "L:")
                + QLatin1String(r.label < 0 ? "A" : "B");
    });
    return out;
}

QList<QJsonObject> readJsonLines(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    QList<QJsonObject> out;
    for (const QByteArray &line : f.readAll().split('\n')) {
        if (line.isEmpty())
            continue;
        QJsonParseError err {};
        const QJsonDocument d = QJsonDocument::fromJson(line, &err);
        if (err.error != QJsonParseError::NoError || !d.isObject())
            qWarning("bad JSON line: %s (%s)", line.constData(), qPrintable(err.errorString()));
        out << d.object();
    }
    return out;
}

QJsonArray messages(const QString &prompt, const QString &response)
{
    return { QJsonObject {
                 { QStringLiteral("role"), QStringLiteral("user") }, { QStringLiteral("content"), prompt } },
        QJsonObject { { QStringLiteral("role"), QStringLiteral("assistant") },
            { QStringLiteral("content"), response } } };
}

struct Run {
    int code = -1;
    QByteArray out, err;
    QJsonObject json() const { return QJsonDocument::fromJson(out).object(); }
};

Run runCli(const QStringList &args, const QProcessEnvironment &env = QProcessEnvironment::systemEnvironment())
{
    QProcess p;
    p.setProcessEnvironment(env);
    p.start(QStringLiteral(HYPER_CLI_PATH), args);
    p.waitForFinished(60000);
    return { p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1, p.readAllStandardOutput(),
        p.readAllStandardError() };
}

QString u8(const char *s)
{
    return QString::fromUtf8(s);
}

} // namespace

class TestExport : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_project, m_unrouted;
    std::map<QString, qint64> m_ids;
    qint64 m_planA = 0, m_planB = 0;
    QString file(const QString &name) const { return m_dir.filePath(name); }

    ExportParams params(Format format, const QString &out) const
    {
        ExportParams p;
        p.format = format;
        p.outPath = out;
        return p;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_project = file(QStringLiteral("routed.hyper"));
        m_unrouted = file(QStringLiteral("unrouted.hyper"));
        ProjectStore routed(m_project, ProjectStore::Mode::CreateNew);
        m_ids = buildProject(routed, true, &m_planA, &m_planB);
        ProjectStore unrouted(m_unrouted, ProjectStore::Mode::CreateNew);
        buildProject(unrouted, false);
    }

    void jsonEscaping_data()
    {
        QTest::addColumn<QByteArray>("utf8");
        QTest::newRow("plain") << QByteArray("hello");
        QTest::newRow("quotes and backslashes") << QByteArray("a \"b\" \\c\\ \\\"");
        QTest::newRow("control chars") << QByteArray("\n\r\t\b\f\x01\x1f\x7f end");
        QTest::newRow("non-ascii") << QByteArray(
            "na\xC3\xAFve \xE6\x97\xA5\xE6\x9C\xAC \xF0\x9F\x99\x82 \xE2\x80\xA8");
        QTest::newRow("empty") << QByteArray();
        QTest::newRow("nul") << QByteArray("a\0b", 3);
    }
    void jsonEscaping()
    {
        QFETCH(QByteArray, utf8);
        std::string out = "[";
        exporting::appendJsonString(out, std::string_view(utf8.constData(), std::size_t(utf8.size())));
        out += "]";
        QJsonParseError err {};
        const QJsonDocument d = QJsonDocument::fromJson(QByteArray::fromStdString(out), &err);
        QCOMPARE(err.error, QJsonParseError::NoError);
        QCOMPARE(d.array().at(0).toString(), QString::fromUtf8(utf8));
        for (char c : out) // no raw control character survives
            QVERIFY(static_cast<unsigned char>(c) >= 0x20);
    }

    void invalidUtf8BecomesReplacement()
    {
        std::string out;
        exporting::appendJsonString(out,
            "a\xFF"
            "b\xC3"
            "\xED\xA0\x80"
            "c");
        const QJsonDocument d = QJsonDocument::fromJson(QByteArray::fromStdString("[" + out + "]"));
        QCOMPARE(d.array().at(0).toString(), QStringLiteral("a\uFFFDb\uFFFD\uFFFD\uFFFD\uFFFDc"));
    }

    void resolutionDefault()
    {
        ProjectStore store(m_project);
        const auto o = outcomes(store, {});
        // Routed to humans: folded majority 2:1; a 1:1 tie; a 2:2 tie (experts not
        // weighted); no human label -> the LM; only a gold label -> the LM. Routed to the
        // LM: judges split 1:1 -> tie; no label; both judges say A.
        const std::map<QString, QString> expected { { QStringLiteral("i-maj"), QStringLiteral("H:A") },
            { QStringLiteral("i-tie"), QStringLiteral("drop:tie") },
            { QStringLiteral("i-expert"), QStringLiteral("drop:tie") },
            { QStringLiteral("i-fallback"), QStringLiteral("L:B") },
            { QStringLiteral("i-judges"), QStringLiteral("drop:tie") },
            { QStringLiteral("i-gold"), QStringLiteral("L:A") },
            { QStringLiteral("i-nolabel"), QStringLiteral("drop:none") },
            { QStringLiteral("i-lm"), QStringLiteral("L:A") } };
        QCOMPARE(o, expected);
    }

    void resolutionOptions()
    {
        ProjectStore store(m_project);
        ResolveParams expert;
        expert.expertWeight = true;
        auto o = outcomes(store, expert);
        QCOMPARE(o[QStringLiteral("i-expert")], QStringLiteral("H:B")); // 2 : 4 with experts double
        QCOMPARE(o[QStringLiteral("i-maj")], QStringLiteral("H:A")); // 3 : 1, unchanged

        ResolveParams judgeX;
        judgeX.judge = QStringLiteral("judgeX");
        o = outcomes(store, judgeX);
        QCOMPARE(o[QStringLiteral("i-judges")], QStringLiteral("L:A"));
        QCOMPARE(o[QStringLiteral("i-gold")], QStringLiteral("drop:none")); // judgeX never saw it
        ResolveParams judgeY;
        judgeY.judge = QStringLiteral("judgeY");
        QCOMPARE(outcomes(store, judgeY)[QStringLiteral("i-judges")], QStringLiteral("L:B"));

        ResolveParams plan; // the plan, not the route column, decides
        plan.planId = m_planB;
        o = outcomes(store, plan);
        QCOMPARE(o[QStringLiteral("i-judges")], QStringLiteral("H:A"));
        QCOMPARE(o[QStringLiteral("i-maj")], QStringLiteral("L:B"));
        QCOMPARE(o[QStringLiteral("i-tie")], QStringLiteral("L:A"));

        ResolveParams unknown;
        unknown.planId = 9999;
        QVERIFY_THROWS_EXCEPTION(ExportRequestError, outcomes(store, unknown));
        unknown = {};
        unknown.judge = QStringLiteral("nobody");
        QVERIFY_THROWS_EXCEPTION(ExportRequestError, outcomes(store, unknown));
    }

    void resolutionUnrouted()
    {
        ProjectStore store(m_unrouted);
        auto o = outcomes(store, {}); // no route at all: every instance takes the LM label
        QCOMPARE(o[QStringLiteral("i-maj")], QStringLiteral("L:B"));
        QCOMPARE(o[QStringLiteral("i-judges")], QStringLiteral("drop:tie"));
        ResolveParams prefer;
        prefer.preferHuman = true;
        o = outcomes(store, prefer);
        QCOMPARE(o[QStringLiteral("i-maj")], QStringLiteral("H:A"));
        QCOMPARE(o[QStringLiteral("i-judges")], QStringLiteral("H:A"));
        QCOMPARE(o[QStringLiteral("i-lm")], QStringLiteral("H:B"));
        QCOMPARE(o[QStringLiteral("i-fallback")], QStringLiteral("L:B"));
        QCOMPARE(o[QStringLiteral("i-gold")], QStringLiteral("L:A")); // gold is no crowd label
    }

    void resolutionAdjudicated()
    {
        const QString path = file(QStringLiteral("adjudicated.hyper"));
        ProjectStore store(path, ProjectStore::Mode::CreateNew);
        const auto ids = buildProject(store, true);
        AnnotationStore annotation(store);
        const auto id = [&](const char *ext) { return ids.at(QString::fromLatin1(ext)); };
        annotation.adjudicate(id("i-maj"), Preference::BSlightly, QStringLiteral("lead"), {}); // crowd says A
        annotation.adjudicate(id("i-tie"), Preference::AClearly, QStringLiteral("lead"), {}); // crowd tied
        annotation.adjudicate(id("i-fallback"), Preference::AClearly, QStringLiteral("lead"), {}); // no crowd label
        annotation.adjudicate(id("i-expert"), Preference::Tie, QStringLiteral("lead"), {}); // a tie is dropped
        annotation.adjudicate(id("i-lm"), Preference::BClearly, QStringLiteral("lead"), {}); // routed to the LM
        const auto o = outcomes(store, {});
        QCOMPARE(o.at(QStringLiteral("i-maj")), QStringLiteral("H:B"));
        QCOMPARE(o.at(QStringLiteral("i-tie")), QStringLiteral("H:A"));
        QCOMPARE(o.at(QStringLiteral("i-fallback")), QStringLiteral("H:A"));
        QCOMPARE(o.at(QStringLiteral("i-expert")), QStringLiteral("drop:tie"));
        QCOMPARE(o.at(QStringLiteral("i-lm")), QStringLiteral("L:A")); // not routed to humans: ignored

        const QString out = file(QStringLiteral("adjudicated.jsonl"));
        Feedback fb;
        const ExportResult r = runExport(store, params(Format::Dpo, out), fb);
        QCOMPARE(r.adjudicated, qint64(3));
        int seen = 0;
        for (const QJsonObject &row : readJsonLines(out)) {
            const bool adj = row.value(QStringLiteral("label_source")).toString() == QLatin1String("adjudicated");
            if (!adj)
                continue;
            ++seen;
            QCOMPARE(row.value(QStringLiteral("adjudicated_by")).toString(), QStringLiteral("lead"));
            if (row.value(QStringLiteral("instance")).toInteger() == id("i-maj")) {
                const QJsonArray chosen = row.value(QStringLiteral("chosen")).toArray();
                QCOMPARE(chosen.last().toObject().value(QStringLiteral("content")).toString(), QString::fromUtf8(kB1));
                // the crowd's votes stay as provenance
                QCOMPARE(row.value(QStringLiteral("votes")).toObject().value(QStringLiteral("a")).toInt(), 2);
            }
        }
        QCOMPARE(seen, 3);
    }

    void dpoRowsAreTheExpectedObjects()
    {
        ProjectStore store(m_project);
        const QString out = file(QStringLiteral("mix.jsonl"));
        Feedback fb;
        const ExportResult r = runExport(store, params(Format::Dpo, out), fb);
        QCOMPARE(r.instances, qint64(8));
        QCOMPARE(r.exported, qint64(4));
        QCOMPARE(r.human, qint64(1));
        QCOMPARE(r.lm, qint64(3));
        QCOMPARE(r.dropped, qint64(4));
        QCOMPARE(r.droppedTie, qint64(3));
        QCOMPARE(r.droppedNoLabel, qint64(1));
        QCOMPARE(r.routedHuman, qint64(5));
        QCOMPARE(r.humanFallback, qint64(2));
        const QList<QJsonObject> rows = readJsonLines(out);
        QCOMPARE(rows.size(), 4);

        const QString p1 = u8(kPrompt1);
        const QJsonObject human { { QStringLiteral("id"), QStringLiteral("i-maj") },
            { QStringLiteral("source"), QStringLiteral("src1") }, { QStringLiteral("prompt"), p1 },
            { QStringLiteral("chosen"), messages(p1, u8(kA1)) },
            { QStringLiteral("rejected"), messages(p1, u8(kB1)) },
            { QStringLiteral("chosen_model"), QStringLiteral("m-a") },
            { QStringLiteral("rejected_model"), QStringLiteral("m-b") },
            { QStringLiteral("is_swapped"), true },
            { QStringLiteral("instance"), m_ids[QStringLiteral("i-maj")] },
            { QStringLiteral("label_source"), QStringLiteral("human") },
            { QStringLiteral("annotators"),
                QJsonArray { QStringLiteral("ann1"), QStringLiteral("exp1"), QStringLiteral("ann2") } },
            { QStringLiteral("adjudicated_by"), QJsonValue::Null }, { QStringLiteral("judge"), QJsonValue::Null },
            { QStringLiteral("judges"), QJsonValue::Null },
            { QStringLiteral("votes"),
                QJsonObject { { QStringLiteral("a"), 2 }, { QStringLiteral("tie"), 0 },
                    { QStringLiteral("b"), 1 } } } };
        QCOMPARE(rows[0], human);

        // Routed to humans without a human label: the LM label, B better, so chosen is B.
        const QJsonObject fallback { { QStringLiteral("id"), QStringLiteral("i-fallback") },
            { QStringLiteral("source"), QStringLiteral("src1") },
            { QStringLiteral("prompt"), QStringLiteral("p4") },
            { QStringLiteral("chosen"), messages(QStringLiteral("p4"), QStringLiteral("b4")) },
            { QStringLiteral("rejected"), messages(QStringLiteral("p4"), QStringLiteral("a4")) },
            { QStringLiteral("chosen_model"), QStringLiteral("m-b") },
            { QStringLiteral("rejected_model"), QStringLiteral("m-a") },
            { QStringLiteral("is_swapped"), false },
            { QStringLiteral("instance"), m_ids[QStringLiteral("i-fallback")] },
            { QStringLiteral("label_source"), QStringLiteral("lm") },
            { QStringLiteral("annotators"), QJsonValue::Null }, { QStringLiteral("adjudicated_by"), QJsonValue::Null },
            { QStringLiteral("judge"), QStringLiteral("judgeX") },
            { QStringLiteral("judges"), QJsonArray { QStringLiteral("judgeX") } },
            { QStringLiteral("votes"),
                QJsonObject { { QStringLiteral("a"), 0 }, { QStringLiteral("tie"), 0 },
                    { QStringLiteral("b"), 1 } } } };
        QCOMPARE(rows[1], fallback);
        QCOMPARE(rows[3].value(QStringLiteral("judge")).toString(), QStringLiteral("majority"));
        QCOMPARE(rows[3].value(QStringLiteral("judges")).toArray().size(), 2);

        // The reference's key order comes first.
        QFile f(out);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QVERIFY(f.readLine().startsWith("{\"id\":\"i-maj\",\"source\":\"src1\",\"prompt\":"));
    }

    void trlRoundTrip()
    {
        ProjectStore store(m_project);
        Feedback fb;
        ExportParams p = params(Format::Trl, file(QStringLiteral("trl.jsonl")));
        p.resolve.expertWeight = true;
        runExport(store, p, fb);
        QList<QJsonObject> rows = readJsonLines(p.outPath);
        QCOMPARE(rows.size(), 5);
        QCOMPARE(rows[0],
            (QJsonObject { { QStringLiteral("prompt"), u8(kPrompt1) }, { QStringLiteral("chosen"), u8(kA1) },
                { QStringLiteral("rejected"), u8(kB1) } }));
        QCOMPARE(
            rows[1].value(QStringLiteral("chosen")).toString(), QStringLiteral("b3")); // experts decided B

        p.conversational = true;
        runExport(store, p, fb);
        rows = readJsonLines(p.outPath);
        QCOMPARE(rows.size(), 5);
        const QJsonObject first = rows[0];
        QCOMPARE(first.keys().size(), 3);
        const QJsonArray prompt = first.value(QStringLiteral("prompt")).toArray();
        QCOMPARE(prompt.size(), 1);
        QCOMPARE(prompt[0].toObject().value(QStringLiteral("role")).toString(), QStringLiteral("user"));
        QCOMPARE(prompt[0].toObject().value(QStringLiteral("content")).toString(), u8(kPrompt1));
        const QJsonArray chosen = first.value(QStringLiteral("chosen")).toArray();
        QCOMPARE(chosen.size(), 1);
        QCOMPARE(chosen[0].toObject().value(QStringLiteral("role")).toString(), QStringLiteral("assistant"));
        QCOMPARE(chosen[0].toObject().value(QStringLiteral("content")).toString(), u8(kA1));
        QCOMPARE(first.value(QStringLiteral("rejected"))
                     .toArray()[0]
                     .toObject()
                     .value(QStringLiteral("content"))
                     .toString(),
            u8(kB1));
    }

    void csvRoundTripThroughTheProjectsReader()
    {
        ProjectStore store(m_project);
        Feedback fb;
        ExportParams p = params(Format::Csv, file(QStringLiteral("mix.csv")));
        runExport(store, p, fb);
        auto source = RowSource::open(p.outPath, QStringLiteral("mix.csv"));
        QCOMPARE(source->kind(), RowSource::Kind::Csv);
        std::vector<std::map<std::string, std::string>> rows;
        SourceRow row;
        while (source->next(row)) {
            QVERIFY2(!row.bad, row.error.c_str());
            std::map<std::string, std::string> m;
            for (const JsonValue &v : row.value.items)
                m[v.key] = v.text;
            rows.push_back(m);
        }
        const std::vector<std::string> header { "id", "source", "prompt", "chosen", "rejected",
            "chosen_model", "rejected_model", "label_source", "provenance", "instance" };
        QCOMPARE(source->header(), header);
        QCOMPARE(rows.size(), std::size_t(4));
        QCOMPARE(rows[0]["id"], std::string("i-maj"));
        QCOMPARE(rows[0]["prompt"], std::string(kPrompt1));
        QCOMPARE(rows[0]["chosen"], std::string(kA1));
        QCOMPARE(rows[0]["rejected"], std::string(kB1));
        QCOMPARE(rows[0]["label_source"], std::string("human"));
        QCOMPARE(rows[1]["chosen_model"], std::string("m-b"));
        QCOMPARE(rows[1]["label_source"], std::string("lm"));
        const QJsonObject prov
            = QJsonDocument::fromJson(QByteArray::fromStdString(rows[0]["provenance"])).object();
        QCOMPARE(prov.value(QStringLiteral("annotators")).toArray().size(), 3);
        QCOMPARE(prov.value(QStringLiteral("votes")).toObject().value(QStringLiteral("a")).toInt(), 2);
        QCOMPARE(QString::fromStdString(rows[2]["instance"]).toLongLong(), m_ids[QStringLiteral("i-gold")]);
    }

    void cardAndRawLabels()
    {
        ProjectStore store(m_project);
        Feedback fb;
        ExportParams p = params(Format::Dpo, file(QStringLiteral("carded.jsonl")));
        p.cardPath = file(QStringLiteral("carded.md"));
        p.rawPath = file(QStringLiteral("raw.jsonl"));
        p.command = QStringLiteral("hyper export --project x --format dpo");
        const ExportResult r = runExport(store, p, fb);
        QFile card(p.cardPath);
        QVERIFY(card.open(QIODevice::ReadOnly));
        const QString md = QString::fromUtf8(card.readAll());
        QVERIFY(md.contains(QStringLiteral("| exported pairs | 4 | 100.0% |")));
        QVERIFY(md.contains(QStringLiteral("| human labels | 1 | 25.0% |")));
        QVERIFY(md.contains(QStringLiteral("| LM labels | 3 | 75.0% |")));
        QVERIFY(md.contains(QStringLiteral("dropped: 4 (3 ties")));
        QVERIFY(md.contains(QStringLiteral("| judgeX | 1 |")));
        QVERIFY(md.contains(QStringLiteral("| judgeY | 1 |")));
        QVERIFY(md.contains(QStringLiteral("| majority | 1 |")));
        QVERIFY(md.contains(p.command));
        QVERIFY(md.contains(QStringLiteral("hyper agreement")));
        QVERIFY(md.contains(QStringLiteral("hyper features"))); // no feature table yet
        // A Hugging Face dataset card: YAML front matter first.
        QVERIFY2(md.startsWith(QStringLiteral("---\nlicense: unknown\n")), qPrintable(md.left(300)));
        const QString yaml = md.section(QStringLiteral("\n---\n"), 0, 0);
        QVERIFY(yaml.contains(QStringLiteral("size_categories:\n- n<1K\n")));
        QVERIFY(yaml.contains(QStringLiteral("annotations_creators:\n- crowdsourced\n- machine-generated\n")));
        QVERIFY(yaml.contains(QStringLiteral("language:\n- en\n")));
        QVERIFY(yaml.contains(QStringLiteral("source_datasets:\n- \"src1\"")));
        QVERIFY(yaml.contains(QStringLiteral("path: \"carded.jsonl\"")));

        // Every label row of both splits, human then LM.
        QCOMPARE(r.rawLabels, qint64(14 + 11));
        const QList<QJsonObject> raw = readJsonLines(p.rawPath);
        QCOMPARE(raw.size(), 25);
        int human = 0, unusable = 0;
        for (const QJsonObject &o : raw) {
            human += o.value(QStringLiteral("type")).toString() == QLatin1String("human") ? 1 : 0;
            unusable += o.value(QStringLiteral("type")).toString() == QLatin1String("lm")
                    && o.value(QStringLiteral("overall")).isNull()
                ? 1
                : 0;
        }
        QCOMPARE(human, 14);
        QCOMPARE(unusable, 1);
        QCOMPARE(raw[0].value(QStringLiteral("overall")).toString(), QStringLiteral("A-is-clearly-better"));
        QCOMPARE(raw[0].value(QStringLiteral("annotator")).toString(), QStringLiteral("ann1"));
    }

    void cardSplitsUnlabelledFromUnrouted()
    {
        // Two unrouted instances: one with a human label only, one with no label at all.
        const QString data = file(QStringLiteral("unrouted-card.jsonl"));
        {
            QFile f(data);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(R"({"prompt": "p1", "response_a": "a", "response_b": "b", "pref": 1})" "\n"
                    R"({"prompt": "p2", "response_a": "a", "response_b": "b", "pref": null})" "\n");
        }
        ProjectStore store(file(QStringLiteral("unrouted-card.hyper")), ProjectStore::Mode::CreateNew);
        Feedback fb;
        ImportParams ip;
        ip.file = data;
        ip.map.insert(QStringLiteral("human"), QStringLiteral("pref"));
        runImport(store, ip, fb);
        ExportParams p = params(Format::Dpo, file(QStringLiteral("unrouted-out.jsonl")));
        p.cardPath = file(QStringLiteral("unrouted.md"));
        ExportResult r = runExport(store, p, fb);
        QCOMPARE(r.exported, qint64(0));
        QCOMPARE(r.droppedNoLabel, qint64(2));
        QCOMPARE(r.droppedUnroutedHuman, qint64(1));
        QFile card(p.cardPath);
        QVERIFY(card.open(QIODevice::ReadOnly));
        const QString md = QString::fromUtf8(card.readAll());
        QVERIFY2(md.contains(QStringLiteral("1 with no label at all, 1 with human labels but not routed to humans")), qPrintable(md));
        QVERIFY(md.contains(QStringLiteral("--prefer-human")));
        p.resolve.preferHuman = true;
        r = runExport(store, p, fb);
        QCOMPARE(r.exported, qint64(1));
        QCOMPARE(r.droppedUnroutedHuman, qint64(0));
    }

    void cardTagTable()
    {
        CardInputs in;
        in.params.outPath = QStringLiteral("x.jsonl");
        in.result.exported = 4;
        in.result.human = 1;
        in.featureTable = true;
        in.features = { { QStringLiteral("safety_concern=moderate"), QStringLiteral("metadata"), 2, 1 } };
        in.params.cardLicense = QStringLiteral("cc-by-4.0");
        in.params.cardLanguages = {QStringLiteral("de"), QStringLiteral("fr")};
        in.result.exported = 12345;
        in.result.lm = 0;
        const QString md = renderCard(in);
        QVERIFY(md.contains(QStringLiteral("| safety_concern=moderate | 2 | ")));
        QVERIFY(md.startsWith(QStringLiteral("---\nlicense: cc-by-4.0\n")));
        QVERIFY(md.contains(QStringLiteral("language:\n- de\n- fr\n")));
        QVERIFY(md.contains(QStringLiteral("size_categories:\n- 10K<n<100K\n")));
        QVERIFY(md.contains(QStringLiteral("annotations_creators:\n- crowdsourced\nsource_datasets:\n- original\n")));
    }

    void cardTagSharesFromTheFeatureTable()
    {
        ProjectStore store(m_unrouted);
        Feedback fb;
        computeFeatures(store, FeatureParams {}, fb);
        ExportParams p = params(Format::Dpo, file(QStringLiteral("tagged.jsonl")));
        p.cardPath = file(QStringLiteral("tagged.md"));
        p.resolve.preferHuman = true;
        const ExportResult r = runExport(store, p, fb);
        QCOMPARE(r.exported, qint64(5));
        std::map<qint64, bool> exported; // instance -> human
        for (const QJsonObject &o : readJsonLines(p.outPath))
            exported[o.value(QStringLiteral("instance")).toInteger()]
                = o.value(QStringLiteral("is_swapped")).toBool();
        FeatureStore features(store);
        const QStringList names = features.featureNames();
        QVERIFY(!names.isEmpty());
        std::vector<qint64> rows(std::size_t(names.size()), 0), human(std::size_t(names.size()), 0);
        for (const auto &[id, list] : features.matrix()) {
            const auto it = exported.find(id);
            if (it == exported.end())
                continue;
            for (int f : list) {
                ++rows[std::size_t(f)];
                human[std::size_t(f)] += it->second ? 1 : 0;
            }
        }
        QFile card(p.cardPath);
        QVERIFY(card.open(QIODevice::ReadOnly));
        const QString md = QString::fromUtf8(card.readAll());
        QVERIFY(!md.contains(QStringLiteral("no feature table")));
        for (qsizetype f = 0; f < names.size(); ++f) {
            QString name = names[f];
            name.replace(QLatin1Char('|'), QLatin1String("\\|"));
            const QString expected = QStringLiteral("| %1 | %2 | ").arg(name).arg(rows[std::size_t(f)]);
            QVERIFY2(md.contains(expected), qPrintable(expected));
            if (rows[std::size_t(f)] > 0) {
                const QString share = QString::number(
                    100.0 * double(human[std::size_t(f)]) / double(rows[std::size_t(f)]), 'f', 1);
                QVERIFY2(
                    md.contains(expected + QString::number(100.0 * double(rows[std::size_t(f)]) / 5.0, 'f', 1)
                        + QStringLiteral("% | ") + share + QStringLiteral("% |")),
                    qPrintable(expected));
            }
        }
    }

    void failureLeavesNoFile()
    {
        ProjectStore store(m_project);
        Feedback fb;
        // A folder that does not exist.
        ExportParams p = params(Format::Dpo, file(QStringLiteral("missing/out.jsonl")));
        QVERIFY_THROWS_EXCEPTION(ExportIoError, runExport(store, p, fb));
        QVERIFY(!QFile::exists(p.outPath));

        // An error in the middle: an existing file keeps its old content, no card appears.
        p = params(Format::Dpo, file(QStringLiteral("kept.jsonl")));
        p.cardPath = file(QStringLiteral("kept.md"));
        {
            QFile old(p.outPath);
            QVERIFY(old.open(QIODevice::WriteOnly));
            old.write("old\n");
        }
        p.afterRow = [](qint64 rows) {
            if (rows == 2)
                throw std::runtime_error("injected");
        };
        QVERIFY_THROWS_EXCEPTION(std::runtime_error, runExport(store, p, fb));
        QFile kept(p.outPath);
        QVERIFY(kept.open(QIODevice::ReadOnly));
        QCOMPARE(kept.readAll(), QByteArray("old\n"));
        QVERIFY(!QFile::exists(p.cardPath));

        // The folder disappears during the export.
        const QString vanishing = file(QStringLiteral("vanishing"));
        QVERIFY(QDir().mkpath(vanishing));
        p = params(Format::Csv, vanishing + QStringLiteral("/out.csv"));
        p.cardPath = file(QStringLiteral("vanishing.md"));
        p.afterRow = [vanishing](qint64 rows) {
            if (rows == 1)
                QDir(vanishing).removeRecursively();
        };
        QVERIFY_THROWS_EXCEPTION(ExportIoError, runExport(store, p, fb));
        QVERIFY(!QFile::exists(p.outPath));
        QVERIFY(!QFile::exists(p.cardPath));

        // Canceled: nothing either.
        p = params(Format::Dpo, file(QStringLiteral("canceled.jsonl")));
        Feedback canceled;
        canceled.cancel();
        QVERIFY_THROWS_EXCEPTION(Canceled, runExport(store, p, canceled));
        QVERIFY(!QFile::exists(p.outPath));

        // Outputs that would overwrite the project or each other are refused.
        p = params(Format::Dpo, m_project);
        QVERIFY_THROWS_EXCEPTION(ExportRequestError, runExport(store, p, fb));
        p = params(Format::Dpo, file(QStringLiteral("same.jsonl")));
        p.cardPath = p.outPath;
        QVERIFY_THROWS_EXCEPTION(ExportRequestError, runExport(store, p, fb));
        QVERIFY(!QFile::exists(p.outPath));
        QVERIFY(QDir(m_dir.path())
                    .entryList({ QStringLiteral("*.tmp"), QStringLiteral("*~") }, QDir::Files)
                    .isEmpty());
    }

    void readOnlyFolder()
    {
        if (geteuid() == 0)
            QSKIP("root writes into read-only folders");
        const QString ro = file(QStringLiteral("ro"));
        QVERIFY(QDir().mkpath(ro));
        QVERIFY(QFile::setPermissions(ro, QFileDevice::ReadOwner | QFileDevice::ExeOwner));
        ProjectStore store(m_project);
        Feedback fb;
        ExportParams p = params(Format::Dpo, ro + QStringLiteral("/out.jsonl"));
        QVERIFY_THROWS_EXCEPTION(ExportIoError, runExport(store, p, fb));
        QVERIFY(!QFile::exists(p.outPath));
        QFile::setPermissions(ro, QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
    }

    void cliContract()
    {
        const QString out = file(QStringLiteral("cli.jsonl"));
        Run r = runCli(
            { QStringLiteral("export"), QStringLiteral("--project"), m_project, QStringLiteral("--format"),
                QStringLiteral("dpo"), QStringLiteral("--out"), out, QStringLiteral("--json") });
        QVERIFY2(r.code == 0, r.err.constData());
        const QJsonObject j = r.json();
        for (const char *key : { "exported", "human", "lm", "dropped", "out", "seconds" })
            QVERIFY2(j.contains(QLatin1String(key)), key);
        QCOMPARE(j.value(QStringLiteral("exported")).toInt(), 4);
        QCOMPARE(j.value(QStringLiteral("human")).toInt(), 1);
        QCOMPARE(j.value(QStringLiteral("lm")).toInt(), 3);
        QCOMPARE(j.value(QStringLiteral("dropped")).toInt(), 4);
        QCOMPARE(j.value(QStringLiteral("out")).toString(), out);
        QVERIFY(QFile::exists(out + QStringLiteral(".md"))); // the default card
        QCOMPARE(readJsonLines(out).size(), 4);

        r = runCli(
            { QStringLiteral("export"), QStringLiteral("--project"), m_project, QStringLiteral("--format"),
                QStringLiteral("trl"), QStringLiteral("--out"), out, QStringLiteral("--plan"),
                QString::number(m_planB), QStringLiteral("--judge"), QStringLiteral("judgeX"),
                QStringLiteral("--conversational"), QStringLiteral("--no-card"), QStringLiteral("--json") });
        QVERIFY2(r.code == 0, r.err.constData());
        QCOMPARE(r.json().value(QStringLiteral("human")).toInt(), 1);

        const QString bad = file(QStringLiteral("bad.jsonl"));
        const QStringList base { QStringLiteral("export"), QStringLiteral("--project"), m_project };
        auto code = [&](const QStringList &extra) { return runCli(base + extra).code; };
        const QString fmt = QStringLiteral("--format"), o = QStringLiteral("--out");
        QCOMPARE(code({ fmt, QStringLiteral("parquet"), o, bad }), 2);
        QCOMPARE(code({ fmt, QStringLiteral("dpo") }), 2);
        QCOMPARE(code({ o, bad }), 2);
        QCOMPARE(
            code({ fmt, QStringLiteral("dpo"), o, bad, QStringLiteral("--plan"), QStringLiteral("9999") }),
            2);
        QCOMPARE(
            code({ fmt, QStringLiteral("dpo"), o, bad, QStringLiteral("--plan"), QStringLiteral("x") }), 2);
        QCOMPARE(
            code({ fmt, QStringLiteral("dpo"), o, bad, QStringLiteral("--judge"), QStringLiteral("nobody") }),
            2);
        QCOMPARE(code({ fmt, QStringLiteral("dpo"), o, bad, QStringLiteral("--conversational") }), 2);
        QCOMPARE(code({ fmt, QStringLiteral("dpo"), o, file(QStringLiteral("nowhere/x.jsonl")) }), 1);
        QCOMPARE(runCli({ QStringLiteral("export"), QStringLiteral("--project"),
                            file(QStringLiteral("none.hyper")), fmt, QStringLiteral("dpo"), o, bad })
                     .code,
            2);

        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("HYPER_TEST_EXPORT_FAIL_AFTER"), QStringLiteral("2"));
        r = runCli(base
                + QStringList { fmt, QStringLiteral("csv"), o, bad, QStringLiteral("--raw"),
                    file(QStringLiteral("bad-raw.jsonl")) },
            env);
        QCOMPARE(r.code, 1);
        QVERIFY(!QFile::exists(bad));
        QVERIFY(!QFile::exists(bad + QStringLiteral(".md")));
        QVERIFY(!QFile::exists(file(QStringLiteral("bad-raw.jsonl"))));
    }
};

QTEST_GUILESS_MAIN(TestExport)
#include "tst_export.moc"
