// SPDX-License-Identifier: Apache-2.0
#pragma once
// Test support: one run of a probe made by make_probe, or one HTTP exchange,
// each on its own io_context.

#include "net/http_client.hpp"
#include "net/proxy.hpp"
#include "probes/probe.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/beast/http/field.hpp>
#include <catch2/catch.hpp>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
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

struct Fetched {
    net::Response response;
    std::chrono::milliseconds elapsed{};
};

// One GET of `url_text` to the end, with how long it took. `tls` is required
// for https; `proxy` is a proxy URL as [monitor] proxy takes it (the
// environment is not read), none to connect directly.
inline Fetched fetch(const std::string& url_text,
                     std::chrono::milliseconds timeout = std::chrono::milliseconds(2000),
                     net::Limits limits = {},
                     std::shared_ptr<boost::asio::ssl::context> tls = nullptr,
                     const std::optional<std::string>& proxy = std::nullopt) {
    std::string error;
    auto url = net::parse_url(url_text, error);
    REQUIRE(url);
    auto req = std::make_shared<net::Request>(boost::beast::http::verb::get, url->target, 11);
    req->set(boost::beast::http::field::host, url->host_header);
    const auto start = net::Clock::now();
    net::Exchange ex;
    if (proxy)
        ex.proxy = net::ProxyChoice(proxy, [](const char*) -> const char* {
                       return nullptr;
                   }).for_url(*url);
    ex.url = std::make_shared<const net::Url>(std::move(*url));
    ex.tls = std::move(tls);
    ex.request = std::move(req);
    ex.start = start;
    ex.deadline = start + timeout;
    ex.limits = limits;
    Fetched out;
    out.response = exchange_once(std::move(ex));
    out.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(net::Clock::now() - start);
    return out;
}

}  // namespace slawatch::testing
