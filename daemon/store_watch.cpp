// SPDX-License-Identifier: Apache-2.0
#include "daemon/store_watch.hpp"

#include <fmt/format.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace slawatch::daemon {

StoreWatch::StoreWatch(std::filesystem::path db) : path_(std::move(db)) {
    fd_ = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY);
    if (fd_ < 0)
        throw std::runtime_error(
            fmt::format("cannot open {} to watch it: {}", path_.string(), std::strerror(errno)));
    struct stat st {};
    if (::fstat(fd_, &st) != 0) {
        const int e = errno;
        ::close(fd_);
        throw std::runtime_error(
            fmt::format("cannot stat {}: {}", path_.string(), std::strerror(e)));
    }
    identity_ = {st.st_dev, st.st_ino};
}

StoreWatch::~StoreWatch() {
    if (fd_ >= 0) ::close(fd_);
}

std::optional<std::string> StoreWatch::lost() const {
    struct stat open {};
    if (::fstat(fd_, &open) != 0)
        return fmt::format("cannot stat the open database {}: {}", path_.string(),
                           std::strerror(errno));
    if (open.st_nlink == 0)
        return fmt::format("the database {} was deleted while open (device {} inode {})",
                           path_.string(), open.st_dev, open.st_ino);
    struct stat named {};
    if (::stat(path_.c_str(), &named) != 0) {
        // Only a missing name is decisive; another error (EIO) fails the writes anyway.
        if (errno != ENOENT && errno != ENOTDIR) return std::nullopt;
        return fmt::format(
            "the database {} no longer exists: the open file (device {} inode {}) was moved "
            "away",
            path_.string(), open.st_dev, open.st_ino);
    }
    if (named.st_dev != open.st_dev || named.st_ino != open.st_ino)
        return fmt::format(
            "the database {} now names another file (device {} inode {}), not the open one "
            "(device {} inode {}): it was replaced",
            path_.string(), named.st_dev, named.st_ino, open.st_dev, open.st_ino);
    return std::nullopt;
}

}  // namespace slawatch::daemon
