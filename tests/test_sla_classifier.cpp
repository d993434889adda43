// SPDX-License-Identifier: Apache-2.0
// R2-R5: classifying minutes; outcomes and their attribution (R4).
#include "sla/classifier.hpp"
#include "sla/maintenance.hpp"

#include <catch2/catch.hpp>

#include <initializer_list>
#include <vector>

using namespace slawatch::sla;
using S = MinuteState;

namespace {

MinuteTally tally(std::initializer_list<Outcome> outcomes) {
    MinuteTally t;
    for (Outcome o : outcomes) t.add(o);
    return t;
}

MinuteState any(std::vector<S> v) {
    return service_state(v, Policy::any);
}
MinuteState all(std::vector<S> v) {
    return service_state(v, Policy::all);
}

constexpr Outcome ok = Outcome::ok;
constexpr Outcome t5xx = Outcome::http_5xx;
constexpr Outcome tout = Outcome::timeout;
constexpr Outcome auth = Outcome::auth_error;
constexpr Outcome client = Outcome::client_error;

}  // namespace

TEST_CASE("R2: one success makes the minute up, all failed makes it down", "[sla][classifier]") {
    CHECK(classify_service(tally({t5xx, t5xx, t5xx, t5xx, t5xx, ok}), 3, false, false) == S::up);
    CHECK(classify_service(tally({ok, ok, ok}), 3, false, false) == S::up);
    CHECK(classify_service(tally({t5xx, tout, t5xx, t5xx, t5xx, tout}), 3, false, false) ==
          S::down);
    CHECK(classify_service(tally({t5xx, tout, t5xx}), 3, false, false) == S::down);
    CHECK(classify_control(tally({tout, tout, tout}), 3) == S::down);
    CHECK(classify_control(tally({tout, ok, tout}), 3) == S::up);
    const auto t = tally({ok, t5xx, auth, client});
    CHECK(t.samples == 4);
    CHECK(t.failures == 3);
    CHECK(t.customer_failures == 2);
}

TEST_CASE("R4: a control probe that answered at all proves the network", "[sla][classifier]") {
    // Only timeout, dns_error, connect_error and tls_error count against a control probe.
    for (Outcome o : {Outcome::http_5xx, Outcome::api_error, Outcome::bad_response,
                      Outcome::auth_error, Outcome::client_error}) {
        INFO(to_string(o));
        CHECK(classify_control(tally({o, o, o}), 3) == S::up);
    }
    for (Outcome o :
         {Outcome::timeout, Outcome::dns_error, Outcome::connect_error, Outcome::tls_error}) {
        INFO(to_string(o));
        CHECK(is_network_failure(o));
        CHECK(classify_control(tally({o, o, o}), 3) == S::down);
    }
    CHECK(classify_control(tally({tout, t5xx, Outcome::dns_error}), 3) == S::up);
    // So a control target answering 503 never excuses the service's minute.
    const MinuteState control = classify_control(tally({t5xx, t5xx, t5xx}), 3);
    const std::vector<S> controls{control};
    CHECK(classify_service(tally({t5xx, t5xx, t5xx}), 3, false, local_network_down(controls)) ==
          S::down);
}

TEST_CASE("R3: fewer samples than min_samples is unknown, never down", "[sla][classifier]") {
    CHECK(classify_service(tally({t5xx, t5xx}), 3, false, false) == S::unknown);
    CHECK(classify_service(tally({ok, ok}), 3, false, false) == S::unknown);
    CHECK(classify_service(tally({}), 3, false, false) == S::unknown);
    CHECK(classify_service(tally({}), 0, false, false) == S::unknown);
    CHECK(classify_service(tally({}), 3, true, true) == S::unknown);
    CHECK(classify_control(tally({tout}), 3) == S::unknown);
    CHECK(classify_service(tally({t5xx}), 1, false, false) == S::down);
}

TEST_CASE("R4: exclusions in order maintenance > local_network > customer > down",
          "[sla][classifier]") {
    const auto provider = tally({t5xx, t5xx, tout});
    const auto customer = tally({auth, client, auth});
    const auto mixed = tally({auth, t5xx, client});
    CHECK(classify_service(customer, 3, true, true) == S::maintenance);
    CHECK(classify_service(provider, 3, true, false) == S::maintenance);
    CHECK(classify_service(customer, 3, false, true) == S::local_network);
    CHECK(classify_service(provider, 3, false, true) == S::local_network);
    CHECK(classify_service(customer, 3, false, false) == S::customer);
    CHECK(classify_service(mixed, 3, false, false) == S::down);  // one provider failure
    CHECK(classify_service(provider, 3, false, false) == S::down);
    // An up minute stays up whatever the exclusions say.
    CHECK(classify_service(tally({ok, t5xx, t5xx}), 3, true, true) == S::up);
}

TEST_CASE("R4: the local network is down only if every control probe is down",
          "[sla][classifier]") {
    CHECK(local_network_down(std::vector<S>{S::down}));
    CHECK(local_network_down(std::vector<S>{S::down, S::down}));
    CHECK_FALSE(local_network_down(std::vector<S>{}));
    CHECK_FALSE(local_network_down(std::vector<S>{S::down, S::up}));
    CHECK_FALSE(local_network_down(std::vector<S>{S::down, S::unknown}));
}

TEST_CASE("R4: announced maintenance excuses only minutes in its window", "[sla][classifier]") {
    // 02:00-04:00 UTC on day 20000 since the epoch, announced a day ahead.
    const EpochSeconds start = 20000LL * 86400 + 2 * 3600;
    const MaintenanceWindow w{start, start + 2 * 3600, start - 86400, "upgrade"};
    const EpochMinute first = start / 60;
    CHECK(w.excuses(first));
    CHECK(w.excuses(first + 119));
    CHECK_FALSE(w.excuses(first + 120));
    CHECK_FALSE(w.excuses(first - 1));
    // A notice after the start excuses nothing.
    const MaintenanceWindow late{start, start + 7200, start + 60, "late notice"};
    CHECK_FALSE(late.excuses(first + 10));
    CHECK(any_excuses({late, w}, first + 10));
    CHECK_FALSE(any_excuses({late}, first + 10));
    CHECK_FALSE(any_excuses({}, first));
}

TEST_CASE("R5: policy any: one function down makes the service down", "[sla][classifier]") {
    CHECK(any({S::up, S::down, S::up}) == S::down);
    CHECK(any({S::maintenance, S::down}) == S::down);
    CHECK(any({S::up, S::up}) == S::up);
    CHECK(any({S::up, S::unknown}) == S::unknown);
    CHECK(any({S::up, S::customer, S::unknown}) == S::customer);
    CHECK(any({S::unknown, S::local_network, S::customer}) == S::local_network);
    CHECK(any({S::customer, S::maintenance, S::local_network}) == S::maintenance);
    CHECK(any({}) == S::unknown);
}

TEST_CASE("R5: policy all: the service is down only when every function is", "[sla][classifier]") {
    CHECK(all({S::down, S::down}) == S::down);
    CHECK(all({S::up, S::down}) == S::up);
    CHECK(all({S::down, S::unknown}) == S::unknown);
    CHECK(all({S::down, S::customer, S::maintenance}) == S::maintenance);
    CHECK(all({S::unknown, S::unknown}) == S::unknown);
    CHECK(all({}) == S::unknown);
    CHECK(all({S::up}) == S::up);
}

TEST_CASE("R4: API error codes and HTTP statuses map to outcomes", "[sla][outcome]") {
    for (const char* code :
         {"AuthFailure", "AuthFailure.SignatureExpire", "AuthFailure.SecretIdNotFound",
          "UnauthorizedOperation", "UnauthorizedOperation.NoPermission", "IpNotInWhitelist",
          "IpInBlacklist"}) {
        INFO(code);
        CHECK(outcome_of_api_error(code) == Outcome::auth_error);
    }
    for (const char* code :
         {"InvalidParameter", "InvalidParameter.Foo", "InvalidParameterValue",
          "InvalidParameterValue.Limit", "MissingParameter", "UnknownParameter", "InvalidAction",
          "InvalidRequest", "NoSuchVersion", "NoSuchProduct", "UnsupportedRegion",
          "ResourceNotFound", "ResourceNotFound.MNP", "RequestLimitExceeded",
          "RequestLimitExceeded.UinLimitExceeded", "LimitExceeded", "LimitExceeded.Quota"}) {
        INFO(code);
        CHECK(outcome_of_api_error(code) == Outcome::client_error);
    }
    for (const char* code : {"InternalError", "InternalError.DbError", "ResourceUnavailable",
                             "FailedOperation.Busy", "ResourceInsufficient", "ActionOffline",
                             "SomethingNew", "", "authfailure.signatureexpire", "AuthFailureX"}) {
        INFO(code);
        CHECK(outcome_of_api_error(code) == Outcome::api_error);
        CHECK(attribution(outcome_of_api_error(code)) == Attribution::provider);
    }
    CHECK(outcome_of_http_status(401) == Outcome::auth_error);
    CHECK(outcome_of_http_status(403) == Outcome::auth_error);
    CHECK(outcome_of_http_status(404) == Outcome::client_error);
    CHECK(outcome_of_http_status(429) == Outcome::client_error);
    CHECK(outcome_of_http_status(500) == Outcome::http_5xx);
    CHECK(outcome_of_http_status(503) == Outcome::http_5xx);
    CHECK(outcome_of_http_status(200) == Outcome::bad_response);
    CHECK(outcome_of_http_status(302) == Outcome::bad_response);
    CHECK(outcome_of_http_status(600) == Outcome::bad_response);
    CHECK(outcome_of_http_status(0) == Outcome::bad_response);
}

TEST_CASE("Outcome and minute state names round-trip", "[sla][outcome]") {
    for (int i = 0; i < outcome_count; ++i) {
        const auto o = static_cast<Outcome>(i);
        CHECK(parse_outcome(to_string(o)) == o);
    }
    CHECK(to_string(Outcome::http_5xx) == "http_5xx");
    CHECK(to_string(Outcome::client_error) == "client_error");
    CHECK_FALSE(parse_outcome("OK"));
    CHECK_FALSE(parse_outcome(""));
    for (int i = 0; i < minute_state_count; ++i) {
        const auto s = static_cast<MinuteState>(i);
        CHECK(parse_minute_state(to_string(s)) == s);
    }
    CHECK(to_string(MinuteState::local_network) == "local_network");
    CHECK_FALSE(parse_minute_state("Down"));
    CHECK(is_unavailable(MinuteState::down));
    CHECK_FALSE(is_unavailable(MinuteState::unknown));
    CHECK(is_excluded(MinuteState::customer));
    CHECK_FALSE(is_excluded(MinuteState::unknown));
}

TEST_CASE("R4: the egress proxy failing is the monitor's network, never the provider's",
          "[sla][classifier][proxy]") {
    constexpr Outcome proxy = Outcome::proxy_error;
    CHECK(attribution(proxy) == Attribution::local);
    CHECK(to_string(proxy) == "proxy_error");
    const auto t = tally({proxy, proxy, auth});
    CHECK(t.local_failures == 2);
    CHECK(t.customer_failures == 1);
    // A minute lost to the proxy is excluded as local_network, not down.
    CHECK(classify_service(tally({proxy, proxy, proxy}), 3, false, false) == S::local_network);
    CHECK(classify_service(tally({proxy, auth, proxy}), 3, false, false) == S::local_network);
    // One success through the proxy still makes the minute up (R2).
    CHECK(classify_service(tally({proxy, ok, proxy}), 3, false, false) == S::up);
    // A provider failure seen through a working proxy still counts (R4 rule 4).
    CHECK(classify_service(tally({proxy, t5xx, proxy}), 3, false, false) == S::down);
    CHECK(classify_service(tally({tout, tout, tout}), 3, false, false) == S::down);
    // Maintenance comes first, as for any exclusion.
    CHECK(classify_service(tally({proxy, proxy, proxy}), 3, true, false) == S::maintenance);
    // Too few samples stays unknown (R3).
    CHECK(classify_service(tally({proxy}), 3, false, false) == S::unknown);
    // A control probe that cannot pass the proxy shows the local egress is down.
    CHECK(is_network_failure(proxy));
    CHECK(classify_control(tally({proxy, proxy, proxy}), 3) == S::down);
}
