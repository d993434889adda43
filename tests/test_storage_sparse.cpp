// SPDX-License-Identifier: Apache-2.0
// The store's sparse minutes (unknown by absence), the config fingerprint
// that keeps derived minutes in step with the config (R3, R4, R7), the
// version 3 migration and the single-writer lock.

#include "storage/schema.hpp"
#include "storage/sqlite.hpp"
#include "storage/store.hpp"
#include "storage/writer_lock.hpp"
#include "tests/support/old_schema.hpp"
#include "tests/support/process.hpp"
#include "tests/support/store_config.hpp"

#include <fmt/format.h>
#include <catch2/catch.hpp>

#include <unistd.h>

#include <filesystem>

using namespace slawatch;
using storage::OpenMode;
using storage::Store;

namespace {

constexpr sla::EpochMillis t0 = testing::store_t0;
constexpr sla::EpochMinute m0 = t0 / 60'000;

// `samples` results of `probe` in minute `m`, the first `failures` failing.
void add_minute(std::vector<storage::ProbeResult>& to, const std::string& probe, sla::EpochMinute m,
                int samples, int failures) {
    for (int i = 0; i < samples; ++i) {
        storage::ProbeResult r;
        r.probe = probe;
        r.sample.sent_ms = m * 60'000 + i * 10'000;
        r.sample.outcome = i < failures ? sla::Outcome::http_5xx : sla::Outcome::ok;
        r.sample.http_status = i < failures ? 503 : 200;
        to.push_back(r);
    }
}

// A down minute (a down, b up, ctl up) at each of `minutes`.
std::vector<storage::ProbeResult> downs(std::initializer_list<sla::EpochMinute> minutes) {
    std::vector<storage::ProbeResult> in;
    for (auto m : minutes) {
        add_minute(in, "a", m, 6, 6);
        add_minute(in, "b", m, 6, 0);
        add_minute(in, "ctl", m, 6, 0);
    }
    return in;
}

std::int64_t count(const std::filesystem::path& db, const std::string& sql) {
    storage::sqlite::Database d(db, storage::sqlite::Database::Mode::read_only);
    return d.query_int(sql);
}

void check_same(const sla::MonthReport& a, const sla::MonthReport& b) {
    CHECK(a.up == b.up);
    CHECK(a.unavailable == b.unavailable);
    CHECK(a.maintenance == b.maintenance);
    CHECK(a.local_network == b.local_network);
    CHECK(a.customer == b.customer);
    CHECK(a.unknown == b.unknown);
    REQUIRE(a.probes.size() == b.probes.size());
    for (std::size_t i = 0; i < a.probes.size(); ++i) {
        CHECK(a.probes[i].counts.by_state == b.probes[i].counts.by_state);
    }
}

// month_report of a database derived from scratch under `config`.
sla::MonthReport fresh_report(const config::Config& config,
                              const std::vector<storage::ProbeResult>& in,
                              const sla::ServiceMonth& month, sla::EpochMinute from,
                              sla::EpochMinute to) {
    testing::TempDir dir;
    auto store = Store::open(config, dir / "fresh.db", OpenMode::read_write);
    store->reconcile_config();
    store->append(in);
    store->derive_minutes(from, to);
    return store->month_report(month, t0 + 86'400'000LL * 40);
}

}  // namespace

TEST_CASE("R3: minutes with no evidence have no row and read back as unknown", "[storage]") {
    testing::TempDir dir;
    auto store = Store::open(testing::abc_config(), dir / "s.db", OpenMode::read_write);
    auto in = downs({m0 + 5});
    add_minute(in, "a", m0 + 7, 2, 2);  // too few samples: unknown, but evidence
    store->append(in);
    store->derive_minutes(m0 - 90 * 1440, m0 + 1440);  // 91 days
    // m0+5: 4 rows; m0+7: a's row and the service row (2 samples of a).
    CHECK(count(dir / "s.db", "SELECT count(*) FROM minute") == 6);

    const auto rows = store->minutes(m0, m0 + 10, std::nullopt);
    REQUIRE(rows.size() == 40);  // every minute of service, a, b, ctl
    CHECK(rows[0].probe == "service");
    CHECK(rows[0].state == sla::MinuteState::unknown);
    CHECK(rows[0].samples == 0);
    CHECK(rows[5 * 4].state == sla::MinuteState::down);
    CHECK(rows[7 * 4 + 1].probe == "a");
    CHECK(rows[7 * 4 + 1].samples == 2);
    CHECK(store->minutes(m0, m0 + 3, std::string("ctl")).size() == 3);

    // Counts add up to the range, from the rollup and the ragged edges alike.
    const auto c = store->count_states("service", m0 - 1000, m0 + 2000);
    CHECK(c.total() == 3000);
    CHECK(c[sla::MinuteState::down] == 1);
    CHECK(c[sla::MinuteState::unknown] == 2999);
    const auto june = testing::abc_config().contract.terms.months().back();
    const auto r = store->month_report(june, t0 + 86'400'000LL * 40);
    CHECK(r.unavailable == 1);
    CHECK(r.unknown == r.total_minutes - 1);
    CHECK(r.probes[2].counts[sla::MinuteState::up] == 1);
    CHECK(r.probes[2].counts[sla::MinuteState::unknown] == r.total_minutes - 1);
}

TEST_CASE("R3 R4 R7: every input of classification is in the fingerprint", "[storage]") {
    testing::TempDir dir;
    auto config = testing::abc_config();
    auto store = Store::open(config, dir / "s.db", OpenMode::read_write);
    CHECK(store->derived_under_config());  // nothing derived yet
    store->reconcile_config();
    store->append(downs({m0}));
    store->derive_minutes(m0, m0 + 1);
    CHECK(store->derived_under_config());

    auto with = [&](auto edit) {
        auto c = testing::abc_config();
        edit(c);
        auto reader = Store::open(c, dir / "s.db", OpenMode::read_only);
        return reader->derived_under_config();
    };
    CHECK(with([](config::Config&) {}));
    CHECK_FALSE(with([](config::Config& c) { c.monitor.min_samples = 2; }));
    CHECK_FALSE(with([](config::Config& c) { c.monitor.policy = sla::Policy::all; }));
    CHECK_FALSE(
        with([](config::Config& c) { c.contract.terms.zone = *sla::TimeZone::locate("UTC"); }));
    CHECK_FALSE(
        with([](config::Config& c) { c.contract.terms.end = *sla::parse_date("2026-07-16"); }));
    CHECK_FALSE(with([](config::Config& c) { c.probes[1].role = config::ProbeRole::control; }));
    CHECK_FALSE(with([](config::Config& c) { c.probes.pop_back(); }));
    CHECK_FALSE(with([](config::Config& c) {
        c.maintenance.push_back({m0 * 60, (m0 + 1) * 60, (m0 - 1440) * 60, "x"});
    }));
    // Not classification inputs: how often probes run, the contract's name.
    CHECK(with([](config::Config& c) { c.monitor.probes_per_minute = 2; }));
    CHECK(with([](config::Config& c) { c.contract.name = "renamed"; }));
}

TEST_CASE("R1 R7: a time zone change re-derives and rebuilds the rollup of local days",
          "[storage]") {
    testing::TempDir dir;
    auto config = testing::abc_config();
    // Minutes on both sides of local midnights in Shanghai and in UTC.
    const auto in = downs({m0 - 1, m0 + 30, m0 + 500, m0 + 1439, m0 + 1441, m0 + 3000});
    auto store = Store::open(config, dir / "s.db", OpenMode::read_write);
    store->reconcile_config();
    store->append(in);
    store->derive_minutes(m0 - 10, m0 + 3010);

    config.contract.terms.zone = *sla::TimeZone::locate("UTC");
    store->set_config(config);
    CHECK_FALSE(store->derived_under_config());
    CHECK(store->reconcile_config());
    CHECK(store->derived_under_config());
    for (const auto& month : config.contract.terms.months()) {
        check_same(store->month_report(month, t0 + 86'400'000LL * 40),
                   fresh_report(config, in, month, m0 - 10, m0 + 3010));
    }
}

TEST_CASE(
    "storage: version 3 drops the stored empty unknown minutes and the next writer "
    "rebuilds the rollup",
    "[storage]") {
    testing::TempDir dir;
    const auto path = dir / "s.db";
    const auto config = testing::abc_config();
    const auto in = downs({m0, m0 + 2000});
    {
        auto store = Store::open(config, path, OpenMode::read_write);
        store->reconcile_config();
        store->append(in);
        store->derive_minutes(m0 - 100, m0 + 2100);
    }
    {
        // Back to what version 2 stored: a row for every derived minute.
        storage::sqlite::Database db(path, storage::sqlite::Database::Mode::read_write);
        db.exec(testing::old_tables_sql);
        db.exec(fmt::format(
            "WITH RECURSIVE r(minute) AS (SELECT {} UNION ALL SELECT minute + 1 FROM r "
            "WHERE minute < {}) INSERT OR IGNORE INTO minute (probe, minute, v) "
            "SELECT p.id, r.minute, 2 FROM probe p, r WHERE p.name IN ('service', 'a', 'b', 'ctl')",
            m0 - 100, m0 + 2099));
        db.exec(testing::without_evidence_log_sql);
    }
    REQUIRE(count(path, "SELECT count(*) FROM minute") == 4 * 2200);
    CHECK_THROWS_AS(Store::open(config, path, OpenMode::read_only), storage::SchemaOutdated);

    auto store = Store::open(config, path, OpenMode::read_write);
    CHECK(count(path, "PRAGMA user_version") == storage::schema::current_version);
    CHECK(count(path, "SELECT count(*) FROM minute") == 8);
    CHECK_FALSE(store->derived_under_config());
    CHECK(store->reconcile_config());
    for (const auto& month : config.contract.terms.months()) {
        check_same(store->month_report(month, t0 + 86'400'000LL * 40),
                   fresh_report(config, in, month, m0 - 100, m0 + 2100));
    }
}

TEST_CASE("storage: a held snapshot does not see a later writer's commit", "[storage]") {
    testing::TempDir dir;
    const auto path = dir / "s.db";
    auto writer = Store::open(testing::abc_config(), path, OpenMode::read_write);
    writer->reconcile_config();
    auto reader = Store::open(testing::abc_config(), path, OpenMode::read_only);
    reader->hold_snapshot();
    CHECK(reader->derived_under_config());
    writer->append(downs({m0}));
    writer->derive_minutes(m0, m0 + 1);
    CHECK(reader->minutes(m0, m0 + 1, std::string("service"))[0].state ==
          sla::MinuteState::unknown);
    auto later = Store::open(testing::abc_config(), path, OpenMode::read_only);
    CHECK(later->minutes(m0, m0 + 1, std::string("service"))[0].state == sla::MinuteState::down);
}

TEST_CASE("storage: one writer at a time, named by its PID", "[storage]") {
    testing::TempDir dir;
    const auto db = dir / "s.db";
    CHECK_FALSE(storage::WriterLock::holder(db));
    {
        const auto lock = storage::WriterLock::acquire(db, "slawatch run");
        const auto holder = storage::WriterLock::holder(db);
        REQUIRE(holder);
        CHECK(holder->pid == ::getpid());
        CHECK(holder->role == "slawatch run");
        try {
            storage::WriterLock::acquire(db, "slawatch replay");
            FAIL("a second writer got the lock");
        } catch (const storage::WriterLockBusy& e) {
            CHECK(e.holder.pid == ::getpid());
            CHECK_THAT(e.what(), Catch::Contains(fmt::format("slawatch run (PID {})", ::getpid())));
        }
    }
    // Released with its holder; the lock file stays, empty.
    CHECK_FALSE(storage::WriterLock::holder(db));
    CHECK(testing::read_file(storage::WriterLock::lock_path(db)).empty());
    auto again = storage::WriterLock::acquire(db, "slawatch replay");
    auto moved = std::move(again);
    CHECK(storage::WriterLock::holder(db)->role == "slawatch replay");
}

TEST_CASE("R3: a probe configured again gets the minutes where it alone had results", "[storage]") {
    testing::TempDir dir;
    auto config = testing::abc_config();
    config.probes.erase(config.probes.begin() + 1);  // b is not configured
    auto store = Store::open(config, dir / "s.db", OpenMode::read_write);
    store->reconcile_config();
    std::vector<storage::ProbeResult> in;
    add_minute(in, "a", m0, 6, 0);
    add_minute(in, "b", m0 + 100, 6, 6);  // only b ran in this minute
    store->append(in);
    store->derive_minutes(m0, m0 + 101);
    CHECK(count(dir / "s.db",
                "SELECT count(*) FROM minute WHERE minute = " + std::to_string(m0 + 100)) == 0);

    store->set_config(testing::abc_config());
    CHECK(store->reconcile_config());
    CHECK(store->minutes(m0 + 100, m0 + 101, std::string("b"))[0].state == sla::MinuteState::down);
    CHECK(store->minutes(m0 + 100, m0 + 101, std::string("service"))[0].state ==
          sla::MinuteState::down);
}
