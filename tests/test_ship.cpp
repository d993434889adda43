// SPDX-License-Identifier: Apache-2.0
// `slawatch backup` and slawatch-ship (systemd/slawatch-ship, run by
// slawatch-ship.service): the copy of a vantage point's database is
// consistent while a writer holds changes in its WAL, verified as `slawatch
// verify` verifies, mode 0600 and never half written; the ship script names it
// after the database's vantage point and uploads it; bad input is a clear
// error with the CLI's exit codes.

#include "storage/evidence/log.hpp"
#include "storage/store.hpp"
#include "tests/support/process.hpp"
#include "tests/support/sqlite_query.hpp"
#include "tests/support/store_config.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <filesystem>
#include <set>
#include <thread>
#include <vector>

namespace fs = std::filesystem;
using namespace slawatch;
using slawatch::testing::count_rows;
using slawatch::testing::read_file;
using slawatch::testing::run;
using slawatch::testing::slawatch_bin;
using slawatch::testing::TempDir;

namespace {

const std::string ship_script = std::string(SLAWATCH_SOURCE_DIR) + "/systemd/slawatch-ship";

// The contract of testing::store_config, as the daemon's config file.
fs::path write_config(const TempDir& dir, const fs::path& db) {
    return dir.write("slawatch.toml",
                     "[contract]\nname = \"test\"\ntimezone = \"Asia/Shanghai\"\n"
                     "start = 2026-03-17\nend = 2026-06-16\n"
                     "monthly_fee = \"1000.00\"\n\n[storage]\npath = \"" +
                         db.string() +
                         "\"\n\n[[probe]]\nname = \"api\"\nkind = \"http\"\n"
                         "url = \"http://127.0.0.1:9/\"\n");
}

testing::RunResult ship(const fs::path& config, const fs::path& db, const fs::path& dir,
                        const std::string& upload) {
    return run({"/bin/sh", ship_script}, {}, std::chrono::seconds(60),
               {"SLAWATCH_SHIP_CONFIG=" + config.string(), "SLAWATCH_SHIP_DATABASE=" + db.string(),
                "SLAWATCH_SHIP_DIR=" + dir.string(), "SLAWATCH_SHIP_UPLOAD=" + upload,
                "SLAWATCH_SHIP_SLAWATCH=" + slawatch_bin()});
}

testing::RunResult backup(const fs::path& config, const fs::path& db, const fs::path& output) {
    return run({slawatch_bin(), "backup", "--config", config.string(), "--db", db.string(),
                "--output", output.string()});
}

config::Config vantage_config(const char* name) {
    auto config = testing::store_config({{"api", config::ProbeRole::service}});
    config.vantage.name = name;
    return config;
}

// Six results of "api" in minute `m`, the first `failures` of them HTTP 503.
std::vector<storage::ProbeResult> minute_of(sla::EpochMinute m, int failures) {
    std::vector<storage::ProbeResult> out;
    for (int i = 0; i < 6; ++i) {
        storage::ProbeResult r;
        r.probe = "api";
        r.sample.sent_ms = m * 60'000 + i * 10'000;
        r.sample.outcome = i < failures ? sla::Outcome::http_5xx : sla::Outcome::ok;
        r.sample.http_status = i < failures ? 503 : 200;
        r.sample.request_id = "req-" + std::to_string(m) + "-" + std::to_string(i);
        out.push_back(r);
    }
    return out;
}

std::set<std::string> names_in(const fs::path& dir) {
    std::set<std::string> out;
    for (const auto& e : fs::directory_iterator(dir)) out.insert(e.path().filename().string());
    return out;
}

constexpr sla::EpochMinute in_term = 29'667'000;  // 2026-05-28, in the contract's term

}  // namespace

TEST_CASE("backup: a consistent copy while the writer holds changes in its WAL, verified, 0600",
          "[ship][backup]") {
    TempDir dir;
    const auto db = dir / "slawatch.db";
    const auto config = write_config(dir, db);
    // The daemon's stand-in: the database stays open for writing, and its
    // last commits are still in the WAL (not checkpointed) when the copy runs.
    auto writer = storage::Store::open(vantage_config("idc-bj"), db, storage::OpenMode::read_write);
    writer->append(minute_of(in_term, 0));
    writer->append(minute_of(in_term + 1, 2));
    writer->set_finalized_until(in_term + 2);
    REQUIRE(fs::file_size(dir / "slawatch.db-wal") > 0);

    fs::create_directories(dir / "out");
    const auto copy = dir / "out" / "copy.db";
    const auto r = backup(config, db, copy);
    INFO(r.out << r.err);
    REQUIRE(r.exit_code == 0);
    CHECK(r.out.find("slawatch backup: " + db.string() + " -> " + copy.string()) !=
          std::string::npos);
    CHECK(r.out.find("; vantage idc-bj; verified: 12 results") != std::string::npos);
    // Only the copy: no temporary file left, no -wal beside it.
    CHECK(names_in(dir / "out") == std::set<std::string>{"copy.db"});
    CHECK((fs::status(copy).permissions() & fs::perms::all) ==
          (fs::perms::owner_read | fs::perms::owner_write));

    // Every committed result, the ones in the WAL included, and the same
    // evidence log as the live database.
    CHECK(count_rows(copy.string(), "SELECT count(*) FROM probe_result") == 12);
    auto store = storage::Store::open(vantage_config("quorum-host"), copy,
                                      storage::OpenMode::immutable_copy);
    CHECK(store->vantage() == "idc-bj");
    CHECK(store->finalized_until() == in_term + 2);
    const auto verified = store->evidence().verify();
    CHECK(verified.intact());
    CHECK(verified.results == 12);
    CHECK(verified.tree_size == writer->evidence().verify().tree_size);
    const auto check =
        run({slawatch_bin(), "verify", "--config", config.string(), "--db", copy.string()});
    CHECK(check.exit_code == 0);

    // A snapshot: what the writer commits afterwards is in the next copy only.
    writer->append(minute_of(in_term + 2, 0));
    CHECK(count_rows(copy.string(), "SELECT count(*) FROM probe_result") == 12);
    REQUIRE(backup(config, db, copy).exit_code == 0);
    CHECK(count_rows(copy.string(), "SELECT count(*) FROM probe_result") == 18);
}

TEST_CASE("backup: intact copies while a writer commits all the time", "[ship][backup]") {
    TempDir dir;
    const auto db = dir / "slawatch.db";
    const auto config = write_config(dir, db);
    std::atomic<bool> stop{false};
    std::atomic<int> minutes{0};
    {
        auto store =
            storage::Store::open(vantage_config("busy"), db, storage::OpenMode::read_write);
        store->append(minute_of(in_term, 0));
    }
    // The daemon's stand-in: a transaction of six results after another.
    std::thread writer([&] {
        auto store =
            storage::Store::open(vantage_config("busy"), db, storage::OpenMode::read_write);
        for (int m = 1; !stop && m < 5000; ++m) {
            store->append(minute_of(in_term + m, m % 3));
            minutes = m;
        }
    });
    std::vector<testing::RunResult> runs;
    for (int i = 0; i < 3; ++i) runs.push_back(backup(config, db, dir / "copy.db"));
    const int written_before_last = minutes;
    stop = true;
    writer.join();
    for (const auto& r : runs) {
        INFO(r.out << r.err);
        CHECK(r.exit_code == 0);
        CHECK(r.out.find("intact") != std::string::npos);
    }
    // Whole transactions only: a multiple of six results, none torn.
    const auto copied = count_rows((dir / "copy.db").string(), "SELECT count(*) FROM probe_result");
    INFO(copied << " results copied, " << written_before_last << " minutes written meanwhile");
    CHECK(written_before_last > 0);  // the copies were made while it wrote
    CHECK(copied % 6 == 0);
    CHECK(copied >= 6 * 1);
    CHECK(copied <= 6 * (written_before_last + 1));
}

TEST_CASE("backup: tampered evidence is not copied, the previous copy stays", "[ship][backup]") {
    TempDir dir;
    const auto db = dir / "slawatch.db";
    const auto config = write_config(dir, db);
    {
        auto writer =
            storage::Store::open(vantage_config("office"), db, storage::OpenMode::read_write);
        writer->append(minute_of(in_term, 3));
    }
    const auto copy = dir / "copy.db";
    REQUIRE(backup(config, db, copy).exit_code == 0);
    const auto before = read_file(copy);

    // A failed call turned into a success after the fact.
    testing::exec_sql(db.string(),
                      "UPDATE probe_result SET outcome = 0, http_status = 200 WHERE http_status = "
                      "503");
    const auto r = backup(config, db, copy);
    CHECK(r.exit_code == 1);
    CHECK(r.err.find("slawatch backup: the copy of " + db.string() + " fails verification") !=
          std::string::npos);
    CHECK(r.err.find(copy.string() + " is unchanged") != std::string::npos);
    CHECK(read_file(copy) == before);
    for (const auto& name : names_in(dir.path())) CHECK(name.find(".partial") == std::string::npos);
}

TEST_CASE("backup: bad usage is exit 2 and names the problem", "[ship][backup]") {
    TempDir dir;
    const auto db = dir / "slawatch.db";
    const auto config = write_config(dir, db);
    auto r = backup(config, db, dir / "copy.db");
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("no evidence database at " + db.string()) != std::string::npos);

    { storage::Store::open(vantage_config("office"), db, storage::OpenMode::read_write); }
    r = backup(config, db, dir / "missing" / "copy.db");
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("the directory " + (dir / "missing").string() + " does not exist") !=
          std::string::npos);
    r = backup(config, db, dir.path());
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("must name a file, not a directory") != std::string::npos);
    r = backup(config, db, db);
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("is the database itself") != std::string::npos);
    r = run({slawatch_bin(), "backup", "--config", config.string()});
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("--output is required") != std::string::npos);
    r = backup(dir.write("bad.toml", "[contract\n"), db, dir / "copy.db");
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("bad.toml") != std::string::npos);
}

TEST_CASE("ship: a verified copy while the writer runs, named after its vantage point, uploaded",
          "[ship]") {
    TempDir dir;
    const auto db = dir / "slawatch.db";
    const auto config = write_config(dir, db);
    auto writer = storage::Store::open(vantage_config("idc-bj"), db, storage::OpenMode::read_write);
    writer->set_finalized_until(29'667'000);
    REQUIRE(fs::file_size(dir / "slawatch.db-wal") > 0);

    const auto shipped = dir / "ship";
    const auto incoming = dir / "incoming";
    fs::create_directories(incoming);
    const auto r =
        ship(config, db, shipped, "cp \"$SLAWATCH_SHIP_FILE\" '" + incoming.string() + "/'");
    INFO(r.out << r.err);
    REQUIRE(r.exit_code == 0);
    const auto copy = shipped / "slawatch-idc-bj.db";
    REQUIRE(fs::is_regular_file(copy));
    CHECK(r.out.find("slawatch-ship: " + copy.string()) != std::string::npos);
    CHECK(r.out.find("uploaded " + copy.string()) != std::string::npos);
    // Only the copy: no staged file, no -wal.
    CHECK(names_in(shipped) == std::set<std::string>{"slawatch-idc-bj.db"});
    CHECK((fs::status(copy).permissions() & fs::perms::all) ==
          (fs::perms::owner_read | fs::perms::owner_write));

    // The copy is this vantage point's evidence, up to the writer's last commit.
    for (const auto& file : {copy, incoming / "slawatch-idc-bj.db"}) {
        INFO(file);
        REQUIRE(fs::is_regular_file(file));
        auto store =
            storage::Store::open(vantage_config("quorum-host"), file, storage::OpenMode::read_only);
        CHECK(store->vantage() == "idc-bj");
        CHECK(store->finalized_until() == 29'667'000);
    }

    // The next run replaces the copy with the newer state.
    writer->set_finalized_until(29'667'060);
    REQUIRE(ship(config, db, shipped, "").exit_code == 0);
    CHECK(storage::Store::open(vantage_config("q"), copy, storage::OpenMode::read_only)
              ->finalized_until() == 29'667'060);
}

TEST_CASE("ship: a missing database or a failing upload is a clear error", "[ship]") {
    TempDir dir;
    const auto db = dir / "slawatch.db";
    const auto config = write_config(dir, db);
    auto r = ship(config, db, dir / "ship", "");
    CHECK(r.exit_code == 1);
    CHECK(r.err.find("slawatch: no evidence database at " + db.string()) != std::string::npos);
    CHECK(r.err.find("slawatch-ship: slawatch backup failed (exit 2); nothing shipped") !=
          std::string::npos);

    { storage::Store::open(vantage_config("office"), db, storage::OpenMode::read_write); }
    r = ship(config, db, dir / "ship", "exit 3");
    CHECK(r.exit_code == 1);
    CHECK(r.err.find("slawatch-ship: the upload command failed (exit 3): exit 3") !=
          std::string::npos);
    // The copy itself was made: the next run retries only what failed.
    CHECK(fs::is_regular_file(dir / "ship" / "slawatch-office.db"));
}
