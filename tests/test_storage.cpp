// SPDX-License-Identifier: Apache-2.0
// The evidence store on a temporary database: schema, migrations, derivation
// (R2-R5), maintenance re-derivation (R4), read-only and locked databases.

#include "storage/evidence/log.hpp"
#include "storage/layout.hpp"
#include "storage/schema.hpp"
#include "storage/sqlite.hpp"
#include "storage/store.hpp"
#include "tests/support/old_schema.hpp"
#include "tests/support/process.hpp"
#include "tests/support/store_config.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>

using namespace slawatch;
using storage::OpenMode;
using storage::Store;

namespace {

constexpr sla::EpochMillis t0 = testing::store_t0;
constexpr sla::EpochMinute m0 = t0 / 60'000;

config::Config make_config() {
    auto c = testing::abc_config();
    c.contract.user_id = "u1";
    c.contract.order_id = "o1";
    return c;
}

// Six samples of `probe` in minute `m` with `failures` failures of `failed`.
std::vector<storage::ProbeResult> minute_of(const std::string& probe, sla::EpochMinute m,
                                            int samples, int failures,
                                            sla::Outcome failed = sla::Outcome::http_5xx) {
    std::vector<storage::ProbeResult> out;
    for (int i = 0; i < samples; ++i) {
        storage::ProbeResult r;
        r.probe = probe;
        r.sample.sent_ms = m * 60'000 + i * 10'000;
        r.sample.outcome = i < failures ? failed : sla::Outcome::ok;
        r.sample.http_status = i < failures ? 503 : 200;
        r.sample.request_id = "req-" + probe + "-" + std::to_string(i);
        out.push_back(r);
    }
    return out;
}

void add(std::vector<storage::ProbeResult>& to, std::vector<storage::ProbeResult> more) {
    to.insert(to.end(), more.begin(), more.end());
}

sla::MinuteState state_of(const Store& s, sla::EpochMinute m, const std::string& probe) {
    const auto rows = s.minutes(m, m + 1, probe);
    REQUIRE(rows.size() == 1);
    return rows[0].state;
}

// Minutes with no stored row read back as unknown with no samples (sparse storage).
bool no_evidence(const std::vector<storage::MinuteRow>& rows) {
    return std::all_of(rows.begin(), rows.end(), [](const auto& r) {
        return r.state == sla::MinuteState::unknown && r.samples == 0;
    });
}

}  // namespace

TEST_CASE("storage: a new database has the current schema version, WAL and the service probe",
          "[storage]") {
    testing::TempDir dir;
    const auto path = dir / "s.db";
    { Store::open(make_config(), path, OpenMode::read_write); }
    storage::sqlite::Database db(path, storage::sqlite::Database::Mode::read_only);
    CHECK(db.query_int("PRAGMA user_version") == storage::schema::current_version);
    CHECK(db.prepare("PRAGMA journal_mode").step());
    auto st = db.prepare("PRAGMA journal_mode");
    REQUIRE(st.step());
    CHECK(st.column_text(0) == "wal");
    CHECK(db.query_int("SELECT count(*) FROM probe WHERE id = 0 AND name = 'service'") == 1);
    CHECK(db.query_int("SELECT count(*) FROM probe") == 4);
}

TEST_CASE("storage: a database belongs to the vantage point that first wrote it", "[storage]") {
    testing::TempDir dir;
    const auto path = dir / "s.db";
    auto a = make_config();
    a.vantage.name = "east";
    { Store::open(a, path, OpenMode::read_write); }
    {
        auto store = Store::open(a, path, OpenMode::read_only);
        CHECK(store->vantage() == "east");
    }
    auto b = make_config();
    b.vantage.name = "west";
    CHECK_THROWS_AS(Store::open(b, path, OpenMode::read_write), storage::VantageMismatch);
    CHECK_THROWS_WITH(Store::open(b, path, OpenMode::read_write),
                      Catch::Contains("holds the evidence of vantage point 'east'") &&
                          Catch::Contains("config's vantage name is 'west'"));
    // Readers never claim: another host may read a shipped copy.
    CHECK(Store::open(b, path, OpenMode::read_only)->vantage() == "east");
    CHECK(Store::open(a, path, OpenMode::read_write)->vantage() == "east");
}

TEST_CASE("storage: writers record the contract's fingerprint; a copy opens immutable",
          "[storage]") {
    testing::TempDir dir;
    const auto path = dir / "s.db";
    auto a = make_config();
    a.contract.name = "tcmpp";
    a.contract.order_id = "1";
    const auto fa = storage::contract_fingerprint(a.contract);
    CHECK(fa.size() == 64);
    { Store::open(a, path, OpenMode::read_write); }
    CHECK(Store::open(a, path, OpenMode::read_only)->contract() == fa);
    // Any field of the contract's identity changes it; a writer follows the config.
    auto b = a;
    b.contract.order_id = "2";
    CHECK(storage::contract_fingerprint(b.contract) != fa);
    auto c = a;
    c.contract.terms.end = sla::add_days(a.contract.terms.end, 31);
    CHECK(storage::contract_fingerprint(c.contract) != fa);
    // Lengths are part of the text: moving a character between fields changes it.
    auto d = a;
    d.contract.name = "tcmpp1";
    d.contract.order_id = "";
    CHECK(storage::contract_fingerprint(d.contract) != fa);
    { Store::open(b, path, OpenMode::read_write); }

    // An immutable open reads the file and creates nothing beside it.
    const auto before = testing::read_file(path);
    {
        auto store = Store::open(a, path, OpenMode::immutable_copy);
        store->hold_snapshot();
        CHECK(store->contract() == storage::contract_fingerprint(b.contract));
        CHECK(store->evidence().verify().intact());
    }
    CHECK(testing::read_file(path) == before);
    CHECK_FALSE(std::filesystem::exists(path.string() + "-wal"));
    CHECK_FALSE(std::filesystem::exists(path.string() + "-shm"));
    // A live database's write-ahead log would be missed: refused.
    std::ofstream(path.string() + "-wal") << "frames";
    CHECK_THROWS_WITH(Store::open(a, path, OpenMode::immutable_copy),
                      Catch::Contains("write-ahead log beside it"));
}

TEST_CASE("storage: a database with a newer schema version is refused", "[storage]") {
    testing::TempDir dir;
    const auto path = dir / "s.db";
    { Store::open(make_config(), path, OpenMode::read_write); }
    {
        storage::sqlite::Database db(path, storage::sqlite::Database::Mode::read_write);
        db.exec("PRAGMA user_version = 99");
    }
    for (auto mode : {OpenMode::read_write, OpenMode::read_only}) {
        CHECK_THROWS_WITH(Store::open(make_config(), path, mode),
                          Catch::Contains("newer than this slawatch"));
    }
}

TEST_CASE("R3: a missing database opened read-only is an error and is not created", "[storage]") {
    testing::TempDir dir;
    const auto path = dir / "missing.db";
    CHECK_THROWS_AS(Store::open(make_config(), path, OpenMode::read_only),
                    storage::MissingDatabase);
    CHECK_THROWS_WITH(Store::open(make_config(), path, OpenMode::read_only),
                      "no evidence database at " + path.string());
    CHECK_FALSE(std::filesystem::exists(path));
}

TEST_CASE("R2: derive_minutes is idempotent and one success makes a minute up", "[storage]") {
    testing::TempDir dir;
    auto store = Store::open(make_config(), dir / "s.db", OpenMode::read_write);
    std::vector<storage::ProbeResult> in;
    add(in, minute_of("a", m0, 6, 6));  // all failed: down
    add(in, minute_of("b", m0, 6, 5));  // one success: up
    add(in, minute_of("ctl", m0, 6, 0));
    add(in, minute_of("a", m0 + 1, 2, 2));  // R3: too few samples
    store->append(in);
    store->derive_minutes(m0, m0 + 3);
    const auto first = store->minutes(m0, m0 + 3, std::nullopt);
    store->derive_minutes(m0, m0 + 3);
    store->derive_minutes(m0, m0 + 3);
    const auto again = store->minutes(m0, m0 + 3, std::nullopt);
    REQUIRE(first.size() == 12);  // 3 minutes x (service + 3 probes)
    REQUIRE(again.size() == first.size());
    for (std::size_t i = 0; i < first.size(); ++i) {
        CHECK(first[i].minute == again[i].minute);
        CHECK(first[i].probe == again[i].probe);
        CHECK(first[i].state == again[i].state);
        CHECK(first[i].samples == again[i].samples);
    }
    CHECK(state_of(*store, m0, "a") == sla::MinuteState::down);
    CHECK(state_of(*store, m0, "b") == sla::MinuteState::up);
    CHECK(state_of(*store, m0, "service") == sla::MinuteState::down);
    CHECK(state_of(*store, m0 + 1, "a") == sla::MinuteState::unknown);
    CHECK(state_of(*store, m0 + 2, "service") == sla::MinuteState::unknown);
    // A result is identified by probe and send time: appending b again stores
    // nothing; the sixth run (stored ok, now failed) is a conflict and keeps ok.
    std::vector<storage::AppendConflict> conflicts;
    const auto counts = store->append_results(minute_of("b", m0, 6, 6), &conflicts);
    CHECK(counts.inserted == 0);
    CHECK(counts.identical == 5);
    CHECK(counts.conflicting == 1);
    REQUIRE(conflicts.size() == 1);
    CHECK(conflicts[0].index == 5);
    CHECK(conflicts[0].stored.sample.outcome == sla::Outcome::ok);
    CHECK(conflicts[0].stored.sample.http_status == 200);
    CHECK(store->results(t0, t0 + 60'000).size() == 18);
    CHECK(state_of(*store, m0, "b") == sla::MinuteState::up);
}

TEST_CASE("R12: request ids are kept for failures only, details never stored", "[storage]") {
    testing::TempDir dir;
    auto store = Store::open(make_config(), dir / "s.db", OpenMode::read_write);
    auto in = minute_of("a", m0, 2, 1);
    in[0].sample.error_code = "InternalError";
    in[0].sample.detail = "connect: secret detail";
    store->append(in);
    const auto out = store->results(t0, t0 + 60'000);
    REQUIRE(out.size() == 2);
    CHECK(out[0].sample.request_id == "req-a-0");
    CHECK(out[0].sample.error_code == "InternalError");
    CHECK(out[0].sample.detail.empty());
    CHECK(out[1].sample.request_id.empty());
    CHECK(testing::read_file(dir / "s.db").find("secret detail") == std::string::npos);
}

TEST_CASE("R4: adding and removing a maintenance window re-derives the minutes it covers",
          "[storage]") {
    testing::TempDir dir;
    auto store = Store::open(make_config(), dir / "s.db", OpenMode::read_write);
    std::vector<storage::ProbeResult> in;
    for (int i = 0; i < 4; ++i) {
        add(in, minute_of("a", m0 + i, 6, 6));
        add(in, minute_of("b", m0 + i, 6, 0));
        add(in, minute_of("ctl", m0 + i, 6, 0));
    }
    store->append(in);
    store->derive_minutes(m0, m0 + 4);
    CHECK(state_of(*store, m0 + 1, "service") == sla::MinuteState::down);

    sla::MaintenanceWindow w{(m0 + 1) * 60, (m0 + 3) * 60, (m0 - 600) * 60, "planned"};
    const auto id = store->add_maintenance(w, t0);
    CHECK(state_of(*store, m0, "service") == sla::MinuteState::down);
    CHECK(state_of(*store, m0 + 1, "service") == sla::MinuteState::maintenance);
    CHECK(state_of(*store, m0 + 2, "a") == sla::MinuteState::maintenance);
    CHECK(state_of(*store, m0 + 3, "service") == sla::MinuteState::down);
    REQUIRE(store->list_maintenance().size() == 1);

    CHECK(store->remove_maintenance(id));
    CHECK_FALSE(store->remove_maintenance(id));
    CHECK(state_of(*store, m0 + 1, "service") == sla::MinuteState::down);

    // Announced after its start: not excluded.
    sla::MaintenanceWindow late{(m0 + 1) * 60, (m0 + 3) * 60, (m0 + 2) * 60, "late notice"};
    store->add_maintenance(late, t0);
    CHECK(state_of(*store, m0 + 1, "service") == sla::MinuteState::down);
}

TEST_CASE("R3: a change of min_samples re-derives everything derived so far", "[storage]") {
    testing::TempDir dir;
    auto config = make_config();
    auto store = Store::open(config, dir / "s.db", OpenMode::read_write);
    CHECK_FALSE(store->reconcile_config());
    std::vector<storage::ProbeResult> in;
    add(in, minute_of("a", m0, 4, 4));
    add(in, minute_of("b", m0, 4, 0));
    store->append(in);
    store->derive_minutes(m0, m0 + 1);
    CHECK(state_of(*store, m0, "a") == sla::MinuteState::down);
    CHECK_FALSE(store->reconcile_config());

    config.monitor.min_samples = 5;
    store->set_config(config);
    CHECK(store->reconcile_config());
    CHECK(state_of(*store, m0, "a") == sla::MinuteState::unknown);
    CHECK(state_of(*store, m0, "service") == sla::MinuteState::unknown);
}

TEST_CASE("storage: month_report counts service minutes from the rollup", "[storage]") {
    testing::TempDir dir;
    auto config = make_config();
    auto store = Store::open(config, dir / "s.db", OpenMode::read_write);
    // Down minutes on three days of June 2026, spanning local midnights.
    std::vector<storage::ProbeResult> in;
    const sla::EpochMinute downs[] = {m0 - 1, m0, m0 + 1439, m0 + 1440, m0 + 3000};
    for (auto m : downs) {
        add(in, minute_of("a", m, 6, 6));
        add(in, minute_of("b", m, 6, 0));
    }
    store->append(in);
    store->derive_minutes(m0 - 10, m0 + 3010);
    const auto june = config.contract.terms.months().back();  // 2026-06-01 .. 06-16
    const auto r = store->month_report(june, t0 + 86'400'000LL * 30);
    CHECK(r.complete);
    CHECK(r.unavailable == 4);  // m0 - 1 lies in May
    CHECK(r.total_minutes == 16 * 1440);
    CHECK(r.unknown == r.total_minutes - 4);
    REQUIRE(r.probes.size() == 3);
    CHECK(r.probes[0].counts[sla::MinuteState::down] == 4);
    CHECK(r.probes[1].counts[sla::MinuteState::up] == 4);
    // As of the middle of the second day, only minutes before now count.
    const auto partial = store->month_report(june, (m0 + 1440 + 60) * 60'000);
    CHECK(partial.unavailable == 3);
    CHECK(partial.elapsed_minutes == 1500);
    CHECK(store->count_states("service", m0 + 1439, m0 + 1441)[sla::MinuteState::down] == 2);
}

TEST_CASE("storage: retention deletes old raw results and keeps their minutes", "[storage]") {
    testing::TempDir dir;
    auto config = make_config();
    config.storage.retention_days = 1;
    auto store = Store::open(config, dir / "s.db", OpenMode::read_write);
    std::vector<storage::ProbeResult> in;
    add(in, minute_of("a", m0, 6, 6));
    add(in, minute_of("b", m0, 6, 6));
    store->append(in);
    store->derive_minutes(m0, m0 + 1);
    CHECK(store->apply_retention(t0 + 2 * 86'400'000LL) == 12);
    CHECK(store->results(t0, t0 + 60'000).empty());
    store->derive_minutes(m0, m0 + 1);  // no evidence left: the minute keeps its row
    CHECK(state_of(*store, m0, "service") == sla::MinuteState::down);
}

TEST_CASE("storage: a locked database waits for busy_timeout, then fails clearly", "[storage]") {
    testing::TempDir dir;
    const auto path = dir / "s.db";
    auto store = Store::open(make_config(), path, OpenMode::read_write,
                             storage::OpenOptions{std::chrono::milliseconds(300)});
    storage::sqlite::Database other(path, storage::sqlite::Database::Mode::read_write);
    other.exec("BEGIN IMMEDIATE");
    const auto start = std::chrono::steady_clock::now();
    CHECK_THROWS_WITH(store->append(minute_of("a", m0, 6, 0)), Catch::Contains("is locked"));
    CHECK(std::chrono::steady_clock::now() - start >= std::chrono::milliseconds(250));
    other.exec("ROLLBACK");
    store->append(minute_of("a", m0, 6, 0));
    CHECK(store->results(t0, t0 + 60'000).size() == 6);
}

TEST_CASE("storage: schema 3 migrates results to their identity, keeping one copy of each",
          "[storage]") {
    testing::TempDir dir;
    const auto path = dir / "s.db";
    {
        auto store = Store::open(make_config(), path, OpenMode::read_write);
        store->append(minute_of("a", m0, 6, 0));
        store->derive_minutes(m0, m0 + 1);
        (void)store->reconcile_config();
    }
    {
        // As a version 2 database stored them: id = time_ms * 1024 + a free slot,
        // and a file replayed twice stored every result twice (slots 0 and 1).
        storage::sqlite::Database db(path, storage::sqlite::Database::Mode::read_write);
        const auto a = db.query_int("SELECT id FROM probe WHERE name = 'a'");
        const auto b = db.query_int("SELECT id FROM probe WHERE name = 'b'");
        db.exec(testing::old_tables_sql);
        db.exec("DELETE FROM probe_result");
        for (int i = 0; i < 6; ++i) {
            const auto ms = m0 * 60'000 + i * 10'000;
            for (int slot = 0; slot < 2; ++slot) {
                auto st = db.prepare(
                    "INSERT INTO probe_result (id, probe, outcome, http_status) VALUES (?, ?, 0, "
                    "200)");
                st.bind(1, storage::layout::result_id(ms, slot)).bind(2, a).run();
            }
            // b in the same millisecond took slot 2.
            auto st = db.prepare("INSERT INTO probe_result (id, probe, outcome) VALUES (?, ?, 5)");
            st.bind(1, storage::layout::result_id(ms, 2)).bind(2, b).run();
        }
        // The minutes derived from them counted both copies.
        auto st = db.prepare("UPDATE minute SET v = " + storage::layout::sql_minute_state("v") +
                             " | ? WHERE probe = ?");
        st.bind(1, storage::layout::minute_v(sla::MinuteState::up, 12, 0)).bind(2, a).run();
        db.exec(testing::without_evidence_log_sql);
    }
    auto store = Store::open(make_config(), path, OpenMode::read_write);
    {
        storage::sqlite::Database db(path, storage::sqlite::Database::Mode::read_only);
        CHECK(db.query_int("PRAGMA user_version") == storage::schema::current_version);
        CHECK(db.query_int("SELECT count(*) FROM probe_result") == 12);
        CHECK(db.query_int("SELECT count(*) FROM probe_result_v WHERE probe = 'a' AND "
                           "outcome = 'ok'") == 6);
        CHECK(db.query_int("SELECT count(*) FROM probe_result_v WHERE probe = 'b' AND "
                           "outcome = 'http_5xx'") == 6);
    }
    // The next reconcile re-derives the minutes from one copy of each result.
    CHECK(store->reconcile_config());
    const auto rows = store->minutes(m0, m0 + 1, std::string("a"));
    REQUIRE(rows.size() == 1);
    CHECK(rows[0].samples == 6);
    CHECK(store->append_results(minute_of("a", m0, 6, 0), nullptr).identical == 6);
}

TEST_CASE("storage: an import commits results and the minutes they touch together, or nothing",
          "[storage]") {
    testing::TempDir dir;
    auto store = Store::open(make_config(), dir / "s.db", OpenMode::read_write);
    std::vector<storage::AppendStatus> statuses;
    std::vector<storage::ProbeResult> stored;
    {
        auto import = store->begin_import();
        import->add(minute_of("a", m0, 6, 6), statuses, stored);
        CHECK(std::count(statuses.begin(), statuses.end(), storage::AppendStatus::inserted) == 6);
        CHECK(import->derive_pending() == 1);
        // Destroyed uncommitted: rolled back, minutes included.
    }
    CHECK(store->results(t0, t0 + 60'000).empty());
    CHECK(no_evidence(store->minutes(m0, m0 + 1, std::nullopt)));

    auto import = store->begin_import();
    import->add(minute_of("a", m0, 6, 6), statuses, stored);       // new, one batch
    import->add(minute_of("b", m0 + 90, 6, 0), statuses, stored);  // far away
    auto again = minute_of("a", m0, 6, 6);
    again[2].sample.outcome = sla::Outcome::timeout;  // a conflict
    add(again, minute_of("b", m0 + 1, 6, 0));         // new
    import->add(again, statuses, stored);
    CHECK(statuses[0] == storage::AppendStatus::identical);
    CHECK(statuses[2] == storage::AppendStatus::conflicting);
    CHECK(stored[2].sample.outcome == sla::Outcome::http_5xx);
    CHECK(statuses[6] == storage::AppendStatus::inserted);
    CHECK(import->counts().inserted == 18);
    CHECK(import->counts().identical == 5);
    CHECK(import->counts().conflicting == 1);
    import->commit();
    CHECK(import->minutes_derived() == 3);  // m0, m0 + 1 and m0 + 90, not those between
    import.reset();
    CHECK(store->results(t0, t0 + 100 * 60'000).size() == 18);
    CHECK(state_of(*store, m0, "a") == sla::MinuteState::down);
    CHECK(state_of(*store, m0 + 1, "b") == sla::MinuteState::up);
    CHECK(state_of(*store, m0 + 90, "b") == sla::MinuteState::up);
    CHECK(no_evidence(store->minutes(m0 + 2, m0 + 90, std::nullopt)));
}

TEST_CASE(
    "R3: re-derivation a day at a time gives the minutes of one pass, and no figure before "
    "its end",
    "[storage]") {
    testing::TempDir dir;
    auto config = make_config();
    auto store = Store::open(config, dir / "s.db", OpenMode::read_write);
    CHECK_FALSE(store->reconcile_config());
    std::vector<storage::ProbeResult> in;
    // Four failed runs in a minute on each of four days: down under min_samples 3.
    for (int day = 0; day < 4; ++day) {
        add(in, minute_of("a", m0 + day * 1440, 4, 4));
        add(in, minute_of("b", m0 + day * 1440, 4, 0));
    }
    store->append(in);
    store->derive_minutes(m0, m0 + 3 * 1440 + 1);
    store->set_finalized_until(m0 + 3 * 1440 + 1);
    CHECK_FALSE(store->reconcile_config());
    CHECK(state_of(*store, m0 + 2 * 1440, "a") == sla::MinuteState::down);

    config.monitor.min_samples = 5;
    store->set_config(config);
    CHECK_FALSE(store->derived_under_config());
    int steps = 0;
    while (!store->reconcile_config_step(1440)) {
        ++steps;
        // Half done: figures are not printed from it.
        CHECK_FALSE(store->derived_under_config());
        REQUIRE(steps < 100);
    }
    CHECK(steps >= 3);
    CHECK(store->derived_under_config());
    for (int day = 0; day < 4; ++day) {
        CHECK(state_of(*store, m0 + day * 1440, "a") == sla::MinuteState::unknown);
        CHECK(state_of(*store, m0 + day * 1440, "service") == sla::MinuteState::unknown);
    }
    // Done: a further step has nothing to do.
    CHECK(store->reconcile_config_step(1440));
    CHECK_FALSE(store->reconcile_config());
}

TEST_CASE(
    "storage: a transaction commits the derived minutes, finalized_until and the rows "
    "written beside them together or not at all",
    "[storage]") {
    testing::TempDir dir;
    auto config = make_config();
    auto store = Store::open(config, dir / "s.db", OpenMode::read_write);
    std::vector<storage::ProbeResult> in;
    add(in, minute_of("a", m0, 6, 6));
    add(in, minute_of("b", m0, 6, 0));
    store->append(in);
    store->set_finalized_until(m0);
    auto write_all = [&] {
        store->derive_minutes(m0, m0 + 1);
        store->set_finalized_until(m0 + 1);
        store->outbox().enqueue({"incident-1", "incident_opened", "{}"}, {}, 1);
    };
    CHECK_THROWS_AS(store->transaction([&] {
        write_all();
        throw storage::StoreError("crash between the two");
    }),
                    storage::StoreError);
    CHECK(store->finalized_until() == m0);
    CHECK(store->minutes(m0, m0 + 1, "service")[0].samples == 0);  // not derived: absent
    CHECK(store->outbox().event_ids_since(0).empty());

    store->transaction(write_all);
    CHECK(store->finalized_until() == m0 + 1);
    CHECK(state_of(*store, m0, "service") == sla::MinuteState::down);
    CHECK(store->outbox().event_ids_since(0) == std::vector<std::string>{"incident-1"});
}
