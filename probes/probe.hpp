// SPDX-License-Identifier: Apache-2.0
#pragma once
// One configured probe, run on demand; every run ends in exactly one sla::Sample.
//
// This is what the daemon and `slawatch probe` rely on; keep the signatures.

#include "config/config.hpp"
#include "sla/sample.hpp"

#include <boost/asio/any_io_executor.hpp>

#include <functional>
#include <memory>
#include <stdexcept>

namespace slawatch::probes {

// A probe that cannot be set up: an unreadable secret file, a bad URL, a bad CA file.
struct ProbeSetupError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

class Probe {
public:
    using Handler = std::function<void(sla::Sample)>;

    virtual ~Probe() = default;

    virtual const config::Probe& settings() const = 0;

    // Starts one run now and returns at once. `done` is called exactly once,
    // on the probe's executor, no later than the probe's timeout (plus the
    // time to deliver the completion), even when the peer never answers.
    // Runs may overlap, and a run in flight stays valid if the Probe object
    // is destroyed meanwhile (a config reload).
    virtual void run(Handler done) = 0;
};

// Reads the probe's secrets and CA files now. Throws ProbeSetupError.
std::unique_ptr<Probe> make_probe(boost::asio::any_io_executor executor,
                                  const config::Probe& settings);

}  // namespace slawatch::probes
