// SPDX-License-Identifier: Apache-2.0
// [[maintenance]]: announced provider maintenance windows (R4, SLA 4.1).

#include "config/section.hpp"
#include "config/sections.hpp"

namespace slawatch::config::detail {

void read_maintenance(const toml::node& node, Context& ctx, Config& out) {
    const toml::array* list = table_array(node, "maintenance", ctx.diag);
    if (!list) return;
    read_tables(*list, "maintenance", ctx.diag, [&](Section& s) {
        auto start = s.instant("start", true);
        auto end = s.instant("end", true);
        // R4: only a notice received before the window began excuses it, so "when" is required.
        auto announced = s.instant("announced", true);
        auto reason = s.string("reason");
        s.finish();
        if (start && end && *end <= *start) {
            ctx.diag.error(*s.table().get("end"),
                           "maintenance.end: must be after maintenance.start");
            return;
        }
        if (!start || !end || !announced) return;
        out.maintenance.push_back({*start, *end, *announced, reason.value_or("")});
    });
}

}  // namespace slawatch::config::detail
