// SPDX-License-Identifier: Apache-2.0
#pragma once
// Test support for the daemon tests of alert delivery: tcmpp-sim failing one
// minute, and the config of a daemon probing it up to the [[alert]] tables
// each test adds.

#include "sla/time.hpp"
#include "tests/support/process.hpp"
#include "tests/support/wall_clock.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace slawatch::testing {

// The management probe's SecretKey, in creds/secret_key.
inline const std::string alerting_secret_key = "testsecretkeytestsecretkey000001";

// tcmpp-sim on `port` answering http_5xx during minute `down` only, with the
// probe's credentials in creds/ of `dir`; `env` sets its clock.
inline Process down_minute_sim(const TempDir& dir, std::uint16_t port, sla::EpochMinute down,
                               const std::vector<std::string>& env = {}) {
    dir.write("faults.toml", "[[fault]]\nkind = \"http_5xx\"\nfrom = " + utc(down * 60) +
                                 "\nuntil = " + utc((down + 1) * 60) + "\n");
    dir.write("creds/secret_id", "AKIDtestsecretid0001\n");
    dir.write("creds/secret_key", alerting_secret_key + "\n");
    return Process(
        {tcmpp_sim_bin(), "--listen", "127.0.0.1:" + std::to_string(port), "--faults",
         (dir / "faults.toml").string(), "--credentials-dir", (dir / "creds").string(), "--quiet"},
        dir.path(), env);
}

// A two-month term from the day before `today_s` (UTC) whose 99.9999 %
// standard one failed minute breaks, 12 probes a minute, /metrics on
// `metrics_port`, and the management probe against the sim on `sim_port`
// (`probe_lines` added to its table); ends with a blank line.
inline std::string alerting_daemon_toml(std::string_view name, std::int64_t today_s,
                                        std::uint16_t metrics_port, std::uint16_t sim_port,
                                        std::string_view probe_lines = "") {
    return "[contract]\nname = \"" + std::string(name) +
           "\"\ntimezone = \"UTC\"\nstart = " + utc_date(today_s - 86400) +
           "\nmonths = 2\nmonthly_fee = \"1000.00\"\nstandard = \"99.9999\"\n\n"
           "[monitor]\nprobes_per_minute = 12\nmin_samples = 3\n\n"
           "[storage]\npath = \"slawatch.db\"\n\n[metrics]\nlisten = \"127.0.0.1:" +
           std::to_string(metrics_port) +
           "\"\n\n[[probe]]\nname = \"management\"\nkind = \"tencentcloud\"\n" +
           std::string(probe_lines) + "endpoint = \"http://127.0.0.1:" + std::to_string(sim_port) +
           "\"\nservice = \"tcmpp\"\naction = \"DescribeMNPList\"\nversion = \"2024-08-01\"\n"
           "region = \"ap-guangzhou\"\n"
           "payload = '{\"PlatformId\": \"T1\", \"Offset\": 0, \"Limit\": 1}'\n"
           "secret_id_file = \"creds/secret_id\"\nsecret_key_file = \"creds/secret_key\"\n"
           "timeout = \"2s\"\n\n";
}

}  // namespace slawatch::testing
