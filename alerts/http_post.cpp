// SPDX-License-Identifier: Apache-2.0
// HttpPost: a hook's POST through the probes' HTTP client (and its proxy support).

#include "alerts/http_post.hpp"
#include "net/proxy.hpp"

#include <boost/beast/http/field.hpp>
#include <boost/beast/http/verb.hpp>

#include <fmt/format.h>

namespace slawatch::alerts {
namespace http = boost::beast::http;

HttpPost::HttpPost(const config::Alert& alert, const std::string& url) : timeout_(alert.timeout) {
    std::string error;
    auto parsed = net::parse_url(url, error);
    if (!parsed) throw HookSetupError(fmt::format("alert {}: bad url", alert.name));
    url_ = std::make_shared<const net::Url>(std::move(*parsed));
    try {
        if (url_->tls) tls_ = net::make_tls_context(alert.ca_file, false);
        proxy_ = net::ProxyChoice(alert.proxy).for_url(*url_);
    } catch (const std::exception& e) {
        throw HookSetupError(fmt::format("alert {}: {}", alert.name, e.what()));
    }
}

void HttpPost::send(boost::asio::any_io_executor ex, std::string body, const Headers& headers,
                    AttemptHandler done) const {
    auto req = net::make_request(http::verb::post, *url_, url_->target);
    req->set(http::field::content_type, "application/json");
    for (const auto& [name, value] : headers) req->set(name, value);
    req->body() = std::move(body);
    req->prepare_payload();

    // The answer is not used beyond its status: a small budget.
    auto x = net::small_exchange(url_, tls_, std::move(req), timeout_, 64 * 1024);
    x.proxy = proxy_;
    net::async_exchange(ex, std::move(x), [done = std::move(done)](net::Response& r) {
        if (r.outcome != sla::Outcome::ok) {
            Attempt a{false, std::string(sla::to_string(r.outcome))};
            if (!r.detail.empty()) a.detail += ": " + r.detail;
            return done(std::move(a));
        }
        done({r.status >= 200 && r.status < 300, fmt::format("HTTP {}", r.status)});
    });
}

}  // namespace slawatch::alerts
