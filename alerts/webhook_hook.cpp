// SPDX-License-Identifier: Apache-2.0
// webhook hooks: an HTTP(S) POST of the event JSON through the probes' HTTP
// client, signed with HMAC-SHA256 over a timestamp and the body when a
// secret_file is set; 2xx = delivered.

#include "alerts/hook.hpp"
#include "probes/http_client.hpp"

#include <boost/asio/post.hpp>
#include <boost/beast/http/field.hpp>
#include <boost/beast/http/verb.hpp>

#include <fmt/format.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <chrono>
#include <fstream>
#include <sstream>

namespace slawatch::alerts {
namespace asio = boost::asio;
namespace http = boost::beast::http;

std::string signature(std::string_view key, std::int64_t timestamp, std::string_view body) {
    const std::string message = fmt::format("{}.{}", timestamp, body);
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
         reinterpret_cast<const unsigned char*>(message.data()), message.size(), mac, &len);
    std::string out = "v1=";
    for (unsigned int i = 0; i < len; ++i) out += fmt::format("{:02x}", mac[i]);
    return out;
}

namespace {

// The key, without a trailing newline (files written by `echo`).
std::string read_secret(const std::string& file, const std::string& hook) {
    std::ifstream in(file, std::ios::binary);
    if (!in) throw HookSetupError(fmt::format("alert {}: cannot read secret_file {}", hook, file));
    std::ostringstream text;
    text << in.rdbuf();
    std::string key = text.str();
    while (!key.empty() && (key.back() == '\n' || key.back() == '\r')) key.pop_back();
    if (key.empty()) throw HookSetupError(fmt::format("alert {}: secret_file {} is empty", hook, file));
    return key;
}

class WebhookHook final : public Hook {
public:
    WebhookHook(asio::any_io_executor ex, const config::Alert& alert) : ex_(ex), alert_(alert) {
        std::string error;
        auto url = probes::http::parse_url(alert.url, error);
        // Never echo the URL: chat webhooks carry their token in it.
        if (!url) throw HookSetupError(fmt::format("alert {}: bad url ({})", alert.name, error));
        url_ = std::make_shared<const probes::http::Url>(std::move(*url));
        if (url_->tls) {
            try {
                tls_ = probes::http::make_tls_context(alert.ca_file, false);
            } catch (const std::exception& e) {
                throw HookSetupError(fmt::format("alert {}: {}", alert.name, e.what()));
            }
        }
        if (!alert.secret_file.empty()) key_ = read_secret(alert.secret_file, alert.name);
    }

    void deliver(const Delivery& d, AttemptHandler done) override {
        auto req = std::make_shared<probes::http::Request>(http::verb::post, url_->target, 11);
        req->set(http::field::host, url_->host_header);
        req->set(http::field::user_agent, "slawatch");
        req->set(http::field::content_type, "application/json");
        req->set("X-Slawatch-Event", d.type);
        req->set("X-Slawatch-Id", d.id);
        if (!key_.empty()) {
            // A fresh timestamp per attempt: the receiver's tolerance window
            // starts when the request is sent, not when the event happened.
            const auto ts = std::chrono::duration_cast<std::chrono::seconds>(
                                std::chrono::system_clock::now().time_since_epoch())
                                .count();
            req->set("X-Slawatch-Timestamp", std::to_string(ts));
            req->set("X-Slawatch-Signature", signature(key_, ts, d.body));
        }
        req->body() = d.body;
        req->prepare_payload();

        probes::http::Exchange x;
        x.url = url_;
        x.tls = tls_;
        x.request = std::move(req);
        x.start = probes::http::Clock::now();
        x.deadline = x.start + alert_.timeout;
        // The answer is not used beyond its status: small budgets, the whole
        // response (headers, chunk lines, body) within total_bytes.
        x.limits.header_bytes = 16 * 1024;
        x.limits.body_bytes = 64 * 1024;
        x.limits.total_bytes = 96 * 1024;
        probes::http::async_exchange(ex_, std::move(x), [done = std::move(done)](
                                                            probes::http::Response& r) {
            if (r.outcome != sla::Outcome::ok) {
                Attempt a{false, std::string(sla::to_string(r.outcome))};
                if (!r.detail.empty()) a.detail += ": " + r.detail;
                return done(std::move(a));
            }
            done({r.status >= 200 && r.status < 300, fmt::format("HTTP {}", r.status)});
        });
    }

private:
    asio::any_io_executor ex_;
    config::Alert alert_;
    std::shared_ptr<const probes::http::Url> url_;
    std::shared_ptr<asio::ssl::context> tls_;
    std::string key_;  // R12: kept in memory only, never logged or stored
};

}  // namespace

std::unique_ptr<Hook> make_webhook_hook(asio::any_io_executor ex, const config::Alert& alert) {
    return std::make_unique<WebhookHook>(ex, alert);
}

std::unique_ptr<Hook> make_hook(asio::any_io_executor ex, const config::Alert& alert) {
    return alert.kind == config::AlertKind::webhook ? make_webhook_hook(ex, alert)
                                                    : make_exec_hook(ex, alert);
}

}  // namespace slawatch::alerts
