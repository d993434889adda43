// SPDX-License-Identifier: Apache-2.0
// R9: the fee a Service Month pays.
#include "sla/contract.hpp"

namespace slawatch::sla {

Money ContractTerms::fee_for(const ServiceMonth& m) const {
    // R9: an override for the Service Month's calendar month wins. Without
    // one, a partial first or last month is charged the full monthly_fee: the
    // SLA caps compensation at the fee actually paid, which the contract (not
    // a pro-rata guess) states, so cut months should be listed in `fees`.
    const auto it = fees.find(m.calendar_month());
    return it != fees.end() ? it->second : monthly_fee;
}

}  // namespace slawatch::sla
