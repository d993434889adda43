// SPDX-License-Identifier: Apache-2.0
#pragma once
// The probes a config names, and the longest time one run may take.

#include "config/config.hpp"
#include "probes/probe.hpp"

#include <boost/asio/any_io_executor.hpp>

#include <chrono>
#include <memory>
#include <vector>

namespace slawatch::daemon {

// The longest probe timeout (at least a second): how long a run may still end after it began.
std::chrono::milliseconds max_timeout(const config::Config& c);
// Throws ProbeSetupError (an unreadable secret file, a bad CA file, ...).
std::vector<std::shared_ptr<probes::Probe>> make_probes(boost::asio::any_io_executor ex,
                                                        const config::Config& c);

}  // namespace slawatch::daemon
