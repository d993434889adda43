// SPDX-License-Identifier: Apache-2.0
// `proxy`: the HTTP CONNECT proxy of a probe or an alert hook (docs/configuration.md).

#include "config/section.hpp"
#include "config/sections.hpp"

#include <boost/url/parse.hpp>

#include <algorithm>
#include <cctype>

namespace slawatch::config::detail {

void read_proxy(Section& s, std::optional<std::string>& out) {
    auto text = s.string("proxy");
    if (!text) return;
    if (text->empty()) {
        out = std::string();  // no proxy, whatever the environment says
        return;
    }
    const toml::node& where = *s.table().get("proxy");
    // The URL may carry user:password: never echo it.
    const auto fail = [&](std::string_view why) {
        s.diag().error(where, s.name("proxy") + ": bad proxy URL (" + std::string(why) + ")");
    };
    auto url = boost::urls::parse_absolute_uri(*text);
    if (!url) return fail("expected http://[user:password@]host:port");
    std::string scheme(url->scheme());
    std::transform(scheme.begin(), scheme.end(), scheme.begin(),
                   [](unsigned char c) { return std::tolower(c); });
    if (scheme != "http")
        return fail("expected http:// (TLS to the proxy itself is not supported)");
    if (!url->has_authority() || url->encoded_host().empty()) return fail("no host");
    if (!url->encoded_path().empty() && url->encoded_path() != "/")
        return fail("a proxy URL has no path");
    if (url->has_query() || url->has_fragment())
        return fail("a proxy URL has no query or fragment");
    out = *text;
}

}  // namespace slawatch::config::detail
