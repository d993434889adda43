// SPDX-License-Identifier: Apache-2.0
// Fault plan parsing and matching (README.md "Fault plan").

#include "tools/tcmpp-sim/fault_plan.hpp"

#include <toml++/toml.h>

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <fstream>
#include <sstream>

namespace tcmpp_sim {
namespace {

constexpr std::array<std::string_view, fault_kind_count> kind_names = {
    "http_5xx", "api_error", "slow", "hang", "reset", "malformed", "oversized", "bad_tls"};

constexpr std::array<std::string_view, 5> known_actions = {
    "DescribeMNPReleasedVersionHistory", "DescribeMNPAllStageVersions",
    "DescribeMNPOfflinePackageURL", "DescribeMNPList", download_action};

// Parsing context: names the source in every error.
struct Reader {
    std::string_view origin;

    [[noreturn]] void fail(const toml::source_region& at, std::string_view message) const {
        throw PlanError(
            fmt::format("{}:{}:{}: {}", origin, at.begin.line, at.begin.column, message));
    }

    std::string string(const toml::node& n, std::string_view key) const {
        if (!n.is_string()) fail(n.source(), fmt::format("'{}' must be a string", key));
        return *n.value<std::string>();
    }

    Duration duration(const toml::node& n, std::string_view key) const {
        const auto d = parse_duration(string(n, key));
        if (!d)
            fail(n.source(),
                 fmt::format("'{}' is not a duration (e.g. \"5s\", \"250ms\", \"1m30s\")", key));
        return *d;
    }

    Clock::time_point datetime(const toml::node& n, std::string_view key) const {
        const auto* dt = n.as_date_time();
        if (!dt)
            fail(n.source(), fmt::format("'{}' must be an offset date-time, e.g. "
                                         "2026-06-01T00:01:00Z",
                                         key));
        const toml::date_time& v = dt->get();
        if (!v.offset)
            fail(n.source(), fmt::format("'{}' needs a UTC offset ('Z' or '+08:00')", key));
        const std::chrono::year_month_day ymd{std::chrono::year{v.date.year},
                                              std::chrono::month{v.date.month},
                                              std::chrono::day{v.date.day}};
        if (!ymd.ok()) fail(n.source(), fmt::format("'{}' is not a valid date", key));
        // The system clock counts nanoseconds in 64 bits: years 1678..2262 only.
        if (v.date.year < 1970 || v.date.year > 2200)
            fail(n.source(), fmt::format("'{}' must be between the years 1970 and 2200", key));
        auto t = std::chrono::sys_days{ymd} + std::chrono::hours{v.time.hour} +
                 std::chrono::minutes{v.time.minute} + std::chrono::seconds{v.time.second} +
                 std::chrono::nanoseconds{v.time.nanosecond} -
                 std::chrono::minutes{v.offset->minutes};
        return std::chrono::time_point_cast<Clock::duration>(t);
    }
};

// A fault table being read: the fault so far, and the window keys seen, which
// are checked together once every key is read.
struct FaultReading {
    Fault fault;
    std::optional<Duration> after, duration;
    const toml::node* absolute_key = nullptr;
    const toml::node* relative_key = nullptr;
};

FaultKind read_kind(const Reader& r, const toml::table& t) {
    const toml::node* kind = t.get("kind");
    if (!kind) r.fail(t.source(), "fault needs 'kind'");
    const std::string kind_text = r.string(*kind, "kind");
    const auto it = std::find(kind_names.begin(), kind_names.end(), kind_text);
    if (it == kind_names.end())
        r.fail(kind->source(), fmt::format("unknown kind '{}' (one of http_5xx, api_error, slow, "
                                           "hang, reset, malformed, oversized, bad_tls)",
                                           kind_text));
    return static_cast<FaultKind>(it - kind_names.begin());
}

void read_actions(const Reader& r, const toml::node& node, Fault& f) {
    if (f.kind == FaultKind::bad_tls)
        r.fail(node.source(),
               "'actions' cannot be set for bad_tls: the certificate is "
               "chosen before any request is seen");
    const auto* arr = node.as_array();
    if (!arr) r.fail(node.source(), "'actions' must be an array of strings");
    for (const toml::node& a : *arr) {
        std::string name = r.string(a, "actions");
        if (std::find(known_actions.begin(), known_actions.end(), name) == known_actions.end())
            r.fail(a.source(),
                   fmt::format("unknown action '{}' (one of DescribeMNPReleasedVersion"
                               "History, DescribeMNPAllStageVersions, DescribeMNPOffline"
                               "PackageURL, DescribeMNPList, download)",
                               name));
        f.actions.push_back(std::move(name));
    }
}

// The keys that say when a fault applies; false when `k` is not one of them.
bool read_timing_key(const Reader& r, std::string_view k, const toml::node& node,
                     FaultReading& in) {
    Fault& f = in.fault;
    if (k == "from" || k == "until") {
        (k == "from" ? f.start : f.end) = r.datetime(node, k);
        in.absolute_key = &node;
    } else if (k == "after") {
        in.after = r.duration(node, k);
        in.relative_key = &node;
    } else if (k == "duration") {
        in.duration = r.duration(node, k);
        if (*in.duration <= Duration::zero()) r.fail(node.source(), "'duration' must be > 0");
        in.relative_key = &node;
    } else if (k == "every") {
        f.every = r.duration(node, k);
        if (*f.every <= Duration::zero()) r.fail(node.source(), "'every' must be > 0");
    } else if (k == "probability") {
        std::optional<double> p;
        if (node.is_integer()) p = static_cast<double>(*node.value<std::int64_t>());
        if (node.is_floating_point()) p = *node.value<double>();
        if (!p || !(*p >= 0.0 && *p <= 1.0))
            r.fail(node.source(), "'probability' must be a number in 0..1");
        f.probability = *p;
    } else {
        return false;
    }
    return true;
}

// The keys that belong to one kind; false when `k` is not one of them. They
// are errors on any other kind: a typo'd plan must not silently do nothing.
bool read_kind_key(const Reader& r, std::string_view k, const toml::node& node, Fault& f) {
    auto only_for = [&](FaultKind kind) {
        if (f.kind != kind)
            r.fail(node.source(),
                   fmt::format("'{}' applies only to kind = \"{}\"", k, to_string(kind)));
    };
    if (k == "status") {
        only_for(FaultKind::http_5xx);
        // Only an integer node is read as one: toml++ converts a float
        // such as 5e95 to int64 unchecked (undefined behaviour).
        const auto s = node.is_integer() ? node.value<std::int64_t>() : std::nullopt;
        if (!s || *s < 500 || *s > 599)
            r.fail(node.source(), "'status' must be an integer in 500..599");
        f.status = static_cast<unsigned>(*s);
    } else if (k == "code") {
        only_for(FaultKind::api_error);
        f.code = r.string(node, k);
        if (f.code.empty()) r.fail(node.source(), "'code' must not be empty");
    } else if (k == "message") {
        only_for(FaultKind::api_error);
        f.message = r.string(node, k);
    } else if (k == "delay") {
        only_for(FaultKind::slow);
        f.delay = r.duration(node, k);
    } else if (k == "part") {
        only_for(FaultKind::oversized);
        const std::string part = r.string(node, k);
        if (part != "body" && part != "header")
            r.fail(node.source(), "'part' must be \"body\" or \"header\"");
        f.oversized_header = part == "header";
    } else {
        return false;
    }
    return true;
}

// The window as a whole: one style (absolute or relative), not empty, and no
// longer than its period.
void settle_window(const Reader& r, const toml::table& t, FaultReading& in,
                   Clock::time_point loaded_at) {
    Fault& f = in.fault;
    if (in.absolute_key && in.relative_key)
        r.fail(in.relative_key->source(),
               "'after'/'duration' (relative) cannot be mixed with 'from'/'until' (absolute)");
    if (in.relative_key) {
        f.start = loaded_at + in.after.value_or(Duration::zero());
        if (in.duration) f.end = *f.start + *in.duration;
    }
    if (f.start && f.end && *f.end <= *f.start)
        r.fail(t.source(), "the window is empty: 'until' must be after 'from'");
    if (f.every) {
        if (!f.start || !f.end)
            r.fail(t.source(),
                   "'every' needs a bounded window ('duration', or 'from' and 'until')");
        if (*f.end - *f.start > *f.every)
            r.fail(t.source(), "the window is longer than its period 'every'");
    }
}

Fault read_fault(const Reader& r, const toml::table& t, Clock::time_point loaded_at) {
    FaultReading in;
    in.fault.kind = read_kind(r, t);
    for (auto&& [key, node] : t) {
        const std::string_view k = key.str();
        if (k == "kind") continue;
        if (k == "actions")
            read_actions(r, node, in.fault);
        else if (!read_timing_key(r, k, node, in) && !read_kind_key(r, k, node, in.fault))
            r.fail(node.source(), fmt::format("unknown key '{}'", k));
    }
    settle_window(r, t, in, loaded_at);
    return in.fault;
}

std::uint64_t splitmix64(std::uint64_t x) {
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

}  // namespace

std::string_view to_string(FaultKind k) {
    return kind_names[static_cast<std::size_t>(k)];
}

constexpr std::int64_t max_duration_ms = std::int64_t{100} * 366 * 86'400'000;

std::optional<Duration> parse_duration(std::string_view text) {
    if (text.empty()) return std::nullopt;
    Duration total{0};
    while (!text.empty()) {
        std::int64_t n = 0;
        const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
        if (ec != std::errc{} || ptr == text.data() || n < 0) return std::nullopt;
        text.remove_prefix(static_cast<std::size_t>(ptr - text.data()));
        std::size_t unit_len = 0;
        while (unit_len < text.size() && text[unit_len] >= 'a' && text[unit_len] <= 'z') ++unit_len;
        const std::string_view unit = text.substr(0, unit_len);
        text.remove_prefix(unit_len);
        std::int64_t ms_per = 0;
        if (unit == "ms")
            ms_per = 1;
        else if (unit == "s")
            ms_per = 1000;
        else if (unit == "m")
            ms_per = 60'000;
        else if (unit == "h")
            ms_per = 3'600'000;
        else if (unit == "d")
            ms_per = 86'400'000;
        else
            return std::nullopt;
        // At most 100 years in all, so that a time point plus two durations
        // still fits the system clock's 64-bit nanoseconds.
        if (n > max_duration_ms / ms_per || total.count() + n * ms_per > max_duration_ms)
            return std::nullopt;
        total += Duration{n * ms_per};
    }
    return total;
}

bool Fault::active_at(Clock::time_point t) const {
    if (start && t < *start) return false;
    if (!every) return !end || t < *end;
    const auto since = std::chrono::duration_cast<Duration>(t - *start);
    return since % *every < std::chrono::duration_cast<Duration>(*end - *start);
}

bool Fault::matches_action(std::string_view action) const {
    return actions.empty() || std::find(actions.begin(), actions.end(), action) != actions.end();
}

FaultPlan parse_fault_plan(std::string_view toml_text, std::string_view origin,
                           Clock::time_point loaded_at) {
    const Reader r{origin};
    toml::table root;
    try {
        root = toml::parse(toml_text, origin);
    } catch (const toml::parse_error& e) {
        r.fail(e.source(), e.description());
    }
    FaultPlan plan;
    plan.source_text = std::string(toml_text);
    for (auto&& [key, node] : root) {
        if (key.str() != "fault")
            r.fail(node.source(),
                   fmt::format("unknown key '{}' (a plan holds [[fault]] entries)", key.str()));
        const auto* arr = node.as_array();
        if (!arr) r.fail(node.source(), "'fault' must be an array of tables: [[fault]]");
        for (const toml::node& entry : *arr) {
            const auto* t = entry.as_table();
            if (!t) r.fail(entry.source(), "each fault must be a table: [[fault]]");
            plan.faults.push_back(read_fault(r, *t, loaded_at));
        }
    }
    return plan;
}

FaultPlan load_fault_plan_file(const std::string& path, Clock::time_point loaded_at) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw PlanError(fmt::format("{}:1:1: cannot open the fault plan", path));
    std::ostringstream text;
    text << in.rdbuf();
    return parse_fault_plan(text.str(), path, loaded_at);
}

bool Dice::roll(double p) {
    if (p >= 1.0) return true;
    if (p <= 0.0) return false;
    const std::uint64_t n = counter_.fetch_add(1, std::memory_order_relaxed);
    const double u =
        static_cast<double>(splitmix64(seed_ ^ splitmix64(n)) >> 11) * 0x1.0p-53;  // [0, 1)
    return u < p;
}

const Fault* pick_request_fault(const FaultPlan& plan, std::string_view action,
                                Clock::time_point now, Dice& dice) {
    for (const Fault& f : plan.faults) {
        if (f.kind == FaultKind::bad_tls) continue;
        if (f.active_at(now) && f.matches_action(action) && dice.roll(f.probability)) return &f;
    }
    return nullptr;
}

const Fault* pick_tls_fault(const FaultPlan& plan, Clock::time_point now, Dice& dice) {
    for (const Fault& f : plan.faults) {
        if (f.kind == FaultKind::bad_tls && f.active_at(now) && dice.roll(f.probability)) return &f;
    }
    return nullptr;
}

}  // namespace tcmpp_sim
