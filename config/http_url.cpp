// SPDX-License-Identifier: Apache-2.0
// The check of a URL slawatch sends requests to (config/http_url.hpp).

#include "config/http_url.hpp"

#include <charconv>

namespace slawatch::config {

namespace {

// port_number() wraps large values; check the digits ourselves.
bool valid_port(std::string_view digits) {
    unsigned value = 0;
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
    return !digits.empty() && ec == std::errc() && end == digits.data() + digits.size() &&
           value != 0 && value <= 65535;
}

}  // namespace

UrlProblem check_http_url(const boost::urls::url_view& url) {
    namespace urls = boost::urls;
    if (url.scheme_id() != urls::scheme::http && url.scheme_id() != urls::scheme::https)
        return UrlProblem::scheme;
    if (!url.has_authority() || url.encoded_host().empty()) return UrlProblem::no_host;
    // Credentials in a URL would be a secret in the config text (R12).
    if (url.has_userinfo()) return UrlProblem::credentials;
    if (url.has_port() && !valid_port(url.port())) return UrlProblem::bad_port;
    const auto host = url.host_type();
    if (host != urls::host_type::name && host != urls::host_type::ipv4 &&
        host != urls::host_type::ipv6)
        return UrlProblem::bad_host;
    return UrlProblem::none;
}

std::string_view describe(UrlProblem problem) {
    switch (problem) {
        case UrlProblem::none:
            break;
        case UrlProblem::scheme:
            return "expected http:// or https://";
        case UrlProblem::no_host:
            return "no host";
        case UrlProblem::credentials:
            return "credentials must not be part of the URL";
        case UrlProblem::bad_port:
            return "bad port";
        case UrlProblem::bad_host:
            return "the host must be a name or an IP address";
    }
    return "";
}

}  // namespace slawatch::config
