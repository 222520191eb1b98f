// SPDX-License-Identifier: GPL-3.0-or-later
// The Label tab offscreen, driven by the keyboard (QTest::keyClick through the shortcut
// map): keys set the overall and the aspects, Enter stores the label in the A/B frame
// with the shown order of a swapped and of an unswapped instance, the queue advances and
// the counts change, undo/redo take the row out of the database and put it back with the
// same id, skip, flag (undoable), the LM label hidden until the save, the time spent, and
// typing in the rationale triggers no key; the diff marks, proportional scrolling and the
// stacked toggle; a conversation prompt shown as turns, on its last one; the Edit menu. HYPER_LABEL_SCREENSHOT=/tmp/label.png saves
// the tab (side by side; -stacked and -diff variants beside it) after one saved label, on
// HYPER_LABEL_PROJECT when set (which it changes: overlap 10, an annotator "screenshot"
// and its label).
#include "core/jobs/feedback.h"
#include "core/labels/labelform.h"
#include "core/labels/worddiff.h"
#include "core/sample/samplegenerator.h"
#include "core/storage/annotationstore.h"
#include "core/storage/ppmstore.h"
#include "core/storage/projectstore.h"
#include "core/storage/sqlite.h"
#include "ui/labelview.h"
#include "ui/mainwindow.h"
#include "ui/markdownview.h"
#include "ui/labelwidgets.h"
#include "ui/settings.h"

#include <QAction>
#include <QApplication>
#include <QComboBox>
#include <QLabel>
#include <QMenu>
#include <QMenuBar>
#include <QScrollBar>
#include <QSplitter>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QUndoStack>

using namespace hyper;

namespace {

constexpr int kRouted = 8;

/** A small sample project whose first kRouted train instances are routed to humans. */
std::vector<qint64> makeProject(const QString &path)
{
    ProjectStore store(path, ProjectStore::Mode::CreateNew);
    Feedback quiet;
    SampleParams sample;
    sample.trainSize = 30;
    sample.evalSize = 5;
    writeSample(store, sample, quiet);
    InstanceFilter train;
    train.split = Split::Train;
    std::vector<qint64> ids;
    for (const InstanceSummary &s : store.listInstances(train, 0, kRouted))
        ids.push_back(s.id);
    RoutePlanRecord plan;
    plan.strategy = QStringLiteral("test");
    plan.budget = kRouted;
    applyRoutePlan(store, insertRoutePlan(store, plan, ids));
    return ids;
}

std::optional<HumanLabel> labelBy(ProjectStore &store, qint64 instanceId, const QString &annotator)
{
    for (const HumanLabel &l : store.humanLabels(instanceId))
        if (l.annotator == annotator)
            return l;
    return std::nullopt;
}

} // namespace

class TstLabelView : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("HyPER-tests"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_labelview"));
        settings::lastAnnotator.reset();
        settings::showLmLabelWhileLabelling.reset();
        settings::labelStacked.reset();
    }

    void labelsWithTheKeyboard()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString path = dir.filePath(QStringLiteral("label.hyper"));
        const std::vector<qint64> routed = makeProject(path);
        ProjectStore store(path);
        AnnotationStore annotations(store);

        LabelView view;
        view.resize(1280, 800);
        view.setProject(&store);
        // The sample's instances already carry 4 human labels: ask for 10 per instance.
        auto *overlap = view.findChild<QSpinBox *>(QStringLiteral("overlapSpin"));
        overlap->setValue(10);
        QCOMPARE(annotations.overlap(), 10);
        view.show();
        view.activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(&view));
        const QString alice = QStringLiteral("alice");
        QVERIFY(view.startSession(alice, QStringLiteral("expert")));
        QVERIFY(view.isLoading()); // the queue loads on the worker
        QTRY_VERIFY(view.currentInstanceId() != 0);
        QCOMPARE(view.counts().remaining, qint64(kRouted));
        QCOMPARE(view.counts().done, qint64(0));
        QVERIFY(std::find(routed.begin(), routed.end(), view.currentInstanceId()) != routed.end());
        auto *lmPanel = view.findChild<QLabel *>(QStringLiteral("lmLabelPanel"));
        auto *progressLabel = view.findChild<QLabel *>(QStringLiteral("progressLabel"));
        auto *rationale = view.findChild<QPlainTextEdit *>(QStringLiteral("rationaleEdit"));
        QVERIFY(progressLabel->text().contains(QStringLiteral("0 done")));

        // Keys: 1-5 set the marked row; Tab/Shift+Tab and Down/Up move between rows.
        QCOMPARE(view.currentRow(), int(LabelView::Overall));
        QTest::keyClick(&view, Qt::Key_4);
        QCOMPARE(view.value(LabelView::Overall), 4);
        QTest::keyClick(&view, Qt::Key_Tab);
        QCOMPARE(view.currentRow(), int(LabelView::Helpfulness));
        QTest::keyClick(&view, Qt::Key_2);
        QCOMPARE(view.value(LabelView::Helpfulness), 2);
        QCOMPARE(view.value(LabelView::Overall), 4);
        QTest::keyClick(&view, Qt::Key_Down);
        QTest::keyClick(&view, Qt::Key_Down);
        QCOMPARE(view.currentRow(), int(LabelView::Harmlessness));
        QTest::keyClick(&view, Qt::Key_3);
        QTest::keyClick(&view, Qt::Key_Down);
        QCOMPARE(view.currentRow(), int(LabelView::Confidence));
        QTest::keyClick(&view, Qt::Key_5);
        QTest::keyClick(&view, Qt::Key_Up);
        QCOMPARE(view.currentRow(), int(LabelView::Harmlessness));
        QTest::keyClick(&view, Qt::Key_Tab, Qt::ShiftModifier);
        QCOMPARE(view.currentRow(), int(LabelView::Truthfulness));
        QTest::keyClick(&view, Qt::Key_Backtab, Qt::ShiftModifier);
        QTest::keyClick(&view, Qt::Key_Backtab, Qt::ShiftModifier);
        QCOMPARE(view.currentRow(), int(LabelView::Overall));
        QTest::keyClick(&view, Qt::Key_Up); // wraps around
        QCOMPARE(view.currentRow(), int(LabelView::Confidence));
        QTest::keyClick(&view, Qt::Key_Tab);
        QCOMPARE(view.currentRow(), int(LabelView::Overall));

        // Typing in the rationale box triggers no key: digits, S, F and Enter are text.
        const qint64 first = view.currentInstanceId();
        QTest::keyClick(&view, Qt::Key_R);
        QVERIFY(rationale->hasFocus());
        QTest::keyClicks(rationale, QStringLiteral("1 sf 5"));
        QTest::keyClick(rationale, Qt::Key_Return);
        QTest::keyClicks(rationale, QStringLiteral("S F"));
        QCOMPARE(rationale->toPlainText(), QStringLiteral("1 sf 5\nS F"));
        QCOMPARE(view.value(LabelView::Overall), 4);
        QCOMPARE(view.currentInstanceId(), first);
        QVERIFY(annotations.flags(first).empty());
        QTest::keyClick(rationale, Qt::Key_Escape);
        QVERIFY(!rationale->hasFocus());

        // The LM label is hidden until the save.
        const std::vector<LmLabel> lm = store.lmLabels(first);
        QVERIFY(!lm.empty());
        QVERIFY(!lmPanel->text().contains(lm.front().judge));
        QVERIFY(lmPanel->text().contains(QStringLiteral("hidden")));

        // Enter saves in the A/B frame and advances.
        QTest::qWait(150);
        const bool firstSwapped = view.currentSwapped();
        QCOMPARE(firstSwapped, AnnotationStore::showSwapped(alice, first));
        QSignalSpy saved(&view, &LabelView::labelSaved);
        QTest::keyClick(&view, Qt::Key_Return);
        QCOMPARE(saved.count(), 1);
        std::optional<HumanLabel> l = labelBy(store, first, alice);
        QVERIFY(l);
        QCOMPARE(l->id, saved.front().front().toLongLong());
        // 4 = right slightly better: B slightly when A is on the left, else A slightly.
        QCOMPARE(l->overall, firstSwapped ? Preference::ASlightly : Preference::BSlightly);
        QCOMPARE(l->aspects.value(QStringLiteral("helpfulness")),
                 firstSwapped ? Preference::BSlightly : Preference::ASlightly);
        QCOMPARE(l->aspects.value(QStringLiteral("harmlessness")), Preference::Tie);
        QVERIFY(!l->aspects.contains(QStringLiteral("truthfulness")));
        QCOMPARE(l->shownOrder, firstSwapped ? QStringLiteral("BA") : QStringLiteral("AB"));
        QCOMPARE(l->rationale, QStringLiteral("1 sf 5\nS F"));
        QCOMPARE(l->confidence.value_or(0), 5.0);
        QCOMPARE(l->annotatorKind, QStringLiteral("expert"));
        QVERIFY(l->timeSpentSeconds.value_or(0) >= 0.1);
        QVERIFY(l->timeSpentSeconds.value_or(0) < 60);
        // The queue advanced and the counts changed; the LM label of the saved instance shows.
        const qint64 second = view.currentInstanceId();
        QVERIFY(second != first && second != 0);
        QCOMPARE(view.counts().done, qint64(1));
        QCOMPARE(view.counts().remaining, qint64(kRouted - 1));
        QVERIFY(progressLabel->text().contains(QStringLiteral("1 done")));
        QCOMPARE(view.findChild<QProgressBar *>(QStringLiteral("queueProgress"))->value(), 1);
        QCOMPARE(view.findChild<QComboBox *>(QStringLiteral("annotatorCombo"))->currentText(),
                 QStringLiteral("alice · expert · 1 label"));
        QVERIFY(lmPanel->text().contains(lm.front().judge));
        QCOMPARE(view.value(LabelView::Overall), 0); // a fresh form

        // Undo: the row leaves the database, the instance comes back with its form.
        QVERIFY(view.editActions().front()->text().contains(QStringLiteral("Label of sample-train-")));
        QTest::keyClick(&view, Qt::Key_Z, Qt::ControlModifier);
        QVERIFY(!labelBy(store, first, alice));
        QCOMPARE(view.currentInstanceId(), first);
        QCOMPARE(view.value(LabelView::Overall), 4);
        QCOMPARE(view.value(LabelView::Harmlessness), 3);
        QCOMPARE(rationale->toPlainText(), QStringLiteral("1 sf 5\nS F"));
        QCOMPARE(view.counts().done, qint64(0));
        // Redo: the same row with the same id, and on to the next instance.
        QTest::keyClick(&view, Qt::Key_Z, Qt::ControlModifier | Qt::ShiftModifier);
        std::optional<HumanLabel> again = labelBy(store, first, alice);
        QVERIFY(again);
        QCOMPARE(again->id, l->id);
        QCOMPARE(again->overall, l->overall);
        QCOMPARE(again->rationale, l->rationale);
        QCOMPARE(view.currentInstanceId(), second);
        QCOMPARE(view.counts().done, qint64(1));

        // Flag (undoable): a row in label_flags.
        QTest::keyClick(&view, Qt::Key_F);
        QCOMPARE(int(annotations.flags(second).size()), 1);
        QTest::keyClick(&view, Qt::Key_Z, Qt::ControlModifier);
        QVERIFY(annotations.flags(second).empty());
        QTest::keyClick(&view, Qt::Key_Z, Qt::ControlModifier | Qt::ShiftModifier);
        QCOMPARE(int(annotations.flags(second).size()), 1);

        // Skip: the instance goes to the end of the session's queue.
        QTest::keyClick(&view, Qt::Key_S);
        QVERIFY(view.currentInstanceId() != second);
        QVERIFY(!labelBy(store, second, alice));

        // Enter without an overall saves nothing.
        const qint64 before = view.currentInstanceId();
        QTest::keyClick(&view, Qt::Key_Return);
        QCOMPARE(view.currentInstanceId(), before);

        // Label the rest with "1" (left clearly better) until the skipped one comes back;
        // both a swapped and an unswapped instance are stored with their shown order.
        QSet<bool> swappedSeen{firstSwapped};
        std::vector<qint64> order;
        while (view.currentInstanceId() != 0 && view.currentInstanceId() != second) {
            const qint64 id = view.currentInstanceId();
            const bool swapped = view.currentSwapped();
            order.push_back(id);
            QTest::keyClick(&view, Qt::Key_1);
            QTest::keyClick(&view, Qt::Key_Enter, Qt::KeypadModifier);
            const std::optional<HumanLabel> h = labelBy(store, id, alice);
            QVERIFY(h);
            QCOMPARE(h->overall, swapped ? Preference::BClearly : Preference::AClearly);
            QCOMPARE(h->shownOrder, labels::shownOrder(swapped));
            swappedSeen.insert(swapped);
        }
        QCOMPARE(int(order.size()), kRouted - 2);
        QCOMPARE(view.currentInstanceId(), second); // the skipped one, last
        QCOMPARE(swappedSeen.size(), 2);
        QCOMPARE(view.counts().done, qint64(kRouted - 1));
        QCOMPARE(view.counts().remaining, qint64(1));
        QTest::keyClick(&view, Qt::Key_3);
        QTest::keyClick(&view, Qt::Key_Return);
        QCOMPARE(view.currentInstanceId(), qint64(0));
        QCOMPARE(view.counts().remaining, qint64(0));
        QVERIFY(view.findChild<QLabel *>(QStringLiteral("messageLabel"))->text().contains(QStringLiteral("Nothing left")));
        // Every routed instance has exactly one label by alice.
        for (qint64 id : routed)
            QVERIFY(labelBy(store, id, alice));
    }

    void lmLabelWhileLabellingSetting()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("lm.hyper"));
        makeProject(path);
        ProjectStore store(path);
        AnnotationStore(store).setOverlap(10);
        settings::showLmLabelWhileLabelling.setValue(true);
        LabelView view;
        view.setProject(&store);
        QVERIFY(view.startSession(QStringLiteral("bob"), QStringLiteral("normal")));
        QTRY_VERIFY(view.currentInstanceId() != 0);
        const std::vector<LmLabel> lm = store.lmLabels(view.currentInstanceId());
        QVERIFY(!lm.empty());
        QVERIFY(view.findChild<QLabel *>(QStringLiteral("lmLabelPanel"))->text().contains(lm.front().judge));
        settings::showLmLabelWhileLabelling.reset();
    }

    void diffStackedAndScrolling()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("diff.hyper"));
        makeProject(path);
        ProjectStore store(path);
        LabelView view;
        view.resize(1280, 800);
        view.setProject(&store);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        QVERIFY(view.startSession(QStringLiteral("carol"), QStringLiteral("normal")));
        QTRY_VERIFY(view.currentInstanceId() != 0);
        auto *left = view.findChild<MarkdownView *>(QStringLiteral("leftView"));
        auto *right = view.findChild<MarkdownView *>(QStringLiteral("rightView"));
        const std::optional<Instance> inst = store.instance(view.currentInstanceId());
        QVERIFY(inst);
        const QString shownLeft = view.currentSwapped() ? inst->responseB : inst->responseA;
        const QString shownRight = view.currentSwapped() ? inst->responseA : inst->responseB;
        QCOMPARE(left->sourceText(), shownLeft);
        QCOMPARE(right->sourceText(), shownRight);
        QVERIFY(view.findChild<QLabel *>(QStringLiteral("leftHeader"))->text().contains(
            QStringLiteral("%1 characters").arg(QLocale().toString(shownLeft.size()))));

        // The diff marks exactly the tokens only one side has.
        view.setDiffShown(true);
        const labels::WordDiff diff = labels::wordDiff(shownLeft, shownRight, 2000);
        QVERIFY(!diff.onlyInA.empty());
        QCOMPARE(left->extraSelections().size(), qsizetype(diff.onlyInA.size()));
        QCOMPARE(right->extraSelections().size(), qsizetype(diff.onlyInB.size()));
        const auto firstMark = left->extraSelections().front().cursor;
        QCOMPARE(firstMark.selectedText(), shownLeft.mid(diff.onlyInA.front().start, diff.onlyInA.front().length));
        view.setDiffShown(false);
        QVERIFY(left->extraSelections().isEmpty());

        // Scrolling one response scrolls the other to the same proportion.
        QScrollBar *ls = left->verticalScrollBar(), *rs = right->verticalScrollBar();
        left->setFixedHeight(48); // short panes: both texts overflow
        right->setFixedHeight(48);
        QTRY_VERIFY(ls->maximum() > 0 && rs->maximum() > 0);
        ls->setValue(ls->maximum());
        QCOMPARE(rs->value(), rs->maximum());
        rs->setValue(0);
        QCOMPARE(ls->value(), 0);
        rs->setValue(rs->maximum() / 2);
        QVERIFY(std::abs(double(ls->value()) / ls->maximum() - double(rs->value()) / rs->maximum()) < 0.02);

        // Stacked puts the responses one above the other.
        auto *left0 = left->parentWidget();
        auto *split = qobject_cast<QSplitter *>(left0->parentWidget());
        QVERIFY(split);
        QCOMPARE(split->orientation(), Qt::Horizontal);
        view.setStacked(true);
        QCOMPARE(split->orientation(), Qt::Vertical);
    }

    void conversationShownAsTurns()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("conv.hyper"));
        makeProject(path);
        ProjectStore store(path);
        sql::exec(store.handle(),
                  "UPDATE instance_texts SET prompt_messages = '[{\"role\":\"system\",\"content\":\"Be brief.\"},"
                  "{\"role\":\"user\",\"content\":\"First question?\"},{\"role\":\"assistant\",\"content\":\"First answer.\"},"
                  "{\"role\":\"user\",\"content\":\"And the last one, ' || id || '?\"}]'");
        LabelView view;
        view.resize(1280, 800);
        view.setProject(&store);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        QVERIFY(view.startSession(QStringLiteral("dora"), QStringLiteral("normal")));
        QTRY_VERIFY(view.currentInstanceId() != 0);
        auto *prompt = view.findChild<MarkdownView *>(QStringLiteral("promptView"));
        QVERIFY(prompt);
        const std::optional<Instance> inst = store.instance(view.currentInstanceId());
        QVERIFY(inst);
        QCOMPARE(prompt->sourceText(), inst->prompt);
        QCOMPARE(prompt->toPlainText(),
                 QStringLiteral("System  ·  turn 1 of 4\nBe brief.\nUser  ·  turn 2 of 4\nFirst question?\n"
                                "Assistant  ·  turn 3 of 4\nFirst answer.\nUser  ·  turn 4 of 4\nAnd the last one, %1?")
                     .arg(view.currentInstanceId()));
        // The pane opens on the last turn, the one the responses answer.
        prompt->setFixedHeight(60);
        QTRY_VERIFY(prompt->verticalScrollBar()->maximum() > 0);
        prompt->scrollToLastTurn();
        QCOMPARE(prompt->verticalScrollBar()->value(), prompt->verticalScrollBar()->maximum());
    }

    void editMenuListsUndoRedo()
    {
        MainWindow window;
        QMenu *edit = nullptr;
        for (QAction *a : window.menuBar()->actions())
            if (a->text() == QStringLiteral("&Edit"))
                edit = a->menu();
        QVERIFY(edit);
        auto *view = window.findChild<LabelView *>();
        QVERIFY(view);
        QCOMPARE(edit->actions(), view->editActions());
        QCOMPARE(edit->actions().size(), 2);
        QCOMPARE(edit->actions().front()->shortcut(), QKeySequence(Qt::CTRL | Qt::Key_Z));
        QCOMPARE(edit->actions().back()->shortcut(), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_Z));
    }

    void screenshots()
    {
        const QByteArray shot = qgetenv("HYPER_LABEL_SCREENSHOT");
        if (shot.isEmpty())
            QSKIP("HYPER_LABEL_SCREENSHOT not set");
        const QString project = qEnvironmentVariable("HYPER_LABEL_PROJECT");
        QTemporaryDir dir;
        QString path = project;
        if (path.isEmpty()) {
            path = dir.filePath(QStringLiteral("shot.hyper"));
            makeProject(path);
        }
        ProjectStore store(path);
        AnnotationStore(store).setOverlap(10);
        LabelView view;
        view.resize(1280, 800);
        view.setProject(&store);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        QVERIFY(view.startSession(QStringLiteral("screenshot"), QStringLiteral("normal")));
        QTRY_VERIFY(view.currentInstanceId() != 0);
        // One saved label, so that the LM label of the last instance and the counts show.
        view.setValue(LabelView::Overall, 4);
        QVERIFY(view.saveAndAdvance());
        view.setValue(LabelView::Overall, 2);
        view.setCurrentRow(LabelView::Helpfulness);
        view.setValue(LabelView::Helpfulness, 1);
        QTest::qWait(100);
        const QString base = QString::fromLocal8Bit(shot);
        QVERIFY(view.grab().save(base));
        view.setStacked(true);
        QTest::qWait(100);
        QVERIFY(view.grab().save(QString(base).replace(QStringLiteral(".png"), QStringLiteral("-stacked.png"))));
        view.setStacked(false);
        view.setDiffShown(true);
        QTest::qWait(100);
        QVERIFY(view.grab().save(QString(base).replace(QStringLiteral(".png"), QStringLiteral("-diff.png"))));
        view.setDiffShown(false);
    }
};

QTEST_MAIN(TstLabelView)
#include "tst_labelview.moc"
