// SPDX-License-Identifier: Apache-2.0
#pragma once
// The contract the storage and evidence tests run under: Asia/Shanghai,
// 2026-03-17 to 2026-06-16, 1000.00 a month, and the probes they name.

#include "config/config.hpp"
#include "sla/time.hpp"

#include <initializer_list>
#include <utility>

namespace slawatch::testing {

inline config::Config store_config(
    std::initializer_list<std::pair<const char*, config::ProbeRole>> probes) {
    config::Config c;
    c.contract.name = "test";
    auto& t = c.contract.terms;
    t.zone = *sla::TimeZone::locate("Asia/Shanghai");
    t.start = *sla::parse_date("2026-03-17");
    t.end = *sla::parse_date("2026-06-16");
    t.monthly_fee = *sla::Money::parse("1000.00");
    for (const auto& [name, role] : probes) {
        config::Probe p;
        p.name = name;
        p.role = role;
        c.probes.push_back(p);
    }
    return c;
}

// The probes most storage tests name: a and b (service) and ctl (control).
inline config::Config abc_config() {
    return store_config({{"a", config::ProbeRole::service},
                         {"b", config::ProbeRole::service},
                         {"ctl", config::ProbeRole::control}});
}

// 2026-06-01T00:00:00+08:00, inside the term: where the tests' results start.
inline constexpr sla::EpochMillis store_t0 = 1'780'243'200'000;

}  // namespace slawatch::testing
