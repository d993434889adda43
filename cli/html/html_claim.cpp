// SPDX-License-Identifier: Apache-2.0
// The claim page (html_claim.hpp).

#include "cli/html/html_claim.hpp"

#include "cli/html/html_month.hpp"
#include "cli/html/html_writer.hpp"
#include "cli/report/failure_codes.hpp"

#include <fmt/format.h>

namespace slawatch::cli::html {
namespace {

std::string minutes_table(const std::vector<DownMinute>& minutes, const sla::TimeZone& zone) {
    if (minutes.empty()) return "<p>None.</p>\n";
    std::string out =
        "<table class=\"minutes\">\n<thead><tr><th>minute</th><th>probes down</th><th>sent</th>"
        "<th>probe</th><th>outcome</th><th class=\"num\">HTTP status</th><th>error code</th>"
        "<th>RequestId</th></tr></thead>\n<tbody>\n";
    for (const auto& m : minutes) {
        std::string probes;
        for (const auto& name : m.probes) probes += (probes.empty() ? "" : ", ") + escape(name);
        const auto minute = escape(zone.format_minute(m.minute));
        if (m.results.empty()) {
            out += fmt::format("<tr><td>{}</td><td>{}</td><td colspan=\"6\"></td></tr>\n", minute,
                               probes);
        }
        for (const auto& res : m.results) {
            const auto& s = res.sample;
            out += fmt::format(
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"num\">{}"
                "</td><td>{}</td><td class=\"ids\">{}</td></tr>\n",
                minute, probes, escape(zone.format_millis(s.sent_ms)), escape(res.probe),
                sla::to_string(s.outcome), s.http_status ? std::to_string(s.http_status) : "",
                escape(s.error_code), escape(s.request_id));
        }
    }
    return out + "</tbody>\n</table>\n";
}

}  // namespace

std::string claim_page(const ClaimPage& p) {
    const auto& c = p.config;
    const auto& r = p.report;
    const auto& zone = c.contract.terms.zone;
    const auto found = incidents(p.minutes);
    std::string out = page_begin(
        fmt::format("SLA compensation claim: {}, Service Month {}", c.contract.name, r.month.index),
        "slawatch-claim");
    out += "<section class=\"summary\" aria-labelledby=\"h-claim\">\n";
    out += fmt::format("<h1 id=\"h-claim\">SLA compensation claim: {}</h1>\n",
                       figure("contract", c.contract.name));
    out += fmt::format(
        "<p class=\"sub\">User ID {} &middot; Order ID {}<br>{} &middot; time zone "
        "{}{}</p>\n",
        figure("user_id", c.contract.user_id), figure("order_id", c.contract.order_id),
        month_line(r), escape(zone.name()),
        r.complete ? "" : " &middot; <strong>the month has NOT YET ENDED</strong>");
    out += figures_list(c, r, p.amount);
    out += "<h2>Incidents</h2>\n" + incident_table(found, zone, 4);
    out += "</section>\n";

    out +=
        "<section aria-labelledby=\"h-calendar\"><h2 id=\"h-calendar\">Evidence: the month, "
        "minute by minute</h2>\n";
    out += heatmap(p.days, zone) + day_table(p.days) + "</section>\n";
    out += fmt::format(
        "<section aria-labelledby=\"h-minutes\"><h2 id=\"h-minutes\">Evidence: "
        "unavailable minutes ({}) and the failed calls in them</h2>\n",
        figure("unavailable_listed", static_cast<std::int64_t>(p.minutes.size())));
    out += minutes_table(p.minutes, zone) + "</section>\n";
    out +=
        "<section aria-labelledby=\"h-failures\"><h2 id=\"h-failures\">Failures by error "
        "code</h2>\n" +
        failures_html(c, p.failures) + "</section>\n";
    out += "<section aria-labelledby=\"h-probes\"><h2 id=\"h-probes\">Probes</h2>\n" +
           probe_table(c, r) + "</section>\n";
    // The same text as the Markdown package's section, so both carry the proofs.
    out +=
        "<section aria-labelledby=\"h-integrity\"><h2 id=\"h-integrity\">Evidence "
        "integrity</h2>\n<pre>" +
        escape(evidence_markdown(p.evidence, zone)) + "</pre>\n</section>\n";
    return out + page_end();
}

}  // namespace slawatch::cli::html
