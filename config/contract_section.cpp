// SPDX-License-Identifier: Apache-2.0
// [contract]: the SLA terms (man slawatch.toml, docs/configuration.md).

#include "config/section.hpp"
#include "config/sections.hpp"
#include "sla/compensation.hpp"
#include "sla/service_month.hpp"
#include "text/escape.hpp"

#include <algorithm>

namespace slawatch::config::detail {

namespace {

std::vector<sla::Date> read_dates(Section& s, std::string_view key) {
    std::vector<sla::Date> out;
    const toml::array* list = s.array(key);
    if (!list) return out;
    for (const toml::node& item : *list) {
        if (auto d = date_value(item, s.name(key), s.diag())) out.push_back(*d);
    }
    return out;
}

// R9: tiers best first, each below the standard, percent of the fee 0..100.
std::optional<std::vector<sla::Tier>> read_tiers(Section& s, std::optional<sla::Percent> standard) {
    const toml::node* node = s.get("tier");
    if (!node) return std::nullopt;
    const toml::array* list = table_array(*node, "contract.tier", s.diag());
    if (!list) return std::nullopt;
    if (list->empty()) {
        s.diag().error(*node, "contract.tier: needs at least one tier");
        return std::nullopt;
    }
    std::vector<sla::Tier> tiers;
    bool ok = true;
    const bool all_tables = read_tables(*list, "contract.tier", s.diag(), [&](Section& t) {
        auto at_least = t.percent("at_least", true);
        auto percent = t.integer("percent", 0, 100, true);
        t.finish();
        if (!at_least || !percent) {
            ok = false;
            return;
        }
        const toml::node& where = *t.table().get("at_least");
        if (standard && *at_least >= *standard) {
            s.diag().error(where, "contract.tier.at_least: must be below the standard (" +
                                      standard->to_string() + "), got " + at_least->to_string());
            ok = false;
        } else if (!tiers.empty() && *at_least >= tiers.back().at_least) {
            s.diag().error(where, "contract.tier.at_least: tiers must be ordered best first, but " +
                                      at_least->to_string() + " follows " +
                                      tiers.back().at_least.to_string());
            ok = false;
        }
        tiers.push_back({*at_least, static_cast<int>(*percent)});
    });
    if (!ok || !all_tables) return std::nullopt;
    return tiers;
}

// R1: dates and months are taken in the contract's time zone.
void read_zone(Section& s, sla::ContractTerms& terms) {
    const toml::table& table = s.table();
    Diagnostics& diag = s.diag();
    const std::string zone = s.string("timezone").value_or("Asia/Shanghai");
    if (auto tz = sla::TimeZone::locate(zone)) {
        terms.zone = *tz;
    } else if (s.has("timezone") && table.get("timezone")->is_string()) {
        diag.error(*table.get("timezone"), "contract.timezone: unknown time zone " +
                                               text::quote_field(zone, '\'') +
                                               " (expected an IANA name like \"Asia/Shanghai\")");
    } else if (!s.has("timezone")) {
        diag.error(table, "contract.timezone: the system has no time zone data for " +
                              text::quote_field(zone, '\''));
    }
}

// R6: the term is [start, end]; `months` or `end` says where it ends. Returns whether the term is
// known.
bool read_term(Section& s, sla::ContractTerms& terms) {
    const toml::table& table = s.table();
    Diagnostics& diag = s.diag();
    auto start = s.date("start", true);
    auto months = s.integer("months", 1, 1200);
    auto end = s.date("end");
    const bool has_months = s.has("months"), has_end = s.has("end");
    if (has_months && has_end) {
        diag.error(*table.get("end"), "contract: set either 'months' or 'end', not both");
    } else if (!has_months && !has_end) {
        diag.error(table, "contract: missing the term's length: set 'months' or 'end'");
    }
    bool term_ok = false;
    if (start) {
        terms.start = *start;
        if (has_months && !has_end && months) {
            terms.end = sla::term_end(*start, static_cast<int>(*months));
            term_ok = true;
        } else if (has_end && !has_months && end) {
            if (date::sys_days(*end) < date::sys_days(*start)) {
                diag.error(*table.get("end"), "contract.end: " + sla::format_date(*end) +
                                                  " is before contract.start " +
                                                  sla::format_date(*start));
            } else {
                terms.end = *end;
                term_ok = true;
            }
        }
    }
    return term_ok;
}

// R9: money is decimal, never floating point. `term_ok`: fees may be checked against the term's
// months.
void read_fees(Section& s, sla::ContractTerms& terms, bool term_ok) {
    const toml::table& table = s.table();
    Diagnostics& diag = s.diag();
    if (auto fee = s.money("monthly_fee", true)) terms.monthly_fee = *fee;
    if (auto currency = s.string("currency")) {
        const bool iso =
            currency->size() == 3 && std::all_of(currency->begin(), currency->end(),
                                                 [](char ch) { return ch >= 'A' && ch <= 'Z'; });
        if (iso) {
            terms.currency = *currency;
        } else {
            diag.error(*table.get("currency"),
                       "contract.currency: expected a 3-letter code like \"CNY\", got " +
                           text::quote_field(*currency, '\''));
        }
    }
    if (const toml::table* fees = s.subtable("fees")) {
        const auto term_months = term_ok ? sla::service_months(terms.start, terms.end)
                                         : std::vector<sla::ServiceMonth>{};
        for (auto&& [key, value] : *fees) {
            auto ym = sla::parse_year_month(key.str());
            if (!ym) {
                diag.error(key.source(), "contract.fees: bad month " +
                                             text::quote_field(std::string(key.str()), '\'') +
                                             " (expected YYYY-MM)");
            } else if (term_ok && !sla::find_service_month(term_months, *ym)) {
                diag.error(key.source(), "contract.fees: " + std::string(key.str()) +
                                             " is not in the term (" +
                                             sla::format_date(terms.start) + " to " +
                                             sla::format_date(terms.end) + ")");
            }
            auto fee = money_value(value, "contract.fees." + std::string(key.str()), diag);
            if (ym && fee) terms.fees[*ym] = *fee;
        }
    }
}

// R8: the standard, in (0, 100].
void read_standard(Section& s, sla::ContractTerms& terms) {
    const toml::table& table = s.table();
    Diagnostics& diag = s.diag();
    auto standard = s.percent("standard");
    if (standard && *standard == sla::Percent{}) {
        diag.error(*table.get("standard"), "contract.standard: must be above 0, got 0");
        standard.reset();
    }
    if (standard) terms.standard = *standard;
    if (auto tiers = read_tiers(s, standard ? standard : std::optional(terms.standard))) {
        terms.tiers = std::move(*tiers);
    } else if (!s.has("tier") && standard && !terms.tiers.empty() &&
               terms.tiers.front().at_least >= *standard) {
        diag.error(*table.get("standard"), "contract.standard: the default tiers start at " +
                                               terms.tiers.front().at_least.to_string() +
                                               "; set [[contract.tier]] for a standard this low");
    }
}

// R10: business days and the claim window.
void read_claim_window(Section& s, sla::ContractTerms& terms) {
    auto holidays = read_dates(s, "holidays");
    auto workdays = read_dates(s, "workdays");
    terms.calendar = sla::BusinessCalendar(holidays, workdays);
    terms.claim_after_business_days =
        static_cast<int>(s.integer("claim_after_business_days", 1, 20).value_or(5));
    terms.claim_within_days =
        static_cast<int>(s.integer("claim_within_days", 1, 3650).value_or(60));
}

}  // namespace

void read_contract(const toml::node& node, Context& ctx, Config& out) {
    const toml::table* table = table_of(node, "contract", ctx.diag);
    if (!table) return;
    Section s(*table, "contract", ctx.diag);
    Contract& c = out.contract;
    sla::ContractTerms& terms = c.terms;

    c.name = s.string("name").value_or(out.file.stem().string());
    c.user_id = s.string("user_id").value_or("");    // R11
    c.order_id = s.string("order_id").value_or("");  // R11
    read_zone(s, terms);
    const bool term_ok = read_term(s, terms);
    read_fees(s, terms, term_ok);
    read_standard(s, terms);
    read_claim_window(s, terms);
    s.finish();
}

}  // namespace slawatch::config::detail
