// SPDX-License-Identifier: Apache-2.0
// [[vantage.witness]]: the peers whose checkpoints this host cosigns, and
// where their checkpoints come from (docs/vantage.md, "Witnesses").

#include "config/section.hpp"
#include "config/sections.hpp"
#include "text/escape.hpp"

#include <algorithm>

namespace slawatch::config::detail {
namespace {

using namespace std::chrono_literals;

// The peer must be pinned: a cosignature vouches for a note signed by that key.
void check_peer(Section& s, const Config& out, const std::string& peer, bool by_url) {
    const auto& where = *s.table().get("peer");
    const auto pin = out.vantage.peer_keys.find(peer);
    if (pin == out.vantage.peer_keys.end()) {
        s.diag().error(where, "vantage.witness: peer " + text::quote_field(peer, '\'') +
                                  " has no pinned key in [vantage.peers]: a cosignature "
                                  "vouches for a note signed by that key; add " +
                                  peer + " = \"<its PEM public key>\"");
    } else if (by_url && pin->second.size() == 64) {
        // A fingerprint cannot check a signature: a copy of the database
        // carries the key, the endpoint only the note.
        s.diag().error(where, "vantage.witness: peer " + text::quote_field(peer, '\'') +
                                  " is read by url: pin its PEM public key in [vantage.peers] "
                                  "(a fingerprint is enough only with database)");
    }
    if (peer == out.vantage.name)
        s.diag().error(where, "vantage.witness: peer " + text::quote_field(peer, '\'') +
                                  " is this host's own vantage name: a host cannot witness itself");
}

void read_witness(Section& s, Context& ctx, Config& out) {
    Witness w;
    w.where = ctx.diag.location(s.table().source());
    if (auto peer = s.string("peer", true)) {
        if (!valid_vantage_name(*peer)) {
            ctx.diag.error(*s.table().get("peer"),
                           "vantage.witness.peer: expected a vantage name (1 to 64 of A-Z a-z 0-9 "
                           ". _ -), got " +
                               text::quote_field(*peer, '\''));
        } else {
            w.peer = *peer;
        }
    }
    const bool has_db = s.has("database");
    const bool has_url = s.has("url");
    if (has_db == has_url)
        ctx.diag.error(s.table(),
                       "vantage.witness: set exactly one of database (a shipped copy of the "
                       "peer's database) or url (its http://HOST:PORT/checkpoint endpoint)");
    if (auto db = s.string("database")) {
        if (db->empty())
            ctx.diag.error(*s.table().get("database"),
                           "vantage.witness.database: must not be empty");
        else
            w.database = ctx.resolve(*db);
    }
    if (read_http_url(s, "url", false, true)) w.url = *s.table().get("url")->value<std::string>();
    if (auto interval = s.duration("interval")) {
        if (*interval < 1s || *interval > 24h)
            ctx.diag.error(*s.table().get("interval"),
                           "vantage.witness.interval: expected 1s to 24h, like \"5m\"");
        else
            w.interval = *interval;
    }
    if (!w.peer.empty()) check_peer(s, out, w.peer, has_url);
    s.finish();
    const auto& all = out.vantage.witnesses;
    if (!w.peer.empty() &&
        std::any_of(all.begin(), all.end(), [&](const Witness& o) { return o.peer == w.peer; })) {
        ctx.diag.error(
            *s.table().get("peer"),
            "vantage.witness: peer " + text::quote_field(w.peer, '\'') + " is witnessed twice");
        return;
    }
    out.vantage.witnesses.push_back(std::move(w));
}

}  // namespace

void read_witnesses(const toml::node& node, Context& ctx, Config& out) {
    const toml::array* list = table_array(node, "vantage.witness", ctx.diag);
    if (!list) return;
    read_tables(*list, "vantage.witness", ctx.diag, [&](Section& s) { read_witness(s, ctx, out); });
}

}  // namespace slawatch::config::detail
