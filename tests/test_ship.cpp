// SPDX-License-Identifier: Apache-2.0
// slawatch-ship (systemd/slawatch-ship, run by slawatch-ship.service): the
// copy of a vantage point's database for the quorum host is consistent while
// a writer holds the database open, named after the database's vantage point,
// uploaded by the configured command, and bad input is a clear error.

#include "storage/store.hpp"
#include "tests/support/process.hpp"
#include "tests/support/store_config.hpp"

#include <catch2/catch.hpp>

#include <filesystem>

namespace fs = std::filesystem;
using namespace slawatch;
using slawatch::testing::run;
using slawatch::testing::TempDir;

namespace {

const std::string ship_script = std::string(SLAWATCH_SOURCE_DIR) + "/systemd/slawatch-ship";

testing::RunResult ship(const fs::path& db, const fs::path& dir, const std::string& upload) {
    return run({"/bin/sh", ship_script}, {}, std::chrono::seconds(60),
               {"SLAWATCH_SHIP_DATABASE=" + db.string(), "SLAWATCH_SHIP_DIR=" + dir.string(),
                "SLAWATCH_SHIP_UPLOAD=" + upload});
}

config::Config vantage_config(const char* name) {
    auto config = testing::store_config({{"api", config::ProbeRole::service}});
    config.vantage.name = name;
    return config;
}

}  // namespace

TEST_CASE("ship: a consistent copy while the writer runs, named after its vantage point, uploaded",
          "[ship]") {
    TempDir dir;
    const auto db = dir / "slawatch.db";
    const auto config = vantage_config("idc-bj");
    // The daemon's stand-in: the database stays open for writing, and its
    // last change is still in the WAL (not checkpointed) when the copy runs.
    auto writer = storage::Store::open(config, db, storage::OpenMode::read_write);
    writer->set_finalized_until(29'667'000);
    REQUIRE(fs::exists(dir / "slawatch.db-wal"));
    REQUIRE(fs::file_size(dir / "slawatch.db-wal") > 0);

    const auto shipped = dir / "ship";
    const auto incoming = dir / "incoming";
    fs::create_directories(incoming);
    const auto r = ship(db, shipped, "cp \"$SLAWATCH_SHIP_FILE\" '" + incoming.string() + "/'");
    INFO(r.out << r.err);
    REQUIRE(r.exit_code == 0);
    const auto copy = shipped / "slawatch-idc-bj.db";
    REQUIRE(fs::is_regular_file(copy));
    CHECK(r.out.find("-> " + copy.string()) != std::string::npos);
    CHECK(r.out.find("uploaded " + copy.string()) != std::string::npos);
    // Only the copy: no partial file, no -wal (VACUUM INTO writes a plain database).
    std::size_t files = 0;
    for (const auto& e : fs::directory_iterator(shipped)) {
        INFO(e.path());
        CHECK(e.path() == copy);
        ++files;
    }
    CHECK(files == 1);

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
    REQUIRE(ship(db, shipped, "").exit_code == 0);
    CHECK(storage::Store::open(vantage_config("q"), copy, storage::OpenMode::read_only)
              ->finalized_until() == 29'667'060);
}

TEST_CASE("ship: a missing database or a failing upload is a clear error", "[ship]") {
    TempDir dir;
    auto r = ship(dir / "none.db", dir / "ship", "");
    CHECK(r.exit_code == 1);
    CHECK(r.err.find("slawatch-ship: cannot read the database " + (dir / "none.db").string()) !=
          std::string::npos);

    const auto db = dir / "slawatch.db";
    { storage::Store::open(vantage_config("office"), db, storage::OpenMode::read_write); }
    r = ship(db, dir / "ship", "exit 3");
    CHECK(r.exit_code == 1);
    CHECK(r.err.find("slawatch-ship: the upload command failed (exit 3): exit 3") !=
          std::string::npos);
    // The copy itself was made: the next run retries only what failed.
    CHECK(fs::is_regular_file(dir / "ship" / "slawatch-office.db"));
}
