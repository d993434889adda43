// SPDX-License-Identifier: Apache-2.0
#pragma once
// What the alert tests share: a one-month contract of June 2026 and the
// smallest config that loads with [[alert]] tables appended to it.

#include "sla/contract.hpp"
#include "sla/service_month.hpp"

#include <date/date.h>

#include <string>

namespace slawatch::testing {

inline sla::ContractTerms june_terms() {
    sla::ContractTerms t;
    t.zone = *sla::TimeZone::locate("Asia/Shanghai");
    t.start = date::year{2026} / 6 / 1;
    t.end = sla::term_end(t.start, 1);  // 30 days: 43200 minutes, budget 43 at 99.9 %
    t.monthly_fee = *sla::Money::parse("1000.00");
    return t;
}

inline const std::string base_config = R"([contract]
name = "alerts-test"
start = 2026-06-01
months = 1
monthly_fee = "1000.00"

[[probe]]
name = "update_check"
kind = "http"
url = "http://127.0.0.1:9/"
)";

}  // namespace slawatch::testing
