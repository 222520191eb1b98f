// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QList>
#include <QWidget>

class QAction;

namespace hyper {

class ProjectStore;

/**
 * A tab of the main window that shows one aspect of the open project (dataset,
 * features, training, ...). MainWindow owns the views and tells each one when the
 * project changes.
 *
 * Thread affinity: the GUI thread. The store passed to setProject() is owned by
 * MainWindow and valid until the next setProject() call; background jobs of a view open
 * their own ProjectStore on store->path() in their worker thread.
 */
class ProjectView : public QWidget
{
    Q_OBJECT

public:
    using QWidget::QWidget;

    /** The tab's title. */
    virtual QString title() const = 0;
    /** The open project, or nullptr when none is open. Cancel jobs of the previous one. */
    virtual void setProject(ProjectStore *store) = 0;
    /** Actions MainWindow lists in its Edit menu (e.g. the Label tab's Undo/Redo); they
     *  keep their own shortcuts and shortcut context. */
    virtual QList<QAction *> editActions() const { return {}; }

Q_SIGNALS:
    /** A short message for the status bar. */
    void statusMessage(const QString &message);
    /** The view changed the project's data (e.g. computed features): other views reload. */
    void projectDataChanged();
    /** Show the dataset table filtered to the instances carrying ALL these binary
     *  features (raw names); MainWindow applies it and switches to the Dataset tab. */
    void showInstances(const QStringList &features);
};

} // namespace hyper
