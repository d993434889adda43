// SPDX-License-Identifier: Apache-2.0
#pragma once
// What every probe kind shares: the run clock, Sample filling, setup helpers,
// the Probe base over a kind's shared state and the one-exchange run.
// Internal to slawatch_probes.

#include "config/config.hpp"
#include "net/http_client.hpp"
#include "net/proxy.hpp"
#include "probes/probe.hpp"
#include "sla/sample.hpp"

#include <boost/asio/any_io_executor.hpp>

#include <chrono>
#include <memory>
#include <string>
#include <string_view>

namespace slawatch::probes::detail {

// One run's time frame: R2 wall-clock send time, and one deadline for every step.
struct RunClock {
    net::Clock::time_point start;
    net::Clock::time_point deadline;
    sla::EpochMillis sent_ms = 0;

    static RunClock begin(std::chrono::milliseconds timeout);
};

// Transport outcome, status, phases and detail of an exchange into the Sample.
void fill_sample(sla::Sample& s, const net::Response& r);

// Sample whose outcome is `o`, detail set; the rest from the response.
void fail_sample(sla::Sample& s, sla::Outcome o, std::string detail);

// Setup helpers: throw ProbeSetupError naming the probe and the problem.
std::shared_ptr<const net::Url> setup_url(const config::Probe& p, std::string_view key,
                                          std::string_view url);
std::shared_ptr<boost::asio::ssl::context> setup_tls(const config::Probe& p,
                                                     const std::string& ca_file, bool insecure);

// The probe's egress proxy (its `proxy` key, else the environment).
net::ProxyChoice setup_proxy(const config::Probe& p);

// Every probe kind's Probe: its settings and targets are set up once into a
// State (with a `settings` member), immutable and shared with the runs in
// flight, which outlive the Probe across a reload.
template <class State>
class KindProbe : public Probe {
public:
    KindProbe(boost::asio::any_io_executor executor, std::shared_ptr<const State> state)
        : executor_(std::move(executor)), state_(std::move(state)) {}

    const config::Probe& settings() const final { return state_->settings; }

protected:
    boost::asio::any_io_executor executor_;
    std::shared_ptr<const State> state_;
};

// One request of a run, covered by the run's deadline, with the default limits.
net::Exchange run_exchange(const RunClock& clock, std::shared_ptr<const net::Url> url,
                           std::shared_ptr<boost::asio::ssl::context> tls,
                           std::shared_ptr<const net::Request> request,
                           std::shared_ptr<const net::Proxy> proxy);

// A kind whose run is one exchange (http, tencentcloud): where it goes, what it
// sends each run and how it judges a complete answer. Set up once, then shared.
struct OneExchangeKind {
    virtual ~OneExchangeKind() = default;

    // The request of the run that began at `clock`.
    virtual std::shared_ptr<const net::Request> request(const RunClock& clock) const = 0;
    // Decides a complete response's outcome into `s` (fill_sample already ran).
    virtual void judge(const net::Response& r, sla::Sample& s) const = 0;

    config::Probe settings;
    std::shared_ptr<const net::Url> url;
    std::shared_ptr<boost::asio::ssl::context> tls;  // required for https
    std::shared_ptr<const net::Proxy> proxy;         // nullptr: direct
};

// The Probe of a one-exchange kind: each run sends kind->request(), fills the
// Sample from the response and lets kind->judge() decide a complete one.
std::unique_ptr<Probe> make_one_exchange_probe(boost::asio::any_io_executor executor,
                                               std::shared_ptr<const OneExchangeKind> kind);

// Trailing whitespace and newlines removed (secret files end with one).
std::string trim_right(std::string s);

std::unique_ptr<Probe> make_http_probe(boost::asio::any_io_executor executor,
                                       const config::Probe& settings);
std::unique_ptr<Probe> make_tencentcloud_probe(boost::asio::any_io_executor executor,
                                               const config::Probe& settings);
std::unique_ptr<Probe> make_download_probe(boost::asio::any_io_executor executor,
                                           const config::Probe& settings);

}  // namespace slawatch::probes::detail
