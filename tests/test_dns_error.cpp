// SPDX-License-Identifier: Apache-2.0
// R4: dns_error without a packet leaving the host. A name with a 64-byte label
// cannot be encoded as a DNS query (labels are at most 63 bytes), so the system
// resolver fails it locally, at once: no server is asked, and a machine with
// no resolver at all gives the same answer. The probe's deadline still bounds it.

#include "probes/probe.hpp"
#include "tests/support/probe_run.hpp"

#include <boost/asio/io_context.hpp>
#include <catch2/catch.hpp>

#include <chrono>
#include <cstdlib>
#include <string>
#include <vector>

using namespace slawatch;
using slawatch::testing::run_once;
using namespace std::chrono_literals;

namespace {

const std::string unresolvable = std::string(64, 'a') + ".invalid";

}  // namespace

TEST_CASE("R4: a name the resolver cannot look up is dns_error", "[probes][dns]") {
    config::Probe p;
    p.name = "dns";
    p.kind = config::ProbeKind::http;
    p.timeout = 3000ms;
    p.http.url = "http://" + unresolvable + "/check";
    const auto s = run_once(p);
    INFO(s.detail);
    CHECK(s.outcome == sla::Outcome::dns_error);
    CHECK(s.detail.starts_with("dns:"));
    CHECK(s.http_status == 0);
    CHECK(s.phases.connect_us == -1);
    CHECK(sla::attribution(s.outcome) == sla::Attribution::provider);
}

TEST_CASE("R4: a tencentcloud probe whose API host does not resolve is dns_error",
          "[probes][dns]") {
    config::Probe p;
    p.name = "dns_api";
    p.kind = config::ProbeKind::tencentcloud;
    p.timeout = 3000ms;
    p.tc.endpoint = "https://" + unresolvable;
    p.tc.service = "tcmpp";
    p.tc.action = "DescribeMNPList";
    p.tc.version = "2024-08-01";
    p.tc.region = "ap-singapore";
    p.tc.payload = R"({"PlatformId": "T0000000001", "Offset": 0, "Limit": 1})";
    setenv("TENCENTCLOUD_SECRET_ID", "AKIDdnstest0000000000000000000000001", 1);
    setenv("TENCENTCLOUD_SECRET_KEY", "dnstestsecretkey00000000000000001", 1);
    const auto s = run_once(p);
    INFO(s.detail);
    CHECK(s.outcome == sla::Outcome::dns_error);
    CHECK(s.request_id.empty());
}
