// SPDX-License-Identifier: Apache-2.0
// Crash safety of the live daemon: `slawatch run` against the real tcmpp-sim,
// killed with SIGKILL at random moments (during startup, probing, writing and
// finalization) and restarted, again and again. After every kill the database
// must be intact, no finalized minute may be lost or rewritten, and a minute
// no daemon ran in must be `unknown`. SLAWATCH_KILLS sets the count (default
// 20, CI); scripts/kill-test.sh runs a longer campaign. Replay's kills are in
// test_replay_ingest.
#include "config/config.hpp"
#include "storage/store.hpp"
#include "tests/support/daemon_rig.hpp"
#include "tests/support/process.hpp"
#include "tests/support/wall_clock.hpp"

#include <catch2/catch.hpp>

#include <signal.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <map>
#include <random>
#include <thread>
#include <utility>
#include <vector>

using namespace slawatch;
using namespace slawatch::testing;
using namespace std::chrono;

namespace {

// When daemons ran: [start, end) in ms, to tell which minutes no daemon saw.
using Spans = std::vector<std::pair<std::int64_t, std::int64_t>>;

bool minute_seen(const Spans& spans, sla::EpochMinute m) {
    const std::int64_t begin = m * 60'000;
    const std::int64_t end = begin + 60'000;
    return std::any_of(spans.begin(), spans.end(),
                       [&](const auto& s) { return s.first < end && s.second > begin; });
}

// The checks after one kill; `finalized` holds every finalized minute's
// state seen so far and must never change.
struct Ledger {
    std::optional<sla::EpochMinute> finalized_until;
    sla::EpochMinute first_minute = 0;
    std::map<std::pair<sla::EpochMinute, std::string>, std::string> finalized;
    std::int64_t minutes_checked = 0;
    int unknown_gaps = 0;

    void check(const Rig& rig, const Spans& spans) {
        auto store = rig.store();
        const auto until = store->finalized_until();
        if (finalized_until) {
            REQUIRE(until);
            CHECK(*until >= *finalized_until);  // never backwards
        }
        if (!until) return;
        finalized_until = until;
        if (*until <= first_minute) return;
        const auto rows = store->minutes(first_minute, *until, std::nullopt);
        // Every finalized minute is there, for the service and both probes.
        CHECK(rows.size() == static_cast<std::size_t>((*until - first_minute) * 3));
        for (const auto& r : rows) {
            const std::string state(sla::to_string(r.state));
            INFO("minute " << r.minute << " (" << utc(r.minute * 60) << ") of " << r.probe);
            // The sim is healthy all along: killing the daemon must never make a minute down.
            CHECK(state != "down");
            const bool seen = minute_seen(spans, r.minute);
            if (!seen) CHECK(state == "unknown");
            // A finalized minute is never rewritten.
            auto [it, added] = finalized.try_emplace({r.minute, r.probe}, state);
            if (!added) CHECK(it->second == state);
            if (added && r.probe == "service") {
                ++minutes_checked;
                unknown_gaps += !seen;
            }
        }
    }
};

}  // namespace

TEST_CASE("R3: kill -9 of the live daemon at random moments loses no finalized minute",
          "[daemon][integration][kill9]") {
    const char* env = std::getenv("SLAWATCH_KILLS");
    const int kills = env ? std::max(1, std::atoi(env)) : 20;
    Rig rig;
    rig.start_sim("");  // a healthy sim: no faults
    rig.dir.write("slawatch.toml",
                  rig.config(12, 3, "[evidence]\ncheckpoint_interval_minutes = 1\n\n"));

    std::random_device device;
    const auto seed = device();
    std::mt19937 rng(seed);
    // Up to 7 s alive: some kills land in startup, most in probing, some in a
    // minute's finalization.
    std::uniform_int_distribution<int> alive_ms(0, 7'000);
    Spans spans;
    Ledger ledger;
    const auto t0 = steady_clock::now();
    int before_db = 0;
    int last_pause = -1000;
    // Stays down over one whole minute, which must then be unknown; cheapest
    // late in a minute, so it is taken then.
    auto pause = [&](int k) {
        sleep_until_ms((now_ms() / 60'000 + 2) * 60'000 + 200);
        last_pause = k;
    };
    for (int k = 0; k < kills; ++k) {
        INFO("seed " << seed << ", kill " << k);
        const auto started = now_ms();
        auto daemon = rig.spawn_daemon();
        if (ledger.first_minute == 0) ledger.first_minute = started / 60'000;
        std::this_thread::sleep_for(milliseconds(alive_ms(rng)));
        daemon->signal(SIGKILL);
        REQUIRE(daemon->wait(seconds(10)) == 128 + SIGKILL);
        spans.emplace_back(started, now_ms());
        if (!std::filesystem::exists(rig.db())) {
            ++before_db;  // killed before it made one
            continue;
        }
        INFO(daemon->err());
        REQUIRE(rig.integrity() == "ok\n");
        ledger.check(rig, spans);
        if (k - last_pause >= 40 && k + 1 < kills && now_ms() % 60'000 >= 45'000) pause(k);
    }
    if (last_pause < 0) pause(kills);

    // A last clean run: it finalizes what the kills left, and shuts down cleanly.
    const auto started = now_ms();
    auto daemon = rig.spawn_daemon();
    REQUIRE(wait_for_port(rig.metrics_port, seconds(10)));
    const auto target = now_ms() / 60'000;  // every minute before this run's
    const bool done = eventually(
        [&] {
            try {
                auto f = rig.store()->finalized_until();
                return f && *f >= target;
            } catch (const storage::StoreError&) {
                return false;
            }
        },
        milliseconds(target * 60'000 - now_ms() + 20'000));
    INFO(daemon->err());
    REQUIRE(done);
    daemon->signal(SIGTERM);
    REQUIRE(daemon->wait(seconds(15)) == 0);
    spans.emplace_back(started, now_ms());
    CHECK(rig.integrity() == "ok\n");
    ledger.check(rig, spans);
    // The evidence log still proves every stored result.
    const auto verify = run({slawatch_bin(), "verify", "--config", rig.config_file().string()});
    INFO(verify.out << verify.err);
    CHECK(verify.exit_code == 0);

    const auto secs = duration_cast<seconds>(steady_clock::now() - t0).count();
    std::cout << "reliability: live daemon: " << kills << " kills survived (" << before_db
              << " before the database existed), database intact each time, "
              << ledger.minutes_checked << " finalized minutes checked (" << ledger.unknown_gaps
              << " unseen minutes unknown), 0 lost, in " << secs << " s (seed " << seed << ")\n";
}
