// SPDX-License-Identifier: Apache-2.0
#pragma once
// The single-writer lock of one evidence database: an exclusive flock(2) on
// "<db>.lock" holding the holder's PID and role. The daemon holds it for its
// whole life; replay, maintenance add/remove and re-derivation take it for
// their run. Readers never take it.

#include "storage/store_error.hpp"

#include <sys/types.h>

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace slawatch::storage {

// Who holds the lock, as written in the lock file.
struct LockHolder {
    pid_t pid = 0;     // 0 when the holder has not written it yet
    std::string role;  // "slawatch run", "slawatch replay", ...
};

// Thrown by acquire() when another process holds the lock.
struct WriterLockBusy : StoreError {
    WriterLockBusy(const std::string& message, LockHolder holder)
        : StoreError(message), holder(std::move(holder)) {}
    LockHolder holder;
};

class WriterLock {
public:
    // Takes the lock of `db_path` without waiting, or throws WriterLockBusy
    // naming the holder's PID (StoreError when the lock file cannot be opened).
    static WriterLock acquire(const std::filesystem::path& db_path, std::string_view role);

    // The current holder, or nothing when the lock is free (never takes it).
    static std::optional<LockHolder> holder(const std::filesystem::path& db_path);

    static std::filesystem::path lock_path(const std::filesystem::path& db_path);

    WriterLock(WriterLock&& other) noexcept;
    WriterLock& operator=(WriterLock&& other) noexcept;
    WriterLock(const WriterLock&) = delete;
    WriterLock& operator=(const WriterLock&) = delete;
    ~WriterLock();

private:
    explicit WriterLock(int fd) : fd_(fd) {}
    void release() noexcept;

    int fd_ = -1;
};

// "database X is in use by slawatch run (PID 123)": for messages.
std::string describe(const LockHolder& holder, const std::filesystem::path& db_path);

}  // namespace slawatch::storage
