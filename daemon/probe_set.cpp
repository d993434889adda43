// SPDX-License-Identifier: Apache-2.0
#include "daemon/probe_set.hpp"

#include <algorithm>

namespace slawatch::daemon {

std::chrono::milliseconds max_timeout(const config::Config& c) {
    std::chrono::milliseconds m{1000};
    for (const auto& p : c.probes) m = std::max(m, p.timeout);
    return m;
}

std::vector<std::shared_ptr<probes::Probe>> make_probes(boost::asio::any_io_executor ex,
                                                        const config::Config& c) {
    std::vector<std::shared_ptr<probes::Probe>> out;
    for (const auto& p : c.probes) out.push_back(probes::make_probe(ex, p));
    return out;
}

}  // namespace slawatch::daemon
