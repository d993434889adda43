// SPDX-License-Identifier: Apache-2.0
// [evidence]: signing the evidence log's checkpoints, and how often the daemon records one.

#include "config/section.hpp"
#include "config/sections.hpp"

namespace slawatch::config::detail {

void read_evidence(const toml::node& node, Context& ctx, Config& out) {
    const toml::table* table = table_of(node, "evidence", ctx.diag);
    if (!table) return;
    Section s(*table, "evidence", ctx.diag);
    Evidence& e = out.evidence;

    if (auto key = s.string("signing_key_file")) {
        if (key->empty()) {
            ctx.diag.error(*table->get("signing_key_file"),
                           "evidence.signing_key_file: must not be empty (leave it out for "
                           "unsigned checkpoints)");
        } else {
            e.signing_key_file = ctx.resolve(*key);
        }
    }
    // At least hourly (the checkpoint rule); more often is allowed.
    if (auto minutes = s.integer("checkpoint_interval_minutes", 1, 60))
        e.checkpoint_interval_minutes = static_cast<int>(*minutes);

    s.finish();
}

}  // namespace slawatch::config::detail
