// SPDX-License-Identifier: Apache-2.0
#pragma once
// The HTTP CONNECT egress proxy of a probe or hook: its `proxy` key, else the
// usual environment (https_proxy/HTTPS_PROXY, http_proxy, no_proxy/NO_PROXY).
// Proxy credentials (user:password in the URL) go into Proxy-Authorization
// only, never into an error message or a log line.

#include "net/http_client.hpp"

#include <cstdlib>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace slawatch::net {

// "http://[user:password@]host[:port][/]"; a URL without a scheme (as
// environment variables often hold) is taken as http://. nullopt with `error`
// set (never echoing the URL) when it is not one.
std::optional<Proxy> parse_proxy(std::string_view text, std::string& error);

using Getenv = std::function<const char*(const char*)>;

class ProxyChoice {
public:
    ProxyChoice() = default;  // no proxy
    // `configured`: nullopt = the environment, "" = no proxy, else the proxy URL.
    // `getenv` (tests) defaults to the process environment. Throws
    // std::invalid_argument naming the key or variable (never its value).
    explicit ProxyChoice(const std::optional<std::string>& configured, Getenv getenv = nullptr);

    // The proxy for a request to `target`, or nullptr for a direct connection.
    std::shared_ptr<const Proxy> for_url(const Url& target) const;

private:
    std::shared_ptr<const Proxy> http_;
    std::shared_ptr<const Proxy> https_;
    std::vector<std::string> no_proxy_;  // lower case, leading dots removed; "*" = all
};

// Does a no_proxy list (comma separated; suffix match on dot boundaries, "*"
// for every host, ports ignored) exclude `host`?
bool no_proxy_matches(std::string_view no_proxy, std::string_view host);

}  // namespace slawatch::net
