// SPDX-License-Identifier: GPL-3.0-or-later
// Issue 19's keyboard gaps, in the whole window: Ctrl+Tab while the dataset table has the
// focus, the Label tab's keys after a menu was closed with Esc, the reason checkboxes by
// keyboard, and the accessible names of the labelling controls. Keys go where a person's
// would: to the focus widget.
#include "uitesthelpers.h"

#include "ui/labelview.h"

#include <QApplication>
#include <QCheckBox>
#include <QMenu>
#include <QMenuBar>
#include <QPushButton>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QToolButton>

using namespace hyper;

namespace {

/** A key as a person types it: to the widget that has the focus. */
void type(Qt::Key key, Qt::KeyboardModifiers modifiers = Qt::NoModifier)
{
    QWidget *focus = QApplication::focusWidget();
    QVERIFY2(focus, "no widget has the focus");
    QTest::keyClick(focus, key, modifiers);
}

} // namespace

class TestKeyboard : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_path = m_dir.filePath(QStringLiteral("keys.hyper"));
        testing::makeRoutedSample(m_path, 40, 10, 20);
    }

    void ctrlTabFromTheTable()
    {
        MainWindow w;
        QCOMPARE(testing::openAndShow(w, m_path), QString());
        QApplication::setActiveWindow(&w);
        auto *tabs = w.findChild<QTabWidget *>();
        w.instanceView()->setFocus();
        QTRY_VERIFY(w.instanceView()->hasFocus());
        QCOMPARE(tabs->currentIndex(), 0);
        type(Qt::Key_Tab, Qt::ControlModifier);
        QCOMPARE(tabs->currentIndex(), 1);
        type(Qt::Key_PageDown, Qt::ControlModifier);
        QCOMPARE(tabs->currentIndex(), 2);
        type(Qt::Key_Backtab, Qt::ControlModifier | Qt::ShiftModifier);
        QCOMPARE(tabs->currentIndex(), 1);
        tabs->setCurrentIndex(0);
        type(Qt::Key_PageUp, Qt::ControlModifier); // round the start
        QCOMPARE(tabs->currentIndex(), tabs->count() - 1);
    }

    void labelKeysAfterEscapeFromAMenu()
    {
        MainWindow w;
        QCOMPARE(testing::openAndShow(w, m_path), QString());
        QApplication::setActiveWindow(&w);
        QVERIFY(w.showTab(QStringLiteral("Label")));
        auto *label = qobject_cast<LabelView *>(w.findChild<QTabWidget *>()->currentWidget());
        QVERIFY(label);
        QVERIFY(label->startSession(QStringLiteral("keys"), QStringLiteral("normal")));
        QTRY_VERIFY(label->findChild<QPushButton *>(QStringLiteral("saveButton"))->isEnabled());
        label->setFocus();
        QTRY_VERIFY(label->hasFocus());

        // Open the File menu from the menu bar, as a click does, and close it with Esc.
        QMenu *file = w.menuBar()->actions().first()->menu();
        QVERIFY(file);
        w.menuBar()->setActiveAction(w.menuBar()->actions().first());
        QTRY_VERIFY(QApplication::activePopupWidget() == file);
        QTest::keyClick(file, Qt::Key_Escape);
        QTRY_VERIFY(!QApplication::activePopupWidget());
        // The window's focus is back in the Label tab, not on the menu bar. (The offscreen
        // platform does not give the window back its activation after a popup: that is
        // done by hand, and the keys go to the window's focus widget.)
        QTRY_VERIFY2(w.focusWidget() != w.menuBar(), "the menu bar kept the focus after Esc");
        QVERIFY(w.focusWidget() == label || label->isAncestorOf(w.focusWidget()));
        QApplication::setActiveWindow(&w);
        QTRY_VERIFY(QApplication::focusWidget() == w.focusWidget());
        type(Qt::Key_3);
        QCOMPARE(label->form().values[LabelView::Overall], 3);
    }

    void reasonsByKeyboard()
    {
        MainWindow w;
        QCOMPARE(testing::openAndShow(w, m_path), QString());
        QApplication::setActiveWindow(&w);
        QVERIFY(w.showTab(QStringLiteral("Label")));
        auto *label = qobject_cast<LabelView *>(w.findChild<QTabWidget *>()->currentWidget());
        QVERIFY(label->startSession(QStringLiteral("reasons"), QStringLiteral("normal")));
        QTRY_VERIFY(label->findChild<QPushButton *>(QStringLiteral("saveButton"))->isEnabled());
        label->setFocus();
        QTRY_VERIFY(label->hasFocus());

        type(Qt::Key_4);      // Overall
        type(Qt::Key_Down);   // Helpfulness
        type(Qt::Key_2);
        type(Qt::Key_Right);  // its first reason
        auto *box = qobject_cast<QCheckBox *>(QApplication::focusWidget());
        QVERIFY2(box, "→ did not reach a reason");
        type(Qt::Key_Right);  // the second
        QVERIFY(QApplication::focusWidget() != box);
        type(Qt::Key_Left);   // back to the first
        QCOMPARE(QApplication::focusWidget(), box);
        type(Qt::Key_Space);
        QVERIFY(box->isChecked());
        QCOMPARE(label->form().reasons[0], QStringList{QStringLiteral("informative")});
        // The digits still set the marked row while a reason has the focus.
        type(Qt::Key_5);
        QCOMPARE(label->form().values[LabelView::Helpfulness], 5);
        // Tab leaves the reasons for the next row.
        type(Qt::Key_Tab);
        type(Qt::Key_1);
        QCOMPARE(label->form().values[LabelView::Truthfulness], 1);
        // A save with a reason focused: the next instance starts with the focus on the
        // tab, so Space cannot tick a reason of an instance nobody read yet.
        type(Qt::Key_Up);
        type(Qt::Key_Right); // a Helpfulness reason has the focus
        QVERIFY(qobject_cast<QCheckBox *>(QApplication::focusWidget()));
        const qint64 first = label->currentInstanceId();
        type(Qt::Key_Return);
        QTRY_VERIFY(label->currentInstanceId() != first);
        QVERIFY(!qobject_cast<QCheckBox *>(QApplication::focusWidget()));
        type(Qt::Key_Space);
        for (const QStringList &r : label->form().reasons)
            QVERIFY(r.isEmpty());
    }

    void labellingControlsHaveAccessibleNames()
    {
        LabelView view;
        QStringList unnamed;
        for (QWidget *w : view.findChildren<QWidget *>()) {
            const bool control = qobject_cast<QAbstractButton *>(w) || w->objectName() == QLatin1String("rationaleEdit")
                || w->objectName() == QLatin1String("annotatorCombo") || w->objectName() == QLatin1String("overlapSpin");
            if (control && w->accessibleName().isEmpty())
                unnamed << QStringLiteral("%1 \"%2\"").arg(QString::fromLatin1(w->metaObject()->className()), w->objectName());
        }
        QVERIFY2(unnamed.isEmpty(), qPrintable(unnamed.join(QStringLiteral(", "))));
        // The 1-5 buttons say what they mean to a screen reader.
        auto *overall = view.findChild<QWidget *>(QStringLiteral("overallRow"));
        QVERIFY(overall);
        QStringList descriptions;
        for (QToolButton *b : overall->findChildren<QToolButton *>())
            descriptions << b->accessibleDescription();
        QCOMPARE(descriptions.size(), 5);
        QVERIFY(descriptions.contains(QStringLiteral("left clearly better")));
    }

private:
    QTemporaryDir m_dir;
    QString m_path;
};

QTEST_MAIN(TestKeyboard)
#include "tst_keyboard.moc"
