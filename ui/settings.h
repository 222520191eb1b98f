// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QSettings>
#include <QString>
#include <QStringList>
#include <QVariant>
#include <utility>

namespace hyper {

/**
 * One persistent setting, declared once with its key and default (Tiled's
 * SessionOption<T>, qBittorrent's SettingValue<T>). Reads and writes go through a
 * fresh QSettings, so they follow QCoreApplication's organization/application name.
 *
 * Thread affinity: any thread (QSettings is reentrant). Instances are immutable
 * constants; they own nothing but the key and the default.
 */
template <typename T> class Setting
{
public:
    Setting(const char *key, T defaultValue = T())
        : m_key(key)
        , m_default(std::move(defaultValue))
    {
    }

    QString key() const { return QString::fromLatin1(m_key); }
    const T &defaultValue() const { return m_default; }

    T value() const
    {
        const QVariant v = QSettings().value(key());
        return v.isValid() && v.canConvert<T>() ? v.value<T>() : m_default;
    }

    void setValue(const T &value) const { QSettings().setValue(key(), QVariant::fromValue(value)); }
    void reset() const { QSettings().remove(key()); }

private:
    const char *m_key;
    T m_default;
};

/** Every setting of the workbench GUI, in one place. */
namespace settings {

inline const Setting<QStringList> recentProjects { "projects/recent" };
inline const Setting<QString> lastProject { "projects/last" };
inline const Setting<QByteArray> mainWindowGeometry { "mainWindow/geometry" };
inline const Setting<QByteArray> mainWindowState { "mainWindow/state" };
inline const Setting<QByteArray> browserSplitterState { "mainWindow/browserSplitter" };
/** The tab shown when the window closed (its English title), restored at the next start. */
inline const Setting<QString> currentTab { "mainWindow/tab" };
inline const Setting<QString> lastImportDirectory { "import/lastDirectory" };
inline const Setting<bool> importSkipBadRows { "import/skipBadRows", false };
/** The Review tab's lead name (who sets final labels). */
inline const Setting<QString> reviewLead { "review/lead" };
/** Label tab: show the LM label of the instance being labelled (off: only after saving). */
inline const Setting<bool> showLmLabelWhileLabelling { "label/showLmLabel", false };
/** Label tab: responses stacked (true) or side by side. */
inline const Setting<bool> labelStacked { "label/stacked", false };
/** Label tab: the annotator of the last session, resumed when the project knows them. */
inline const Setting<QString> lastAnnotator { "label/annotator" };

/** How many entries File > Recent Projects keeps. */
inline constexpr int kMaxRecentProjects = 8;

/** Moves path to the front of the recent projects (deduplicated, bounded) and records
 *  it as the last project. */
void addRecentProject(const QString &path);
/** Drops path from the recent projects (e.g. when it no longer opens). */
void removeRecentProject(const QString &path);

} // namespace settings
} // namespace hyper
