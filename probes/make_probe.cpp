// SPDX-License-Identifier: Apache-2.0
// make_probe: the probe kind named in the config, set up once (secrets, CA, URLs).

#include "probes/probe.hpp"
#include "probes/probe_support.hpp"

#include <chrono>

namespace slawatch::probes {

namespace detail {

RunClock RunClock::begin(std::chrono::milliseconds timeout) {
    RunClock c;
    c.start = http::Clock::now();
    c.deadline = c.start + timeout;
    // R2: the sample belongs to the minute it was sent in (wall clock).
    c.sent_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                    std::chrono::system_clock::now().time_since_epoch())
                    .count();
    return c;
}

void fill_sample(sla::Sample& s, const http::Response& r) {
    s.outcome = r.outcome;
    s.http_status = r.status;
    s.phases = r.phases;
    s.detail = r.detail;
}

void fail_sample(sla::Sample& s, sla::Outcome o, std::string detail) {
    s.outcome = o;
    s.detail = std::move(detail);
}

std::shared_ptr<const http::Url> setup_url(const config::Probe& p, std::string_view key,
                                           std::string_view url) {
    std::string error;
    auto parsed = http::parse_url(url, error);
    if (!parsed)
        throw ProbeSetupError("probe " + p.name + ": " + std::string(key) + ": " + error);
    return std::make_shared<const http::Url>(std::move(*parsed));
}

std::shared_ptr<boost::asio::ssl::context> setup_tls(const config::Probe& p,
                                                     const std::string& ca_file, bool insecure) {
    try {
        return http::make_tls_context(ca_file, insecure);
    } catch (const std::exception& e) {
        throw ProbeSetupError("probe " + p.name + ": " + e.what());
    }
}

http::ProxyChoice setup_proxy(const config::Probe& p) {
    try {
        return http::ProxyChoice(p.proxy);
    } catch (const std::exception& e) {
        throw ProbeSetupError("probe " + p.name + ": " + e.what());
    }
}

std::string trim_right(std::string s) {
    while (!s.empty() &&
           (s.back() == '\n' || s.back() == '\r' || s.back() == ' ' || s.back() == '\t'))
        s.pop_back();
    return s;
}

}  // namespace detail

std::unique_ptr<Probe> make_probe(boost::asio::any_io_executor executor,
                                  const config::Probe& settings) {
    switch (settings.kind) {
        case config::ProbeKind::http:
            return detail::make_http_probe(std::move(executor), settings);
        case config::ProbeKind::tencentcloud:
            return detail::make_tencentcloud_probe(std::move(executor), settings);
        case config::ProbeKind::download:
            return detail::make_download_probe(std::move(executor), settings);
    }
    throw ProbeSetupError("probe " + settings.name + ": unknown kind");
}

}  // namespace slawatch::probes
