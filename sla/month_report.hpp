// SPDX-License-Identifier: Apache-2.0
#pragma once
// R7-R10 together: one Service Month's figures, as report, status, alerts and
// metrics all show them. Nothing else computes availability its own way.

#include "sla/claim_window.hpp"
#include "sla/contract.hpp"
#include "sla/minute_state.hpp"
#include "sla/money.hpp"
#include "sla/service_month.hpp"

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace slawatch::sla {

// Minute rows counted by state within some span of minutes.
struct StateCounts {
    std::array<std::int64_t, minute_state_count> by_state{};

    std::int64_t& operator[](MinuteState s) { return by_state[static_cast<int>(s)]; }
    std::int64_t operator[](MinuteState s) const { return by_state[static_cast<int>(s)]; }
    std::int64_t total() const;
};

struct ProbeFigures {
    std::string name;
    StateCounts counts;  // this probe's minute rows in the month so far
};

// One day: a first start in mid-month, or an hour of it, says nothing yet about
// where the month ends.
inline constexpr std::int64_t projection_min_observed_minutes = 1440;

struct MonthReport {
    ServiceMonth month;
    std::int64_t total_minutes = 0;    // R7
    std::int64_t elapsed_minutes = 0;  // minutes of the month before `now` (== total once it ended)
    bool complete = false;             // the month has ended

    // Service-level minutes (R5). `unknown` includes elapsed minutes with no row.
    std::int64_t up = 0;
    std::int64_t unavailable = 0;  // down
    std::int64_t maintenance = 0;
    std::int64_t local_network = 0;
    std::int64_t customer = 0;
    std::int64_t unknown = 0;

    // R8
    bool standard_met = true;
    std::string availability_text;  // "99.944444"
    double availability_percent = 100.0;

    // Error budget: the most unavailable minutes the month may have.
    std::int64_t budget_minutes = 0;
    std::int64_t budget_left = 0;  // budget_minutes - unavailable, never below 0

    // R9 (before the 12-month cap; see apply_liability_cap)
    int compensation_percent = 0;
    Money fee;
    Money compensation;
    std::string currency;

    // A running month, projected to its end at the rate so far, once at least
    // projection_min_observed_minutes of it were observed (up, down or excluded,
    // not unknown); before that the projection is the figures so far.
    bool projected = false;
    std::int64_t projected_unavailable = 0;
    int projected_percent = 0;

    ClaimWindow claim;  // R10

    std::vector<ProbeFigures> probes;
};

// Builds the figures of `month` from the service-level minute rows counted in
// it so far and the number of its minutes that have elapsed.
MonthReport make_month_report(const ContractTerms& terms, const ServiceMonth& month,
                              const StateCounts& service_rows, std::int64_t elapsed_minutes);

}  // namespace slawatch::sla
