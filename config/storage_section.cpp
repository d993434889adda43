// SPDX-License-Identifier: Apache-2.0
// [storage]: where the evidence lives and how durably it is written.

#include "config/section.hpp"
#include "config/sections.hpp"

#include <limits>

namespace slawatch::config::detail {

void read_storage(const toml::node& node, Context& ctx, Config& out) {
    const toml::table* table = table_of(node, "storage", ctx.diag);
    if (!table) return;
    Section s(*table, "storage", ctx.diag);
    Storage& st = out.storage;

    if (auto path = s.string("path")) {
        if (path->empty()) {
            ctx.diag.error(*table->get("path"), "storage.path: must not be empty");
        } else {
            st.path = ctx.resolve(*path);
        }
    }
    // FULL survives power loss at the cost of an fsync per commit.
    if (auto sync = s.choice("synchronous", {"normal", "full"}, "synchronous mode"))
        st.synchronous = *sync == "full" ? Synchronous::full : Synchronous::normal;
    if (auto days = s.integer("retention_days", 1, std::numeric_limits<std::int32_t>::max()))
        st.retention_days = static_cast<int>(*days);
    if (auto compact = s.boolean("compact")) st.compact = *compact;
    if (auto margin = s.integer("compact_margin_days", 0, 3650))
        st.compact_margin_days = static_cast<int>(*margin);

    s.finish();
}

}  // namespace slawatch::config::detail
