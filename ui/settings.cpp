// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/settings.h"

#include <QFileInfo>

namespace hyper::settings {

namespace {
QString normalized(const QString &path)
{
    return QFileInfo(path).absoluteFilePath();
}
} // namespace

void addRecentProject(const QString &path)
{
    const QString p = normalized(path);
    QStringList list = recentProjects.value();
    list.removeAll(p);
    list.prepend(p);
    while (list.size() > kMaxRecentProjects)
        list.removeLast();
    recentProjects.setValue(list);
    lastProject.setValue(p);
}

void removeRecentProject(const QString &path)
{
    const QString p = normalized(path);
    QStringList list = recentProjects.value();
    if (list.removeAll(p) > 0)
        recentProjects.setValue(list);
    if (lastProject.value() == p)
        lastProject.reset();
}

} // namespace hyper::settings
