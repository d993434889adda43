// SPDX-License-Identifier: Apache-2.0
#pragma once
// The live database must not vanish unnoticed: the daemon keeps a descriptor
// of the file it opened and asks, cheaply (fstat and stat, no SQL), whether
// its path still names that file. A deleted or replaced database would
// otherwise take every later result and signature with it, unseen.

#include <sys/types.h>

#include <filesystem>
#include <optional>
#include <string>

namespace slawatch::daemon {

// (st_dev, st_ino): which file a path or a descriptor is.
struct FileIdentity {
    dev_t device = 0;
    ino_t inode = 0;
    bool operator==(const FileIdentity&) const = default;
};

class StoreWatch {
public:
    // Opens `db` read-only (close-on-exec) and remembers which file it is;
    // throws std::runtime_error when it cannot. The descriptor stays open for
    // the watch's life: destroy it only after SQLite has closed the database
    // (closing any descriptor of a file drops the process's POSIX locks on it).
    explicit StoreWatch(std::filesystem::path db);
    ~StoreWatch();
    StoreWatch(const StoreWatch&) = delete;
    StoreWatch& operator=(const StoreWatch&) = delete;

    const std::filesystem::path& path() const { return path_; }
    FileIdentity identity() const { return identity_; }

    // Why the path no longer names the open file (deleted, moved, replaced),
    // or nullopt while it does.
    std::optional<std::string> lost() const;

private:
    std::filesystem::path path_;
    int fd_ = -1;
    FileIdentity identity_;
};

}  // namespace slawatch::daemon
