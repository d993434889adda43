// SPDX-License-Identifier: Apache-2.0
// [evidence]: signing the evidence log's checkpoints, how often the daemon
// records one, and the Time Stamping Authorities that stamp them.

#include "config/section.hpp"
#include "config/sections.hpp"

#include <fstream>
#include <set>

namespace slawatch::config::detail {

namespace {

// The bundle must be readable now: a TSA whose answers cannot be checked
// would store tokens nobody can trust.
void read_tsa_ca_file(Section& s, Context& ctx, Tsa& t) {
    auto file = s.string("ca_file", true);
    if (!file) return;
    const toml::node& where = *s.table().get("ca_file");
    if (file->empty()) {
        ctx.diag.error(where, s.name("ca_file") + ": must not be empty");
        return;
    }
    t.ca_file = ctx.resolve(*file);
    std::ifstream in(t.ca_file, std::ios::binary);
    std::string head(64, '\0');
    if (!in || !in.read(head.data(), static_cast<std::streamsize>(head.size())).gcount()) {
        ctx.diag.error(where, s.name("ca_file") + ": cannot read " + t.ca_file);
    } else if (head.find("-----BEGIN") == std::string::npos) {
        ctx.diag.error(where,
                       s.name("ca_file") + ": " + t.ca_file + " is not a PEM certificate bundle");
    }
}

Tsa read_tsa(Section& s, Context& ctx, std::set<std::string>& urls) {
    Tsa t;
    t.where = ctx.diag.location(s.table().source());
    if (read_http_url(s, "url", true, true)) {
        t.url = *s.table().get("url")->value<std::string>();
        if (!urls.insert(t.url).second)
            ctx.diag.error(*s.table().get("url"),
                           s.name("url") + ": " + t.url + " is listed twice");
    }
    read_tsa_ca_file(s, ctx, t);
    read_proxy(s, t.proxy);
    s.finish();
    return t;
}

void read_tsas(const toml::node& node, Context& ctx, Evidence& e) {
    const toml::array* list = table_array(node, "evidence.tsa", ctx.diag);
    if (!list) return;
    std::set<std::string> urls;
    read_tables(*list, "evidence.tsa", ctx.diag,
                [&](Section& s) { e.tsa.push_back(read_tsa(s, ctx, urls)); });
}

}  // namespace

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
    if (const toml::node* tsa = s.get("tsa")) read_tsas(*tsa, ctx, e);

    s.finish();
}

}  // namespace slawatch::config::detail
