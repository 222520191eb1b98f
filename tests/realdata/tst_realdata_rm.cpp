// SPDX-License-Identifier: GPL-3.0-or-later
// Reward models on real data (label real-data): numbers are printed for docs/TRAINING.md
// and checked only for what must hold whatever the model learns.
#include "core/io/importer.h"
#include "core/jobs/feedback.h"
#include "core/mlbridge/rmrun.h"
#include "core/storage/projectstore.h"

#include <QDir>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QtTest>

using namespace hyper;

namespace {

QString realFile(const char *name)
{
    const QByteArray env = qgetenv("HYPER_REAL_DATA_DIR");
    const QString dir = env.isEmpty() ? QStringLiteral(HYPER_REAL_DATA_DIR) : QString::fromLocal8Bit(env);
    return QDir(dir).filePath(QString::fromLatin1(name));
}

ImportResult importFile(ProjectStore &store, const QString &file, Split split, double evalFraction = 0)
{
    ImportParams params;
    params.file = file;
    params.split = split;
    params.evalFraction = evalFraction;
    Feedback feedback;
    return runImport(store, params, feedback);
}

RmRunResult train(ProjectStore &store)
{
    RmRunParams params;
    params.mix = QStringLiteral("human");
    params.config = ml::TrainConfig::defaults("bag");
    params.config.seed = 1;
    Feedback feedback;
    return runRewardModel(store, params, feedback);
}

void report(const char *what, const RmRunResult &r)
{
    QString sections;
    for (const auto &[name, acc] : r.scores.sections)
        sections += QStringLiteral(" %1=%2").arg(QString::fromStdString(name)).arg(acc, 0, 'f', 3);
    qInfo("%s: train pairs %lld, eval pairs %lld, Overall %.3f,%s (%.1f s)", what, r.trainPairs,
          r.evalPairs, r.scores.overall, qPrintable(sections), r.seconds);
}

} // namespace

class TestRealDataRm : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;

private Q_SLOTS:
    void hhRlhfHeldOut()
    {
        const QString file = realFile("hh_rlhf_harmless_base_test.jsonl.gz");
        if (!QFileInfo::exists(file))
            QSKIP("the real data folder is absent");
        ProjectStore store(m_dir.filePath(QStringLiteral("hh.hyper")), ProjectStore::Mode::CreateNew);
        const ImportResult imported = importFile(store, file, Split::Train, /*evalFraction=*/0.2);
        QCOMPARE(imported.imported, 2312);
        const ProjectInfo info = store.info();
        QVERIFY2(info.evalInstances > 400 && info.evalInstances < 530, qPrintable(QString::number(info.evalInstances)));
        const RmRunResult r = train(store);
        report("hh-rlhf harmless, 80/20 held out", r);
        QCOMPARE(r.trainPairs, info.instances);   // every pair has a human chosen/rejected
        QCOMPARE(r.evalPairs, info.evalInstances);
        QVERIFY(r.scores.overall >= 0.0 && r.scores.overall <= 1.0);
    }

    void hhRlhfToHhh()
    {
        const QString train_ = realFile("hh_rlhf_harmless_base_test.jsonl.gz");
        const QString eval = realFile("hhh_alignment_pairs.jsonl");
        if (!QFileInfo::exists(train_) || !QFileInfo::exists(eval))
            QSKIP("the real data folder is absent");
        ProjectStore store(m_dir.filePath(QStringLiteral("hhh.hyper")), ProjectStore::Mode::CreateNew);
        importFile(store, train_, Split::Train);
        importFile(store, eval, Split::Eval);
        const RmRunResult r = train(store);
        report("hh-rlhf harmless -> HHH alignment", r);
        QCOMPARE(r.trainPairs, 2312);
        QCOMPARE(r.evalPairs, store.info().evalInstances);
        // HHH's subsets are its sections: harmless, helpful, honest, other.
        QCOMPARE(r.scores.sections.size(), size_t(4));
        QVERIFY(r.scores.sections.count("harmless") == 1);
    }
};

QTEST_GUILESS_MAIN(TestRealDataRm)
#include "tst_realdata_rm.moc"
