#pragma once

// Helpers shared by the importer tests (tst_importers, tst_io_errors).
#include "core/io/importer.h"
#include "core/storage/projectstore.h"

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

} // namespace hyper::testing
