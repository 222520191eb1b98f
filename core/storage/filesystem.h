// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>
#include <cstdint>

namespace hyper {

/** The name of a network or user-space file system type (statfs f_type: "NFS", "SMB/CIFS",
 *  "FUSE", ...), or an empty string for a local one. */
QString networkFileSystemName(std::uint64_t statfsType);

/** The network file system the file (or, when it does not exist yet, its folder) lies on,
 *  or an empty string when it is local or cannot be told. Uses statfs(): opens nothing. */
QString networkFileSystemOf(const QString &path);

/** A plain warning for a project on a network file system, or an empty string: SQLite's
 *  WAL keeps its index in memory shared on one host, so programs on two machines corrupt
 *  the file, and file locking over such mounts is unreliable. */
QString networkFileSystemWarning(const QString &path);

} // namespace hyper
