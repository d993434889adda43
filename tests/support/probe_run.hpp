// SPDX-License-Identifier: Apache-2.0
#pragma once
// Test support: one run of a probe made by make_probe, or one HTTP exchange,
// each on its own io_context.

#include "net/http_client.hpp"
#include "probes/probe.hpp"

#include <boost/asio/io_context.hpp>
#include <catch2/catch.hpp>

#include <vector>

namespace slawatch::testing {

// Runs `settings` once to the end; exactly one Sample must come back.
inline sla::Sample run_once(const config::Probe& settings) {
    boost::asio::io_context io;
    auto probe = probes::make_probe(io.get_executor(), settings);
    std::vector<sla::Sample> samples;
    probe->run([&](sla::Sample s) { samples.push_back(std::move(s)); });
    io.run();
    REQUIRE(samples.size() == 1);
    return samples.front();
}

// Runs one exchange to the end; its callback must run exactly once.
inline net::Response exchange_once(net::Exchange ex) {
    boost::asio::io_context io;
    net::Response out;
    int calls = 0;
    net::async_exchange(io.get_executor(), std::move(ex), [&](net::Response& r) {
        ++calls;
        out = std::move(r);
    });
    io.run();
    REQUIRE(calls == 1);
    return out;
}

}  // namespace slawatch::testing
