// SPDX-License-Identifier: GPL-3.0-or-later
// The feature table of every real data set computes without error (label real-data).
#include "core/features/featurejob.h"
#include "core/io/importer.h"
#include "core/jobs/feedback.h"
#include "core/storage/featurestore.h"
#include "core/storage/projectstore.h"

#include <QDir>
#include <QTemporaryDir>
#include <QtTest>

using namespace hyper;

class TestRealDataFeatures : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;

    static QString realDir()
    {
        const QByteArray env = qgetenv("HYPER_REAL_DATA_DIR");
        return env.isEmpty() ? QStringLiteral(HYPER_REAL_DATA_DIR) : QString::fromLocal8Bit(env);
    }

private Q_SLOTS:
    void initTestCase()
    {
        if (!QDir(realDir()).exists())
            QSKIP("the real data folder is absent");
    }

    void everyFile_data()
    {
        QTest::addColumn<QString>("file");
        const QStringList files = QDir(realDir()).entryList({QStringLiteral("*.jsonl"), QStringLiteral("*.jsonl.gz")},
                                                            QDir::Files, QDir::Name);
        for (const QString &f : files)
            QTest::newRow(qPrintable(f)) << QDir(realDir()).filePath(f);
    }
    void everyFile()
    {
        QFETCH(QString, file);
        ProjectStore store(m_dir.filePath(QFileInfo(file).fileName() + QStringLiteral(".hyper")),
                           ProjectStore::Mode::CreateNew);
        ImportParams params;
        params.file = file;
        Feedback quiet;
        const ImportResult imported = runImport(store, params, quiet);
        const FeatureResult r = computeFeatures(store, FeatureParams{}, quiet);
        QCOMPARE(r.instances, imported.imported);
        QCOMPARE(r.features.size(), 90);
        // Every instance falls in exactly one bin of each lexical score (raw values in
        // [0, 1] may sit on an edge and then count twice, never zero times).
        qint64 lexicalMemberships = 0;
        for (const FeatureCount &c : FeatureStore(store).featureCounts())
            if (c.kind == QLatin1String("lexical"))
                lexicalMemberships += c.instances;
        QVERIFY2(lexicalMemberships >= 9 * r.instances,
                 qPrintable(QStringLiteral("%1 memberships for %2 instances").arg(lexicalMemberships).arg(r.instances)));
        qInfo("%s: %lld instances, %.2f s", qPrintable(QFileInfo(file).fileName()), r.instances, r.seconds);
    }
};

QTEST_GUILESS_MAIN(TestRealDataFeatures)
#include "tst_realdata_features.moc"
