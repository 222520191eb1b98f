// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Helpers shared by the importer tests (tst_importers, tst_io_errors).
#include "core/io/importer.h"
#include "core/jobs/feedback.h"
#include "core/storage/projectstore.h"

#include <QTemporaryDir>
#include <memory>

#include <QStringList>
#include <vector>

namespace hyper::testing {

inline QString dataFile(const QString &name)
{
    return QStringLiteral(HYPER_TEST_DATA_DIR "/import/") + name;
}

inline ImportParams params(const QString &name, const QString &format = QStringLiteral("auto"),
                    const QStringList &map = {})
{
    ImportParams p;
    p.file = dataFile(name);
    p.format = format;
    for (const QString &m : map)
        p.map.insert(m.section(QLatin1Char('='), 0, 0), m.section(QLatin1Char('='), 1));
    return p;
}

/** Every instance of the store, in id order. */
inline std::vector<Instance> allInstances(const ProjectStore &store)
{
    std::vector<Instance> out;
    for (const InstanceSummary &s : store.listInstances({}, 0, 100000))
        out.push_back(*store.instance(s.id));
    return out;
}

/** Fresh projects in a temporary folder and a one-call import, for importer tests. */
class ImportTestBase
{
protected:
    /** A fresh, empty project. */
    std::unique_ptr<ProjectStore> newStore()
    {
        const QString path = m_dir.filePath(QStringLiteral("p%1.hyper").arg(++m_projects));
        return std::make_unique<ProjectStore>(path, ProjectStore::Mode::CreateNew);
    }

    ImportResult import(ProjectStore &store, const ImportParams &p)
    {
        Feedback feedback;
        return runImport(store, p, feedback);
    }

    QTemporaryDir m_dir;

private:
    int m_projects = 0;
};

} // namespace hyper::testing
