// SPDX-License-Identifier: Apache-2.0
// The single-writer lock: flock(2) on "<db>.lock", released by the kernel
// when the holder exits, however it exits.

#include "storage/writer_lock.hpp"

#include <fmt/format.h>

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>
#include <cerrno>
#include <charconv>
#include <cstring>

namespace slawatch::storage {
namespace fs = std::filesystem;

namespace {

LockHolder read_holder(int fd) {
    char buf[256] = {};
    const auto n = ::pread(fd, buf, sizeof buf - 1, 0);
    LockHolder h;
    if (n <= 0) return h;
    std::string_view text(buf, static_cast<std::size_t>(n));
    const auto space = text.find(' ');
    const auto pid_text = text.substr(0, space);
    long pid = 0;
    const auto [p, ec] = std::from_chars(pid_text.data(), pid_text.data() + pid_text.size(), pid);
    if (ec == std::errc{} && p == pid_text.data() + pid_text.size() && pid > 0) {
        h.pid = static_cast<pid_t>(pid);
    }
    if (space != std::string_view::npos) {
        auto role = text.substr(space + 1);
        while (!role.empty() && (role.back() == '\n' || role.back() == '\r')) role.remove_suffix(1);
        h.role = std::string(role);
    }
    return h;
}

}  // namespace

fs::path WriterLock::lock_path(const fs::path& db_path) {
    auto p = db_path;
    p += ".lock";
    return p;
}

std::string describe(const LockHolder& holder, const fs::path& db_path) {
    return fmt::format(
        "database {} is in use by {} ({})", db_path.string(),
        holder.role.empty() ? std::string("another slawatch") : holder.role,
        holder.pid > 0 ? fmt::format("PID {}", holder.pid) : std::string("PID not yet written"));
}

WriterLock WriterLock::acquire(const fs::path& db_path, std::string_view role) {
    const auto path = lock_path(db_path);
    // O_CLOEXEC: probes' and hooks' child processes must not inherit the lock.
    const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) {
        throw StoreError(
            fmt::format("cannot open the writer lock {}: {}", path.string(), std::strerror(errno)));
    }
    // A reader's LOCK_SH (holder()) lasts microseconds, and a new holder may be
    // between flock() and write(): an empty lock file is retried a few times.
    for (int attempt = 0; ::flock(fd, LOCK_EX | LOCK_NB) != 0; ++attempt) {
        const int err = errno;
        if (err != EWOULDBLOCK) {
            ::close(fd);
            throw StoreError(fmt::format("cannot lock {}: {}", path.string(), std::strerror(err)));
        }
        auto h = read_holder(fd);
        if (h.pid == 0 && attempt < 5) {
            ::usleep(20'000);
            continue;
        }
        ::close(fd);
        auto message = describe(h, db_path);
        throw WriterLockBusy(std::move(message), std::move(h));
    }
    WriterLock lock(fd);
    const auto text = fmt::format("{} {}\n", ::getpid(), role);
    if (::ftruncate(fd, 0) != 0 ||
        ::pwrite(fd, text.data(), text.size(), 0) != static_cast<ssize_t>(text.size())) {
        throw StoreError(fmt::format("cannot write the writer lock {}: {}", path.string(),
                                     std::strerror(errno)));
    }
    return lock;
}

std::optional<LockHolder> WriterLock::holder(const fs::path& db_path) {
    const auto path = lock_path(db_path);
    // Read-only: a reader without write access to the directory can still look.
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return std::nullopt;  // never created: nobody holds it
    std::optional<LockHolder> out;
    if (::flock(fd, LOCK_SH | LOCK_NB) != 0) {
        out = read_holder(fd);
    } else {
        ::flock(fd, LOCK_UN);
    }
    ::close(fd);
    return out;
}

WriterLock::WriterLock(WriterLock&& other) noexcept : fd_(other.fd_) {
    other.fd_ = -1;
}

WriterLock& WriterLock::operator=(WriterLock&& other) noexcept {
    if (this != &other) {
        release();
        fd_ = other.fd_;
        other.fd_ = -1;
    }
    return *this;
}

WriterLock::~WriterLock() {
    release();
}

void WriterLock::release() noexcept {
    if (fd_ < 0) return;
    // Cleared first so a reader never sees a stale PID beside a free lock.
    [[maybe_unused]] const int rc = ::ftruncate(fd_, 0);
    ::close(fd_);
    fd_ = -1;
}

}  // namespace slawatch::storage
