// SPDX-License-Identifier: Apache-2.0
// The compact probe_result of schema version 7: the phases blob round-trips,
// probe_result_v decodes it with builtin SQL only, and a database written in
// the old layout (version 6) migrates with its evidence still intact against
// the checkpoint taken before, and the same report. The packed integers
// (storage/layout.hpp) unpack the same in C++, in the SQL built from them and
// in the schema's own SQL text.

#include "storage/evidence/log.hpp"
#include "storage/layout.hpp"
#include "storage/phase_encoding.hpp"
#include "storage/schema.hpp"
#include "storage/sqlite.hpp"
#include "storage/store.hpp"
#include "tests/support/old_schema.hpp"
#include "tests/support/process.hpp"
#include "tests/support/store_config.hpp"

#include <fmt/format.h>
#include <catch2/catch.hpp>

#include <limits>
#include <vector>

using namespace slawatch;
namespace pe = storage::phase_encoding;
using storage::OpenMode;
using storage::Store;

namespace {

constexpr sla::EpochMillis t0 = testing::store_t0;
constexpr std::int32_t int_max = std::numeric_limits<std::int32_t>::max();

// Phase timings that exercise every field width, absent phases, zero and a
// phase that ends before an earlier one (stored as timings, not deltas).
const std::vector<pe::Phases> cases{
    {-1, -1, -1, -1, -1},
    {0, 0, 0, 0, 0},
    {1200, 2500, 9000, 41000, 43000},
    {255, 256, 65535, 65536, 16'777'216},
    {-1, 80, -1, 90'000, int_max},
    {-1, -1, -1, -1, 5},
    {7, -1, -1, -1, -1},
    {5000, 3000, -1, 2'000'000, 1},  // not monotonic
    {int_max, int_max, int_max, int_max, int_max},
    {300, 15'000, 95'000, 290'000, 291'234},
};

config::Config make_config() {
    return testing::store_config(
        {{"a", config::ProbeRole::service}, {"b", config::ProbeRole::service}});
}

// Every case once per probe, one every 10 s, one in 5 failing.
std::vector<storage::ProbeResult> results(int rounds) {
    std::vector<storage::ProbeResult> out;
    int i = 0;
    for (int round = 0; round < rounds; ++round) {
        for (const auto& phases : cases) {
            storage::ProbeResult r;
            r.probe = i % 2 ? "b" : "a";
            r.sample.sent_ms = t0 + i * 10'000LL;
            const bool fail = i % 5 == 2;
            r.sample.outcome = fail ? sla::Outcome::http_5xx : sla::Outcome::ok;
            r.sample.http_status = fail ? 503 : (i % 3 ? 200 : 0);
            r.sample.error_code = fail ? "InternalError" : "";
            r.sample.request_id = fail ? "req-" + std::to_string(i) : "";
            r.sample.phases = pe::timings(phases);
            out.push_back(r);
            ++i;
        }
    }
    return out;
}

// Every minute row as "probe minute v", in key order.
std::vector<std::string> minute_rows(const std::filesystem::path& path) {
    storage::sqlite::Database db(path, storage::sqlite::Database::Mode::read_only);
    std::vector<std::string> out;
    auto st = db.prepare("SELECT probe, minute, v FROM minute ORDER BY probe, minute");
    while (st.step())
        out.push_back(std::to_string(st.column_int(0)) + " " + std::to_string(st.column_int(1)) +
                      " " + std::to_string(st.column_int(2)));
    return out;
}

std::vector<std::string> columns_of(storage::sqlite::Database& db, const char* table) {
    std::vector<std::string> out;
    auto st = db.prepare(std::string("SELECT name FROM pragma_table_info('") + table + "')");
    while (st.step()) out.push_back(st.column_text(0));
    return out;
}

void check_same_results(const std::vector<storage::ProbeResult>& stored,
                        const std::vector<storage::ProbeResult>& expected) {
    REQUIRE(stored.size() == expected.size());
    for (std::size_t i = 0; i < stored.size(); ++i) {
        INFO("result " << i);
        const auto& s = stored[i].sample;
        const auto& e = expected[i].sample;
        CHECK(stored[i].probe == expected[i].probe);
        CHECK(s.sent_ms == e.sent_ms);
        CHECK(s.outcome == e.outcome);
        CHECK(s.http_status == e.http_status);
        CHECK(s.error_code == e.error_code);
        CHECK(s.request_id == e.request_id);
        CHECK(pe::of(s.phases) == pe::of(e.phases));
    }
}

}  // namespace

TEST_CASE("encoding: the phases blob round-trips every width, gap and order", "[encoding]") {
    for (const auto& p : cases) {
        INFO(p[0] << " " << p[1] << " " << p[2] << " " << p[3] << " " << p[4]);
        const auto blob = pe::encode(p);
        CHECK(blob.empty() == (p == pe::Phases{-1, -1, -1, -1, -1}));
        const auto back = pe::decode(blob);
        REQUIRE(back);
        CHECK(*back == p);
    }
    // Five 2-byte differences (the largest, 32000, needs 2), no flags byte.
    CHECK(pe::encode({1200, 2500, 9000, 41000, 43000}) ==
          std::string("\x04\xb0\x05\x14\x19\x64\x7d\x00\x07\xd0", 10));
    // A phase not reached: its field is 0 and a flags byte names the reached ones.
    CHECK(pe::encode({-1, 80, -1, 90, 300}) == std::string("\x00\x50\x00\x0a\xd2\x1a", 6));
    // Going backwards: the timings themselves, flagged.
    CHECK(pe::encode({9, 3, -1, -1, -1}) == std::string("\x09\x03\x00\x00\x00\x83", 6));
    // Any negative timing is "not reached", as the old NULL columns were.
    CHECK(*pe::decode(pe::encode({-7, 10, -1, -1, -1})) == pe::Phases{-1, 10, -1, -1, -1});
}

TEST_CASE("encoding: a malformed phases blob is refused, not misread", "[encoding]") {
    using namespace std::string_literals;
    CHECK_FALSE(pe::decode("\x01\x02\x03"s));                  // fewer than five fields
    CHECK_FALSE(pe::decode("\x01\x02\x03\x04\x05\x06\x07"s));  // 5 fields and 2 bytes
    CHECK_FALSE(pe::decode(std::string(25, '\x01')));          // 5-byte fields
    CHECK_FALSE(pe::decode("\x01\x02\x03\x04\x05\x00"s));      // flags: nothing reached
    CHECK_FALSE(pe::decode("\x01\x02\x03\x04\x05\x41"s));      // flags: unknown bit
    // Differences that add up beyond 2^31 - 1.
    CHECK_FALSE(pe::decode("\x7f\xff\xff\xff\x00\x00\x00\x01\0\0\0\0\0\0\0\0\0\0\0\0"s));
}

TEST_CASE("encoding: probe_result_v shows the phases as numbers without slawatch's code",
          "[encoding][schema]") {
    testing::TempDir dir;
    const auto path = dir / "e.db";
    const auto config = make_config();
    const auto input = results(2);
    Store::open(config, path, OpenMode::read_write)->append(input);

    // A plain connection: no function of slawatch's is registered on it.
    storage::sqlite::Database db(path, storage::sqlite::Database::Mode::read_only);
    CHECK(columns_of(db, "probe_result") == std::vector<std::string>{"id", "outcome", "http_status",
                                                                     "error_code", "request_id",
                                                                     "phases"});
    auto st = db.prepare(
        "SELECT time_ms, probe, outcome, http_status, error_code, request_id, dns_us, connect_us, "
        "tls_us, first_byte_us, total_us FROM probe_result_v ORDER BY time_ms");
    std::size_t i = 0;
    while (st.step()) {
        REQUIRE(i < input.size());
        INFO("result " << i);
        const auto& s = input[i].sample;
        CHECK(st.column_int(0) == s.sent_ms);
        CHECK(st.column_text(1) == input[i].probe);
        CHECK(st.column_text(2) == sla::to_string(s.outcome));
        CHECK(st.is_null(3) == (s.http_status == 0));
        if (s.http_status != 0) CHECK(st.column_int(3) == s.http_status);
        CHECK(st.column_text(4) == s.error_code);
        CHECK(st.column_text(5) == s.request_id);
        const auto want = pe::of(s.phases);
        for (int k = 0; k < 5; ++k) {
            const auto w = want[static_cast<std::size_t>(k)];
            INFO("phase " << k);
            CHECK(st.is_null(6 + k) == (w < 0));
            if (w >= 0) CHECK(st.column_int(6 + k) == w);
        }
        ++i;
    }
    CHECK(i == input.size());
}

TEST_CASE("encoding: a version 6 database migrates; verify stays intact, the report the same",
          "[encoding][schema][evidence]") {
    testing::TempDir dir;
    const auto path = dir / "old.db";
    const auto config = make_config();
    const auto input = results(30);  // 300 results: more than one evidence chunk
    const auto end_ms = t0 + 3'600'000;
    const auto month = config.contract.terms.months().back();

    sla::MonthReport before;
    storage::Checkpoint checkpoint;
    {
        auto store = Store::open(config, path, OpenMode::read_write);
        store->append(input);
        store->derive_minutes(sla::minute_of_ms(t0), sla::minute_of_ms(end_ms));
        before = store->month_report(month, end_ms);
        checkpoint = store->evidence().checkpoint(end_ms, nullptr);
    }
    const auto minutes_before = minute_rows(path);
    REQUIRE(minutes_before.size() > 30);
    storage::sqlite::Database(path, storage::sqlite::Database::Mode::read_write)
        .exec(testing::as_schema_version_6_sql);
    {
        storage::sqlite::Database db(path, storage::sqlite::Database::Mode::read_only);
        REQUIRE(db.query_int("PRAGMA user_version") == 6);
        REQUIRE(columns_of(db, "probe_result").size() == 11);
        REQUIRE(columns_of(db, "minute") == std::vector<std::string>{"probe", "minute", "v"});
        REQUIRE(db.query_int("SELECT count(*) FROM probe_result WHERE total_us IS NULL") == 60);
    }
    // A reader refuses the old layout until a writer has migrated it.
    CHECK_THROWS_AS(Store::open(config, path, OpenMode::read_only), storage::SchemaOutdated);

    auto store = Store::open(config, path, OpenMode::read_write);
    {
        storage::sqlite::Database db(path, storage::sqlite::Database::Mode::read_only);
        CHECK(db.query_int("PRAGMA user_version") == storage::schema::current_version);
        CHECK(columns_of(db, "probe_result").size() == 6);
        // pragma table_info leaves out the virtual columns probe and minute.
        CHECK(columns_of(db, "minute") == std::vector<std::string>{"id", "v"});
        CHECK(db.query_int("SELECT count(*) FROM probe_result") ==
              static_cast<std::int64_t>(input.size()));
        // Only the results that reached no phase at all have no blob.
        CHECK(db.query_int("SELECT count(*) FROM probe_result WHERE phases IS NULL") == 30);
    }
    CHECK(minute_rows(path) == minutes_before);
    const auto report = store->evidence().verify();
    INFO(report.problems.size() << " problems");
    CHECK(report.intact());
    CHECK(report.results == static_cast<std::int64_t>(input.size()));
    CHECK(store->evidence().checkpoint(end_ms, nullptr).root == checkpoint.root);
    check_same_results(store->results(t0, end_ms), input);

    const auto after = store->month_report(month, end_ms);
    CHECK(after.up == before.up);
    CHECK(after.unavailable == before.unavailable);
    CHECK(after.unknown == before.unknown);
    CHECK(after.availability_text == before.availability_text);
    CHECK(after.compensation_percent == before.compensation_percent);

    // Results appended after the migration join the same log.
    std::vector<storage::ProbeResult> more = results(1);
    for (auto& r : more) r.sample.sent_ms += 3'600'000;
    store->append(more);
    CHECK(store->evidence().verify().intact());
}

TEST_CASE("encoding: an edited phases blob is an edited result to verify and an error to read",
          "[encoding][evidence]") {
    testing::TempDir dir;
    const auto path = dir / "e.db";
    const auto config = make_config();
    const auto input = results(1);
    {
        auto store = Store::open(config, path, OpenMode::read_write);
        store->append(input);
        (void)store->evidence().checkpoint(t0 + 3'600'000, nullptr);
    }
    const auto id = input[3].sample.sent_ms * storage::layout::id_slots + 2;  // probe b
    storage::sqlite::Database(path, storage::sqlite::Database::Mode::read_write)
        .exec("UPDATE probe_result SET phases = X'0102' WHERE id = " + std::to_string(id));

    auto store = Store::open(config, path, OpenMode::read_only);
    const auto report = store->evidence().verify();
    REQUIRE_FALSE(report.intact());
    CHECK(report.problems[0].kind == storage::EvidenceProblem::Kind::edited);
    CHECK(report.problems[0].time_ms == input[3].sample.sent_ms);
    CHECK_THROWS_WITH(store->results(t0, t0 + 3'600'000),
                      Catch::Contains("probe_result row " + std::to_string(id)) &&
                          Catch::Contains("malformed phases blob"));
}

// --- The packed layouts (storage/layout.hpp) ---

namespace {

namespace layout = storage::layout;
using Db = storage::sqlite::Database;

// Send times on both sides of 1970 and of a minute, the probe ids at the ends.
const std::vector<sla::EpochMillis> layout_times{0, 1, 59'999, t0 + 123, -1, -60'000, -t0 - 7};
const std::vector<std::int64_t> layout_probes{0, 1, 2, layout::id_slots - 1};

std::vector<std::int64_t> minute_vs() {
    std::vector<std::int64_t> out;
    for (int s = 0; s < sla::minute_state_count; ++s)
        for (std::int64_t samples : {0, 1, 6, 1023, 5000})
            for (std::int64_t failures : {std::int64_t{0}, std::int64_t{3}, samples})
                out.push_back(
                    layout::minute_v(static_cast<sla::MinuteState>(s), samples, failures));
    return out;
}

}  // namespace

TEST_CASE("layout: a result id and a minute's v unpack to what was packed", "[encoding][layout]") {
    for (const auto t : layout_times)
        for (const auto p : layout_probes) {
            INFO("time " << t << " probe " << p);
            const auto id = layout::result_id(t, p);
            CHECK(layout::result_time_ms(id) == t);
            CHECK(layout::result_probe(id) == p);
        }
    // Counts beyond the fields are clamped, not carried into the next field.
    const auto v = layout::minute_v(sla::MinuteState::down, 5000, 6000);
    CHECK(layout::minute_state(v) == static_cast<int>(sla::MinuteState::down));
    CHECK(layout::minute_samples(v) == 1023);
    CHECK(layout::minute_failures(v) == 1023);
    const auto w = layout::minute_v(sla::MinuteState::customer, 6, 2);
    CHECK(layout::minute_state(w) == static_cast<int>(sla::MinuteState::customer));
    CHECK(layout::minute_samples(w) == 6);
    CHECK(layout::minute_failures(w) == 2);
    CHECK(layout::minute_key(3, -5) == 3 * 4'294'967'296LL - 5);
}

TEST_CASE("layout: the SQL built from the layout unpacks as the C++ does", "[encoding][layout]") {
    Db db(":memory:", Db::Mode::memory);
    auto minute = db.prepare(fmt::format("SELECT {}, {}, {}", layout::sql_minute_state("?1"),
                                         layout::sql_minute_samples("?1"),
                                         layout::sql_minute_failures("?1")));
    for (const auto v : minute_vs()) {
        INFO("v " << v);
        minute.bind(1, v);
        REQUIRE(minute.step());
        CHECK(minute.column_int(0) == layout::minute_state(v));
        CHECK(minute.column_int(1) == layout::minute_samples(v));
        CHECK(minute.column_int(2) == layout::minute_failures(v));
        minute.reset();
    }
    auto result = db.prepare(fmt::format("SELECT {}, {} / 60000", layout::sql_result_probe("?1"),
                                         layout::sql_result_time_ms("?1")));
    for (const auto t : layout_times)
        for (const auto p : layout_probes) {
            INFO("time " << t << " probe " << p);
            result.bind(1, layout::result_id(t, p));
            REQUIRE(result.step());
            CHECK(result.column_int(0) == p);
            // The parentheses keep the shift ahead of the division.
            CHECK(result.column_int(1) == t / 60'000);
            result.reset();
        }
}

// The migrations are SQL text as each schema version shipped, not built from
// the layout: these read through what they created (the views and the
// minute key's virtual columns) and what they rewrote, and must agree with it.
TEST_CASE("layout: the schema's views and migrations agree with the layout",
          "[encoding][layout][schema]") {
    const auto down = layout::minute_v(sla::MinuteState::down, 6, 2);
    const auto t = t0 + 61'234;
    SECTION("the current views and the minute key") {
        Db db(":memory:", Db::Mode::memory);
        storage::schema::migrate(db);
        db.exec("INSERT INTO probe (id, name) VALUES (3, 'p')");
        db.prepare("INSERT INTO minute (id, v) VALUES (?, ?)")
            .bind(1, layout::minute_key(3, -5))
            .bind(2, down)
            .run();
        db.prepare("INSERT INTO probe_result (id, outcome) VALUES (?, 0)")
            .bind(1, layout::result_id(t, 3))
            .run();
        auto m = db.prepare("SELECT probe, minute, state, samples, failures FROM minute_v");
        REQUIRE(m.step());
        CHECK(m.column_text(0) == "p");
        CHECK(m.column_int(1) == -5);
        CHECK(m.column_text(2) == "down");
        CHECK(m.column_int(3) == 6);
        CHECK(m.column_int(4) == 2);
        auto r = db.prepare("SELECT time_ms, probe FROM probe_result_v");
        REQUIRE(r.step());
        CHECK(r.column_int(0) == t);
        CHECK(r.column_text(1) == "p");
    }
    SECTION("the views of versions 1 to 6") {
        Db db(":memory:", Db::Mode::memory);
        storage::schema::build_version(db, 6);
        db.exec("INSERT INTO probe (id, name) VALUES (3, 'p')");
        db.prepare("INSERT INTO minute (probe, minute, v) VALUES (3, 7, ?)").bind(1, down).run();
        db.prepare("INSERT INTO probe_result (id, probe, outcome) VALUES (?, 3, 0)")
            .bind(1, layout::result_id(t, 3))
            .run();
        CHECK(db.query_int("SELECT samples * 100 + failures FROM minute_v WHERE state = 'down'") ==
              602);
        CHECK(db.query_int("SELECT time_ms FROM probe_result_v WHERE probe = 'p'") == t);
    }
    SECTION("the rewrites of versions 3 (sparse minutes) and 4 (result identity)") {
        Db db(":memory:", Db::Mode::memory);
        storage::schema::build_version(db, 2);
        db.exec("INSERT INTO probe (id, name) VALUES (3, 'p')");
        auto ins = db.prepare("INSERT INTO minute (probe, minute, v) VALUES (3, ?, ?)");
        ins.bind(1, 1).bind(2, layout::minute_v(sla::MinuteState::unknown, 0, 0)).run();
        ins.bind(1, 2).bind(2, layout::minute_v(sla::MinuteState::unknown, 4, 4)).run();
        ins.bind(1, 3).bind(2, layout::minute_v(sla::MinuteState::up, 0, 0)).run();
        // Before version 4 the id's low bits were a free slot, not the probe.
        db.prepare("INSERT INTO probe_result (id, probe, outcome) VALUES (?, 3, 0)")
            .bind(1, layout::result_id(t, 5))
            .run();
        storage::schema::migrate(db);
        CHECK(db.query_int("SELECT count(*) FROM minute") == 2);
        CHECK(db.query_int("SELECT min(minute) FROM minute") == 2);
        CHECK(db.query_int("SELECT id FROM probe_result") == layout::result_id(t, 3));
    }
}
