// SPDX-License-Identifier: Apache-2.0
// Three real daemons, each against its own tcmpp-sim with its own fault plan,
// as three vantage points; then the real `slawatch quorum` and `claim
// --quorum` on copies of their databases (VACUUM INTO, as an operator ships
// them), at K = 2. A test clock starts them just before a minute boundary:
//   minute M    : only sh-idc's API fails        -> not down (one network)
//   minute M + 1: every vantage point's API fails -> down
//   minute M + 2: bj-cloud and gz-office are dark (every request hangs, their
//                 control probe's too: local_network), sh-idc up -> unknown

#include "tests/support/daemon_rig.hpp"

#include <signal.h>
#include <sqlite3.h>
#include <boost/json.hpp>

#include <array>
#include <map>

using namespace slawatch;
using namespace slawatch::testing;
using namespace std::chrono;
namespace json = boost::json;

namespace {

const std::array<std::string, 3> names{"sh-idc", "bj-cloud", "gz-office"};

std::string fault(const std::string& kind, sla::EpochMinute from, sla::EpochMinute until,
                  const std::string& actions = "") {
    return "[[fault]]\nkind = \"" + kind + "\"\n" + actions + "from = " + utc(from * 60) +
           "\nuntil = " + utc(until * 60) + "\n\n";
}

// The service probes fail with a provider error (R4: the provider's fault).
std::string api_down(sla::EpochMinute from, sla::EpochMinute until) {
    return fault("api_error", from, until,
                 "actions = [\"DescribeMNPList\", \"DescribeMNPAllStageVersions\"]\n");
}

// One vantage point's config: the rig's two service probes plus a control
// probe through the same sim (a different action), 12 runs a minute.
std::string vantage_config(const Rig& rig, const std::string& vantage) {
    return rig.config(12, 3, "[vantage]\nname = \"" + vantage + "\"\n\n") +
           rig.probe("reference", "DescribeMNPReleasedVersionHistory",
                     R"({"PlatformId": "T1", "MNPId": "mnp1"})") +
           "role = \"control\"\n";
}

// The service state of minute m in a database (a shipped copy).
std::string state_at(const config::Config& config, const std::string& db, sla::EpochMinute m) {
    const auto store = storage::Store::open(config, db, storage::OpenMode::immutable_copy);
    const auto rows = store->minutes(m, m + 1, std::string("service"));
    return rows.size() == 1 ? std::string(sla::to_string(rows[0].state)) : "missing";
}

}  // namespace

TEST_CASE("quorum: three daemons as vantage points, one failing alone, all, two dark",
          "[quorum][daemon][integration]") {
    const auto clock = TestClock::before_minute(15'000);
    const sla::EpochMinute M = clock.now_ms() / 60'000 + 1;

    std::array<Rig, 3> rigs;
    for (std::size_t i = 0; i < rigs.size(); ++i) {
        auto& rig = rigs[i];
        rig.env = clock.env();
        std::string plan = api_down(M + 1, M + 2);
        if (i == 0) plan += api_down(M, M + 1);
        if (i > 0) plan += fault("hang", M + 2, M + 3);  // every action, the control's too
        rig.start_sim(plan);
        rig.dir.write("slawatch.toml", vantage_config(rig, names[i]));
    }
    for (auto& rig : rigs) rig.start_daemon();
    for (auto& rig : rigs) {
        INFO(rig.daemon->err());
        REQUIRE(rig.finalized(M + 3, milliseconds((M + 3) * 60'000 - clock.now_ms() + 20'000)));
    }

    // Shipped while the daemons still run, then stopped.
    std::vector<std::string> copies;
    for (std::size_t i = 0; i < rigs.size(); ++i) {
        const auto copy = (rigs[0].dir / (names[i] + ".db")).string();
        const auto r =
            run({"/usr/bin/sqlite3", rigs[i].db().string(), "VACUUM INTO '" + copy + "'"});
        REQUIRE(r.exit_code == 0);
        copies.push_back(copy);
    }
    for (auto& rig : rigs) {
        rig.daemon->signal(SIGTERM);
        CHECK(rig.daemon->wait(seconds(15)) == 0);
    }

    // The claimant's config: the same contract, any vantage name.
    const auto config =
        rigs[0].dir.write("quorum.toml", vantage_config(rigs[0], "claimant")).string();
    const auto loaded = config::load(config);
    REQUIRE(loaded);

    // What each vantage point saw on its own.
    const std::array<std::array<std::string, 3>, 3> seen{
        {{"down", "down", "up"}, {"up", "down", "local_network"}, {"up", "down", "local_network"}}};
    for (std::size_t i = 0; i < rigs.size(); ++i)
        for (int m = 0; m < 3; ++m) {
            INFO(names[i] << " minute M+" << m);
            CHECK(state_at(*loaded.config, copies[i], M + m) ==
                  seen[i][static_cast<std::size_t>(m)]);
        }
    const auto month = utc(clock.now_ms() / 1000).substr(0, 7);
    auto quorum = run({slawatch_bin(), "quorum", "--config", config, "--month", month, "--quorum",
                       "2", "--db", copies[0], "--db", copies[1], "--db", copies[2], "--format",
                       "json", "--allow-unsigned"},  // the rigs' daemons run without signing keys
                      {}, seconds(60), clock.env());
    INFO(quorum.err);
    REQUIRE(quorum.exit_code == 0);
    const auto j = json::parse(quorum.out).as_object();

    // By hand: the only minute at least two vantage points saw down is M + 1.
    CHECK(j.at("unavailable_minutes").as_int64() == 1);
    // Up: the minutes at least two saw up (the minutes around M were up
    // everywhere the daemons ran long enough; M is up at bj-cloud and gz-office).
    std::int64_t up = 0;
    for (sla::EpochMinute m = M - 2; m <= M + 5; ++m) {
        int ups = 0;
        for (const auto& copy : copies) ups += state_at(*loaded.config, copy, m) == "up" ? 1 : 0;
        up += ups >= 2 ? 1 : 0;
    }
    CHECK(up >= 1);  // M itself
    CHECK(j.at("up_minutes").as_int64() == up);
    // M + 2 is neither: one observer up, two dark.
    CHECK(j.at("excluded_minutes").at("local_network").as_int64() == 0);
    CHECK(j.at("unknown_minutes").as_int64() == j.at("elapsed_minutes").as_int64() - up - 1);

    // Each vantage point's own figures.
    const auto& vantages = j.at("quorum").at("vantages").as_array();
    REQUIRE(vantages.size() == 3);
    CHECK(vantages[0].at("name").as_string() == "sh-idc");
    CHECK(vantages[0].at("unavailable_minutes").as_int64() == 2);
    CHECK(vantages[1].at("unavailable_minutes").as_int64() == 1);
    CHECK(vantages[2].at("unavailable_minutes").as_int64() == 1);

    // M: sh-idc saw it down, the two others up: a disagreement, quorum up.
    const auto& d = j.at("disagreements").as_array();
    REQUIRE(d.size() == 1);
    CHECK(d[0].at("states").at("sh-idc").as_string() == "down");
    CHECK(d[0].at("states").at("bj-cloud").as_string() == "up");
    CHECK(d[0].at("quorum_state").as_string() == "up");

    // The claim cites the three vantage points' failed calls of M + 1.
    auto claim = run(
        {slawatch_bin(), "claim", "--config", config, "--month", month, "--quorum", "2", "--db",
         copies[0], "--db", copies[1], "--db", copies[2], "--format", "json", "--allow-unsigned"},
        {}, seconds(60), clock.env());
    INFO(claim.err);
    REQUIRE(claim.exit_code == 0);
    const auto c = json::parse(claim.out).as_object();
    const auto& minutes = c.at("unavailable").as_array();
    REQUIRE(minutes.size() == 1);
    const auto& cited = minutes[0].at("vantages").as_array();
    REQUIRE(cited.size() == 3);
    for (const auto& v : cited) CHECK_FALSE(v.at("evidence").as_array().empty());
}
