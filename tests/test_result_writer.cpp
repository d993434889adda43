// SPDX-License-Identifier: Apache-2.0
// The daemon's batched result writer against a real Store whose database
// another connection holds locked (docs/architecture.md: a locked database is retried).

#include "config/config.hpp"
#include "daemon/result_writer.hpp"
#include "storage/store.hpp"
#include "tests/support/process.hpp"

#include <sqlite3.h>
#include <catch2/catch.hpp>

using namespace slawatch;
using namespace slawatch::daemon;

namespace {

constexpr sla::EpochMillis t0 = 1'780'000'000'000;  // 2026-05-28

config::Config test_config(const testing::TempDir& dir) {
    auto loaded = config::parse(
        "[contract]\nname = \"w\"\ntimezone = \"UTC\"\nstart = 2026-05-01\nmonths = 2\n"
        "monthly_fee = \"1.00\"\nuser_id = \"1\"\norder_id = \"2\"\n"
        "[storage]\npath = \"w.db\"\n"
        "[[probe]]\nname = \"p\"\nkind = \"http\"\nurl = \"http://127.0.0.1:1/\"\n",
        dir / "w.toml");
    for (auto& e : loaded.errors) UNSCOPED_INFO(e);
    REQUIRE(loaded);
    return *loaded.config;
}

storage::ProbeResult result(int i) {
    storage::ProbeResult r{std::string("p"), sla::Sample{}};
    r.sample.sent_ms = t0 + i * 1000;
    r.sample.outcome = i % 2 ? sla::Outcome::ok : sla::Outcome::http_5xx;
    r.sample.http_status = i % 2 ? 200 : 503;
    return r;
}

// Another process-like connection holding the write lock.
struct Locker {
    sqlite3* db = nullptr;
    explicit Locker(const std::filesystem::path& file) {
        REQUIRE(sqlite3_open(file.c_str(), &db) == SQLITE_OK);
        REQUIRE(sqlite3_exec(db, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr) == SQLITE_OK);
    }
    ~Locker() {
        sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
        sqlite3_close(db);
    }
};

}  // namespace

TEST_CASE("results are written in batches and kept while the database is locked", "[writer]") {
    testing::TempDir dir;
    auto config = test_config(dir);
    storage::OpenOptions options;
    options.busy_timeout = std::chrono::milliseconds(50);
    auto store = storage::Store::open(config, dir / "w.db", storage::OpenMode::read_write, options);
    const ResultWriter::Sink into = [&](auto r) { store->append(r); };
    ResultWriter writer(4, 100);

    for (int i = 0; i < 3; ++i) CHECK_FALSE(writer.add(result(i)));
    CHECK(writer.add(result(3)));  // a full batch
    CHECK(writer.flush(into));
    CHECK(writer.buffered() == 0);
    CHECK(store->results(t0, t0 + 60'000).size() == 4);

    {
        Locker lock(dir / "w.db");
        for (int i = 4; i < 10; ++i) writer.add(result(i));
        CHECK_FALSE(writer.flush(into));
        CHECK_FALSE(writer.healthy());
        CHECK(writer.buffered() == 6);
        CHECK(writer.errors() == 1);
        // Logged once, then not again within the minute.
        CHECK(writer.error_report(t0).has_value());
        CHECK_FALSE(writer.flush(into));
        CHECK_FALSE(writer.error_report(t0 + 30'000).has_value());
        CHECK(writer.error_report(t0 + 61'000).has_value());
    }
    // The lock is gone: everything buffered is written, nothing lost or doubled.
    CHECK(writer.flush(into));
    CHECK(writer.healthy());
    auto stored = store->results(t0, t0 + 60'000);
    REQUIRE(stored.size() == 10);
    for (int i = 0; i < 10; ++i) {
        CHECK(stored[static_cast<std::size_t>(i)].sample.sent_ms == t0 + i * 1000);
        CHECK(stored[static_cast<std::size_t>(i)].sample.http_status == (i % 2 ? 200 : 503));
    }
}

TEST_CASE("a store that stays down costs bounded memory: the oldest results are dropped",
          "[writer]") {
    testing::TempDir dir;
    auto config = test_config(dir);
    storage::OpenOptions options;
    options.busy_timeout = std::chrono::milliseconds(20);
    auto store = storage::Store::open(config, dir / "w.db", storage::OpenMode::read_write, options);
    const ResultWriter::Sink into = [&](auto r) { store->append(r); };
    ResultWriter writer(5, 8);
    {
        Locker lock(dir / "w.db");
        for (int i = 0; i < 20; ++i) {
            if (writer.add(result(i))) writer.flush(into);
        }
        CHECK(writer.buffered() == 8);
        CHECK(writer.dropped() == 12);
        CHECK(writer.oldest_buffered_minute() == sla::minute_of_ms(t0 + 12'000));
    }
    CHECK(writer.flush(into));
    auto stored = store->results(t0, t0 + 60'000);
    REQUIRE(stored.size() == 8);
    CHECK(stored.front().sample.sent_ms == t0 + 12'000);
    CHECK(stored.back().sample.sent_ms == t0 + 19'000);
}
