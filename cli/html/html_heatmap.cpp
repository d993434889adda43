// SPDX-License-Identifier: Apache-2.0
// The month's calendar heatmap (html_heatmap.hpp).

#include "cli/html/html_heatmap.hpp"

#include "cli/html/html_writer.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>

namespace slawatch::cli::html {
namespace {

using Counts = std::array<std::int64_t, future_state + 1>;

constexpr std::int64_t max_titled_runs = 240;
constexpr std::int64_t min_down_width = 4;  // minutes: about 2.5 px on a 1,280 px page

Counts count(const DayMinutes& d) {
    Counts c{};
    for (const auto s : d.states) ++c[s];
    return c;
}

// "HH:MM" of a minute of `d` (offset from local midnight; DST days are
// shorter or longer, the title gives the exact time).
std::string clock(const sla::TimeZone& zone, sla::EpochMinute m) {
    return zone.format_minute(m).substr(11, 5);
}

std::string day_label(const Counts& c) {
    std::string out;
    for (int s = 0; s <= future_state; ++s) {
        if (c[static_cast<std::size_t>(s)] == 0) continue;
        out += fmt::format("{}{} {}", out.empty() ? "" : ", ",
                           thousands(c[static_cast<std::size_t>(s)]), state_label(s));
    }
    return out;
}

}  // namespace

std::vector<DayMinutes> month_minutes(const storage::Figures& store, const sla::TimeZone& zone,
                                      const sla::ServiceMonth& month, sla::EpochMillis now) {
    const auto now_minute = sla::minute_of_ms(now);
    std::vector<DayMinutes> days;
    for (auto d = month.first; d <= month.last; d = sla::add_days(d, 1)) {
        const auto start = zone.start_of_day(d);
        const auto end = zone.start_of_day(sla::add_days(d, 1));
        DayMinutes day{d, start, {}};
        day.states.assign(static_cast<std::size_t>(end - start),
                          static_cast<std::uint8_t>(sla::MinuteState::unknown));
        for (auto m = std::max(start, now_minute); m < end; ++m) {
            day.states[static_cast<std::size_t>(m - start)] = future_state;
        }
        days.push_back(std::move(day));
    }
    if (days.empty()) return days;
    const auto from = days.front().start;
    const auto to = std::min(zone.start_of_day(sla::add_days(month.last, 1)), now_minute);
    if (to <= from) return days;
    // One query for the month; rows are ordered by minute.
    std::size_t i = 0;
    for (const auto& row : store.minutes(from, to, std::string("service"))) {
        while (i + 1 < days.size() && row.minute >= days[i + 1].start) ++i;
        const auto at = row.minute - days[i].start;
        if (at >= 0 && at < static_cast<std::int64_t>(days[i].states.size())) {
            days[i].states[static_cast<std::size_t>(at)] = static_cast<std::uint8_t>(row.state);
        }
    }
    return days;
}

std::string heatmap(const std::vector<DayMinutes>& days, const sla::TimeZone& zone) {
    std::string out = legend();
    out +=
        "<div class=\"heatmap\" role=\"list\" aria-label=\"Service minutes, one row per day\">\n"
        "<span></span><div class=\"axis\" aria-hidden=\"true\">";
    for (int h = 0; h <= 24; h += 3) out += fmt::format("<span>{:02}:00</span>", h);
    out += "</div><span class=\"note\">down minutes</span>\n";
    for (const auto& d : days) {
        const auto c = count(d);
        const auto date = sla::format_date(d.day);
        const auto n = static_cast<std::int64_t>(d.states.size());
        out += fmt::format(
            "<span class=\"day\">{}</span><svg class=\"row\" role=\"img\" viewBox=\"0 0 {} 13\" "
            "preserveAspectRatio=\"none\" aria-label=\"{}: {}\" data-day=\"{}\" data-down=\"{}\">"
            "<title>{}: {}</title>",
            date, n, date, day_label(c), date, c[static_cast<std::size_t>(sla::MinuteState::down)],
            date, day_label(c));
        // Runs of one state are one rect. A day that flaps all day gets no
        // title per run (the page would grow by megabytes); its row title counts.
        std::int64_t runs = 1;
        for (std::int64_t a = 1; a < n; ++a) {
            runs +=
                d.states[static_cast<std::size_t>(a)] != d.states[static_cast<std::size_t>(a - 1)];
        }
        std::string marks;
        for (std::int64_t a = 0; a < n;) {
            const auto s = d.states[static_cast<std::size_t>(a)];
            auto b = a + 1;
            while (b < n && d.states[static_cast<std::size_t>(b)] == s) ++b;
            out += fmt::format("<rect x=\"{}\" width=\"{}\" height=\"9\" fill=\"{}\" class=\"{}\">",
                               a, b - a, state_fill(s), state_class(s));
            if (runs <= max_titled_runs) {
                out += fmt::format("<title>{} {}&ndash;{} {} ({} min)</title>", date,
                                   clock(zone, d.start + a),
                                   b == n ? std::string("24:00") : clock(zone, d.start + b),
                                   state_label(s), b - a);
            }
            out += "</rect>";
            // A down minute is under a pixel wide: a strip under the bar marks
            // every down run at least min_down_width wide; the bar stays exact.
            if (s == static_cast<std::uint8_t>(sla::MinuteState::down)) {
                const auto w = std::max(b - a, min_down_width);
                marks += fmt::format(
                    "<rect x=\"{}\" y=\"10\" width=\"{}\" height=\"3\" fill=\"#7a2f00\" "
                    "aria-hidden=\"true\"/>",
                    std::clamp<std::int64_t>(a - (w - (b - a)) / 2, 0, n - w), w);
            }
            a = b;
        }
        out += marks;
        out += fmt::format("</svg><span class=\"note\">{}</span>\n",
                           c[static_cast<std::size_t>(sla::MinuteState::down)]
                               ? fmt::format("{} down", thousands(c[1]))
                               : std::string());
    }
    return out + "</div>\n";
}

std::string day_table(const std::vector<DayMinutes>& days) {
    std::string out =
        "<details class=\"days\"><summary>The same as a table: minutes per state, day by day"
        "</summary>\n<table>\n<thead><tr><th>day</th>";
    for (int s = 0; s <= future_state; ++s) {
        out += fmt::format("<th class=\"num\">{}</th>", state_label(s));
    }
    out += "</tr></thead>\n<tbody>\n";
    Counts total{};
    for (const auto& d : days) {
        const auto c = count(d);
        out += fmt::format("<tr><td>{}</td>", sla::format_date(d.day));
        for (std::size_t s = 0; s < c.size(); ++s) {
            total[s] += c[s];
            out += fmt::format("<td class=\"num\">{}</td>", c[s]);
        }
        out += "</tr>\n";
    }
    out += "</tbody>\n<tfoot><tr><th>month</th>";
    for (std::size_t s = 0; s < total.size(); ++s) {
        out += fmt::format("<th class=\"num\" data-heatmap-state=\"{}\">{}</th>",
                           state_class(static_cast<int>(s)), total[s]);
    }
    return out + "</tr></tfoot>\n</table>\n</details>\n";
}

}  // namespace slawatch::cli::html
