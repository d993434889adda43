// SPDX-License-Identifier: Apache-2.0
#pragma once
// The /_sim/ control endpoints (README.md "Control endpoints"): never subject to faults.

#include "tools/tcmpp-sim/sim_state.hpp"

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

namespace tcmpp_sim {

namespace http = boost::beast::http;

inline constexpr std::string_view control_prefix = "/_sim/";

http::response<http::string_body> handle_control(SimState& state,
                                                 const http::request<http::string_body>& req);

}  // namespace tcmpp_sim
