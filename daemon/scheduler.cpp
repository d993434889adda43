// SPDX-License-Identifier: Apache-2.0
#include "daemon/scheduler.hpp"

#include <boost/asio/post.hpp>

#include <algorithm>
#include <chrono>

namespace slawatch::daemon {
namespace asio = boost::asio;

namespace {
constexpr sla::EpochMillis minute_ms = 60'000;
constexpr std::size_t jitter_capacity = 65'536;

// Floor division for the (theoretical) times before the epoch.
constexpr std::int64_t floor_div(std::int64_t a, std::int64_t b) {
    return a >= 0 ? a / b : -((-a + b - 1) / b);
}
}  // namespace

// R1: runs spread evenly through the wall-clock minute; probe i of n starts
// i/n of a period later than probe 0, so probes do not fire all at once.
sla::EpochMillis planned_time(sla::EpochMinute minute, int k, int probes_per_minute,
                              int probe_index, int probe_count) {
    const std::int64_t ppm = std::max(1, probes_per_minute);
    const std::int64_t n = std::max(1, probe_count);
    // offset = k * period + index * period / n, with period = 60000 / ppm, in exact integers.
    const std::int64_t offset = (k * n + probe_index) * minute_ms / (ppm * n);
    return minute * minute_ms + offset;
}

std::vector<sla::EpochMillis> planned_times(sla::EpochMinute minute, int probes_per_minute,
                                            int probe_index, int probe_count) {
    std::vector<sla::EpochMillis> out;
    out.reserve(static_cast<std::size_t>(std::max(1, probes_per_minute)));
    for (int k = 0; k < std::max(1, probes_per_minute); ++k)
        out.push_back(planned_time(minute, k, probes_per_minute, probe_index, probe_count));
    return out;
}

Slot first_slot_at_or_after(sla::EpochMillis now, int probes_per_minute, int probe_index,
                            int probe_count) {
    const int ppm = std::max(1, probes_per_minute);
    Slot s{floor_div(now, minute_ms), 0};
    // At most ppm + 1 steps: the answer is in this minute or the first slot of the next.
    while (planned_time(s.minute, s.k, ppm, probe_index, probe_count) < now) s = next_slot(s, ppm);
    return s;
}

Slot next_slot(Slot s, int probes_per_minute) {
    if (s.k + 1 < std::max(1, probes_per_minute)) return {s.minute, s.k + 1};
    return {s.minute + 1, 0};
}

void JitterStats::add(std::int64_t us) {
    if (samples_us.size() < jitter_capacity) {
        samples_us.push_back(us);
    } else {
        samples_us[next] = us;
        next = (next + 1) % jitter_capacity;
    }
}

std::int64_t JitterStats::quantile(double q) const {
    if (samples_us.empty()) return 0;
    auto copy = samples_us;
    const auto i = static_cast<std::size_t>(q * static_cast<double>(copy.size() - 1));
    std::nth_element(copy.begin(), copy.begin() + static_cast<std::ptrdiff_t>(i), copy.end());
    return copy[i];
}

struct Scheduler::Entry {
    Entry(asio::any_io_executor ex, std::shared_ptr<probes::Probe> p, int i, int n)
        : probe(std::move(p)), index(i), count(n), timer(ex) {}
    std::shared_ptr<probes::Probe> probe;
    int index;
    int count;
    asio::system_timer timer;
    Slot slot;
    sla::EpochMillis armed_for = 0;  // planned time of the armed slot
    bool armed = false;
    bool stopped = false;
};

Scheduler::Scheduler(asio::any_io_executor executor, int probes_per_minute, ResultHandler on_result)
    : executor_(std::move(executor)),
      probes_per_minute_(std::max(1, probes_per_minute)),
      on_result_(std::move(on_result)) {}

Scheduler::~Scheduler() {
    stop();
}

void Scheduler::set_probes(std::vector<std::shared_ptr<probes::Probe>> probes,
                           int probes_per_minute) {
    stop();
    probes_per_minute_ = std::max(1, probes_per_minute);
    const int n = static_cast<int>(probes.size());
    const auto now = now_ms();
    for (int i = 0; i < n; ++i) {
        auto e = std::make_shared<Entry>(executor_, std::move(probes[static_cast<std::size_t>(i)]),
                                         i, n);
        e->slot = first_slot_at_or_after(now, probes_per_minute_, i, n);
        entries_.push_back(e);
        arm(e);
    }
}

void Scheduler::stop() {
    for (auto& e : entries_) {
        e->stopped = true;
        if (e->armed) {
            // The slot will never run: it no longer holds its minute open.
            e->armed = false;
            add_pending(sla::minute_of_ms(e->armed_for), -1);
        }
        e->timer.cancel();
    }
    entries_.clear();
}

void Scheduler::add_pending(sla::EpochMinute m, int delta) {
    const auto before = earliest_pending();
    auto& v = pending_[m];
    v += delta;
    if (v <= 0) pending_.erase(m);
    if (on_pending_ && earliest_pending() != before) on_pending_(earliest_pending());
}

std::optional<sla::EpochMinute> Scheduler::earliest_pending() const {
    if (pending_.empty()) return std::nullopt;
    return pending_.begin()->first;
}

int Scheduler::pending_through(sla::EpochMinute minute) const {
    int sum = 0;
    for (auto it = pending_.begin(); it != pending_.end() && it->first <= minute; ++it)
        sum += it->second;
    return sum;
}

void Scheduler::arm(const std::shared_ptr<Entry>& e) {
    const auto planned =
        planned_time(e->slot.minute, e->slot.k, probes_per_minute_, e->index, e->count);
    e->armed = true;
    e->armed_for = planned;
    add_pending(sla::minute_of_ms(planned), +1);
    // An absolute wall-clock expiry: planned times never accumulate error.
    e->timer.expires_at(sla::system_time_of(planned));
    e->timer.async_wait([self = shared_from_this(), e, planned](boost::system::error_code ec) {
        if (ec || e->stopped) return;
        self->on_timer(e, planned);
    });
}

void Scheduler::on_timer(const std::shared_ptr<Entry>& e, sla::EpochMillis planned) {
    e->armed = false;
    // On the process clock (sla/clock.hpp), like the planned time.
    const auto now_us = sla::now_us();
    jitter_.add(now_us - planned * 1000);

    // Start the run; its completion is independent of every other run.
    ++in_flight_;
    const auto planned_minute = sla::minute_of_ms(planned);
    std::string name = e->probe->settings().name;
    e->probe->run([self = shared_from_this(), planned, planned_minute,
                   name = std::move(name)](sla::Sample s) {
        --self->in_flight_;
        // Handed over first: whoever sees the minute no longer pending finds its result.
        self->on_result_(name, planned, std::move(s));
        self->add_pending(planned_minute, -1);
    });

    // Next slot; after a long stall (suspend, overload) skip the missed ones
    // instead of firing them in a burst.
    e->slot = next_slot(e->slot, probes_per_minute_);
    const auto now = now_us / 1000;
    if (planned_time(e->slot.minute, e->slot.k, probes_per_minute_, e->index, e->count) < now)
        e->slot = first_slot_at_or_after(now, probes_per_minute_, e->index, e->count);
    if (!e->stopped) arm(e);
}

}  // namespace slawatch::daemon
