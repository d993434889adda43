// SPDX-License-Identifier: Apache-2.0
#pragma once
// R4 / SLA 4.1: announced maintenance windows.

#include "sla/time.hpp"

#include <string>
#include <vector>

namespace slawatch::sla {

struct MaintenanceWindow {
    EpochSeconds start = 0;  // minutes whose start lies in [start, end)
    EpochSeconds end = 0;
    EpochSeconds announced = 0;  // when the notice arrived
    std::string reason;

    // Announced at or before its start (a notice after the start does not excuse).
    bool announced_in_advance() const { return announced <= start; }

    // R4: does this window excuse a failing minute?
    bool excuses(EpochMinute minute) const {
        const EpochSeconds at = minute * 60;
        return announced_in_advance() && at >= start && at < end;
    }
};

bool any_excuses(const std::vector<MaintenanceWindow>& windows, EpochMinute minute);

}  // namespace slawatch::sla
