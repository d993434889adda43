// SPDX-License-Identifier: Apache-2.0
// libFuzzer target: the metrics listener's request parsing
// (daemon/metrics_request), over pipelined requests as a keep-alive client sends them.
#include "daemon/metrics_request.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using slawatch::daemon::ParsedRequest;
    std::string_view rest(reinterpret_cast<const char*>(data), size);
    const slawatch::daemon::RequestLimits limits;
    while (!rest.empty()) {
        const auto req = slawatch::daemon::parse_metrics_request(rest, limits);
        if (req.consumed > rest.size()) std::abort();
        if (req.state != ParsedRequest::State::complete) break;
        if (req.status == 200 && req.path.find('?') != std::string::npos) std::abort();
        if (req.consumed == 0 || !req.keep_alive) break;
        rest.remove_prefix(req.consumed);
    }
    return 0;
}
