// SPDX-License-Identifier: Apache-2.0
#pragma once
// R2-R5: from a minute's samples to the minute's state.

#include "sla/minute_state.hpp"
#include "sla/outcome.hpp"

#include <cstdint>
#include <span>

namespace slawatch::sla {

// R4: a control probe proves the network and nothing else, so only these
// outcomes count against it; a target that answered at all (even 503) shows
// the local network worked. A control probe that cannot pass the egress proxy
// (proxy_error) proves the local egress is down, too.
constexpr bool is_network_failure(Outcome o) {
    return o == Outcome::timeout || o == Outcome::dns_error || o == Outcome::connect_error ||
           o == Outcome::tls_error || o == Outcome::proxy_error;
}

// The samples of one probe in one minute, counted.
struct MinuteTally {
    std::int32_t samples = 0;
    std::int32_t failures = 0;           // every outcome but ok
    std::int32_t customer_failures = 0;  // auth_error, client_error
    std::int32_t network_failures = 0;  // timeout, dns_error, connect_error, tls_error, proxy_error
    std::int32_t local_failures = 0;    // proxy_error: the monitor's own egress

    void add(Outcome o) {
        ++samples;
        if (o != Outcome::ok) ++failures;
        if (attribution(o) == Attribution::customer) ++customer_failures;
        if (attribution(o) == Attribution::local) ++local_failures;
        if (is_network_failure(o)) ++network_failures;
    }
};

enum class Policy : std::uint8_t { any, all };

// R2, R3 for a control probe: up, down or unknown, no exclusions. R4: down
// only when every sample failed at the network level.
MinuteState classify_control(const MinuteTally& tally, int min_samples);

// R4: the local network is down when there is at least one control probe and
// every control probe is down in the minute.
bool local_network_down(std::span<const MinuteState> control_states);

// R2-R4 for a service probe:
//   samples < min_samples                 -> unknown (R3)
//   any success                           -> up (R2)
//   all failed, announced maintenance     -> maintenance
//   all failed, local network down        -> local_network
//   all failed, some failures local (proxy_error), the rest
//     local or customer's, none provider's -> local_network
//   all failed, every failure customer's  -> customer
//   otherwise                             -> down
MinuteState classify_service(const MinuteTally& tally, int min_samples, bool in_maintenance,
                             bool local_network_is_down);

// R5: the service-level minute from the service probes' states.
//   any: down if any probe is down; else up if all are up; else the first of
//        maintenance, local_network, customer, unknown present.
//   all: down if every probe is down; else up if any is up; else the first of
//        maintenance, local_network, customer, unknown present.
// No service probes -> unknown.
MinuteState service_state(std::span<const MinuteState> probe_states, Policy policy);

}  // namespace slawatch::sla
