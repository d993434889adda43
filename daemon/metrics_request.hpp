// SPDX-License-Identifier: Apache-2.0
#pragma once
// What the metrics listener makes of the bytes of one request, without a
// socket: the same parser and limits as daemon/metrics_server, pure, so it can
// be fuzzed (fuzz/fuzz_metrics_request.cpp) and unit-tested.

#include <cstddef>
#include <string>
#include <string_view>

namespace slawatch::daemon {

struct RequestLimits {
    std::size_t header_bytes = 8 * 1024;
    std::size_t body_bytes = 1024;
};

struct ParsedRequest {
    enum class State { incomplete, bad, complete };
    State state = State::incomplete;
    unsigned status = 0;  // complete or bad: 200 (route `path`), 400, 405
    std::string path;     // the target without its query, when status is 200
    bool head = false;    // HEAD: the reply has no body
    bool keep_alive = false;
    std::size_t consumed = 0;  // bytes of `bytes` the request took
};

// Parses the first request in `bytes`; incomplete when more bytes are needed.
ParsedRequest parse_metrics_request(std::string_view bytes, const RequestLimits& limits = {});

// "/metrics?x=1" -> "/metrics".
std::string request_path(std::string_view target);

}  // namespace slawatch::daemon
