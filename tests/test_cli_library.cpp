// SPDX-License-Identifier: Apache-2.0
// The slawatch_cli library called as functions, against what the real
// `slawatch` binary prints for the same database: the report in every
// format, the quorum of three vantage points, and the exit code of a
// database refused as input (mapped once, in cli::run).

#include "cli/app.hpp"
#include "cli/common/args.hpp"
#include "cli/common/store_cli.hpp"
#include "cli/quorum/quorum_inputs.hpp"
#include "cli/quorum/quorum_month.hpp"
#include "cli/quorum/quorum_text.hpp"
#include "cli/report/report_output.hpp"
#include "tests/support/quorum_world.hpp"
#include "tests/support/replay_world.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using namespace slawatch;
using namespace slawatch::testing;

TEST_CASE("cli library: report_output gives the bytes `slawatch report` prints", "[cli][report]") {
    World w;
    Csv csv;
    // 10:00 and 10:01 down (update_check fails all six runs), 10:02 up.
    for (const auto* at : {"2026-06-01T10:00", "2026-06-01T10:01", "2026-06-01T10:02"}) {
        csv.minute(at, "update_check", std::string(at).ends_with("02") ? 0 : 6);
        healthy_others(csv, at);
    }
    const auto replayed = w.replay(csv);
    INFO(replayed.err);
    REQUIRE(replayed.exit_code == 0);

    const auto config = cli::load_config(w.config);
    const auto month = cli::service_month_arg(config, "2026-06");
    const auto now = sla::now_ms();
    const auto opened = cli::open_verified_store(config, {w.config, w.db}, now);
    for (const std::string format : {"table", "json", "csv", "html"}) {
        INFO(format);
        const auto printed = w.slawatch({"report", "--month", "2026-06", "--format", format});
        REQUIRE(printed.exit_code == 0);
        CHECK(cli::report_output(config, *opened.figures, month, now, format) == printed.out);
    }
    CHECK_THAT(cli::report_output(config, *opened.figures, month, now, "table"),
               Catch::Contains("  unavailable minutes  2\n"));
}

TEST_CASE("cli library: quorum_month and quorum_output give what `slawatch quorum` prints",
          "[cli][quorum]") {
    Quorum world;
    const auto config = cli::load_config(world.config);
    const auto month = cli::service_month_arg(config, "2026-06");
    const auto now = sla::now_ms();
    const auto inputs = cli::open_vantages(config, world.dbs, {2, false}, now);
    REQUIRE(inputs.size() == 3);
    const auto q = cli::quorum_month(config, inputs, 2, month, now);
    // quorum_world.hpp's plan: 10:02 and 10:03 down at K = 2; 10:00, 10:01, 10:05 up.
    CHECK(q.report.unavailable == 2);
    CHECK(q.report.up == 3);
    CHECK(q.vantage_reports[0].unavailable == 4);
    for (const std::string format : {"text", "json", "html"}) {
        INFO(format);
        const auto printed = world.quorum(2, format);
        REQUIRE(printed.exit_code == 0);
        CHECK(cli::quorum_output({config, inputs, q}, month, now, format) == printed.out);
    }
}

TEST_CASE("cli library: a database refused as input ends cli::run with 2, as the binary does",
          "[cli]") {
    World w;
    // A directory where the database should be: not a regular file.
    const auto dir = (w.dir / "a-directory.db").string();
    std::filesystem::create_directories(dir);
    const auto printed =
        run({slawatch_bin(), "report", "--config", w.config, "--db", dir, "--month", "2026-06"});
    CHECK(printed.exit_code == 2);
    CHECK_THAT(printed.err, Catch::StartsWith("slawatch: ") && Catch::Contains(dir));
    CHECK(printed.out.empty());

    std::vector<std::string> args{"slawatch", "report", "--config", w.config,
                                  "--db",     dir,      "--month",  "2026-06"};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    CHECK(cli::run(static_cast<int>(argv.size()), argv.data()) == 2);
}
