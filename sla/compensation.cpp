// SPDX-License-Identifier: Apache-2.0
// R9: compensation tiers and the liability caps.
#include "sla/compensation.hpp"

#include "sla/availability.hpp"

#include <algorithm>
#include <cstddef>

namespace slawatch::sla {

std::vector<Tier> default_tiers() {
    // R9: the SLA's table, best first.
    return {Tier{Percent::whole(99), 10}, Tier{Percent::whole(95), 25},
            Tier{Percent::whole(0), 100}};
}

int compensation_percent(const std::vector<Tier>& tiers, Percent standard, std::int64_t unavailable,
                         std::int64_t total) {
    if (tiers.empty() || total <= 0) return 0;
    if (standard_met(unavailable, total, standard)) return 0;  // R9: nothing owed
    // R9: the best tier whose threshold is reached; "at least" makes a
    // boundary belong to the better tier. Chosen by threshold, not by
    // position, so an unsorted list cannot pick a worse tier.
    const Tier* best = nullptr;
    const Tier* worst = &tiers.front();
    for (const Tier& t : tiers) {
        if (t.at_least < worst->at_least) worst = &t;
        if (availability_at_least(unavailable, total, t.at_least) &&
            (best == nullptr || t.at_least > best->at_least)) {
            best = &t;
        }
    }
    // Below every configured threshold: worse service never earns less than
    // the worst tier.
    return best ? best->percent : worst->percent;
}

void apply_liability_cap(std::vector<MonthCompensation>& months) {
    // R9 / SLA 3.1(2): no month pays more than its own fee (nor less than nothing).
    for (MonthCompensation& m : months) {
        m.amount = std::clamp(m.amount, Money{}, std::max(m.fee, Money{}));
    }
    // R9 / SLA 5.1: every 12 consecutive Service Months pay at most the fees
    // of those months. Windows are checked in order and the excess is taken
    // from the latest months of the window, so earlier claims stand.
    constexpr std::size_t window = 12;
    for (std::size_t end = 1; end <= months.size(); ++end) {
        const std::size_t begin = end > window ? end - window : 0;
        Money paid;
        Money cap;
        for (std::size_t i = begin; i < end; ++i) {
            paid = paid + months[i].amount;
            cap = cap + months[i].fee;
        }
        for (std::size_t i = end; i-- > begin && paid > cap;) {
            const Money excess = paid - cap;
            const Money cut = std::min(excess, months[i].amount);
            months[i].amount = months[i].amount - cut;
            paid = paid - cut;
        }
    }
}

}  // namespace slawatch::sla
