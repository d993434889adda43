// SPDX-License-Identifier: Apache-2.0
// PUT/DELETE/GET /_sim/faults and GET /_sim/stats.

#include "tools/tcmpp-sim/control.hpp"

#include <spdlog/spdlog.h>
#include <boost/beast/version.hpp>

namespace tcmpp_sim {
namespace {

http::response<http::string_body> reply(const http::request<http::string_body>& req,
                                        http::status status, std::string_view content_type,
                                        std::string body) {
    http::response<http::string_body> res{status, req.version()};
    res.set(http::field::server, "tcmpp-sim");
    res.set(http::field::content_type, content_type);
    res.keep_alive(req.keep_alive());
    res.body() = std::move(body);
    res.prepare_payload();
    return res;
}

}  // namespace

http::response<http::string_body> handle_control(SimState& state,
                                                 const http::request<http::string_body>& req) {
    const std::string_view target = req.target();
    const auto method = req.method();
    if (target == "/_sim/faults") {
        if (method == http::verb::put) {
            try {
                // Relative windows count from now: the test that PUTs decides when.
                FaultPlan plan = parse_fault_plan(req.body(), "<request>", sim_now());
                const std::size_t n = plan.faults.size();
                state.set_plan(std::move(plan));
                spdlog::info("fault plan replaced by PUT: {} fault(s)", n);
                return reply(req, http::status::ok, "application/json",
                             fmt::format("{{\"ok\":true,\"faults\":{}}}", n));
            } catch (const PlanError& e) {
                spdlog::warn("fault plan rejected, old plan kept: {}", e.what());
                return reply(req, http::status::bad_request, "text/plain",
                             std::string(e.what()) + "\n");
            }
        }
        if (method == http::verb::delete_) {
            state.set_plan(FaultPlan{});
            spdlog::info("fault plan cleared by DELETE");
            return reply(req, http::status::ok, "application/json", "{\"ok\":true,\"faults\":0}");
        }
        if (method == http::verb::get)
            return reply(req, http::status::ok, "application/toml", state.plan()->source_text);
    } else if (target == "/_sim/stats") {
        if (method == http::verb::get)
            return reply(req, http::status::ok, "application/json",
                         state.stats.to_json(state.generation()));
    } else {
        return reply(req, http::status::not_found, "text/plain", "no such control endpoint\n");
    }
    return reply(req, http::status::method_not_allowed, "text/plain", "method not allowed\n");
}

}  // namespace tcmpp_sim
