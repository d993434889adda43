// SPDX-License-Identifier: Apache-2.0
#include "daemon/metrics_request.hpp"

#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

namespace slawatch::daemon {
namespace http = boost::beast::http;

std::string request_path(std::string_view target) {
    return std::string(target.substr(0, target.find('?')));
}

ParsedRequest parse_metrics_request(std::string_view bytes, const RequestLimits& limits) {
    ParsedRequest out;
    http::request_parser<http::string_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(limits.header_bytes));
    parser.body_limit(limits.body_bytes);
    parser.eager(true);
    boost::beast::error_code ec;
    while (!parser.is_done() && out.consumed < bytes.size()) {
        const auto used = parser.put(
            boost::asio::buffer(bytes.data() + out.consumed, bytes.size() - out.consumed), ec);
        out.consumed += used;
        if (ec == http::error::need_more) return out;  // incomplete
        if (ec) {
            out.state = ParsedRequest::State::bad;
            out.status = 400;
            return out;
        }
        if (used == 0) break;
    }
    if (!parser.is_done()) return out;
    const auto& req = parser.get();
    out.state = ParsedRequest::State::complete;
    out.keep_alive = req.keep_alive();
    out.head = req.method() == http::verb::head;
    if (req.method() != http::verb::get && !out.head) {
        out.status = 405;
        return out;
    }
    out.status = 200;
    out.path = request_path(req.target());
    return out;
}

}  // namespace slawatch::daemon
