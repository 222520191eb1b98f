// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/storage/filesystem.h"

#include <QDir>
#include <QFileInfo>
#include <sys/vfs.h>

namespace hyper {

QString networkFileSystemName(std::uint64_t type)
{
    // Magic numbers of linux/magic.h (and the kernel's fs sources for the few not there).
    switch (type) {
    case 0x6969: return QStringLiteral("NFS");
    case 0x517B: return QStringLiteral("SMB");
    case 0xFF534D42: return QStringLiteral("CIFS");
    case 0xFE534D42: return QStringLiteral("SMB2");
    case 0x65735546: return QStringLiteral("FUSE");           // sshfs, rclone, cloud drives
    case 0x01021997: return QStringLiteral("9P");             // v9fs: VM and WSL shares
    case 0x5346414F: return QStringLiteral("AFS");
    case 0x6B414653: return QStringLiteral("AFS");            // kAFS
    case 0x00C36400: return QStringLiteral("CephFS");
    case 0x73757245: return QStringLiteral("Coda");
    case 0x564C: return QStringLiteral("NCP");
    case 0x47504653: return QStringLiteral("GPFS");
    case 0x0BD00BD0: return QStringLiteral("Lustre");
    case 0x01161970: return QStringLiteral("GFS2");
    case 0x7461636F: return QStringLiteral("OCFS2");
    case 0x786F4256: return QStringLiteral("VirtualBox shared folder"); // vboxsf
    default: return {};
    }
}

QString networkFileSystemOf(const QString &path)
{
    const QFileInfo info(path);
    const QString probe = info.exists() ? info.absoluteFilePath() : info.absolutePath();
    struct statfs fs {};
    if (statfs(QFile::encodeName(probe).constData(), &fs) != 0)
        return {};
    return networkFileSystemName(std::uint64_t(std::uint32_t(fs.f_type)));
}

QString networkFileSystemWarning(const QString &path)
{
    const QString fs = networkFileSystemOf(path);
    if (fs.isEmpty())
        return {};
    return QStringLiteral(
               "%1 is on a network file system (%2). SQLite's write-ahead log keeps its index in memory "
               "shared on one machine, and file locks over such mounts are unreliable: programs on two "
               "machines writing this project can corrupt it. Keep projects on a local disk; a team on "
               "several machines hands out annotator packs (File > Annotator Packs…, hyper pack) instead of "
               "sharing the file.")
        .arg(QFileInfo(path).fileName(), fs);
}

} // namespace hyper
