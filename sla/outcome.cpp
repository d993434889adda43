// SPDX-License-Identifier: Apache-2.0
// Outcome names and the mapping of API error codes and HTTP statuses (R4).
#include "sla/outcome.hpp"

#include "sla/attribution.hpp"

#include <array>

namespace slawatch::sla {

namespace {

constexpr std::array<std::string_view, outcome_count> names{
    "ok",        "timeout",      "dns_error",  "connect_error", "tls_error",  "http_5xx",
    "api_error", "bad_response", "auth_error", "client_error",  "proxy_error"};

}  // namespace

std::string_view to_string(Outcome o) {
    const auto i = static_cast<std::size_t>(o);
    return i < names.size() ? names[i] : std::string_view{"invalid"};
}

std::optional<Outcome> parse_outcome(std::string_view text) {
    for (std::size_t i = 0; i < names.size(); ++i) {
        if (names[i] == text) return static_cast<Outcome>(i);
    }
    return std::nullopt;
}

Outcome outcome_of_api_error(std::string_view code) {
    // R4: one table for every listed code (sla/attribution.cpp); unknown -> provider.
    return attribute_code(code).outcome;
}

Outcome outcome_of_http_status(int status) {
    if (status == 401 || status == 403) return Outcome::auth_error;
    if (status >= 400 && status <= 499) return Outcome::client_error;
    if (status >= 500 && status <= 599) return Outcome::http_5xx;
    return Outcome::bad_response;
}

}  // namespace slawatch::sla
