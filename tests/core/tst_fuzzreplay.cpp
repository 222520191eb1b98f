// SPDX-License-Identifier: GPL-3.0-or-later
// Every file of the fuzz corpus (tests/fuzz/corpus/TARGET) and every finding kept as a
// regression (tests/fuzz/regressions/TARGET) through its fuzz target, in the normal build:
// what a fuzz run once broke stays fixed (docs/DEVELOPING.md, "Fuzzing").
#include "../fuzz/targets.h"

#include <QDir>
#include <QFile>
#include <QTest>

using namespace hyper::fuzz;

class TestFuzzReplay : public QObject
{
    Q_OBJECT

    static QString fuzzDir() { return QStringLiteral(HYPER_SOURCE_DIR "/tests/fuzz"); }

    static QStringList filesOf(const QString &kind, const QString &target)
    {
        QStringList out;
        const QDir dir(fuzzDir() + QLatin1Char('/') + kind + QLatin1Char('/') + target);
        for (const QString &name : dir.entryList(QDir::Files, QDir::Name))
            out << dir.filePath(name);
        return out;
    }

private Q_SLOTS:
    void replay_data()
    {
        QTest::addColumn<QString>("target");
        QTest::addColumn<QString>("kind");
        for (const Target &t : targets())
            for (const QString &kind : {QStringLiteral("corpus"), QStringLiteral("regressions")})
                QTest::addRow("%s %s", t.name, qPrintable(kind)) << QString::fromLatin1(t.name) << kind;
    }

    void replay()
    {
        QFETCH(QString, target);
        QFETCH(QString, kind);
        const Target *t = findTarget(target.toStdString());
        QVERIFY(t);
        const QStringList files = filesOf(kind, target);
        // Every target has a seed corpus; regressions exist only where a run found something.
        if (kind == QLatin1String("corpus"))
            QVERIFY2(files.size() >= 3, qPrintable(QStringLiteral("the corpus of %1 is missing").arg(target)));
        for (const QString &path : files) {
            QFile f(path);
            QVERIFY2(f.open(QIODevice::ReadOnly), qPrintable(path));
            const QByteArray bytes = f.readAll();
            try {
                t->run(reinterpret_cast<const std::uint8_t *>(bytes.constData()), std::size_t(bytes.size()));
            } catch (const std::exception &e) {
                QFAIL(qPrintable(QStringLiteral("%1: %2").arg(path, QString::fromUtf8(e.what()))));
            }
        }
        qInfo("%s: %lld %s files", qPrintable(target), qlonglong(files.size()), qPrintable(kind));
    }
};

QTEST_GUILESS_MAIN(TestFuzzReplay)
#include "tst_fuzzreplay.moc"
