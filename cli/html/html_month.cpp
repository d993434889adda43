// SPDX-License-Identifier: Apache-2.0
// The month page (html_month.hpp).

#include "cli/html/html_month.hpp"

#include "cli/html/html_writer.hpp"
#include "cli/report/failure_codes.hpp"

#include <fmt/format.h>

namespace slawatch::cli::html {

std::string month_line(const sla::MonthReport& r) {
    const auto& m = r.month;
    return fmt::format("Service Month {} &middot; {} to {} ({} days){}",
                       figure("service_month_index", m.index),
                       figure("service_month_start", sla::format_date(m.first)),
                       figure("service_month_end", sla::format_date(m.last)),
                       figure("service_month_days", m.days()),
                       fmt::format(" &middot; {}", figure("complete", r.complete ? "true" : "false",
                                                          r.complete ? "ended" : "still running")));
}

std::string probe_table(const config::Config& config, const sla::MonthReport& r) {
    std::string out =
        "<table class=\"probes\">\n<thead><tr><th>probe</th><th>role</th>"
        "<th class=\"num\">down</th><th class=\"num\">up</th><th class=\"num\">unknown</th>"
        "<th class=\"num\">excluded</th></tr></thead>\n<tbody>\n";
    for (const auto& p : r.probes) {
        const auto* probe = config.find_probe(p.name);
        out += fmt::format(
            "<tr><td>{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>"
            "<td class=\"num\">{}</td><td class=\"num\">{}</td></tr>\n",
            escape(p.name), probe ? config::to_string(probe->role) : "service",
            p.counts[sla::MinuteState::down], p.counts[sla::MinuteState::up],
            p.counts[sla::MinuteState::unknown],
            p.counts[sla::MinuteState::maintenance] + p.counts[sla::MinuteState::local_network] +
                p.counts[sla::MinuteState::customer]);
    }
    return out + "</tbody>\n</table>\n";
}

std::string month_page(const MonthPage& p) {
    const auto& c = p.config;
    const auto& r = p.report;
    const auto& zone = c.contract.terms.zone;
    const auto title =
        fmt::format("{}: Service Month {} ({} to {})", c.contract.name, r.month.index,
                    sla::format_date(r.month.first), sla::format_date(r.month.last));
    std::string out = page_begin(title, "slawatch-month");
    out += fmt::format("<h1>{}</h1>\n<p class=\"sub\">{} &middot; time zone {}</p>\n",
                       figure("contract", c.contract.name), month_line(r), escape(zone.name()));
    out += "<section aria-labelledby=\"h-figures\"><h2 id=\"h-figures\">Figures</h2>\n";
    out += figures_list(c, r, p.capped) + "</section>\n";
    out += p.more_sections;
    out +=
        "<section aria-labelledby=\"h-calendar\"><h2 id=\"h-calendar\">The month, minute by "
        "minute</h2>\n<p class=\"sub\">Each row is one day of the service's minutes "
        "(00:00 to 24:00, contract time zone); hover a run for its times.</p>\n";
    out += heatmap(p.days, zone) + day_table(p.days) + "</section>\n";
    out += "<section aria-labelledby=\"h-incidents\"><h2 id=\"h-incidents\">Incidents</h2>\n";
    out += incident_table(p.incidents, zone, 6) + "</section>\n";
    if (!p.per_host) return out + page_end();
    out += "<section aria-labelledby=\"h-probes\"><h2 id=\"h-probes\">Probes</h2>\n";
    out += probe_table(c, r) + "</section>\n";
    out +=
        "<section aria-labelledby=\"h-failures\"><h2 id=\"h-failures\">Failures by error code "
        "(why each minute counted)</h2>\n";
    out += failures_html(c, p.failures) + "</section>\n";
    return out + page_end();
}

}  // namespace slawatch::cli::html
