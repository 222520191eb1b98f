// SPDX-License-Identifier: GPL-3.0-or-later
// hyper queue / flag / review / adjudicate through the command line, and the adjudicated
// label reaching `hyper export`.
#include "clitesthelpers.h"

#include "core/storage/projectstore.h"
#include "core/storage/sqlite.h"

#include <QFile>
#include <QJsonArray>
#include <QTemporaryDir>
#include <QtTest>

using namespace hyper;
using hyper::testing::runCli;

class TestCliAnnotate : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_project;

    static qint64 scalar(const QString &project, const char *query)
    {
        ProjectStore store(project);
        sql::Stmt s(store.handle(), query);
        return s.step() ? s.i64(0) : -1;
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_project = m_dir.filePath(QStringLiteral("a.hyper"));
        const auto r = runCli({QStringLiteral("sample"), QStringLiteral("--project"), m_project, QStringLiteral("--size"),
                               QStringLiteral("60"), QStringLiteral("--eval-size"), QStringLiteral("20")});
        QCOMPARE(r.code, 0);
        ProjectStore store(m_project);
        sql::exec(store.handle(), "UPDATE instances SET route = CASE WHEN id % 2 = 0 THEN 'human' ELSE 'lm' END"
                                  " WHERE split = 'train'");
    }

    void queueFollowsLabelsAndOverlap()
    {
        auto q = runCli({QStringLiteral("queue"), QStringLiteral("--project"), m_project, QStringLiteral("--annotator"),
                         QStringLiteral("ann"), QStringLiteral("--overlap"), QStringLiteral("2"), QStringLiteral("--limit"),
                         QStringLiteral("5"), QStringLiteral("--json")});
        QCOMPARE(q.code, 0);
        QJsonObject o = q.json();
        QCOMPARE(o.value(QStringLiteral("routed")).toInt(), 30);
        QCOMPARE(o.value(QStringLiteral("remaining")).toInt(), 30); // the sample's own labels do not count
        QCOMPARE(o.value(QStringLiteral("overlap")).toInt(), 2);
        const QJsonArray items = o.value(QStringLiteral("queue")).toArray();
        QCOMPARE(items.size(), 5);
        const qint64 first = items[0].toObject().value(QStringLiteral("id")).toInteger();
        QVERIFY(first % 2 == 0);
        const QString shown = items[0].toObject().value(QStringLiteral("shown_order")).toString();
        QVERIFY(shown == QLatin1String("AB") || shown == QLatin1String("BA"));

        const auto l = runCli({QStringLiteral("label"), QStringLiteral("--project"), m_project, QStringLiteral("--instance"),
                               QString::number(first), QStringLiteral("--annotator"), QStringLiteral("ann"),
                               QStringLiteral("--overall"), QStringLiteral("Tie"), QStringLiteral("--shown-order"), shown});
        QCOMPARE(l.code, 0);
        q = runCli({QStringLiteral("queue"), QStringLiteral("--project"), m_project, QStringLiteral("--annotator"),
                    QStringLiteral("ann"), QStringLiteral("--json")});
        o = q.json();
        QCOMPARE(o.value(QStringLiteral("remaining")).toInt(), 29);
        QCOMPARE(o.value(QStringLiteral("mine")).toInt(), 1);
        for (const QJsonValue &v : o.value(QStringLiteral("queue")).toArray())
            QVERIFY(v.toObject().value(QStringLiteral("id")).toInteger() != first);
    }

    void flagReviewAdjudicateExport()
    {
        const qint64 flagsBefore = scalar(m_project, "SELECT count(*) FROM label_flags");
        auto r = runCli({QStringLiteral("flag"), QStringLiteral("--project"), m_project, QStringLiteral("--instance"),
                         QStringLiteral("2"), QStringLiteral("--annotator"), QStringLiteral("ann"), QStringLiteral("--note"),
                         QStringLiteral("truncated response"), QStringLiteral("--json")});
        QCOMPARE(r.code, 0);
        QCOMPARE(scalar(m_project, "SELECT count(*) FROM label_flags"), flagsBefore + 1);

        r = runCli({QStringLiteral("review"), QStringLiteral("--project"), m_project, QStringLiteral("--limit"),
                    QStringLiteral("1000"), QStringLiteral("--json")});
        QCOMPARE(r.code, 0);
        bool found = false;
        for (const QJsonValue &v : r.json().value(QStringLiteral("items")).toArray())
            if (v.toObject().value(QStringLiteral("id")).toInteger() == 2)
                found = v.toObject().value(QStringLiteral("flags")).toInt() == 1;
        QVERIFY(found);

        // Bad input: exit 2, nothing written.
        r = runCli({QStringLiteral("adjudicate"), QStringLiteral("--project"), m_project, QStringLiteral("--instance"),
                    QStringLiteral("2"), QStringLiteral("--overall"), QStringLiteral("A-wins"), QStringLiteral("--lead"),
                    QStringLiteral("lee")});
        QCOMPARE(r.code, 2);
        QVERIFY(r.err.contains("not a preference"));
        r = runCli({QStringLiteral("adjudicate"), QStringLiteral("--project"), m_project, QStringLiteral("--instance"),
                    QStringLiteral("99999"), QStringLiteral("--overall"), QStringLiteral("Tie"), QStringLiteral("--lead"),
                    QStringLiteral("lee")});
        QCOMPARE(r.code, 2);
        QVERIFY(r.err.contains("no instance 99999"));
        r = runCli({QStringLiteral("flag"), QStringLiteral("--project"), m_project, QStringLiteral("--instance"),
                    QStringLiteral("0"), QStringLiteral("--annotator"), QStringLiteral("ann")});
        QCOMPARE(r.code, 2);
        QCOMPARE(scalar(m_project, "SELECT count(*) FROM adjudications"), qint64(0));
        QCOMPARE(scalar(m_project, "SELECT count(*) FROM label_flags"), flagsBefore + 1);

        // The adjudication decides the exported row of a human-routed instance.
        r = runCli({QStringLiteral("adjudicate"), QStringLiteral("--project"), m_project, QStringLiteral("--instance"),
                    QStringLiteral("2"), QStringLiteral("--overall"), QStringLiteral("B-is-clearly-better"),
                    QStringLiteral("--lead"), QStringLiteral("lee"), QStringLiteral("--json")});
        QCOMPARE(r.code, 0);
        const QString out = m_dir.filePath(QStringLiteral("mix.jsonl"));
        r = runCli({QStringLiteral("export"), QStringLiteral("--project"), m_project, QStringLiteral("--format"),
                    QStringLiteral("dpo"), QStringLiteral("--out"), out, QStringLiteral("--json")});
        QCOMPARE(r.code, 0);
        QCOMPARE(r.json().value(QStringLiteral("adjudicated")).toInt(), 1);
        QFile f(out);
        QVERIFY(f.open(QIODevice::ReadOnly));
        bool row = false;
        for (const QByteArray &line : f.readAll().split('\n')) {
            const QJsonObject o = QJsonDocument::fromJson(line).object();
            if (o.value(QStringLiteral("instance")).toInteger() != 2)
                continue;
            row = true;
            QCOMPARE(o.value(QStringLiteral("label_source")).toString(), QStringLiteral("adjudicated"));
            QCOMPARE(o.value(QStringLiteral("adjudicated_by")).toString(), QStringLiteral("lee"));
        }
        QVERIFY(row);

        r = runCli({QStringLiteral("adjudicate"), QStringLiteral("--project"), m_project, QStringLiteral("--instance"),
                    QStringLiteral("2"), QStringLiteral("--clear")});
        QCOMPARE(r.code, 0);
        QCOMPARE(scalar(m_project, "SELECT count(*) FROM adjudications"), qint64(0));
    }
};

QTEST_GUILESS_MAIN(TestCliAnnotate)
#include "tst_cli_annotate.moc"
