// SPDX-License-Identifier: Apache-2.0
// make_probe: the probe kind named in the config, set up once (secrets, CA, URLs).

#include "net/server_text.hpp"
#include "probes/probe.hpp"
#include "probes/probe_support.hpp"

namespace slawatch::probes {

namespace detail {

// The one place every kind's samples pass on their way out: server text in
// them is made printable and bounded (net/server_text.hpp).
class BoundedProbe final : public Probe {
public:
    explicit BoundedProbe(std::unique_ptr<Probe> inner) : inner_(std::move(inner)) {}

    const config::Probe& settings() const override { return inner_->settings(); }

    void run(Handler done) override {
        inner_->run([done = std::move(done)](sla::Sample s) {
            net::bound_sample(s);
            done(std::move(s));
        });
    }

private:
    std::unique_ptr<Probe> inner_;
};

std::unique_ptr<Probe> make_kind(boost::asio::any_io_executor executor,
                                 const config::Probe& settings) {
    switch (settings.kind) {
        case config::ProbeKind::http:
            return make_http_probe(std::move(executor), settings);
        case config::ProbeKind::tencentcloud:
            return make_tencentcloud_probe(std::move(executor), settings);
        case config::ProbeKind::download:
            return make_download_probe(std::move(executor), settings);
    }
    throw ProbeSetupError("probe " + settings.name + ": unknown kind");
}

}  // namespace detail

std::unique_ptr<Probe> make_probe(boost::asio::any_io_executor executor,
                                  const config::Probe& settings) {
    return std::make_unique<detail::BoundedProbe>(detail::make_kind(std::move(executor), settings));
}

}  // namespace slawatch::probes
