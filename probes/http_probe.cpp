// SPDX-License-Identifier: Apache-2.0
// kind = "http": one request, the status checked against expect_status and
// the body against body_contains.

#include "probes/probe_support.hpp"

#include <boost/beast/http/field.hpp>
#include <boost/beast/http/verb.hpp>

#include <algorithm>

namespace slawatch::probes::detail {
namespace {

namespace bhttp = boost::beast::http;

constexpr std::string_view user_agent = "slawatch/0.1";

// Everything a run needs (KindProbe shares it with the runs in flight).
struct HttpState {
    config::Probe settings;
    std::shared_ptr<const net::Url> url;
    std::shared_ptr<boost::asio::ssl::context> tls;
    std::shared_ptr<const net::Request> request;  // built once, sent by every run
    std::shared_ptr<const net::Proxy> proxy;      // nullptr: direct
};

sla::Outcome judge(const config::HttpOptions& o, const net::Response& r, std::string& detail) {
    const auto& expect = o.expect_status;
    if (std::find(expect.begin(), expect.end(), r.status) == expect.end()) {
        detail = "unexpected HTTP status " + std::to_string(r.status);
        // A 2xx/3xx that was not asked for is a wrong answer, not a status class.
        if (r.status >= 200 && r.status <= 399) return sla::Outcome::bad_response;
        return sla::outcome_of_http_status(r.status);
    }
    if (!o.body_contains.empty() && r.body.find(o.body_contains) == std::string::npos) {
        detail = "body does not contain the expected text";
        return sla::Outcome::bad_response;
    }
    return sla::Outcome::ok;
}

class HttpProbe final : public KindProbe<HttpState> {
public:
    using KindProbe::KindProbe;

    void run(Handler done) override {
        const HttpState& st = *state_;
        const RunClock clock = RunClock::begin(st.settings.timeout);
        run_single_exchange(
            executor_, clock, run_exchange(clock, st.url, st.tls, st.request, st.proxy),
            [state = state_](const net::Response& r, sla::Sample& s) {
                s.outcome = judge(state->settings.http, r, s.detail);
            },
            std::move(done));
    }
};

}  // namespace

std::unique_ptr<Probe> make_http_probe(boost::asio::any_io_executor executor,
                                       const config::Probe& settings) {
    auto state = std::make_shared<HttpState>();
    const auto proxy = setup_proxy(settings);
    state->settings = settings;
    const auto& o = settings.http;
    state->url = setup_url(settings, "url", o.url);
    if (state->url->tls) state->tls = setup_tls(settings, o.ca_file, o.insecure);

    const bhttp::verb method = bhttp::string_to_verb(o.method);
    if (method == bhttp::verb::unknown)
        throw ProbeSetupError("probe " + settings.name + ": unknown HTTP method " + o.method);
    auto req = std::make_shared<net::Request>(method, state->url->target, 11);
    req->set(bhttp::field::host, state->url->host_header);
    req->set(bhttp::field::user_agent, user_agent);
    req->set(bhttp::field::connection, "close");  // a fresh connection per run
    for (const auto& [name, value] : o.headers) req->set(name, value);
    if (!o.body.empty()) {
        req->body() = o.body;
        req->prepare_payload();
    }
    state->request = std::move(req);
    state->proxy = proxy.for_url(*state->url);
    return std::make_unique<HttpProbe>(std::move(executor), std::move(state));
}

}  // namespace slawatch::probes::detail
