// SPDX-License-Identifier: GPL-3.0-or-later
// ImportError on its own, so that the readers (LineReader, RowSource, the score CSV) link
// without the importer and its project store (the fuzz targets, tests/fuzz).
#include "core/io/importer.h"

namespace hyper {

namespace {

QString composeWhat(const QString &file, qint64 line, const QString &message)
{
    if (line > 0)
        return QStringLiteral("%1:%2: %3").arg(file).arg(line).arg(message);
    return QStringLiteral("%1: %2").arg(file, message);
}

} // namespace

ImportError::ImportError(const QString &file, qint64 line, const QString &message)
    : std::runtime_error(composeWhat(file, line, message).toStdString())
    , m_file(file)
    , m_line(line)
    , m_message(message)
{
}

} // namespace hyper
