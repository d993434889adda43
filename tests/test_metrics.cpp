// SPDX-License-Identifier: Apache-2.0
// /metrics by Prometheus conventions: the rendered text passes `promtool check
// metrics`, minute counts are seconds, ratios are 0-1, a month's length and
// budget are its own (31 days is not 30), no phase label double-counts the run.
#include "daemon/metrics.hpp"

#include "sla/month_report.hpp"
#include "tests/support/process.hpp"
#include "tests/support/store_config.hpp"

#include <fmt/format.h>
#include <catch2/catch.hpp>

#include <filesystem>
#include <sstream>

using namespace slawatch;
using slawatch::testing::run;

namespace {

// The value of `series` written without its leading vantage label: `name` or
// `name{labels}` becomes `name{vantage="sh-office",labels}`.
std::string with_vantage(const std::string& series) {
    const auto brace = series.find('{');
    if (brace == std::string::npos) return series + R"({vantage="sh-office"})";
    return series.substr(0, brace + 1) + R"(vantage="sh-office",)" + series.substr(brace + 1);
}

std::optional<double> value_of(const std::string& text, const std::string& plain_series) {
    const auto series = with_vantage(plain_series);
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);)
        if (line.starts_with(series + " ")) return std::stod(line.substr(series.size() + 1));
    return std::nullopt;
}

// The whole sample line of `series` (with its vantage label), or "".
std::string line_of(const std::string& text, const std::string& plain_series) {
    const auto series = with_vantage(plain_series);
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);)
        if (line.starts_with(series + " ")) return line;
    return {};
}

sla::ServiceMonth month_of(const sla::ContractTerms& terms, const char* ym) {
    return *sla::find_service_month(terms.months(), *sla::parse_year_month(ym));
}

sla::MonthReport report(const sla::ContractTerms& terms, const char* ym, std::int64_t up,
                        std::int64_t down, std::int64_t elapsed) {
    sla::StateCounts counts;
    counts[sla::MinuteState::up] = up;
    counts[sla::MinuteState::down] = down;
    return sla::make_month_report(terms, month_of(terms, ym), counts, elapsed);
}

sla::Sample sample(sla::EpochMillis sent, sla::Outcome outcome) {
    sla::Sample s;
    s.sent_ms = sent;
    s.outcome = outcome;
    s.phases = {1'000, 3'000, 7'000, 57'000, 60'000};
    return s;
}

// A daemon's worth of figures: two months, two probes, minutes, a reload.
std::string rendered() {
    const auto config = testing::store_config({});
    const auto& terms = config.contract.terms;
    daemon::Metrics m;
    m.set_vantage("sh-office");
    m.record_result("management", sample(1'780'000'000'000, sla::Outcome::ok));
    m.record_result("management", sample(1'780'000'002'000, sla::Outcome::timeout));
    m.record_result("release", sample(1'780'000'001'000, sla::Outcome::ok));
    // Minute 29,666,999 (up) then 29,667,000 (down): the later one is the last.
    m.record_minute("service", 29'667'000, sla::MinuteState::down, "2026-05");
    m.record_minute("service", 29'666'999, sla::MinuteState::up, "2026-05");
    m.record_minute("management", 29'667'000, sla::MinuteState::down);
    // May 2026 (31 days): 100 of its first 10,000 minutes down.
    m.set_month(terms, report(terms, "2026-05", 9'000, 100, 10'000));
    m.set_claim_months(terms, {report(terms, "2026-04", 43'150, 50, 43'200)});
    m.set_finalized_until(1'780'000'020 / 60);
    m.set_writer(2, 3);
    m.add_compacted(34'000);
    m.set_reload(false, 1'780'000'030);
    return m.render("1.2.3");
}

}  // namespace

TEST_CASE("metrics pass promtool check metrics with every family populated", "[metrics]") {
    const auto text = rendered();
    REQUIRE(std::filesystem::exists("/usr/bin/promtool"));  // scripts/install-deps.sh: prometheus
    const auto lint = run({"/usr/bin/promtool", "check", "metrics"}, text);
    INFO(text);
    INFO(lint.out + lint.err);
    CHECK(lint.exit_code == 0);
    CHECK(lint.out.empty());
    CHECK(lint.err.empty());
}

TEST_CASE("R7 R8: the month's length and budget are its own, minutes are seconds, ratios 0-1",
          "[metrics]") {
    const auto text = rendered();
    CHECK(value_of(text, "slawatch_month_length_seconds") == 31 * 86400.0);
    CHECK(value_of(text, "slawatch_month_elapsed_seconds") == 10'000 * 60.0);
    // 99.9 % of 44,640 minutes: 44 may be unavailable (not 43, as in a 30-day month).
    CHECK(value_of(text, "slawatch_month_error_budget_seconds") == 44 * 60.0);
    CHECK(value_of(text, "slawatch_month_error_budget_remaining_seconds") == 0.0);
    CHECK(value_of(text, R"(slawatch_month_state_seconds{state="down"})") == 100 * 60.0);
    CHECK(value_of(text, R"(slawatch_month_state_seconds{state="unknown"})") == 900 * 60.0);
    CHECK(value_of(text, "slawatch_month_coverage_ratio") == Approx(0.91));
    CHECK(value_of(text, "slawatch_month_availability_ratio") == Approx(1 - 100.0 / 44'640));
    CHECK(value_of(text, "slawatch_month_standard_ratio") == Approx(0.999));
    CHECK(value_of(text, "slawatch_month_compensation_ratio") == Approx(0.10));
    // 100 in 10,000 minutes projects to 446 of 44,640: 99.0009 %, still the 10 % tier.
    CHECK(value_of(text, "slawatch_month_projected_unavailable_seconds") == 446 * 60.0);
    CHECK(value_of(text, "slawatch_month_projected_compensation_ratio") == Approx(0.10));
    CHECK(value_of(text, R"(slawatch_month_info{month="2026-05",index="3"})") == 1.0);
    // 2026-05-01 00:00 in Asia/Shanghai.
    CHECK(value_of(text, "slawatch_month_start_timestamp_seconds") == 1'777'564'800.0);
    // No name in a non-base unit or in percent (the help text may say "minutes").
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
        if (line.starts_with("#")) continue;
        const auto name = line.substr(0, line.find_first_of("{ "));
        CHECK(name.find("minutes") == std::string::npos);
        CHECK(name.find("percent") == std::string::npos);
    }
}

TEST_CASE("R10: claim windows of the running and the previous month as timestamps", "[metrics]") {
    const auto text = rendered();
    // April 2026: the window opens on a local midnight and closes at the
    // midnight that ends its deadline day.
    const auto opens =
        value_of(text, R"(slawatch_claim_window_opens_timestamp_seconds{month="2026-04"})");
    const auto deadline =
        value_of(text, R"(slawatch_claim_window_deadline_timestamp_seconds{month="2026-04"})");
    REQUIRE(opens);
    REQUIRE(deadline);
    const auto config = testing::store_config({});
    const auto& terms = config.contract.terms;
    const auto april = report(terms, "2026-04", 43'150, 50, 43'200);
    CHECK(*opens == 60.0 * static_cast<double>(terms.zone.start_of_day(april.claim.opens)));
    // The deadline day is included: the window closes at the next local midnight.
    CHECK(*deadline == 60.0 * static_cast<double>(
                                  terms.zone.start_of_day(sla::add_days(april.claim.deadline, 1))));
    CHECK(*deadline - *opens > 40 * 86400.0);
    CHECK(value_of(text, R"(slawatch_claim_compensation_ratio{month="2026-04"})") == Approx(0.10));
    CHECK(value_of(text, R"(slawatch_claim_compensation_ratio{month="2026-05"})") == Approx(0.10));
}

TEST_CASE("probe success, last success, phases without a total and state seconds", "[metrics]") {
    const auto text = rendered();
    CHECK(value_of(text, R"(slawatch_probe_success{probe="management"})") == 0.0);
    CHECK(value_of(text, R"(slawatch_probe_success{probe="release"})") == 1.0);
    CHECK(value_of(text, R"(slawatch_probe_last_success_timestamp_seconds{probe="management"})") ==
          1'780'000'000.0);
    CHECK(text.find("phase=\"total\"") == std::string::npos);
    // Steps: dns 1 ms, connect 2 ms, tls 4 ms, first byte 50 ms; the run 60 ms.
    CHECK(
        value_of(text, R"(slawatch_probe_phase_seconds_sum{probe="release",phase="first_byte"})") ==
        Approx(0.050));
    CHECK(value_of(text, R"(slawatch_probe_duration_seconds_sum{probe="management"})") ==
          Approx(0.120));
    CHECK(value_of(text, R"(slawatch_probe_duration_seconds_count{probe="management"})") == 2.0);
    CHECK(value_of(text, R"(slawatch_state_seconds_total{probe="service",state="down"})") == 60.0);
    CHECK(value_of(text, R"(slawatch_state_seconds_total{probe="service",state="up"})") == 60.0);
    CHECK(value_of(text, "slawatch_config_last_reload_successful") == 0.0);
    CHECK(value_of(text, "slawatch_result_buffer_dropped_total") == 2.0);
    CHECK(value_of(text, "slawatch_compacted_results_total") == 34'000.0);
    CHECK(value_of(text, "process_resident_memory_bytes") > 0.0);
    CHECK(value_of(text, "process_open_fds") > 0.0);
    CHECK(value_of(text, "process_start_time_seconds") > 1.6e9);
}

TEST_CASE("every series carries the vantage point, process_* and histograms too", "[metrics]") {
    const auto text = rendered();
    std::istringstream in(text);
    int samples = 0;
    for (std::string line; std::getline(in, line);) {
        if (line.empty() || line.starts_with("#")) continue;
        ++samples;
        INFO(line);
        // The first label of every sample, so a global view can select one host's series.
        const auto brace = line.find('{');
        REQUIRE(brace != std::string::npos);
        CHECK(line.compare(brace, 20, R"({vantage="sh-office")") == 0);
    }
    CHECK(samples > 50);
    CHECK(value_of(text, "process_open_fds") > 0.0);
    CHECK(value_of(text, R"(slawatch_probe_duration_seconds_bucket{probe="release",le="+Inf"})") ==
          1.0);
    CHECK(value_of(text, "slawatch_month_length_seconds") == 31 * 86400.0);
}

TEST_CASE("the last finalized minute's service state, stamped with the minute's start",
          "[metrics]") {
    const auto text = rendered();
    // One-hot over all six states: down is 1, the others 0.
    CHECK(value_of(text, R"(slawatch_service_minute_state{month="2026-05",state="down"})") == 1.0);
    for (const char* other : {"up", "unknown", "maintenance", "local_network", "customer"})
        CHECK(value_of(text,
                       fmt::format(R"(slawatch_service_minute_state{{month="2026-05",state="{}"}})",
                                   other)) == 0.0);
    // The sample's timestamp is minute 29,667,000's start in milliseconds, not the
    // scrape's time: vantage points that finalize it at different times still align.
    // Its Service Month is a label: a month's sum never takes a minute of another.
    CHECK(
        line_of(text, R"(slawatch_service_minute_state{month="2026-05",state="down"})") ==
        R"(slawatch_service_minute_state{vantage="sh-office",month="2026-05",state="down"} 1 1780020000000)");
    // The counter per state stays as it was: 60 s per finalized minute.
    CHECK(value_of(text, R"(slawatch_state_seconds_total{probe="service",state="up"})") == 60.0);
}

TEST_CASE("no minute finalized yet: no service minute state; outside the term no month label",
          "[metrics]") {
    daemon::Metrics m;
    m.set_vantage("idc-2");
    const auto text = m.render("1.2.3");
    CHECK(text.find("slawatch_service_minute_state") == std::string::npos);
    CHECK(text.find(R"(slawatch_build_info{vantage="idc-2",version="1.2.3"} 1)") !=
          std::string::npos);
    const auto lint = run({"/usr/bin/promtool", "check", "metrics"}, text);
    CHECK(lint.exit_code == 0);
    m.record_minute("service", 29'667'000, sla::MinuteState::unknown);
    CHECK(
        m.render("1.2.3").find(
            R"(slawatch_service_minute_state{vantage="idc-2",state="unknown"} 1 1780020000000)") !=
        std::string::npos);
}
