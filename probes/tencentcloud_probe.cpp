// SPDX-License-Identifier: Apache-2.0
// kind = "tencentcloud": one TC3-signed TencentCloud API 3.0 call, judged by
// HTTP status, Response.RequestId, Response.Error.Code and the action's answer shape.

#include "probes/probe_support.hpp"
#include "probes/tencentcloud_api.hpp"

namespace slawatch::probes::detail {
namespace {

// A TC3-signed call of the configured action, judged as an API answer.
struct TencentCloudKind final : OneExchangeKind {
    TcTarget target;

    // Signed per run: the timestamp must be within 5 minutes of the server's clock.
    std::shared_ptr<const net::Request> request(const RunClock& clock) const override {
        return signed_request(settings.tc, target, clock.sent_ms / 1000);
    }
    void judge(const net::Response& r, sla::Sample& s) const override {
        judge_api_response(r, settings.tc.action, s);
    }
};

}  // namespace

std::unique_ptr<Probe> make_tencentcloud_probe(boost::asio::any_io_executor executor,
                                               const config::Probe& settings) {
    auto kind = std::make_shared<TencentCloudKind>();
    const auto proxy = setup_proxy(settings);
    kind->settings = settings;
    kind->target = setup_tencentcloud(settings);
    kind->url = kind->target.url;
    kind->tls = kind->target.tls;
    kind->proxy = proxy.for_url(*kind->url);
    return make_one_exchange_probe(std::move(executor), std::move(kind));
}

}  // namespace slawatch::probes::detail
