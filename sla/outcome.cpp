// SPDX-License-Identifier: Apache-2.0
// Outcome names and the mapping of API error codes and HTTP statuses (R4).
#include "sla/outcome.hpp"

#include <array>

namespace slawatch::sla {

namespace {

constexpr std::array<std::string_view, outcome_count> names{
    "ok",       "timeout",   "dns_error",    "connect_error", "tls_error",
    "http_5xx", "api_error", "bad_response", "auth_error",    "client_error"};

bool starts_with(std::string_view s, std::string_view prefix) {
    return s.starts_with(prefix);
}

// "Name" itself or "Name.<sub-code>".
bool is_family(std::string_view code, std::string_view name) {
    return code == name ||
           (code.size() > name.size() && starts_with(code, name) && code[name.size()] == '.');
}

}  // namespace

std::string_view to_string(Outcome o) {
    const auto i = static_cast<std::size_t>(o);
    return i < names.size() ? names[i] : std::string_view{"invalid"};
}

std::optional<Outcome> parse_outcome(std::string_view text) {
    for (std::size_t i = 0; i < names.size(); ++i) {
        if (names[i] == text)
            return static_cast<Outcome>(i);
    }
    return std::nullopt;
}

Outcome outcome_of_api_error(std::string_view code) {
    // R4: the customer's own faults (credentials, permissions, source IP).
    if (is_family(code, "AuthFailure") || starts_with(code, "UnauthorizedOperation") ||
        code == "IpNotInWhitelist" || code == "IpInBlacklist") {
        return Outcome::auth_error;
    }
    // R4: the customer's malformed or excessive requests. "InvalidParameter"
    // as a prefix covers InvalidParameterValue* too.
    if (starts_with(code, "InvalidParameter") || code == "MissingParameter" ||
        code == "UnknownParameter" || code == "InvalidAction" || code == "InvalidRequest" ||
        code == "NoSuchVersion" || code == "NoSuchProduct" || code == "UnsupportedRegion" ||
        starts_with(code, "ResourceNotFound") || starts_with(code, "RequestLimitExceeded") ||
        starts_with(code, "LimitExceeded")) {
        return Outcome::client_error;
    }
    // InternalError*, ResourceUnavailable*, FailedOperation*, ... and any code
    // we do not know: the provider's until proven otherwise.
    return Outcome::api_error;
}

Outcome outcome_of_http_status(int status) {
    if (status == 401 || status == 403)
        return Outcome::auth_error;
    if (status >= 400 && status <= 499)
        return Outcome::client_error;
    if (status >= 500 && status <= 599)
        return Outcome::http_5xx;
    return Outcome::bad_response;
}

}  // namespace slawatch::sla
