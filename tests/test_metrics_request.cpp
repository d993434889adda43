// SPDX-License-Identifier: Apache-2.0
// The metrics listener's request parsing (daemon/metrics_request), without a
// socket; fuzz/fuzz_metrics_request.cpp throws arbitrary bytes at the same function.
#include "daemon/metrics_request.hpp"

#include <catch2/catch.hpp>

#include <string>

using slawatch::daemon::parse_metrics_request;
using slawatch::daemon::ParsedRequest;
using State = ParsedRequest::State;

TEST_CASE("metrics request: a scrape routes its path without the query", "[metrics]") {
    const std::string scrape = "GET /metrics?name[]=x HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
    const auto r = parse_metrics_request(scrape + "GET /healthz HTTP/1.1\r\n\r\n");
    CHECK(r.state == State::complete);
    CHECK(r.status == 200);
    CHECK(r.path == "/metrics");
    CHECK(r.keep_alive);
    CHECK(r.consumed == scrape.size());  // the pipelined request is left for the next call
}

TEST_CASE("metrics request: HEAD is answered, other methods get 405", "[metrics]") {
    const auto head = parse_metrics_request("HEAD /healthz HTTP/1.0\r\n\r\n");
    CHECK(head.status == 200);
    CHECK(head.head);
    CHECK_FALSE(head.keep_alive);
    const auto post =
        parse_metrics_request("POST /metrics HTTP/1.1\r\nContent-Length: 2\r\n\r\nhi");
    CHECK(post.state == State::complete);
    CHECK(post.status == 405);
    CHECK(post.path.empty());
}

TEST_CASE("metrics request: partial, malformed and oversized requests", "[metrics]") {
    CHECK(parse_metrics_request("GET /metrics HTTP/1.1\r\nHost:").state == State::incomplete);
    CHECK(parse_metrics_request("").state == State::incomplete);
    const auto bad = parse_metrics_request("GET /metrics SPDY/9\r\n\r\n");
    CHECK(bad.state == State::bad);
    CHECK(bad.status == 400);
    // A header block over the limit is refused even before it ends.
    const std::string big = "GET / HTTP/1.1\r\nX: " + std::string(9000, 'a');
    CHECK(parse_metrics_request(big).status == 400);
    // So is a body over the limit.
    const auto body = parse_metrics_request("POST / HTTP/1.1\r\nContent-Length: 5000\r\n\r\n");
    CHECK(body.status == 400);
}
