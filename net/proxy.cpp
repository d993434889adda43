// SPDX-License-Identifier: Apache-2.0
// Proxy URLs, the environment's proxy variables and no_proxy, as curl reads them.

#include "net/proxy.hpp"

#include "text/base64.hpp"

#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <stdexcept>

namespace slawatch::net {

namespace {

std::string lower(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

std::string trim(std::string_view s) {
    const auto b = s.find_first_not_of(" \t");
    if (b == std::string_view::npos) return {};
    const auto e = s.find_last_not_of(" \t");
    return std::string(s.substr(b, e - b + 1));
}

// The first set, non-empty variable of `names`.
std::optional<std::string> env(const Getenv& getenv, std::initializer_list<const char*> names,
                               const char** which) {
    for (const char* name : names) {
        const char* v = getenv(name);
        if (v && *v) {
            *which = name;
            return std::string(v);
        }
    }
    return std::nullopt;
}

std::shared_ptr<const Proxy> parse_or_throw(const std::string& text, std::string_view what) {
    std::string error;
    auto p = parse_proxy(text, error);
    if (!p) throw std::invalid_argument(std::string(what) + ": " + error);
    return std::make_shared<const Proxy>(std::move(*p));
}

}  // namespace

std::optional<Proxy> parse_proxy(std::string_view text, std::string& error) {
    std::string full(text);
    if (full.find("://") == std::string::npos) full = "http://" + full;
    auto parsed = boost::urls::parse_uri(full);
    if (!parsed) {
        error = "not a proxy URL (expected http://[user:password@]host:port)";
        return std::nullopt;
    }
    const boost::urls::url_view& u = *parsed;
    if (u.scheme_id() != boost::urls::scheme::http) {
        error = "the proxy URL must be http:// (TLS to the proxy itself is not supported)";
        return std::nullopt;
    }
    if ((!u.encoded_path().empty() && u.encoded_path() != "/") || u.has_query() ||
        u.has_fragment()) {
        error = "a proxy URL has no path, query or fragment";
        return std::nullopt;
    }
    // parse_url refuses user info (a credential in a target URL); the proxy's goes apart.
    std::string bare = "http://" + std::string(u.encoded_host_and_port()) + "/";
    std::string url_error;
    auto url = parse_url(bare, url_error);
    if (!url) {
        error = "the proxy URL has a bad host or port";
        return std::nullopt;
    }
    Proxy p;
    p.url = std::move(*url);
    if (u.has_userinfo())
        p.authorization =
            "Basic " + text::base64_encode(std::string(u.user()) + ":" + std::string(u.password()));
    return p;
}

bool no_proxy_matches(std::string_view no_proxy, std::string_view host) {
    const std::string h = lower(host);
    std::size_t pos = 0;
    while (pos <= no_proxy.size()) {
        const auto comma = no_proxy.find(',', pos);
        std::string item = lower(trim(no_proxy.substr(
            pos, comma == std::string_view::npos ? std::string_view::npos : comma - pos)));
        pos = comma == std::string_view::npos ? no_proxy.size() + 1 : comma + 1;
        if (item == "*") return true;
        // "[::1]:8080", "example.com:443": ports are ignored.
        if (!item.empty() && item.front() == '[') {
            const auto close = item.find(']');
            item = item.substr(1, close == std::string::npos ? std::string::npos : close - 1);
        } else if (std::count(item.begin(), item.end(), ':') == 1) {
            item = item.substr(0, item.find(':'));
        }
        while (!item.empty() && item.front() == '.') item.erase(0, 1);
        if (item.empty()) continue;
        if (h == item) return true;
        if (h.size() > item.size() && h.ends_with(item) && h[h.size() - item.size() - 1] == '.')
            return true;
    }
    return false;
}

ProxyChoice::ProxyChoice(const std::optional<std::string>& configured, Getenv getenv) {
    if (!getenv) getenv = [](const char* name) -> const char* { return std::getenv(name); };
    if (configured) {
        // Per-item config wins; "" turns the environment off.
        if (!configured->empty()) http_ = https_ = parse_or_throw(*configured, "proxy");
        return;
    }
    const char* which = nullptr;
    if (auto v = env(getenv, {"https_proxy", "HTTPS_PROXY"}, &which))
        https_ = parse_or_throw(*v, which);
    // Only the lower-case http_proxy: HTTP_PROXY can be set by a CGI request (httpoxy).
    if (auto v = env(getenv, {"http_proxy"}, &which)) http_ = parse_or_throw(*v, which);
    if (auto v = env(getenv, {"no_proxy", "NO_PROXY"}, &which)) no_proxy_.push_back(*v);
}

std::shared_ptr<const Proxy> ProxyChoice::for_url(const Url& target) const {
    const auto& proxy = target.tls ? https_ : http_;
    if (!proxy) return nullptr;
    for (const auto& list : no_proxy_)
        if (no_proxy_matches(list, target.host)) return nullptr;
    return proxy;
}

}  // namespace slawatch::net
