// SPDX-License-Identifier: Apache-2.0
#pragma once
// What the benchmarks share: their contract (a calendar year of four service
// probes, built on the tests' store_config) and wall and CPU time.

#include "config/config.hpp"
#include "tests/support/store_config.hpp"

#include <sys/resource.h>

#include <chrono>
#include <string>

namespace slawatch::bench {

using clk = std::chrono::steady_clock;

// Asia/Shanghai, 2026-01-01 to 2026-12-31, 1000.00 a month; the probes
// update_check, release, download and management, all service probes.
inline config::Config bench_config(const std::string& vantage = "") {
    using config::ProbeRole;
    auto c = testing::store_config({{"update_check", ProbeRole::service},
                                    {"release", ProbeRole::service},
                                    {"download", ProbeRole::service},
                                    {"management", ProbeRole::service}});
    c.contract.name = "bench";
    c.contract.terms.start = *sla::parse_date("2026-01-01");
    c.contract.terms.end = *sla::parse_date("2026-12-31");
    c.vantage.name = vantage;
    return c;
}

inline double seconds_since(clk::time_point t) {
    return std::chrono::duration<double>(clk::now() - t).count();
}

// This process's user + system CPU seconds: steadier than wall-clock time on a
// machine shared with other jobs.
inline double cpu_seconds() {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
           static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

}  // namespace slawatch::bench
