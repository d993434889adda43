// SPDX-License-Identifier: Apache-2.0
#pragma once
// The outcome of one probe run, and who a failure is attributed to (R4).

#include <cstdint>
#include <optional>
#include <string_view>

namespace slawatch::sla {

enum class Outcome : std::uint8_t {
    ok,
    timeout,        // provider: no complete answer before the deadline
    dns_error,      // provider
    connect_error,  // provider
    tls_error,      // provider
    http_5xx,       // provider
    api_error,      // provider: server-side API error code
    bad_response,   // provider: malformed or unexpected answer
    auth_error,     // customer: 401/403, AuthFailure.*, UnauthorizedOperation*
    client_error,   // customer: other 4xx, InvalidParameter*, ...
    proxy_error,    // local: the configured egress proxy failed (down, 407, 5xx to CONNECT)
};
inline constexpr int outcome_count = 11;

// local: the monitor's own side (its egress proxy), never the provider's.
enum class Attribution : std::uint8_t { none, provider, customer, local };

constexpr Attribution attribution(Outcome o) {
    switch (o) {
        case Outcome::ok:
            return Attribution::none;
        case Outcome::auth_error:
        case Outcome::client_error:
            return Attribution::customer;
        case Outcome::proxy_error:
            return Attribution::local;
        default:
            return Attribution::provider;
    }
}

std::string_view to_string(Outcome o);
std::optional<Outcome> parse_outcome(std::string_view text);

// The outcome a TencentCloud API 3.0 `Error.Code` stands for, by the built-in
// table of sla/attribution.hpp (no overrides): AuthFailure.* -> auth_error,
// InvalidParameter* -> client_error, ..., InternalError* and any unknown code -> api_error.
Outcome outcome_of_api_error(std::string_view code);

// The outcome an HTTP status stands for when it is not an expected one:
// 401/403 -> auth_error, other 4xx -> client_error, 5xx -> http_5xx,
// anything else -> bad_response.
Outcome outcome_of_http_status(int status);

}  // namespace slawatch::sla
