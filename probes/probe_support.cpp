// SPDX-License-Identifier: Apache-2.0
// What every probe kind shares (probes/probe_support.hpp).

#include "probes/probe_support.hpp"
#include "sla/clock.hpp"

#include <chrono>

namespace slawatch::probes::detail {

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

net::Exchange run_exchange(const RunClock& clock, std::shared_ptr<const net::Url> url,
                           std::shared_ptr<boost::asio::ssl::context> tls,
                           std::shared_ptr<const net::Request> request,
                           std::shared_ptr<const net::Proxy> proxy) {
    return net::Exchange{std::move(url), std::move(tls),  std::move(request),
                         clock.start,    clock.deadline,  net::Limits{},
                         true,           std::move(proxy)};
}

namespace {

class OneExchangeProbe final : public KindProbe<OneExchangeKind> {
public:
    using KindProbe::KindProbe;

    void run(Handler done) override {
        const OneExchangeKind& kind = *state_;
        const RunClock clock = RunClock::begin(kind.settings.timeout);
        auto ex = run_exchange(clock, kind.url, kind.tls, kind.request(clock), kind.proxy);
        net::async_exchange(
            executor_, std::move(ex),
            [kind = state_, sent_ms = clock.sent_ms, done = std::move(done)](net::Response& r) {
                sla::Sample s;
                s.sent_ms = sent_ms;
                fill_sample(s, r);
                if (r.outcome == sla::Outcome::ok) kind->judge(r, s);
                done(std::move(s));
            });
    }
};

}  // namespace

std::unique_ptr<Probe> make_one_exchange_probe(boost::asio::any_io_executor executor,
                                               std::shared_ptr<const OneExchangeKind> kind) {
    return std::make_unique<OneExchangeProbe>(std::move(executor), std::move(kind));
}

}  // namespace slawatch::probes::detail
