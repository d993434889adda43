// SPDX-License-Identifier: Apache-2.0
// The evidence database and its -wal/-shm are owner-only whatever the umask,
// and every descriptor SQLite opens on them is close-on-exec.

#include "storage/store.hpp"
#include "tests/support/process.hpp"
#include "tests/support/store_config.hpp"

#include <catch2/catch.hpp>

#include <fcntl.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <span>
#include <sstream>

using namespace slawatch;
namespace fs = std::filesystem;

namespace {

// Restores the process's umask when the test ends, pass or fail.
struct Umask {
    mode_t old;
    explicit Umask(mode_t m) : old(::umask(m)) {}
    ~Umask() { ::umask(old); }
};

unsigned mode_of(const fs::path& p) {
    struct stat st {};
    REQUIRE(::stat(p.c_str(), &st) == 0);
    return st.st_mode & 07777;
}

// Writes one result so that SQLite creates the -wal and -shm files.
std::unique_ptr<storage::Store> store_with_a_row(const fs::path& db) {
    auto config = testing::store_config({{"p", config::ProbeRole::service}});
    auto store = storage::Store::open(config, db, storage::OpenMode::read_write);
    storage::ProbeResult r{"p", {}};
    r.sample.sent_ms = 1'780'000'000'000;
    store->append(std::span<const storage::ProbeResult>(&r, 1));
    return store;
}

// The flags of each of this process's descriptors open on `prefix`*.
std::vector<std::pair<std::string, unsigned long>> fd_flags(const fs::path& prefix) {
    std::vector<std::pair<std::string, unsigned long>> out;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator("/proc/self/fd", ec)) {
        const auto target = fs::read_symlink(e.path(), ec).string();
        if (ec || !target.starts_with(prefix.string())) continue;
        std::ifstream info("/proc/self/fdinfo/" + e.path().filename().string());
        for (std::string line; std::getline(info, line);)
            if (line.starts_with("flags:"))
                out.emplace_back(target, std::stoul(line.substr(6), nullptr, 8));
    }
    return out;
}

}  // namespace

TEST_CASE("files: a new database and its WAL and SHM are 0600 under umask 000",
          "[storage][modes]") {
    testing::TempDir dir;
    const auto db = dir / "slawatch.db";
    Umask open_to_all(0);
    auto store = store_with_a_row(db);
    CHECK(mode_of(db) == 0600);
    REQUIRE(fs::exists(dir / "slawatch.db-wal"));
    REQUIRE(fs::exists(dir / "slawatch.db-shm"));
    CHECK(mode_of(dir / "slawatch.db-wal") == 0600);
    CHECK(mode_of(dir / "slawatch.db-shm") == 0600);

    // SQLite opens them all close-on-exec: a hook never inherits the evidence.
    const auto fds = fd_flags(db);
    CHECK(fds.size() >= 3);
    for (const auto& [target, flags] : fds) {
        INFO(target);
        CHECK((flags & O_CLOEXEC) != 0);
    }
}

TEST_CASE("files: a tight umask does not make a new database unwritable", "[storage][modes]") {
    testing::TempDir dir;
    const auto db = dir / "slawatch.db";
    Umask tight(0277);
    auto store = store_with_a_row(db);
    CHECK(mode_of(db) == 0600);
    CHECK(mode_of(dir / "slawatch.db-wal") == 0600);
}

TEST_CASE("files: an existing database keeps the mode its owner gave it", "[storage][modes]") {
    testing::TempDir dir;
    const auto db = dir / "slawatch.db";
    { store_with_a_row(db); }
    REQUIRE(::chmod(db.c_str(), 0640) == 0);
    Umask open_to_all(0);
    auto store = store_with_a_row(db);
    CHECK(mode_of(db) == 0640);
}
