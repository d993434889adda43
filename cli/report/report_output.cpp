// SPDX-License-Identifier: Apache-2.0
// `report`'s output in each format (report_output.hpp).

#include "cli/report/report_output.hpp"
#include "cli/report/month_figures.hpp"

#include "cli/evidence/evidence_status.hpp"
#include "cli/html/html_month.hpp"
#include "cli/report/down_minutes.hpp"
#include "cli/report/report_text.hpp"
#include "text/escape.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace slawatch::cli {
namespace {

std::string to_csv(const ReportFigures& f) {
    const auto& r = f.r;
    std::string out =
        "service_month,start,end,total_minutes,elapsed_minutes,unavailable_minutes,"
        "maintenance_minutes,local_network_minutes,customer_minutes,unknown_minutes,"
        "availability_percent,standard_met,compensation_percent,compensation_amount,fee,"
        "currency,claim_opens,claim_deadline\n";
    out += fmt::format("{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}\n",
                       sla::format_year_month(r.month.calendar_month()),
                       sla::format_date(r.month.first), sla::format_date(r.month.last),
                       r.total_minutes, r.elapsed_minutes, r.unavailable, r.maintenance,
                       r.local_network, r.customer, r.unknown, r.availability_text,
                       r.standard_met ? "true" : "false", r.compensation_percent,
                       f.capped.to_string(), r.fee.to_string(), text::csv_field(r.currency),
                       sla::format_date(r.claim.opens), sla::format_date(r.claim.deadline));
    return out;
}

// The same figures, plus the month's minutes and incidents to draw.
std::string to_html(const ReportFigures& f, const storage::VerifiedFigures& figures,
                    const sla::ServiceMonth& month, sla::EpochMillis now) {
    const auto& zone = f.config.contract.terms.zone;
    const auto from = zone.start_of_day(month.first);
    const auto to =
        std::min(zone.start_of_day(sla::add_days(month.last, 1)), sla::minute_of_ms(now));
    return html::month_page({f.config,
                             f.r,
                             f.capped,
                             f.failures,
                             html::month_minutes(figures, zone, month, now),
                             incidents(down_minutes(figures, from, to)),
                             {},
                             true});
}

}  // namespace

std::string report_output(const config::Config& config, const storage::VerifiedFigures& figures,
                          const sla::ServiceMonth& month, sla::EpochMillis now,
                          std::string_view format) {
    const auto& zone = config.contract.terms.zone;
    const ReportFigures f{
        config, figures.month_report(month, now), capped_compensation(figures, config, month, now),
        figures.failures_by_code(zone.start_of_day(month.first),
                                 zone.start_of_day(sla::add_days(month.last, 1)))};
    const auto& evidence = figures.status();
    if (format == "json")
        return report_json(f, ",\n  \"evidence\": " + evidence_status_json(evidence, zone));
    if (format == "html") return to_html(f, figures, month, now);
    if (format == "csv") return to_csv(f);
    return report_table(f) + evidence_status_text(evidence, zone);
}

}  // namespace slawatch::cli
