// SPDX-License-Identifier: Apache-2.0
#pragma once
// The fault plan: scripted failures read from TOML (README.md "Fault plan").

#include "sla/clock.hpp"

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace tcmpp_sim {

using Clock = std::chrono::system_clock;
using Duration = std::chrono::milliseconds;

// Now on the process's clock: fault windows and signature timestamps follow the
// same test offset as the daemon's (sla/clock.hpp).
inline Clock::time_point sim_now() {
    return Clock::now() + std::chrono::milliseconds(slawatch::sla::clock_offset_ms());
}

enum class FaultKind { http_5xx, api_error, slow, hang, reset, malformed, oversized, bad_tls };
inline constexpr std::size_t fault_kind_count = 8;
std::string_view to_string(FaultKind k);

// What a request is, for matching `actions`: an API action name or "download".
inline constexpr std::string_view download_action = "download";

struct Fault {
    FaultKind kind = FaultKind::http_5xx;
    std::vector<std::string> actions;  // empty = all

    // Active window [start, end) on the system clock; nullopt = open end.
    std::optional<Clock::time_point> start;
    std::optional<Clock::time_point> end;
    std::optional<Duration> every;  // the window repeats with this period from `start`

    double probability = 1.0;
    unsigned status = 503;               // http_5xx
    std::string code = "InternalError";  // api_error
    std::string message = "An internal error has occurred. Retry your request.";
    Duration delay = std::chrono::seconds(3);  // slow
    bool oversized_header = false;             // oversized: header instead of body

    bool active_at(Clock::time_point t) const;
    bool matches_action(std::string_view action) const;
};

// "file:line:col: message".
class PlanError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct FaultPlan {
    std::vector<Fault> faults;
    std::string source_text;  // the TOML as loaded, for GET /_sim/faults
};

// Parses a plan; relative windows (`after`, `duration`) count from `loaded_at`.
// `origin` names the source in errors (a file path or "<request>").
// Throws PlanError.
FaultPlan parse_fault_plan(std::string_view toml_text, std::string_view origin,
                           Clock::time_point loaded_at);
FaultPlan load_fault_plan_file(const std::string& path, Clock::time_point loaded_at);

// "1m30s", "250ms", "5s", "2h", "1d" -> milliseconds; nullopt if malformed.
std::optional<Duration> parse_duration(std::string_view text);

// Deterministic draws for `probability`: a counter run through splitmix64.
class Dice {
public:
    explicit Dice(std::uint64_t seed) : seed_(seed) {}
    // True with probability p.
    bool roll(double p);

private:
    std::uint64_t seed_;
    std::atomic<std::uint64_t> counter_{0};
};

// The first fault (file order) that applies to a request for `action` at `now`,
// or nullptr. `bad_tls` entries are never returned here (see pick_tls_fault).
const Fault* pick_request_fault(const FaultPlan& plan, std::string_view action,
                                Clock::time_point now, Dice& dice);
// The first active `bad_tls` fault, for a TLS connection accepted at `now`.
const Fault* pick_tls_fault(const FaultPlan& plan, Clock::time_point now, Dice& dice);

}  // namespace tcmpp_sim
