// SPDX-License-Identifier: Apache-2.0
#pragma once
// R4: who a TencentCloud API error code is attributed to, and the SLA clause
// that says so. One table for every code of the tcmpp (2024-08-01) and tcsas
// (2025-01-06) error lists and TencentCloud's common codes, plus family rules;
// an unknown code is the provider's. docs/tencentcloud-api.md prints the same table.

#include "sla/outcome.hpp"

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace slawatch::sla {

// Which published list a code is on (a bit set).
enum CodeList : std::uint8_t { list_tcmpp = 1, list_tcsas = 2, list_common = 4 };

struct CodeRule {
    std::string_view code;                 // exact code, or a family when `family` is set
    bool family = false;                   // matches `code` and every `code.<sub-code>`
    Outcome outcome = Outcome::api_error;  // api_error, auth_error or client_error
    std::string_view clause;               // the SLA clause: "1.2" (provider), "4.4", "4.5", ...
    std::string_view meaning;              // what the code says, after the SDK's comment
    std::uint8_t lists = 0;                // CodeList bits; 0 for a family rule
};

// The built-in table: exact codes first (sorted), then the family rules.
std::span<const CodeRule> code_rules();

// A code moved to the other class by the operator ([attribution] in the config).
struct CodeOverride {
    std::string code;
    Attribution to = Attribution::provider;  // provider or customer
    std::string reason;
};

// What a code means after the table and the overrides.
struct CodeAttribution {
    Outcome outcome = Outcome::api_error;
    std::string_view clause;
    std::string_view rule;    // the matching rule's code ("" for an unknown code)
    std::string_view reason;  // the override's reason ("" when not overridden)
    bool overridden = false;
};

// The built-in rule for `code`: the exact entry, else the longest matching
// family, else nullptr (unknown: the provider's until proven otherwise).
const CodeRule* find_code_rule(std::string_view code);

// R4: the outcome of an API error code after `overrides` (an exact code match
// flips the class: to customer -> client_error, to provider -> api_error).
CodeAttribution attribute_code(std::string_view code, std::span<const CodeOverride> overrides = {});

// The attribution the built-in table gives `code`, without overrides.
Attribution builtin_attribution(std::string_view code);

// R4: the outcome a stored result counts as in its minute: an API error
// (api_error, auth_error, client_error with a code) is judged again by the
// table and the overrides; every other outcome stays as recorded.
Outcome effective_outcome(Outcome recorded, std::string_view error_code,
                          std::span<const CodeOverride> overrides);

// The SLA clause of the provider class and of an unknown code.
inline constexpr std::string_view provider_clause = "1.2";
// The clause of a code an override moved to the customer: 4.7, unavailability
// not attributed to Tencent Cloud (the override's reason says why).
inline constexpr std::string_view moved_customer_clause = "4.7";

}  // namespace slawatch::sla
