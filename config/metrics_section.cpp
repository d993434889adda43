// SPDX-License-Identifier: Apache-2.0
// [metrics]: the Prometheus endpoint.

#include "config/section.hpp"
#include "config/sections.hpp"
#include "text/escape.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <charconv>
#include <string>

namespace slawatch::config::detail {

namespace {

// The listener binds without a resolver: a numeric address or "localhost".
bool numeric_host(std::string_view host, bool v6) {
    if (!v6 && host == "localhost") return true;
    const std::string h(host);
    unsigned char buf[sizeof(in6_addr)];
    return inet_pton(v6 ? AF_INET6 : AF_INET, h.c_str(), buf) == 1;
}

// "host:port" or "[v6]:port" with a port in 1..65535.
bool valid_listen(std::string_view text) {
    const auto colon = text.rfind(':');
    if (colon == std::string_view::npos || colon == 0) return false;
    std::string_view host = text.substr(0, colon);
    const std::string_view port = text.substr(colon + 1);
    if (host.front() == '[') {
        if (host.size() < 3 || host.back() != ']') return false;
        host = host.substr(1, host.size() - 2);
        if (host.find_first_not_of("0123456789abcdefABCDEF:.") != std::string_view::npos)
            return false;
    } else if (host.find_first_not_of(
                   "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-") !=
               std::string_view::npos) {
        return false;
    }
    if (!numeric_host(host, text.front() == '[')) return false;
    unsigned n = 0;
    const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), n);
    return ec == std::errc{} && end == port.data() + port.size() && n >= 1 && n <= 65535;
}

}  // namespace

void read_metrics(const toml::node& node, Context& ctx, Config& out) {
    const toml::table* table = table_of(node, "metrics", ctx.diag);
    if (!table) return;
    Section s(*table, "metrics", ctx.diag);
    Metrics& m = out.metrics;

    if (auto enabled = s.boolean("enabled")) m.enabled = *enabled;
    if (auto listen = s.string("listen")) {
        if (valid_listen(*listen)) {
            m.listen = *listen;
        } else {
            ctx.diag.error(*table->get("listen"),
                           "metrics.listen: expected a numeric address (or localhost) and a "
                           "port, like \"127.0.0.1:9817\" or \"[::1]:9817\", got " +
                               text::quote_field(*listen, '\''));
        }
    }

    s.finish();
}

}  // namespace slawatch::config::detail
