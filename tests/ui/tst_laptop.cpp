// SPDX-License-Identifier: GPL-3.0-or-later
// Issue 19: the workbench on a laptop. The main window's minimum size fits a 1280 x 720
// screen (less its title bar and panel) on every tab, and at 1280 x 720 every control of
// the Label form is inside the visible area (not scrolled away, not cut by the window).
#include "uitesthelpers.h"

#include "ui/labelview.h"

#include <QAbstractScrollArea>
#include <QCheckBox>
#include <QDir>
#include <QApplication>
#include <QLabel>
#include <QPushButton>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTest>

using namespace hyper;

namespace {

// A 1280 x 720 laptop screen less a title bar and a desktop panel (about 30 px each).
constexpr int kScreenWidth = 1280;
constexpr int kUsableHeight = 720 - 60;

/** The widgets under `root` whose minimum size is widest (or tallest), for the message of
 *  a failure: "FeaturesView > QSplitter > QTableView: 1417 x 300". */
QString widestChain(QWidget *root, bool width)
{
    QString chain;
    QWidget *at = root;
    while (at) {
        const QSize min = at->minimumSizeHint().expandedTo(at->minimumSize());
        chain += QStringLiteral(" > %1 \"%2\" %3x%4")
                     .arg(QString::fromLatin1(at->metaObject()->className()), at->objectName())
                     .arg(min.width())
                     .arg(min.height());
        QWidget *next = nullptr;
        int best = -1;
        for (QWidget *child : at->findChildren<QWidget *>(Qt::FindDirectChildrenOnly)) {
            if (!child->isVisibleTo(root) || child->isWindow())
                continue;
            const QSize m = child->minimumSizeHint().expandedTo(child->minimumSize());
            const int v = width ? m.width() : m.height();
            if (v > best) {
                best = v;
                next = child;
            }
        }
        at = next;
    }
    return chain;
}

/** HYPER_SCREENSHOT_DIR keeps a picture of the window for a person to look at. */
void keepPicture(QWidget &w, const QString &name)
{
    const QString dir = qEnvironmentVariable("HYPER_SCREENSHOT_DIR");
    if (!dir.isEmpty())
        QVERIFY(w.grab().save(QDir(dir).filePath(name + QStringLiteral(".png"))));
}

/** Why `w` is not fully shown inside `window`, or "" when it is. */
QString notShown(QWidget *w, QWidget *window)
{
    if (!w->isVisible())
        return QStringLiteral("hidden");
    const QRect inWindow(w->mapTo(window, QPoint(0, 0)), w->size());
    if (!window->rect().contains(inWindow))
        return QStringLiteral("at %1,%2 %3x%4, outside the %5x%6 window")
            .arg(inWindow.x()).arg(inWindow.y()).arg(inWindow.width()).arg(inWindow.height())
            .arg(window->width()).arg(window->height());
    // Clipped by a scroll area's viewport (scrolled away) or by any other parent.
    const QRegion visible = w->visibleRegion();
    if (visible.boundingRect() != w->rect())
        return QStringLiteral("only %1x%2 of %3x%4 visible")
            .arg(visible.boundingRect().width()).arg(visible.boundingRect().height())
            .arg(w->width()).arg(w->height());
    return QString();
}

} // namespace

class TestLaptop : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_path = m_dir.filePath(QStringLiteral("laptop.hyper"));
        testing::makeRoutedSample(m_path, 80, 20, 40);
    }

    void minimumSizeFitsEveryTab()
    {
        MainWindow w;
        QCOMPARE(testing::openAndShow(w, m_path), QString());
        auto *tabs = w.findChild<QTabWidget *>();
        QVERIFY(tabs);
        QVERIFY(tabs->count() >= 10);
        // The window's minimum is the widest tab's (QTabWidget takes the maximum over its
        // pages) plus the frame: each page must leave room for the window's own frame.
        QApplication::processEvents();
        const QSize frame = w.size() - tabs->currentWidget()->size(); // menu, tab bar, status bar
        for (int i = 0; i < tabs->count(); ++i) {
            tabs->setCurrentIndex(i);
            QApplication::processEvents();
            QWidget *page = tabs->widget(i);
            const QSize min = page->minimumSizeHint().expandedTo(page->minimumSize()) + frame;
            const QString tab = tabs->tabText(i);
            qInfo("%s: page minimum %dx%d", qPrintable(tab), min.width(), min.height());
            QVERIFY2(min.width() <= kScreenWidth,
                     qPrintable(QStringLiteral("%1 tab: minimum width %2 > %3:%4")
                                    .arg(tab).arg(min.width()).arg(kScreenWidth).arg(widestChain(tabs->widget(i), true))));
            QVERIFY2(min.height() <= kUsableHeight,
                     qPrintable(QStringLiteral("%1 tab: minimum height %2 > %3:%4")
                                    .arg(tab).arg(min.height()).arg(kUsableHeight).arg(widestChain(tabs->widget(i), false))));
        }
        for (int i = 0; i < tabs->count(); ++i) {
            tabs->setCurrentIndex(i);
            QTest::qWait(50);
            keepPicture(w, QStringLiteral("laptop-") + tabs->tabText(i).toLower());
        }
        const QSize window = w.minimumSizeHint().expandedTo(w.minimumSize());
        QVERIFY2(window.width() <= kScreenWidth && window.height() <= kUsableHeight,
                 qPrintable(QStringLiteral("window minimum %1x%2").arg(window.width()).arg(window.height())));
    }

    void labelFormVisibleOnLaptop_data()
    {
        QTest::addColumn<int>("width");
        QTest::addColumn<int>("height");
        QTest::newRow("1280x720") << 1280 << 720;
        QTest::newRow("1366x700") << 1366 << 700;
        QTest::newRow("1280x660") << 1280 << kUsableHeight;
    }

    void labelFormVisibleOnLaptop()
    {
        QFETCH(int, width);
        QFETCH(int, height);
        MainWindow w;
        QCOMPARE(testing::openAndShow(w, m_path), QString());
        w.resize(width, height);
        QVERIFY(w.showTab(QStringLiteral("Label")));
        QApplication::processEvents();
        auto *label = qobject_cast<LabelView *>(w.findChild<QTabWidget *>()->currentWidget());
        QVERIFY(label);
        QVERIFY(label->startSession(QStringLiteral("laptop"), QStringLiteral("normal")));
        QApplication::processEvents();
        QTRY_VERIFY(label->findChild<QPushButton *>(QStringLiteral("saveButton"))->isEnabled());
        const QStringList names{QStringLiteral("overallRow"), QStringLiteral("helpfulnessRow"),
                                QStringLiteral("truthfulnessRow"), QStringLiteral("harmlessnessRow"),
                                QStringLiteral("confidenceRow"), QStringLiteral("rationaleEdit"),
                                QStringLiteral("saveButton"), QStringLiteral("skipButton"),
                                QStringLiteral("flagButton"), QStringLiteral("lmLabelPanel")};
        for (const QString &name : names) {
            auto *control = label->findChild<QWidget *>(name);
            QVERIFY2(control, qPrintable(name));
            const QString why = notShown(control, &w);
            QVERIFY2(why.isEmpty(), qPrintable(QStringLiteral("%1 at %2x%3: %4").arg(name).arg(width).arg(height).arg(why)));
        }
        keepPicture(w, QStringLiteral("laptop-label-%1x%2").arg(width).arg(height));
        // The reason boxes of each aspect row, too.
        const QList<QCheckBox *> reasons = label->findChildren<QCheckBox *>();
        QVERIFY(!reasons.isEmpty());
        for (QCheckBox *box : reasons) {
            const QString why = notShown(box, &w);
            QVERIFY2(why.isEmpty(), qPrintable(QStringLiteral("reason %1: %2").arg(box->text(), why)));
        }
    }

private:
    QTemporaryDir m_dir;
    QString m_path;
};

QTEST_MAIN(TestLaptop)
#include "tst_laptop.moc"
