// SPDX-License-Identifier: Apache-2.0
// libFuzzer target: an HTTP response as net/http_client reads it: Beast's
// response parser with the probe's limits (net::Limits), fed in pieces the
// way a socket delivers them, then the complete answer judged as an API answer.
// Byte 0 picks the piece size and whether the request was HEAD; the rest is the wire.
#include "net/http_client.hpp"
#include "probes/tencentcloud_api.hpp"

#include <boost/beast/core/buffers_prefix.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/field.hpp>
#include <boost/beast/http/parser.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <optional>
#include <string>

namespace bhttp = boost::beast::http;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const std::size_t piece = 1 + (data[0] & 0x3f) * 37;
    const bool head = (data[0] & 0x80) != 0;
    const std::string_view wire(reinterpret_cast<const char*>(data + 1), size - 1);

    const slawatch::net::Limits limits;
    bhttp::response_parser<bhttp::string_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(
        std::min<std::size_t>(limits.header_bytes, std::numeric_limits<std::uint32_t>::max())));
    parser.body_limit(limits.body_bytes);
    parser.eager(true);
    if (head) parser.skip(true);

    std::string pending;  // received but not yet consumed, as in the client's flat_buffer
    boost::beast::error_code ec;
    for (std::size_t at = 0; at < wire.size() && !ec && !parser.is_done();) {
        const auto n = std::min(piece, wire.size() - at);
        pending.append(wire.substr(at, n));
        at += n;
        while (!pending.empty() && !parser.is_done()) {
            const auto used = parser.put(boost::asio::buffer(pending), ec);
            if (ec == bhttp::error::need_more) ec = {};
            if (ec || used == 0) break;
            pending.erase(0, used);
        }
    }
    if (!ec && !parser.is_done()) parser.put_eof(ec);  // the peer closed
    if (ec || !parser.is_done()) return 0;

    const auto& msg = parser.get();
    if (msg.body().size() > limits.body_bytes) std::abort();
    slawatch::net::Response r;
    r.status = static_cast<int>(msg.result_int());
    if (auto it = msg.find(bhttp::field::content_type); it != msg.end())
        r.content_type = std::string(it->value());
    r.body = msg.body();
    slawatch::sla::Sample s;
    slawatch::probes::detail::judge_api_response(r, "DescribeMNPList", s);
    return 0;
}
