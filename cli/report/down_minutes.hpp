// SPDX-License-Identifier: Apache-2.0
#pragma once
// The evidence behind unavailable minutes, for `incidents` and `claim` (R11).

#include "config/config.hpp"
#include "storage/store.hpp"

#include <map>
#include <string>
#include <vector>

namespace slawatch::cli {

// One down service minute, the service probes that were down in it and
// their raw results in it (R12: outcome, status, codes, request ids only).
struct DownMinute {
    sla::EpochMinute minute = 0;
    std::vector<std::string> probes;
    std::vector<storage::ProbeResult> results;
};

// A run of consecutive down service minutes [start, end).
struct Incident {
    sla::EpochMinute start = 0;
    sla::EpochMinute end = 0;
    std::vector<std::string> probes;                             // down in some minute of it
    std::map<std::string, std::map<std::string, int>> outcomes;  // probe -> outcome -> count
    std::vector<DownMinute> minutes;
};

std::vector<DownMinute> down_minutes(const storage::Figures& store, sla::EpochMinute from,
                                     sla::EpochMinute to);

std::vector<Incident> incidents(std::vector<DownMinute> minutes);

}  // namespace slawatch::cli
