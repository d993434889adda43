// SPDX-License-Identifier: Apache-2.0
// libFuzzer target: the API answer judges: judge_api_response (status, JSON,
// RequestId, Error.Code, a wanted field) and the per-action shape rules
// (probes/answer_shape). Byte 0 picks the action, the status and the wanted
// field; the rest is the body.
#include "net/http_client.hpp"
#include "probes/answer_shape.hpp"
#include "probes/tencentcloud_api.hpp"

#include <boost/json/parse.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    static constexpr std::array<std::string_view, 6> actions = {
        "DescribeMNPReleasedVersionHistory", "DescribeMNPList", "DescribeMNPAllStageVersions",
        "DescribeMNPOfflinePackageURL",      "DescribeOther",   ""};
    static constexpr std::array<int, 4> statuses = {200, 200, 503, 0};
    const auto action = actions[data[0] % actions.size()];
    slawatch::net::Response r;
    r.status = statuses[(data[0] >> 3) & 3];
    r.body.assign(reinterpret_cast<const char*>(data + 1), size - 1);
    const bool want = (data[0] & 0x20) != 0;

    slawatch::sla::Sample s;
    std::string value;
    slawatch::probes::detail::judge_api_response(r, action, s, want ? "Data" : "",
                                                 want ? &value : nullptr);
    // An ok answer carries its RequestId.
    if (s.outcome == slawatch::sla::Outcome::ok && s.request_id.empty()) std::abort();

    boost::system::error_code ec;
    const auto root = boost::json::parse(r.body, ec);
    if (!ec && root.is_object()) {
        (void)slawatch::probes::shape_problem(action, root.get_object());
        if (auto* resp = root.get_object().if_contains("Response"); resp && resp->is_object())
            (void)slawatch::probes::shape_problem(action, resp->get_object());
    }
    (void)slawatch::probes::known_action(action);
    return 0;
}
