// SPDX-License-Identifier: Apache-2.0
// [monitor]: how often probes run and how a minute is decided (R2, R3, R5).

#include "config/section.hpp"
#include "config/sections.hpp"

#include <limits>

namespace slawatch::config::detail {

void read_monitor(const toml::node& node, Context& ctx, Config& out) {
    const toml::table* table = table_of(node, "monitor", ctx.diag);
    if (!table) return;
    Section s(*table, "monitor", ctx.diag);
    Monitor& m = out.monitor;

    // R2: several probes a minute, at most one a second.
    const auto per_minute = s.integer("probes_per_minute", 1, 60);
    if (per_minute) m.probes_per_minute = static_cast<int>(*per_minute);
    // R3: fewer samples than this make the minute unknown.
    if (auto min = s.integer("min_samples", 1, std::numeric_limits<std::int64_t>::max())) {
        if (*min > m.probes_per_minute) {
            ctx.diag.error(*table->get("min_samples"),
                           "monitor.min_samples: must not exceed monitor.probes_per_minute (" +
                               std::to_string(m.probes_per_minute) + "), got " +
                               std::to_string(*min));
        } else {
            m.min_samples = static_cast<int>(*min);
        }
    } else if (!s.has("min_samples") && m.min_samples > m.probes_per_minute) {
        m.min_samples = m.probes_per_minute;  // the default adapts to a slow schedule
    }
    // R5: any function down makes the service down ("any"), or only all of them ("all").
    if (auto policy = s.choice("policy", {"any", "all"}, "policy"))
        m.policy = *policy == "all" ? sla::Policy::all : sla::Policy::any;

    s.finish();
}

}  // namespace slawatch::config::detail
