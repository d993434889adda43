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

sla::Outcome judge_http(const config::HttpOptions& o, const net::Response& r, std::string& detail) {
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

// The same request every run, its status and body checked against the settings.
struct HttpKind final : OneExchangeKind {
    std::shared_ptr<const net::Request> fixed_request;  // built once, sent by every run

    std::shared_ptr<const net::Request> request(const RunClock&) const override {
        return fixed_request;
    }
    void judge(const net::Response& r, sla::Sample& s) const override {
        s.outcome = judge_http(settings.http, r, s.detail);
    }
};

}  // namespace

std::unique_ptr<Probe> make_http_probe(boost::asio::any_io_executor executor,
                                       const config::Probe& settings) {
    auto kind = std::make_shared<HttpKind>();
    const auto proxy = setup_proxy(settings);
    kind->settings = settings;
    const auto& o = settings.http;
    kind->url = setup_url(settings, "url", o.url);
    if (kind->url->tls) kind->tls = setup_tls(settings, o.ca_file, o.insecure);

    const bhttp::verb method = bhttp::string_to_verb(o.method);
    if (method == bhttp::verb::unknown)
        throw ProbeSetupError("probe " + settings.name + ": unknown HTTP method " + o.method);
    auto req = std::make_shared<net::Request>(method, kind->url->target, 11);
    req->set(bhttp::field::host, kind->url->host_header);
    req->set(bhttp::field::user_agent, user_agent);
    req->set(bhttp::field::connection, "close");  // a fresh connection per run
    for (const auto& [name, value] : o.headers) req->set(name, value);
    if (!o.body.empty()) {
        req->body() = o.body;
        req->prepare_payload();
    }
    kind->fixed_request = std::move(req);
    kind->proxy = proxy.for_url(*kind->url);
    return make_one_exchange_probe(std::move(executor), std::move(kind));
}

}  // namespace slawatch::probes::detail
