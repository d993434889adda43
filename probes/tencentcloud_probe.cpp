// SPDX-License-Identifier: Apache-2.0
// kind = "tencentcloud": one TC3-signed TencentCloud API 3.0 call, judged by
// HTTP status, Response.RequestId, Response.Error.Code and the action's answer shape.

#include "probes/probe_support.hpp"
#include "probes/tencentcloud_api.hpp"

namespace slawatch::probes::detail {
namespace {

// Immutable and shared: runs in flight outlive the Probe (reloads).
struct TcState {
    config::Probe settings;
    TcTarget target;
    std::shared_ptr<const net::Proxy> proxy;  // nullptr: direct
};

class TencentCloudProbe final : public Probe {
public:
    TencentCloudProbe(boost::asio::any_io_executor executor, std::shared_ptr<const TcState> state)
        : executor_(std::move(executor)), state_(std::move(state)) {}

    const config::Probe& settings() const override { return state_->settings; }

    void run(Handler done) override {
        const RunClock clock = RunClock::begin(state_->settings.timeout);
        const TcTarget& t = state_->target;
        // Signed per run: the timestamp must be within 5 minutes of the server's clock.
        net::Exchange ex{t.url,
                         t.tls,
                         signed_request(state_->settings.tc, t, clock.sent_ms / 1000),
                         clock.start,
                         clock.deadline,
                         net::Limits{},
                         true,
                         state_->proxy};
        net::async_exchange(
            executor_, std::move(ex),
            [state = state_, sent_ms = clock.sent_ms, done = std::move(done)](net::Response& r) {
                sla::Sample s;
                s.sent_ms = sent_ms;
                fill_sample(s, r);
                if (r.outcome == sla::Outcome::ok)
                    judge_api_response(r, state->settings.tc.action, s);
                done(std::move(s));
            });
    }

private:
    boost::asio::any_io_executor executor_;
    std::shared_ptr<const TcState> state_;
};

}  // namespace

std::unique_ptr<Probe> make_tencentcloud_probe(boost::asio::any_io_executor executor,
                                               const config::Probe& settings) {
    auto state = std::make_shared<TcState>();
    const auto proxy = setup_proxy(settings);
    state->settings = settings;
    state->target = setup_tencentcloud(settings);
    state->proxy = proxy.for_url(*state->target.url);
    return std::make_unique<TencentCloudProbe>(std::move(executor), std::move(state));
}

}  // namespace slawatch::probes::detail
