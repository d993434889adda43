// SPDX-License-Identifier: Apache-2.0
#pragma once
// The witness ([[vantage.witness]], docs/vantage.md "Witnesses"): every
// interval, for each witnessed peer, its newest checkpoint note, from a
// shipped copy of its database or from its /checkpoint endpoint, is checked
// against the peer's pinned key and the checkpoint last cosigned for its log
// (storage/evidence/witness.hpp). A consistent one is cosigned with this
// host's evidence key under this host's origin (evidence_cosignature); a
// rewritten history raises an evidence_rewritten alert event and is not
// cosigned. Runs on the storage thread: a copy is read there (bounded like
// any hostile database), an endpoint is asked asynchronously on its executor.

#include "alerts/alerting.hpp"
#include "config/config.hpp"
#include "storage/evidence/signing.hpp"
#include "storage/evidence/witness.hpp"
#include "storage/store.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/ssl/context.hpp>

#include <chrono>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace slawatch::net {
struct Url;
}

namespace slawatch::daemon {

// Witnesses configured that cannot work (no signing key, a bad pin or CA file).
struct WitnessSetupError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

class Witness {
public:
    // Loads this host's signing key (the one that signs its checkpoints).
    // Throws WitnessSetupError. `alerts` may be null (no [[alert]] hooks).
    Witness(boost::asio::any_io_executor ex, const config::Config& config, storage::Store& store,
            alerts::Alerting* alerts);
    ~Witness();
    Witness(const Witness&) = delete;
    Witness& operator=(const Witness&) = delete;

    // On each storage tick: starts the passes that are due.
    void on_tick();
    // slawatch_witness_* per peer; `constant` are the labels of every series.
    std::string render_metrics(std::string_view constant) const;

private:
    struct Peer {
        config::Witness config;
        std::optional<storage::evidence::PublicKey> key;  // the pinned PEM key
        std::string fpr;                                  // the pinned key's fingerprint
        std::shared_ptr<const net::Url> url;
        std::shared_ptr<boost::asio::ssl::context> tls;
        std::chrono::steady_clock::time_point due{};
        bool in_flight = false;
        std::optional<storage::Cosignature> cosigned;  // the newest, for the metrics
        double checked_s = 0;                          // the last check that held
        std::uint64_t rewrites = 0;
        std::uint64_t errors = 0;
    };
    // What a source gave: the note and the proof from the last cosigned size.
    struct Answer {
        std::string note;
        std::optional<storage::evidence::PublicKey> key;
        std::optional<std::vector<storage::evidence::Hash>> proof;
        std::string error;  // set when the source failed
    };

    storage::evidence::WitnessMemory remember(const Peer& p) const;
    void pass(Peer& p);
    Answer read_copy(const Peer& p, const storage::evidence::WitnessMemory& memory) const;
    void ask(std::size_t index, std::optional<std::uint64_t> from);
    Answer answer_of(const Peer& p, std::optional<std::uint64_t> from, int status,
                     const std::string& body) const;
    void conclude(Peer& p, const Answer& a, const storage::evidence::WitnessMemory& memory);
    void cosign(Peer& p, const storage::evidence::note::CheckpointBody& seen);
    void rewritten(Peer& p, const Answer& a, const storage::evidence::WitnessMemory& memory,
                   const storage::evidence::WitnessVerdict& v);

    boost::asio::any_io_executor ex_;
    config::Config config_;
    storage::Store& store_;
    alerts::Alerting* alerts_;
    std::optional<storage::evidence::Signer> signer_;
    std::string origin_;  // this host's log: the cosigner name
    std::vector<Peer> peers_;
    // Expires with this object: an answer arriving later is dropped.
    std::shared_ptr<int> alive_ = std::make_shared<int>(0);
};

}  // namespace slawatch::daemon
