// SPDX-License-Identifier: Apache-2.0
#pragma once
// The wall-clock scheduler: every probe runs `probes_per_minute` times in each
// wall-clock minute (R1), spread evenly, probes offset from each other.

#include "probes/probe.hpp"
#include "sla/clock.hpp"
#include "sla/time.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/system_timer.hpp>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <vector>

namespace slawatch::daemon {

// The milliseconds since the epoch of the k-th run (0 <= k < probes_per_minute)
// of probe `probe_index` of `probe_count` in `minute`. Computed from the minute
// number alone, never accumulated, so that it cannot drift.
sla::EpochMillis planned_time(sla::EpochMinute minute, int k, int probes_per_minute,
                              int probe_index, int probe_count);

// All planned send times of one probe in one minute, in order; all lie in the minute.
std::vector<sla::EpochMillis> planned_times(sla::EpochMinute minute, int probes_per_minute,
                                            int probe_index, int probe_count);

// A slot: the k-th planned run of a minute.
struct Slot {
    sla::EpochMinute minute = 0;
    int k = 0;
    friend bool operator==(const Slot&, const Slot&) = default;
};

// The first slot whose planned time is at or after `now_ms`.
Slot first_slot_at_or_after(sla::EpochMillis now_ms, int probes_per_minute, int probe_index,
                            int probe_count);

// The slot after `s`.
Slot next_slot(Slot s, int probes_per_minute);

// Scheduling lateness (actual start - planned start), kept for the benchmarks.
struct JitterStats {
    std::vector<std::int64_t> samples_us;  // bounded ring
    std::size_t next = 0;
    void add(std::int64_t us);
    // The q-quantile (0..1) of the kept samples; 0 when empty.
    std::int64_t quantile(double q) const;
};

// Runs the probes on their timers. Every run is an independent asynchronous
// operation: one that overruns never delays another. Owned by a shared_ptr:
// timers and runs in flight hold it (shared_from_this) until they end.
class Scheduler : public std::enable_shared_from_this<Scheduler> {
public:
    // Called on the executor with each finished run and its planned start.
    using ResultHandler =
        std::function<void(const std::string& name, sla::EpochMillis planned, sla::Sample)>;

    // Called whenever the earliest minute with a pending run changes (nullopt: none).
    using PendingObserver = std::function<void(std::optional<sla::EpochMinute>)>;

    Scheduler(boost::asio::any_io_executor executor, int probes_per_minute,
              ResultHandler on_result);
    ~Scheduler();
    Scheduler(const Scheduler&) = delete;
    Scheduler& operator=(const Scheduler&) = delete;

    // Replaces the probes (start, or a config reload). Runs in flight finish
    // and are still reported.
    void set_probes(std::vector<std::shared_ptr<probes::Probe>> probes, int probes_per_minute);

    // Stops planning new runs; runs in flight still complete.
    void stop();

    // Runs planned in `minute` (or before) that have not completed yet,
    // including those whose timer has not fired.
    int pending_through(sla::EpochMinute minute) const;
    int in_flight() const { return in_flight_; }
    // The earliest minute with a run planned and not yet completed.
    std::optional<sla::EpochMinute> earliest_pending() const;
    // A result is handed to on_result before its run stops counting as pending.
    void set_pending_observer(PendingObserver observer) { on_pending_ = std::move(observer); }

    const JitterStats& jitter() const { return jitter_; }

private:
    struct Entry;
    void arm(const std::shared_ptr<Entry>& e);
    void on_timer(const std::shared_ptr<Entry>& e, sla::EpochMillis planned);
    void add_pending(sla::EpochMinute m, int delta);

    boost::asio::any_io_executor executor_;
    int probes_per_minute_;
    ResultHandler on_result_;
    PendingObserver on_pending_;
    std::vector<std::shared_ptr<Entry>> entries_;
    std::map<sla::EpochMinute, int> pending_;  // planned minute -> runs not yet completed
    int in_flight_ = 0;
    JitterStats jitter_;
};

// Wall-clock now, ms since the epoch: the process's one clock (sla/clock.hpp).
using sla::now_ms;

}  // namespace slawatch::daemon
