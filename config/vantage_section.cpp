// SPDX-License-Identifier: Apache-2.0
// [vantage]: the name of this host's vantage point (stored in the database,
// a label on every metric, a field of every alert event) and the vantage
// points `slawatch quorum` accepts.

#include "config/section.hpp"
#include "config/sections.hpp"
#include "text/escape.hpp"

#include <unistd.h>

#include <algorithm>
#include <climits>

namespace slawatch::config {

bool valid_vantage_name(std::string_view name) {
    if (name.empty() || name.size() > 64) return false;
    return name.find_first_not_of(
               "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") ==
           std::string_view::npos;
}

std::string default_vantage_name() {
    char host[HOST_NAME_MAX + 1] = {};
    if (gethostname(host, sizeof host - 1) != 0) return "localhost";
    std::string name(host);
    // The short name: a vantage label should read "sh-ops-1", not a FQDN.
    if (const auto dot = name.find('.'); dot != std::string::npos && dot > 0) name.resize(dot);
    return valid_vantage_name(name) ? name : "localhost";
}

bool valid_pinned_key(std::string_view key) {
    if (key.size() == 64 &&
        key.find_first_not_of("0123456789abcdefABCDEF") == std::string_view::npos)
        return true;
    // A PEM public key; whether it is an Ed25519 one is checked where it is used.
    return key.find("-----BEGIN PUBLIC KEY-----") != std::string_view::npos &&
           key.find("-----END PUBLIC KEY-----") != std::string_view::npos;
}

namespace detail {

void read_vantage(const toml::node& node, Context& ctx, Config& out) {
    const toml::table* table = table_of(node, "vantage", ctx.diag);
    if (!table) return;
    Section s(*table, "vantage", ctx.diag);
    if (auto name = s.string("name")) {
        if (valid_vantage_name(*name)) {
            out.vantage.name = *name;
        } else {
            ctx.diag.error(*table->get("name"),
                           "vantage.name: expected 1 to 64 of A-Z a-z 0-9 . _ -, like "
                           "\"shanghai-idc\", got " +
                               text::quote_field(*name, '\''));
        }
    }
    if (const toml::node* node = table->get("peers"); node && node->is_table()) {
        // name = "KEY": an allow-list that also pins each peer's signing key.
        s.accept("peers");
        const auto& pins = *node->as_table();
        for (const auto& [key, value] : pins) {
            const std::string name(key.str());
            const auto* text = value.as_string();
            if (!valid_vantage_name(name)) {
                ctx.diag.error(value,
                               "vantage.peers: expected vantage names (1 to 64 of A-Z a-z 0-9 . "
                               "_ -) as keys, like sh-idc = \"<key>\"");
                continue;
            }
            if (!text || !valid_pinned_key(text->get())) {
                ctx.diag.error(value, "vantage.peers." + name +
                                          ": expected the peer's signing key: its fingerprint as "
                                          "`slawatch verify` prints it (64 hex digits) or its "
                                          "PEM public key");
                continue;
            }
            out.vantage.peers.push_back(name);
            out.vantage.peer_keys[name] = text->get();
        }
        if (pins.empty())
            ctx.diag.error(*node,
                           "vantage.peers: needs at least one name (leave it out to accept any)");
    } else if (const toml::array* peers = s.array("peers")) {
        std::vector<std::string> names;
        for (const toml::node& item : *peers) {
            const auto* text = item.as_string();
            if (!text || !valid_vantage_name(text->get())) {
                ctx.diag.error(item,
                               "vantage.peers: expected vantage names (1 to 64 of A-Z a-z 0-9 . "
                               "_ -), like [\"sh-idc\", \"bj-cloud\"]");
                continue;
            }
            if (std::find(names.begin(), names.end(), text->get()) != names.end()) {
                ctx.diag.error(item, "vantage.peers: " + text::quote_field(text->get(), '\'') +
                                         " is listed twice");
                continue;
            }
            names.push_back(text->get());
        }
        if (peers->empty())
            ctx.diag.error(*table->get("peers"),
                           "vantage.peers: needs at least one name (leave it out to accept any)");
        else if (names.size() == peers->size())
            out.vantage.peers = std::move(names);
    }
    if (const toml::node* node = s.get("witness")) read_witnesses(*node, ctx, out);
    s.finish();
}

}  // namespace detail
}  // namespace slawatch::config
