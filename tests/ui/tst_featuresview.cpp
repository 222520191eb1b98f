// SPDX-License-Identifier: GPL-3.0-or-later
// The Features tab inside the main window: the background feature job, the feature
// list against the store, the plots, and "Show in dataset" filtering the table.
#include "core/storage/featurestore.h"
#include "core/storage/importrecord.h"
#include "core/storage/projectstore.h"
#include "ui/featuresview.h"
#include "ui/filterbar.h"
#include "ui/instancetablemodel.h"
#include "ui/mainwindow.h"

#include <QPushButton>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include "ui/plot.h"

using namespace hyper;

namespace {

constexpr int kRows = 400;
constexpr int kJobTimeoutMs = 120000;
const QString kModerate = QStringLiteral("analyzer_scalar::feature_name=safety_concern|value=moderate");
const QString kMaths
    = QStringLiteral("analyzer_closed_set::feature_name=subject_of_expertise|constraints=Mathematics");
const QString kRougeMiddle = QStringLiteral("rouge::min_val=0.33|max_val=0.67");
const QString kPromptLow = QStringLiteral("prompt_len::min_val=0.0|max_val=0.33");

ImportRecord makeRecord(int i)
{
    static const char *safety[] = { "safe", "low", "moderate", "high" };
    static const char *subjects[] = { "[\"Mathematics\"]", "[\"Mathematics\",\"Physics\"]", "[\"History\"]" };
    ImportRecord r;
    r.line = i + 1;
    r.externalId = "fv-" + std::to_string(i);
    r.split = i % 10 == 9 ? Split::Eval : Split::Train;
    std::string words;
    for (int k = 0; k <= (i * 7) % 23; ++k)
        words += " term" + std::to_string(k % 9);
    r.prompt = "Explain item " + std::to_string(i) + words;
    r.responseA = "Alice visited Berlin in 2021 and said" + words;
    r.responseB = "Short reply" + std::string(size_t(i % 4), '.') + (i % 3 == 0 ? words : std::string(" other text"));
    r.source = "gen";
    if (i % 9 != 0)
        r.metadataJson = std::string("{\"safety_concern\":\"") + safety[i % 4] + "\",\"subject_of_expertise\":"
            + subjects[i % 3] + "}";
    return r;
}

qint64 countOf(const std::vector<FeatureCount> &counts, const QString &name)
{
    for (const FeatureCount &c : counts)
        if (c.name == name)
            return c.instances;
    return -1;
}

int barPoints(QCustomPlot *plot)
{
    int n = 0;
    for (int i = 0; i < plot->plottableCount(); ++i)
        if (auto *bars = qobject_cast<QCPBars *>(plot->plottable(i)))
            n += bars->data()->size();
    return n;
}

} // namespace

class TestFeaturesView : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void computeListPlotAndShow();
    void grabProject();

private:
    QTemporaryDir m_dir;
    QString m_project;
};

void TestFeaturesView::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_project = m_dir.filePath(QStringLiteral("fv.hyper"));
    ProjectStore store(m_project, ProjectStore::Mode::CreateNew);
    auto writer = store.beginImport(QStringLiteral("gen.jsonl"), QStringLiteral("jsonl"));
    for (int i = 0; i < kRows; ++i)
        writer->add(makeRecord(i));
    writer->commit(0);
}

void TestFeaturesView::computeListPlotAndShow()
{
    MainWindow w;
    QString error;
    QVERIFY2(w.openProject(m_project, ProjectStore::Mode::OpenExisting, &error), qPrintable(error));
    w.resize(1400, 900);
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    auto *view = w.findChild<FeaturesView *>();
    QVERIFY(view);
    auto *tabs = qobject_cast<QTabWidget *>(w.centralWidget());
    QVERIFY(tabs);
    tabs->setCurrentWidget(view);

    // Empty state until computed.
    QVERIFY(view->isEmptyStateShown());
    QCOMPARE(view->featureModel()->rowCount(), 0);

    // The job runs in the background; the view reports through projectDataChanged.
    QSignalSpy changed(view, &ProjectView::projectDataChanged);
    QSignalSpy ended(view, &FeaturesView::jobEnded);
    view->computeButton()->click();
    QVERIFY(view->isRunning());
    QVERIFY(!view->computeButton()->isEnabled());
    QTRY_COMPARE_WITH_TIMEOUT(ended.count(), 1, kJobTimeoutMs);
    QVERIFY(!view->isRunning());
    QCOMPARE(changed.count(), 1);
    QVERIFY(!view->isEmptyStateShown());

    // The list matches the store, feature by feature.
    const std::vector<FeatureCount> counts = FeatureStore(*w.store()).featureCounts();
    QCOMPARE(int(counts.size()), 90);
    QSortFilterProxyModel *model = view->featureModel();
    QCOMPARE(model->rowCount(), 90);
    for (int r = 0; r < model->rowCount(); ++r) {
        const QString name = model->index(r, FeaturesView::FeatureColumn).data(FeaturesView::kNameRole).toString();
        const qint64 n = model->index(r, FeaturesView::CountColumn).data(FeaturesView::kSortRole).toLongLong();
        QCOMPARE(n, countOf(counts, name));
        QCOMPARE(model->index(r, FeaturesView::FeatureColumn).data(Qt::ToolTipRole).toString(), name);
    }
    QCOMPARE(featureDisplayName(kModerate), QStringLiteral("safety_concern = moderate"));
    QCOMPARE(featureDisplayName(kRougeMiddle), QStringLiteral("rouge: 0.33–0.67"));
    QVERIFY(countOf(counts, kModerate) > 0);

    // Sorting by count (descending) puts the largest count first.
    view->featureTable()->sortByColumn(FeaturesView::CountColumn, Qt::DescendingOrder);
    qint64 top = 0;
    for (const FeatureCount &c : counts)
        top = std::max(top, c.instances);
    QCOMPARE(model->index(0, FeaturesView::CountColumn).data(FeaturesView::kSortRole).toLongLong(), top);

    // Plots: a histogram with two bin edges for a score; bars of the values for a tag.
    QVERIFY(view->selectFeature(kRougeMiddle));
    QVERIFY(barPoints(view->plot()) > 0);
    QCOMPARE(view->plot()->itemCount(), 4); // two dashed edges and their labels
    QVERIFY(view->selectFeature(kPromptLow));
    QVERIFY(barPoints(view->plot()) > 0);
    QCOMPARE(view->plot()->itemCount(), 4);
    QVERIFY(view->selectFeature(kModerate));
    QCOMPARE(barPoints(view->plot()), 4); // safe, low, moderate, high
    QCOMPARE(view->plot()->itemCount(), 0);

    if (const QByteArray shot = qgetenv("HYPER_FEATURES_SCREENSHOT"); !shot.isEmpty()) {
        QVERIFY(view->selectFeature(kRougeMiddle));
        QVERIFY(view->grab().save(QString::fromLocal8Bit(shot)));
        QVERIFY(view->selectFeature(kPromptLow));
        QVERIFY(view->grab().save(QString::fromLocal8Bit(shot).replace(QStringLiteral(".png"), QStringLiteral("_len.png"))));
        QVERIFY(view->selectFeature(kModerate));
        QVERIFY(view->grab().save(QString::fromLocal8Bit(shot).replace(QStringLiteral(".png"), QStringLiteral("_tag.png"))));
    }

    // "Show in dataset" with one feature, then with two (ALL of them).
    QVERIFY(view->selectFeature(kModerate));
    QCOMPARE(view->selectedFeatures(), QStringList { kModerate });
    view->showButton()->click();
    QCOMPARE(tabs->currentIndex(), 0);
    QCOMPARE(w.filterBar()->features(), QStringList { kModerate });
    QCOMPARE(qint64(w.instanceModel()->rowCount()), countOf(counts, kModerate));

    tabs->setCurrentWidget(view);
    QVERIFY(view->selectFeature(kMaths));
    const QModelIndexList hits = model->match(model->index(0, 0), FeaturesView::kNameRole, kModerate, 1, Qt::MatchExactly);
    QCOMPARE(hits.size(), 1);
    view->featureTable()->selectionModel()->select(hits.front(), QItemSelectionModel::Select | QItemSelectionModel::Rows);
    QCOMPARE(view->selectedFeatures().size(), 2);
    view->showButton()->click();
    InstanceFilter both;
    both.features = { kModerate, kMaths };
    const qint64 expected = w.store()->countInstances(both);
    QVERIFY(expected > 0 && expected < countOf(counts, kModerate));
    QCOMPARE(qint64(w.instanceModel()->rowCount()), expected);

    // Clearing the filters brings every instance back.
    w.filterBar()->clear();
    QVERIFY(w.filterBar()->features().isEmpty());
    QCOMPARE(w.instanceModel()->rowCount(), kRows);

    // A recompute that is canceled at once leaves the features in place.
    tabs->setCurrentWidget(view);
    view->compute(/*force=*/true);
    QVERIFY(view->isRunning());
    view->cancel();
    QTRY_COMPARE_WITH_TIMEOUT(ended.count(), 2, kJobTimeoutMs);
    QCOMPARE(view->featureModel()->rowCount(), 90);
    QCOMPARE(FeatureStore(*w.store()).featureCounts().size(), size_t(90));
}

// A look at an existing project with computed features (e.g. `hyper sample` then
// `hyper features`): HYPER_FEATURES_PROJECT=P HYPER_FEATURES_SCREENSHOT=/tmp/x.png.
void TestFeaturesView::grabProject()
{
    const QString project = QString::fromLocal8Bit(qgetenv("HYPER_FEATURES_PROJECT"));
    const QString shot = QString::fromLocal8Bit(qgetenv("HYPER_FEATURES_SCREENSHOT"));
    if (project.isEmpty() || shot.isEmpty())
        QSKIP("set HYPER_FEATURES_PROJECT and HYPER_FEATURES_SCREENSHOT to grab a project's Features tab");
    MainWindow w;
    QString error;
    QVERIFY2(w.openProject(project, ProjectStore::Mode::OpenExisting, &error), qPrintable(error));
    w.resize(1400, 900);
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    auto *view = w.findChild<FeaturesView *>();
    QVERIFY(view);
    qobject_cast<QTabWidget *>(w.centralWidget())->setCurrentWidget(view);
    const struct {
        QString feature, suffix;
    } shots[] = { { QStringLiteral("bertscore::min_val=0.33|max_val=0.67"), QStringLiteral("_sample_bertscore.png") },
        { QStringLiteral("len_longer::min_val=0.67|max_val=1.0"), QStringLiteral("_sample_len.png") },
        { QStringLiteral("analyzer_closed_set::feature_name=subject_of_expertise|constraints=Computer sciences"),
            QStringLiteral("_sample_subject.png") } };
    for (const auto &s : shots) {
        QVERIFY2(view->selectFeature(s.feature), qPrintable(s.feature));
        QVERIFY(view->grab().save(QString(shot).replace(QStringLiteral(".png"), s.suffix)));
    }
    // The dataset tab with a feature filter, as "Show in dataset" leaves it.
    view->showButton()->click();
    QVERIFY(w.grab().save(QString(shot).replace(QStringLiteral(".png"), QStringLiteral("_sample_dataset.png"))));
}

QTEST_MAIN(TestFeaturesView)
#include "tst_featuresview.moc"
