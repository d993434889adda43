// SPDX-License-Identifier: Apache-2.0
// Every database given to slawatch is hostile input (docs/evidence.md,
// "Hostile databases"): databases made by a real `slawatch replay`, then
// edited as an attacker would - a view or trigger where a table should be, a
// recursive view, extra objects, a newer schema version - and files that are
// not databases at all (a FIFO, a directory, a device). Each is refused with
// exit 2 naming the file, by every command that takes --db, quickly; honest
// databases (fresh, replayed, migrated from an old schema) still open.

#include "config/config.hpp"
#include "storage/evidence/log.hpp"
#include "storage/read_budget.hpp"
#include "storage/schema_check.hpp"
#include "storage/sqlite.hpp"
#include "storage/store.hpp"
#include "tests/support/old_schema.hpp"
#include "tests/support/replay_world.hpp"
#include "tests/support/sqlite_query.hpp"

#include <sys/stat.h>

#include <chrono>
#include <filesystem>

using namespace slawatch::testing;
namespace fs = std::filesystem;
namespace storage = slawatch::storage;
using std::chrono::seconds;

namespace {

// 2026-06-15T00:00:00Z, inside the contract term (status refuses a day outside it).
const std::vector<std::string> clock_in_term{"SLAWATCH_TEST_CLOCK_START_MS=1781481600000"};

std::string vantage_config(const std::string& name) {
    return config_text("any", "[vantage]\nname = \"" + name + "\"\n");
}

// Three minutes; update_check fails the whole minute 10:0`down` (each vantage
// point its own: two hosts' evidence never begins alike, or quorum would
// take the second for a copy of the first).
Csv small_csv(char down) {
    Csv csv;
    for (const auto* at : {"2026-06-01T10:00", "2026-06-01T10:01", "2026-06-01T10:02"}) {
        csv.minute(at, "update_check", at[15] == down ? 6 : 0);
        healthy_others(csv, at);
    }
    return csv;
}

// Two vantage points' honest databases (shipped copies), and the hostile
// variants a test makes of the second one.
struct Hostile {
    TempDir dir;
    std::string config;  // vantage "hq": the claimant's, for every command
    std::string honest_a;
    std::string honest_b;

    Hostile() {
        honest_a = build("a", '1');
        honest_b = build("b", '2');
        config = dir.write("hq.toml", vantage_config("hq")).string();
    }

    std::string build(const std::string& name, char down) {
        const auto cfg = dir.write(name + ".toml", vantage_config(name)).string();
        const auto live = (dir / (name + "-live.db")).string();
        const auto in = dir.write(name + ".csv", small_csv(down).text).string();
        return replayed_copy(cfg, live, in, (dir / (name + ".db")).string());
    }

    // A copy of vantage b's database with `sql` run on it.
    std::string edited(const std::string& name, const std::string& sql) {
        const auto path = (dir / (name + ".db")).string();
        fs::copy_file(honest_b, path, fs::copy_options::overwrite_existing);
        exec_sql(path, sql);
        return path;
    }

    // Every command that takes --db and only reads, on `db`.
    std::vector<std::pair<std::string, RunResult>> every_command(const std::string& db) {
        const std::vector<std::vector<std::string>> commands{
            {"report", "--month", "2026-06"},
            {"claim", "--month", "2026-06"},
            {"status"},
            {"minutes", "--from", "2026-06-01T10:00:00+08:00", "--to", "2026-06-01T10:05:00+08:00"},
            {"incidents", "--month", "2026-06"},
            {"verify"},
            {"alerts", "list"},
        };
        std::vector<std::pair<std::string, RunResult>> out;
        for (auto args : commands) {
            const auto name = args.front();
            args.insert(args.begin(), slawatch_bin());
            args.insert(args.end(), {"--config", config, "--db", db});
            out.emplace_back(name, run(args, {}, seconds(30), clock_in_term));
        }
        out.emplace_back("quorum", run({slawatch_bin(), "quorum", "--config", config, "--month",
                                        "2026-06", "--quorum", "2", "--db", honest_a, "--db", db,
                                        "--allow-unsigned"},  // replayed without signing keys
                                       {}, seconds(30), clock_in_term));
        return out;
    }

    // Each command exits 2, quickly, naming the file and `reason`.
    void require_refused(const std::string& db, const std::string& reason) {
        for (const auto& [command, r] : every_command(db)) {
            INFO(command << ": " << r.err);
            CHECK(r.exit_code == 2);
            CHECK(r.err.find(db) != std::string::npos);
            CHECK(r.err.find(reason) != std::string::npos);
            CHECK(r.wall < seconds(5));
        }
    }
};

}  // namespace

TEST_CASE("hostile databases: the honest ones are read by every command", "[hostile][cli]") {
    Hostile h;
    for (const auto& [command, r] : h.every_command(h.honest_b)) {
        INFO(command << ": " << r.err);
        CHECK(r.exit_code == 0);
    }
}

TEST_CASE("hostile databases: a view standing in for a table is refused", "[hostile][cli]") {
    Hostile h;
    SECTION("minute") {
        h.require_refused(h.edited("view-minute", R"sql(
DROP TABLE minute;
CREATE VIEW minute (id, v, probe, minute) AS SELECT 0, 0, 0, 0 WHERE 0;
)sql"),
                          "'minute' is a view where slawatch's schema has a table");
    }
    SECTION("probe_result") {
        h.require_refused(h.edited("view-result", R"sql(
DROP TABLE probe_result;
CREATE VIEW probe_result (id, outcome, http_status, error_code, request_id, phases) AS
  SELECT 0, 0, 200, NULL, NULL, NULL WHERE 0;
)sql"),
                          "'probe_result' is a view where slawatch's schema has a table");
    }
}

TEST_CASE("hostile databases: a recursive view is refused at once, not run forever",
          "[hostile][cli]") {
    Hostile h;
    // Without the schema check, any read of `minute` here never ends.
    h.require_refused(h.edited("recursive", R"sql(
DROP TABLE minute;
CREATE VIEW minute (id, v, probe, minute) AS
  WITH RECURSIVE r (x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM r)
  SELECT x, 0, 0, x FROM r WHERE x < 0;
)sql"),
                      "'minute' is a view");
}

TEST_CASE("hostile databases: a trigger, a virtual table or any extra object is refused",
          "[hostile][cli]") {
    Hostile h;
    SECTION("trigger") {
        h.require_refused(
            h.edited(
                "trigger",
                "CREATE TRIGGER wipe AFTER INSERT ON meta BEGIN DELETE FROM probe_result; END;"),
            "trigger 'wipe' on 'meta' is not part of slawatch's schema");
    }
    SECTION("extra table") {
        h.require_refused(h.edited("table", "CREATE TABLE extra (x);"),
                          "table 'extra' is not part of slawatch's schema");
    }
    SECTION("extra index") {
        h.require_refused(h.edited("index", "CREATE INDEX minute_by_v ON minute (v);"),
                          "index 'minute_by_v' on 'minute' is not part of slawatch's schema");
    }
    SECTION("virtual table") {
        h.require_refused(h.edited("virtual", "CREATE VIRTUAL TABLE words USING fts5 (w);"),
                          "'words' is not part of slawatch's schema");
    }
    SECTION("a table's definition changed") {
        h.require_refused(h.edited("altered", "ALTER TABLE meta ADD COLUMN extra;"),
                          "the definition of table 'meta' is not slawatch's");
    }
}

TEST_CASE("hostile databases: a schema version newer than this slawatch's is refused",
          "[hostile][cli]") {
    Hostile h;
    h.require_refused(h.edited("newer", "PRAGMA user_version = 999;"),
                      "has schema version 999, newer than this slawatch knows");
}

TEST_CASE("hostile databases: a FIFO, a directory or a device is refused without blocking",
          "[hostile][cli]") {
    Hostile h;
    SECTION("FIFO") {
        const auto fifo = (h.dir / "fifo.db").string();
        REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
        h.require_refused(fifo, "is a FIFO, not a regular file");
    }
    SECTION("directory") {
        const auto dir = (h.dir / "dir.db").string();
        fs::create_directories(dir);
        h.require_refused(dir, "is a directory, not a regular file");
    }
    SECTION("device") {
        h.require_refused("/dev/null", "is a character device, not a regular file");
    }
    SECTION("a symlink to a regular file is fine") {
        const auto link = h.dir / "link.db";
        fs::create_symlink(h.honest_b, link);
        for (const auto& [command, r] : h.every_command(link.string())) {
            INFO(command << ": " << r.err);
            CHECK(r.exit_code == 0);
        }
    }
}

TEST_CASE("hostile databases: run refuses a storage.path that is not a slawatch database",
          "[hostile][cli]") {
    Hostile h;
    const auto fifo = (h.dir / "run-fifo.db").string();
    REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
    const auto view = h.edited("run-view", "DROP TABLE minute; CREATE VIEW minute AS SELECT 1;");
    for (const auto& db : {fifo, view}) {
        const auto r =
            run({slawatch_bin(), "run", "--config", h.config, "--db", db}, {}, seconds(30));
        INFO(r.err);
        CHECK(r.exit_code == 2);
        CHECK(r.err.find(db) != std::string::npos);
        CHECK(r.err.find("refused") != std::string::npos);
    }
    // The refused file is left as it was: no table was added to it.
    CHECK(count_rows(view,
                     "SELECT count(*) FROM sqlite_master WHERE name = 'minute' AND "
                     "type = 'view'") == 1);
}

TEST_CASE("hostile databases: a database migrated from an old schema still opens",
          "[hostile][cli]") {
    Hostile h;
    // Its own vantage point's config: the migration is a write.
    const auto own = (h.dir / "b.toml").string();
    for (const auto& [name, sql] :
         {std::pair{"v6", as_schema_version_6_sql}, std::pair{"v2", as_schema_version_2_sql}}) {
        INFO(name);
        const auto old = h.edited(std::string("old-") + name, sql);
        // report migrates it (a writer), then reads it: the migrated schema is accepted.
        const auto r =
            run({slawatch_bin(), "report", "--config", own, "--db", old, "--month", "2026-06"});
        INFO(r.err);
        CHECK(r.exit_code == 0);
        CHECK(count_rows(old, "PRAGMA user_version") > 6);
        const auto v = run({slawatch_bin(), "minutes", "--config", own, "--db", old, "--from",
                            "2026-06-01T10:00:00+08:00", "--to", "2026-06-01T10:05:00+08:00"});
        INFO(v.err);
        CHECK(v.exit_code == 0);
    }
}

TEST_CASE("hostile databases: a fresh database opens for writing and then for reading",
          "[hostile][storage]") {
    TempDir dir;
    auto loaded = slawatch::config::load(dir.write("c.toml", vantage_config("fresh")));
    REQUIRE(loaded);
    const auto db = dir / "fresh.db";
    storage::Store::open(*loaded.config, db, storage::OpenMode::read_write);
    CHECK_NOTHROW(storage::Store::open(*loaded.config, db, storage::OpenMode::read_only));
    CHECK_NOTHROW(storage::Store::open(*loaded.config, db, storage::OpenMode::read_write));
    // Its objects are the ones the check derives (nothing to refuse).
    storage::sqlite::Database raw(db, storage::sqlite::Database::Mode::read_only);
    CHECK_NOTHROW(storage::schema::check_exact(raw));
}

TEST_CASE("hostile databases: the step budget stops a read that takes too much work",
          "[hostile][storage]") {
    TempDir dir;
    const auto path = dir / "budget.db";
    {
        storage::sqlite::Database db(path, storage::sqlite::Database::Mode::read_write);
        db.exec("CREATE TABLE t (x)");
    }
    storage::sqlite::Database db(path, storage::sqlite::Database::Mode::read_only);
    constexpr const char* endless =
        "WITH RECURSIVE r (x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM r) "
        "SELECT count(*) FROM r";
    db.set_step_budget(100'000);
    const auto start = std::chrono::steady_clock::now();
    try {
        db.query_int(endless);
        FAIL("an endless query ran to its end");
    } catch (const storage::RefusedDatabase& e) {
        CHECK_THAT(e.what(), Catch::Contains(path.string()) &&
                                 Catch::Contains("took more than 100000 SQLite steps"));
    }
    CHECK(std::chrono::steady_clock::now() - start < seconds(2));
    CHECK(db.steps_run() > 100'000);
    // Within the budget, a bounded query runs; the steps are counted.
    db.set_step_budget(1'000'000);
    CHECK(db.query_int("WITH RECURSIVE r (x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM r WHERE "
                       "x < 1000) SELECT count(*) FROM r") == 1000);
    CHECK(db.steps_run() > 0);
    CHECK(db.steps_run() < 1'000'000);
    // The budget grows with the file: twice the bytes, more steps.
    CHECK(storage::step_budget(2'000'000) > storage::step_budget(1'000'000));
    CHECK(storage::step_budget(0) == storage::base_steps);
}

TEST_CASE("hostile databases: an honest replayed database needs a small part of its budget",
          "[hostile][storage]") {
    Hostile h;
    auto loaded = slawatch::config::load(h.dir / "b.toml");
    REQUIRE(loaded);
    const auto& config = *loaded.config;
    auto store = storage::Store::open(config, h.honest_b, storage::OpenMode::read_only);
    store->hold_snapshot();
    // What verify, then claim (every month up to the last, for the cap) read.
    CHECK(store->evidence().verify().intact());
    const auto after_term = slawatch::sla::EpochMillis{1'790'000'000'000};
    for (const auto& month : config.contract.terms.months()) store->month_report(month, after_term);
    const auto steps = store->read_steps();
    const auto budget = storage::step_budget(fs::file_size(h.honest_b));
    INFO(steps << " steps of a budget of " << budget);
    CHECK(steps > 0);
    // Room to read every result twice (verify, then re-derive), ten times over.
    CHECK(steps * 2 * 10 < budget);
}

TEST_CASE("hostile databases: every connection is defensive and trusts no schema",
          "[hostile][storage]") {
    TempDir dir;
    storage::sqlite::Database db(dir / "d.db", storage::sqlite::Database::Mode::read_write);
    // Defensive: the schema cannot be written directly.
    CHECK_THROWS_AS(db.exec("PRAGMA writable_schema = ON; DELETE FROM sqlite_master"),
                    storage::StoreError);
    // No extension can be loaded from SQL.
    CHECK_THROWS_AS(db.query_int("SELECT load_extension('/nonexistent')"), storage::StoreError);
    // Triggers never fire.
    db.exec(
        "CREATE TABLE a (x); CREATE TABLE b (x);"
        "CREATE TRIGGER copy AFTER INSERT ON a BEGIN INSERT INTO b VALUES (new.x); END;"
        "INSERT INTO a VALUES (1)");
    CHECK(db.query_int("SELECT count(*) FROM b") == 0);
    // What slawatch and its tests still do under it: WAL, checkpoints, copies.
    db.exec("PRAGMA journal_mode = WAL");
    db.exec("INSERT INTO a VALUES (2); PRAGMA wal_checkpoint(TRUNCATE)");
    db.exec("VACUUM INTO '" + (dir / "copy.db").string() + "'");
    CHECK(count_rows((dir / "copy.db").string(), "SELECT count(*) FROM a") == 2);
}

TEST_CASE("hostile databases: SQL is compared without its layout", "[hostile][storage]") {
    using storage::schema::normalize_sql;
    CHECK(normalize_sql("CREATE TABLE t (\n  a INTEGER, -- why\n  b /* x */ TEXT\n)") ==
          "CREATE TABLE t(a INTEGER,b TEXT)");
    CHECK(normalize_sql("CREATE TABLE t(a INTEGER,b TEXT)") == "CREATE TABLE t(a INTEGER,b TEXT)");
    // Inside quotes nothing changes; a token boundary stays.
    CHECK(normalize_sql("SELECT 'a  -- b' ,  \"x  y\"") == "SELECT 'a  -- b',\"x  y\"");
    CHECK(normalize_sql("a - -b") != normalize_sql("a --b"));
}

TEST_CASE("hostile databases: a FIFO as --config is an error, not a wait", "[hostile][config]") {
    TempDir dir;
    const auto fifo = (dir / "c.toml").string();
    REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
    const auto r = run({slawatch_bin(), "report", "--config", fifo, "--db",
                        (dir / "none.db").string(), "--month", "2026-06"},
                       {}, seconds(10));
    INFO(r.err);
    CHECK(r.exit_code == 2);
    CHECK(r.err.find(fifo + ": cannot read the config file: it is a FIFO") != std::string::npos);
    CHECK(r.wall < seconds(1));
    const auto loaded = slawatch::config::load(fifo);
    CHECK_FALSE(loaded);
}
