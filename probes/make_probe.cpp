// SPDX-License-Identifier: Apache-2.0
// make_probe: the probe kind named in the config, set up once (secrets, CA, URLs).

#include "net/server_text.hpp"
#include "probes/probe.hpp"
#include "probes/probe_support.hpp"
#include "sla/clock.hpp"

#include <chrono>

namespace slawatch::probes {

namespace detail {

RunClock RunClock::begin(std::chrono::milliseconds timeout) {
    RunClock c;
    c.start = net::Clock::now();
    c.deadline = c.start + timeout;
    // R2: the sample belongs to the minute it was sent in (wall clock).
    c.sent_ms = sla::now_ms();
    return c;
}

void fill_sample(sla::Sample& s, const net::Response& r) {
    s.outcome = r.outcome;
    s.http_status = r.status;
    s.phases = r.phases;
    s.detail = r.detail;
}

void fail_sample(sla::Sample& s, sla::Outcome o, std::string detail) {
    s.outcome = o;
    s.detail = std::move(detail);
}

std::shared_ptr<const net::Url> setup_url(const config::Probe& p, std::string_view key,
                                          std::string_view url) {
    std::string error;
    auto parsed = net::parse_url(url, error);
    if (!parsed) throw ProbeSetupError("probe " + p.name + ": " + std::string(key) + ": " + error);
    return std::make_shared<const net::Url>(std::move(*parsed));
}

std::shared_ptr<boost::asio::ssl::context> setup_tls(const config::Probe& p,
                                                     const std::string& ca_file, bool insecure) {
    try {
        return net::make_tls_context(ca_file, insecure);
    } catch (const std::exception& e) {
        throw ProbeSetupError("probe " + p.name + ": " + e.what());
    }
}

net::ProxyChoice setup_proxy(const config::Probe& p) {
    try {
        return net::ProxyChoice(p.proxy);
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

// The one place every kind's samples pass on their way out: server text in
// them is made printable and bounded (net/server_text.hpp).
class BoundedProbe final : public Probe {
public:
    explicit BoundedProbe(std::unique_ptr<Probe> inner) : inner_(std::move(inner)) {}

    const config::Probe& settings() const override { return inner_->settings(); }

    void run(Handler done) override {
        inner_->run([done = std::move(done)](sla::Sample s) {
            net::bound_sample(s);
            done(std::move(s));
        });
    }

private:
    std::unique_ptr<Probe> inner_;
};

std::unique_ptr<Probe> make_kind(boost::asio::any_io_executor executor,
                                 const config::Probe& settings) {
    switch (settings.kind) {
        case config::ProbeKind::http:
            return make_http_probe(std::move(executor), settings);
        case config::ProbeKind::tencentcloud:
            return make_tencentcloud_probe(std::move(executor), settings);
        case config::ProbeKind::download:
            return make_download_probe(std::move(executor), settings);
    }
    throw ProbeSetupError("probe " + settings.name + ": unknown kind");
}

}  // namespace detail

std::unique_ptr<Probe> make_probe(boost::asio::any_io_executor executor,
                                  const config::Probe& settings) {
    return std::make_unique<detail::BoundedProbe>(detail::make_kind(std::move(executor), settings));
}

}  // namespace slawatch::probes
