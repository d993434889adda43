// SPDX-License-Identifier: Apache-2.0
// Collects the evidence of down service minutes from the store.

#include "cli/report/down_minutes.hpp"

#include <algorithm>
#include <set>

namespace slawatch::cli {

std::vector<DownMinute> down_minutes(const storage::Figures& store, sla::EpochMinute from,
                                     sla::EpochMinute to) {
    std::vector<DownMinute> out;
    // Only down service minutes are unavailable.
    for (const auto& row : store.minutes(from, to, std::string("service"))) {
        if (row.state == sla::MinuteState::down) out.push_back({row.minute, {}, {}});
    }
    // Fetch rows and results one run of consecutive minutes at a time.
    for (std::size_t i = 0; i < out.size();) {
        std::size_t j = i + 1;
        while (j < out.size() && out[j].minute == out[j - 1].minute + 1) ++j;
        const auto run_from = out[i].minute;
        const auto run_to = out[j - 1].minute + 1;
        std::set<std::pair<sla::EpochMinute, std::string>> down;
        for (const auto& row : store.minutes(run_from, run_to, std::nullopt)) {
            if (row.probe != "service" && row.state == sla::MinuteState::down) {
                down.insert({row.minute, row.probe});
                out[i + static_cast<std::size_t>(row.minute - run_from)].probes.push_back(
                    row.probe);
            }
        }
        for (auto& r : store.results(run_from * 60'000, run_to * 60'000)) {
            const auto m = sla::minute_of_ms(r.sample.sent_ms);
            if (down.count({m, r.probe})) {
                out[i + static_cast<std::size_t>(m - run_from)].results.push_back(std::move(r));
            }
        }
        i = j;
    }
    return out;
}

std::vector<Incident> incidents(std::vector<DownMinute> minutes) {
    std::vector<Incident> out;
    for (auto& m : minutes) {
        if (out.empty() || out.back().end != m.minute)
            out.push_back({m.minute, m.minute, {}, {}, {}});
        auto& inc = out.back();
        inc.end = m.minute + 1;
        for (const auto& p : m.probes) {
            if (std::find(inc.probes.begin(), inc.probes.end(), p) == inc.probes.end()) {
                inc.probes.push_back(p);
            }
        }
        for (const auto& r : m.results)
            ++inc.outcomes[r.probe][std::string(sla::to_string(r.sample.outcome))];
        inc.minutes.push_back(std::move(m));
    }
    return out;
}

}  // namespace slawatch::cli
