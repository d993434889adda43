// SPDX-License-Identifier: Apache-2.0
#pragma once
// The contract terms every SLA computation needs, independent of the config file.

#include "sla/business_calendar.hpp"
#include "sla/compensation.hpp"
#include "sla/money.hpp"
#include "sla/percent.hpp"
#include "sla/service_month.hpp"
#include "sla/time.hpp"

#include <map>
#include <string>
#include <vector>

namespace slawatch::sla {

struct ContractTerms {
    TimeZone zone;
    Date start;  // first day of service
    Date end;    // last day of service, inclusive
    Money monthly_fee;
    std::map<date::year_month, Money> fees;  // per-Service-Month overrides
    std::string currency = "CNY";
    Percent standard = Percent::from_units(99'900'000);
    std::vector<Tier> tiers = default_tiers();  // best first
    BusinessCalendar calendar;
    int claim_after_business_days = 5;
    int claim_within_days = 60;

    std::vector<ServiceMonth> months() const { return service_months(start, end); }
    Money fee_for(const ServiceMonth& m) const;
};

}  // namespace slawatch::sla
