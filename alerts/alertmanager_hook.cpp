// SPDX-License-Identifier: Apache-2.0
// alertmanager hooks: events POSTed to Alertmanager's v2 API as alerts
// (alertmanager.hpp); open alerts are re-sent every resend_interval, as
// Alertmanager expects from its clients, and recovered from the outbox after
// a restart.

#include "alerts/alertmanager.hpp"
#include "alerts/hook.hpp"
#include "alerts/http_post.hpp"
#include "sla/clock.hpp"

#include <boost/asio/steady_timer.hpp>
#include <boost/json/array.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <spdlog/spdlog.h>

#include <algorithm>
#include <map>

namespace slawatch::alerts {
namespace asio = boost::asio;
namespace json = boost::json;

namespace {

std::optional<json::object> parse_body(const std::string& body) {
    boost::system::error_code ec;
    json::value v = json::parse(body, ec);
    if (ec || !v.is_object()) return std::nullopt;
    return std::move(v.get_object());
}

// Shared with the timer's handlers, which may run after the hook is gone.
struct AmCore : std::enable_shared_from_this<AmCore> {
    AmCore(asio::any_io_executor ex, const config::Alert& alert)
        : ex_(ex), alert_(alert), post_(alert, api_url(alert.url)), timer_(ex) {}

    static std::string api_url(std::string base) {
        while (!base.empty() && base.back() == '/') base.pop_back();
        return base + "/api/v2/alerts";
    }

    void post(const std::vector<const AmAlert*>& alerts, AttemptHandler done) {
        json::array body;
        for (const auto* a : alerts) body.push_back(a->alert);
        post_.send(ex_, json::serialize(body), {}, std::move(done));
    }

    // An event delivered (or found delivered in the outbox): track it open or closed.
    void track(const AmAlert& a) {
        if (a.open)
            open_[a.key] = a;
        else
            open_.erase(a.key);
        if (!open_.empty() && !timer_running_) schedule();
    }

    void schedule() {
        timer_running_ = true;
        timer_.expires_after(alert_.resend_interval);
        timer_.async_wait([self = shared_from_this()](boost::system::error_code ec) {
            self->timer_running_ = false;
            if (ec || self->stopped_) return;
            self->resend();
        });
    }

    void resend() {
        if (open_.empty()) return;
        const auto now = sla::now_ms();
        std::vector<const AmAlert*> alerts;
        for (auto& [key, a] : open_) {
            refresh_ends_at(a, alert_, now);
            alerts.push_back(&a);
        }
        post(alerts, [self = shared_from_this()](Attempt a) {
            if (!a.delivered)
                spdlog::debug("alert {}: re-sending open alerts failed: {}", self->alert_.name,
                              a.detail);
        });
        schedule();
    }

    asio::any_io_executor ex_;
    config::Alert alert_;
    HttpPost post_;
    asio::steady_timer timer_;
    std::map<std::string, AmAlert> open_;  // by labels
    bool timer_running_ = false;
    bool stopped_ = false;
};

class AlertmanagerHook final : public Hook {
public:
    AlertmanagerHook(asio::any_io_executor ex, const config::Alert& alert)
        : core_(std::make_shared<AmCore>(ex, alert)) {}

    ~AlertmanagerHook() override {
        core_->stopped_ = true;
        core_->timer_.cancel();
    }

    void deliver(const Delivery& d, AttemptHandler done) override {
        auto body = parse_body(d.body);
        if (!body) return done({false, "the event is not a JSON object"});
        auto a = alertmanager_alert(*body, core_->alert_, sla::now_ms());
        if (!a) return done({true, "not an alert: skipped"});
        // The lambda keeps a copy: `*a` is serialized by post() before it returns.
        core_->post({&*a}, [core = core_, sent = *a, done = std::move(done)](Attempt r) {
            if (r.delivered) core->track(sent);
            done(std::move(r));
        });
    }

    void resume(const Outbox& outbox) override {
        // Oldest first: a later event about the same alert closes or replaces it.
        auto records = outbox.recent(resume_window);
        for (auto it = records.rbegin(); it != records.rend(); ++it) {
            const bool delivered =
                std::any_of(it->deliveries.begin(), it->deliveries.end(), [&](const Delivery& d) {
                    return d.hook == core_->alert_.name && d.state == "delivered";
                });
            if (!delivered) continue;
            auto body = parse_body(it->body);
            if (!body) continue;
            if (auto a = alertmanager_alert(*body, core_->alert_, sla::now_ms())) core_->track(*a);
        }
        if (!core_->open_.empty()) core_->resend();
    }

private:
    static constexpr std::size_t resume_window = 1000;  // events looked at after a restart
    std::shared_ptr<AmCore> core_;
};

}  // namespace

std::unique_ptr<Hook> make_alertmanager_hook(asio::any_io_executor ex, const config::Alert& alert) {
    return std::make_unique<AlertmanagerHook>(ex, alert);
}

}  // namespace slawatch::alerts
