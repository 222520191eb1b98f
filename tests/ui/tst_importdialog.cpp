// SPDX-License-Identifier: GPL-3.0-or-later
// The import dialog's real-world options (issue 16), offscreen: the label and annotator
// columns of a long-format file, the delimiter, what a duplicate row does, and the
// label-map table filled with the values the preview found; then the import itself.
#include "core/io/importer.h"
#include "core/jobs/feedback.h"
#include "core/storage/projectstore.h"
#include "ui/importdialog.h"

#include <QComboBox>
#include <QFile>
#include <QPlainTextEdit>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>

using namespace hyper;

class TstImportDialog : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void longFormatWithALabelMap()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString file = dir.filePath(QStringLiteral("judgements.csv"));
        {
            QFile f(file);
            QVERIFY(f.open(QIODevice::WriteOnly));
            // Tab-separated, named .csv; winners as an arena writes them; w2 saw B first.
            f.write("prompt\tleft\tright\tworker\twinner\n"
                    "How?\tlong answer\tshort\tw1\tmodel_a\n"
                    "How?\tshort\tlong answer\tw2\tmodel_b\n"
                    "Why?\tx\ty\tw1\ttie (bothbad)\n");
        }
        ImportDialog dialog;
        dialog.resize(1000, 800);
        dialog.setFile(file);
        QString lines = QStringLiteral("response_a=left\nresponse_b=right");
        dialog.findChild<QPlainTextEdit *>()->setPlainText(lines);
        dialog.setLabelColumn(QStringLiteral("winner"));
        dialog.setAnnotatorColumn(QStringLiteral("worker"));
        QVERIFY2(dialog.refreshPreview(), qPrintable(dialog.previewError()));
        // The values the preview found are offered for mapping.
        QCOMPARE(dialog.labelValuesShown(), (QStringList{QStringLiteral("model_a"), QStringLiteral("model_b"),
                                                         QStringLiteral("tie (bothbad)")}));
        dialog.setLabelReading(QStringLiteral("model_a"), QStringLiteral("A-is-clearly-better"));
        dialog.setLabelReading(QStringLiteral("model_b"), QStringLiteral("B-is-clearly-better"));
        dialog.setLabelReading(QStringLiteral("tie (bothbad)"), QStringLiteral("none"));
        QVERIFY2(dialog.refreshPreview(), qPrintable(dialog.previewError()));
        dialog.show();
        QTest::qWait(50);
        dialog.grab().save(QStringLiteral("/tmp/import_dialog_long.png"));

        const ImportParams p = dialog.params();
        QCOMPARE(p.map.value(QStringLiteral("annotator")), QStringLiteral("worker"));
        QCOMPARE(p.map.value(QStringLiteral("human")), QStringLiteral("winner"));
        QCOMPARE(p.naValues, QStringList{QStringLiteral("tie (bothbad)")});
        QCOMPARE(p.labelMap.size(), 2);
        ProjectStore store(dir.filePath(QStringLiteral("p.hyper")), ProjectStore::Mode::CreateNew);
        Feedback quiet;
        const ImportResult r = runImport(store, p, quiet);
        QCOMPARE(r.merged.instances, qint64(2));
        QCOMPARE(r.merged.mirrored, qint64(1));
        const auto labels = store.humanLabels(1);
        QCOMPARE(labels.size(), std::size_t(2));
        for (const HumanLabel &l : labels)
            QCOMPARE(l.overall, Preference::AClearly); // both prefer "long answer"
        QCOMPARE(store.humanLabels(2).size(), std::size_t(0)); // "tie (bothbad)" read as no label

        // A forced delimiter that does not fit the file shows in the preview at once.
        dialog.setDelimiter(',');
        QVERIFY(!dialog.refreshPreview());
        QVERIFY2(!dialog.previewError().isEmpty(), "no error for a wrong delimiter");
        dialog.setDelimiter(0);
        dialog.setOnDuplicate(OnDuplicate::Error);
        QVERIFY(dialog.refreshPreview());
        QCOMPARE(dialog.params().onDuplicate, OnDuplicate::Error);
    }
};

QTEST_MAIN(TstImportDialog)
#include "tst_importdialog.moc"
