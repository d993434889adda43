// SPDX-License-Identifier: Apache-2.0
#pragma once
// RFC 3161 time-stamping of checkpoint notes (docs/evidence.md,
// "Time-stamps"): a checkpoint queues one request per [[evidence.tsa]] in the
// outbox (hook "tsa:<url>"), so that a TSA outage loses nothing and each TSA
// gets its requests in order, retried with backoff across restarts. Each
// attempt POSTs a TimeStampReq through the HTTP client (and the egress
// proxy); a checked token is stored in the evidence log. Runs on the
// daemon's storage thread.

#include "alerts/event.hpp"
#include "alerts/outbox.hpp"
#include "config/config.hpp"
#include "net/http_client.hpp"
#include "storage/evidence/log.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

namespace slawatch::alerts {

// How long stamping may fail before evidence_timestamp_failing fires.
inline constexpr sla::EpochMillis timestamp_failing_after_ms = 3'600'000;

// The outbox hook name of a TSA's requests.
std::string tsa_hook(const config::Tsa& tsa);

class Stamper {
public:
    using Emit = std::function<void(const Event&, sla::EpochMillis now)>;

    // Reads each TSA's CA bundle and sets up its URL and proxy; throws
    // HookSetupError when it cannot. `emit` stores an alert event.
    Stamper(boost::asio::any_io_executor ex, const config::Config& config,
            storage::OutboxStore& outbox, storage::EvidenceLog& log, Emit emit);
    ~Stamper();
    Stamper(const Stamper&) = delete;
    Stamper& operator=(const Stamper&) = delete;

    // A checkpoint was recorded; `note` is EvidenceLog::note(c) (empty for
    // a checkpoint without a note form: not stamped).
    void on_checkpoint(const storage::Checkpoint& c, const std::string& note, sla::EpochMillis now);
    // Looks for due requests (after a start: those left from before).
    void poke();
    void stop();

    // slawatch_evidence_last_timestamp_seconds{vantage,tsa},
    // slawatch_evidence_last_timestamp_tree_size{vantage,tsa},
    // slawatch_evidence_timestamp_failing{vantage,tsa}.
    std::string render_metrics(std::string_view vantage) const;

private:
    struct Tsa {
        config::Tsa config;
        std::string hook;
        std::string ca_pem;
        std::shared_ptr<const net::Url> url;
        std::shared_ptr<boost::asio::ssl::context> tls;
        std::shared_ptr<const net::Proxy> proxy;
        bool busy = false;
        std::optional<sla::EpochMillis> failing_since;  // created_ms of the oldest failed row
        std::string failing_event;                      // id of the open failing event
        sla::EpochMillis last_gen_time_ms = 0;
        std::uint64_t last_tree_size = 0;
    };

    void attempt(Tsa& t, const storage::Delivery& d);
    void on_stamped(const std::string& url, const storage::Delivery& d,
                    const std::optional<std::string>& error, const storage::StoredTimestamp& ts,
                    std::uint64_t tree_size);
    void on_failed(Tsa& t, const storage::Delivery& d, const std::string& error);
    void do_wait();
    void load_last();

    boost::asio::any_io_executor ex_;
    config::Config config_;
    storage::OutboxStore& store_;
    Outbox outbox_;
    storage::EvidenceLog& log_;
    Emit emit_;
    std::map<std::string, Tsa> tsas_;  // by URL
    boost::asio::steady_timer timer_;
    std::mt19937_64 random_{std::random_device{}()};
    std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
    bool stopped_ = false;
};

}  // namespace slawatch::alerts
