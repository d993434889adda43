// SPDX-License-Identifier: Apache-2.0
// R4 / SLA 4.1: does any announced window excuse a minute?
#include "sla/maintenance.hpp"

#include <algorithm>

namespace slawatch::sla {

bool any_excuses(const std::vector<MaintenanceWindow>& windows, EpochMinute minute) {
    return std::any_of(windows.begin(), windows.end(),
                       [minute](const MaintenanceWindow& w) { return w.excuses(minute); });
}

}  // namespace slawatch::sla
