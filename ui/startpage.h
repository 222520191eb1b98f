// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QFrame>
#include <QWidget>

class QLabel;

namespace hyper {

/**
 * What the Dataset tab shows instead of its table when the open project holds no
 * instance (or no project is open): what a project is and what to do next, with buttons
 * for the first step (issue 19's empty states).
 */
class StartPage : public QWidget
{
    Q_OBJECT

public:
    explicit StartPage(QWidget *parent = nullptr);
    /** "empty": a project with no instances; "none": no project is open. */
    void setProjectOpen(bool open, const QString &fileName = {});

Q_SIGNALS:
    void importRequested();
    void newProjectRequested();
    void openProjectRequested();

private:
    QLabel *m_title = nullptr;
    QLabel *m_text = nullptr;
    QWidget *m_importButton = nullptr;
};

/**
 * A dismissible line above the dataset table at the first start: the sample project, and
 * the workflow tab by tab. Closed with its × button (or Esc while it has focus).
 */
class WelcomeBanner : public QFrame
{
    Q_OBJECT

public:
    explicit WelcomeBanner(QWidget *parent = nullptr);
};

} // namespace hyper
