// SPDX-License-Identifier: Apache-2.0
// webhook hooks: an HTTP(S) POST of the event JSON through the probes' HTTP
// client, signed with HMAC-SHA256 over a timestamp, the event id (the
// receiver's dedupe key), the event type and the body when a secret_file is
// set; 2xx = delivered.

#include "alerts/hook.hpp"
#include "alerts/http_post.hpp"
#include "sla/clock.hpp"

#include <fmt/format.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <chrono>
#include <fstream>
#include <sstream>

namespace slawatch::alerts {
namespace asio = boost::asio;

std::string signed_text(std::int64_t timestamp, std::string_view id, std::string_view type,
                        std::string_view body) {
    // Line breaks separate the parts: no header value can hold one, so no
    // other (id, type) can produce the same text.
    return fmt::format("v2\n{}\n{}\n{}\n{}", timestamp, id, type, body);
}

std::string signature(std::string_view key, std::int64_t timestamp, std::string_view id,
                      std::string_view type, std::string_view body) {
    const std::string message = signed_text(timestamp, id, type, body);
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
         reinterpret_cast<const unsigned char*>(message.data()), message.size(), mac, &len);
    std::string out = "v2=";
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
    if (key.empty())
        throw HookSetupError(fmt::format("alert {}: secret_file {} is empty", hook, file));
    return key;
}

class WebhookHook final : public Hook {
public:
    // Never echo the URL: chat webhooks carry their token in it (HttpPost does not).
    WebhookHook(asio::any_io_executor ex, const config::Alert& alert)
        : ex_(ex), post_(alert, alert.url) {
        if (!alert.secret_file.empty()) key_ = read_secret(alert.secret_file, alert.name);
    }

    void deliver(const Delivery& d, AttemptHandler done) override {
        HttpPost::Headers headers{{"X-Slawatch-Event", d.type}, {"X-Slawatch-Id", d.id}};
        if (!key_.empty()) {
            // A fresh timestamp per attempt: the receiver's tolerance window
            // starts when the request is sent, not when the event happened.
            const auto ts = sla::now_ms() / 1000;
            headers.emplace_back("X-Slawatch-Timestamp", std::to_string(ts));
            headers.emplace_back("X-Slawatch-Signature", signature(key_, ts, d.id, d.type, d.body));
        }
        post_.send(ex_, d.body, headers, std::move(done));
    }

private:
    asio::any_io_executor ex_;
    HttpPost post_;
    std::string key_;  // R12: kept in memory only, never logged or stored
};

}  // namespace

std::unique_ptr<Hook> make_webhook_hook(asio::any_io_executor ex, const config::Alert& alert) {
    return std::make_unique<WebhookHook>(ex, alert);
}

std::unique_ptr<Hook> make_hook(asio::any_io_executor ex, const config::Alert& alert) {
    if (alert.kind == config::AlertKind::alertmanager) return make_alertmanager_hook(ex, alert);
    return alert.kind == config::AlertKind::webhook ? make_webhook_hook(ex, alert)
                                                    : make_exec_hook(ex, alert);
}

}  // namespace slawatch::alerts
