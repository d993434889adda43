// SPDX-License-Identifier: Apache-2.0
// kind = "tencentcloud": one TC3-signed TencentCloud API 3.0 call, judged by
// HTTP status, Response.RequestId, Response.Error.Code and the action's answer shape.

#include "probes/probe_support.hpp"
#include "probes/tencentcloud_api.hpp"

namespace slawatch::probes::detail {
namespace {

// Everything a run needs (KindProbe shares it with the runs in flight).
struct TcState {
    config::Probe settings;
    TcTarget target;
    std::shared_ptr<const net::Proxy> proxy;  // nullptr: direct
};

class TencentCloudProbe final : public KindProbe<TcState> {
public:
    using KindProbe::KindProbe;

    void run(Handler done) override {
        const TcState& st = *state_;
        const RunClock clock = RunClock::begin(st.settings.timeout);
        const TcTarget& t = st.target;
        // Signed per run: the timestamp must be within 5 minutes of the server's clock.
        auto request = signed_request(st.settings.tc, t, clock.sent_ms / 1000);
        run_single_exchange(
            executor_, clock, run_exchange(clock, t.url, t.tls, std::move(request), st.proxy),
            [state = state_](const net::Response& r, sla::Sample& s) {
                judge_api_response(r, state->settings.tc.action, s);
            },
            std::move(done));
    }
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
