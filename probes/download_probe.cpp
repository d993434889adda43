// SPDX-License-Identifier: Apache-2.0
// kind = "download": the API call that yields a presigned package URL, then at
// once a ranged GET of that URL. One deadline covers both requests.
// Phases: dns/connect/tls/first byte of the API call; total = the whole run.

#include "probes/probe_support.hpp"
#include "probes/tencentcloud_api.hpp"

#include <boost/beast/http/field.hpp>
#include <boost/beast/http/verb.hpp>

namespace slawatch::probes::detail {
namespace {

namespace bhttp = boost::beast::http;

struct DownloadState {
    config::Probe settings;
    TcTarget target;
    net::ProxyChoice proxy;  // per URL: the package host may be under no_proxy
};

// One run: both steps share it; it holds the state alive across them.
struct DownloadRun {
    boost::asio::any_io_executor executor;
    std::shared_ptr<const DownloadState> state;
    RunClock clock;
    Probe::Handler done;
    sla::Sample sample;

    void finish() { done(std::move(sample)); }
};

// The second step: GET the presigned URL at once (it lives about 10 minutes).
void fetch_package(const std::shared_ptr<DownloadRun>& run, const std::string& url_text) {
    std::string error;
    auto url = net::parse_url(url_text, error);
    if (!url) {
        fail_sample(run->sample, sla::Outcome::bad_response, "package URL: " + error);
        run->sample.phases.total_us = net::micros_since(run->clock.start, net::Clock::now());
        return run->finish();
    }
    if (url->tls && !run->state->target.tls) {
        fail_sample(run->sample, sla::Outcome::bad_response,
                    "package URL: https without TLS setup");
        return run->finish();
    }
    auto req = std::make_shared<net::Request>(bhttp::verb::get, url->target, 11);
    req->set(bhttp::field::host, url->host_header);
    const auto& range = run->state->settings.tc.range;
    if (!range.empty()) req->set(bhttp::field::range, range);
    req->set(bhttp::field::user_agent, "slawatch/0.1");
    req->set(bhttp::field::connection, "close");
    auto proxy = run->state->proxy.for_url(*url);
    auto ex = run_exchange(run->clock, std::make_shared<const net::Url>(std::move(*url)),
                           run->state->target.tls, std::move(req), std::move(proxy));
    net::async_exchange(run->executor, std::move(ex), [run](net::Response& r) {
        sla::Sample& s = run->sample;
        s.phases.total_us = r.phases.total_us;  // the whole run
        if (r.status != 0) s.http_status = r.status;
        if (r.outcome != sla::Outcome::ok) {
            s.outcome = r.outcome;
            s.detail = "package " + r.detail;
        } else if (r.status == 200 || r.status == 206) {
            s.outcome = sla::Outcome::ok;
            s.detail.clear();
        } else {
            s.outcome = sla::outcome_of_http_status(r.status);
            s.detail = "package: HTTP status " + std::to_string(r.status);
        }
        run->finish();
    });
}

class DownloadProbe final : public KindProbe<DownloadState> {
public:
    using KindProbe::KindProbe;

    void run(Handler done) override;
};

void DownloadProbe::run(Handler done) {
    auto run = std::make_shared<DownloadRun>();
    run->executor = executor_;
    run->state = state_;
    run->clock = RunClock::begin(state_->settings.timeout);
    run->done = std::move(done);
    run->sample.sent_ms = run->clock.sent_ms;

    const TcTarget& t = state_->target;
    auto ex = run_exchange(run->clock, t.url, t.tls,
                           signed_request(state_->settings.tc, t, run->clock.sent_ms / 1000),
                           state_->proxy.for_url(*t.url));
    net::async_exchange(executor_, std::move(ex), [run](net::Response& r) {
        fill_sample(run->sample, r);
        if (r.outcome != sla::Outcome::ok) return run->finish();
        std::string url;
        judge_api_response(r, run->state->settings.tc.action, run->sample,
                           run->state->settings.tc.url_field, &url);
        if (run->sample.outcome != sla::Outcome::ok) return run->finish();
        fetch_package(run, url);
    });
}

}  // namespace

std::unique_ptr<Probe> make_download_probe(boost::asio::any_io_executor executor,
                                           const config::Probe& settings) {
    auto state = std::make_shared<DownloadState>();
    state->settings = settings;
    state->proxy = setup_proxy(settings);
    state->target = setup_tencentcloud(settings);
    return std::make_unique<DownloadProbe>(std::move(executor), std::move(state));
}

}  // namespace slawatch::probes::detail
