// SPDX-License-Identifier: Apache-2.0
#include "config/section.hpp"
#include "config/http_url.hpp"
#include "text/escape.hpp"

#include <boost/url/parse.hpp>

#include <algorithm>
#include <charconv>
#include <limits>
#include <vector>

namespace slawatch::config::detail {

std::string_view type_name(const toml::node& node) {
    switch (node.type()) {
        case toml::node_type::table:
            return "a table";
        case toml::node_type::array:
            return "an array";
        case toml::node_type::string:
            return "a string";
        case toml::node_type::integer:
            return "an integer";
        case toml::node_type::floating_point:
            return "a float";
        case toml::node_type::boolean:
            return "a boolean";
        case toml::node_type::date:
            return "a date";
        case toml::node_type::time:
            return "a time";
        case toml::node_type::date_time:
            return "a date-time";
        default:
            return "nothing";
    }
}

namespace {

std::size_t edit_distance(std::string_view a, std::string_view b) {
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diagonal = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t above = row[j];
            row[j] =
                std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
            diagonal = above;
        }
    }
    return row[b.size()];
}

sla::Date to_date(const toml::date& d) {
    return date::year{d.year} / date::month{d.month} / date::day{d.day};
}

std::string in_quotes(std::string_view s) {
    // Appended front to back: "'" + std::string(s) inserts at position 0, and
    // GCC 12 at -O3 sees a memcpy that may overlap there (a false -Wrestrict).
    std::string quoted;
    quoted.reserve(s.size() + 2);
    quoted += '\'';
    quoted += s;
    quoted += '\'';
    return quoted;
}

constexpr std::string_view money_hint = "a string like \"1000.00\"";
constexpr std::string_view percent_hint = "a string like \"99.9\"";

}  // namespace

std::string closest(std::string_view key, const std::set<std::string, std::less<>>& known) {
    // Small typos only: a far-off suggestion misleads more than it helps.
    const std::size_t limit = std::min<std::size_t>(2, key.size() / 3 + 1);
    std::string best;
    std::size_t best_distance = limit + 1;
    for (const auto& candidate : known) {
        const std::size_t d = edit_distance(key, candidate);
        if (d < best_distance) {
            best_distance = d;
            best = candidate;
        }
    }
    return best;
}

std::optional<std::chrono::milliseconds> parse_duration(std::string_view text) {
    // One or more <digits><unit> terms: "8s", "500ms", "1m30s".
    if (text.empty()) return std::nullopt;
    std::int64_t total = 0;
    while (!text.empty()) {
        std::int64_t n = 0;
        const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
        if (ec != std::errc{} || end == text.data() || n > 86'400'000) return std::nullopt;
        text.remove_prefix(static_cast<std::size_t>(end - text.data()));
        std::int64_t unit = 0;
        if (text.starts_with("ms")) {
            unit = 1;
            text.remove_prefix(2);
        } else if (text.starts_with("s")) {
            unit = 1000;
            text.remove_prefix(1);
        } else if (text.starts_with("m")) {
            unit = 60'000;
            text.remove_prefix(1);
        } else if (text.starts_with("h")) {
            unit = 3'600'000;
            text.remove_prefix(1);
        } else {
            return std::nullopt;
        }
        total += n * unit;
        if (total > 86'400'000LL * 366) return std::nullopt;
    }
    return std::chrono::milliseconds(total);
}

std::optional<sla::Date> date_value(const toml::node& node, const std::string& name,
                                    Diagnostics& diag) {
    if (const auto* d = node.as_date()) return to_date(d->get());
    if (const auto* s = node.as_string()) {
        if (auto d = sla::parse_date(s->get())) return d;
        diag.error(node, name + ": bad date " + in_quotes(s->get()) + " (expected YYYY-MM-DD)");
        return std::nullopt;
    }
    diag.error(node,
               name + ": expected a date like 2026-03-17, got " + std::string(type_name(node)));
    return std::nullopt;
}

std::optional<sla::Money> money_value(const toml::node& node, const std::string& name,
                                      Diagnostics& diag) {
    if (const auto* s = node.as_string()) {
        if (auto m = sla::Money::parse(s->get())) return m;
        diag.error(
            node,
            name + ": bad amount " + in_quotes(s->get()) +
                " (expected a non-negative decimal with at most 2 decimals, e.g. \"1000.00\")");
        return std::nullopt;
    }
    if (const auto* i = node.as_integer()) {
        const std::int64_t v = i->get();
        if (v >= 0 && v <= 999'999'999'999'999) return sla::Money::from_cents(v * 100);
        diag.error(node, name + ": amount " + std::to_string(v) + " is out of range");
        return std::nullopt;
    }
    if (node.is_floating_point()) {
        diag.error(node, name + ": write money as " + std::string(money_hint) +
                             " (floating point is not exact)");
        return std::nullopt;
    }
    diag.error(node, name + ": expected " + std::string(money_hint) + ", got " +
                         std::string(type_name(node)));
    return std::nullopt;
}

std::optional<sla::Percent> percent_value(const toml::node& node, const std::string& name,
                                          Diagnostics& diag) {
    if (const auto* s = node.as_string()) {
        if (auto p = sla::Percent::parse(s->get())) return p;
        diag.error(node, name + ": bad percent " + in_quotes(s->get()) +
                             " (expected a decimal from 0 to 100 with at most 6 decimals)");
        return std::nullopt;
    }
    if (const auto* i = node.as_integer()) {
        if (i->get() >= 0 && i->get() <= 100) return sla::Percent::whole(i->get());
        diag.error(node, name + ": bad percent " + std::to_string(i->get()) +
                             " (expected a decimal from 0 to 100)");
        return std::nullopt;
    }
    if (node.is_floating_point()) {
        diag.error(node, name + ": write percentages as " + std::string(percent_hint) +
                             " (floating point is not exact)");
        return std::nullopt;
    }
    diag.error(node, name + ": expected " + std::string(percent_hint) + ", got " +
                         std::string(type_name(node)));
    return std::nullopt;
}

const toml::node* Section::get(std::string_view key) {
    known_.emplace(key);
    return table_.get(key);
}

void Section::missing(std::string_view key) const {
    diag_.error(table_.source(), path_ + ": missing required key '" + std::string(key) + "'");
}

bool Section::expect(const toml::node& node, std::string_view key, bool ok,
                     std::string_view expected) {
    if (!ok) {
        diag_.error(node, name(key) + ": expected " + std::string(expected) + ", got " +
                              std::string(type_name(node)));
    }
    return ok;
}

std::optional<std::string> Section::string(std::string_view key, bool required) {
    const toml::node* node = get(key);
    if (!node) {
        if (required) missing(key);
        return std::nullopt;
    }
    if (!expect(*node, key, node->is_string(), "a string")) return std::nullopt;
    return std::string(node->as_string()->get());
}

std::optional<std::int64_t> Section::integer(std::string_view key, std::int64_t min,
                                             std::int64_t max, bool required) {
    const toml::node* node = get(key);
    if (!node) {
        if (required) missing(key);
        return std::nullopt;
    }
    if (!expect(*node, key, node->is_integer(), "an integer")) return std::nullopt;
    const std::int64_t v = node->as_integer()->get();
    if (v < min || v > max) {
        const std::string range =
            max == std::numeric_limits<std::int64_t>::max()
                ? "at least " + std::to_string(min)
                : "from " + std::to_string(min) + " to " + std::to_string(max);
        diag_.error(*node, name(key) + ": must be " + range + ", got " + std::to_string(v));
        return std::nullopt;
    }
    return v;
}

std::optional<bool> Section::boolean(std::string_view key) {
    const toml::node* node = get(key);
    if (!node || !expect(*node, key, node->is_boolean(), "true or false")) return std::nullopt;
    return node->as_boolean()->get();
}

std::optional<sla::Date> Section::date(std::string_view key, bool required) {
    const toml::node* node = get(key);
    if (!node) {
        if (required) missing(key);
        return std::nullopt;
    }
    return date_value(*node, name(key), diag_);
}

std::optional<std::chrono::milliseconds> Section::duration(std::string_view key) {
    const toml::node* node = get(key);
    if (!node || !expect(*node, key, node->is_string(), "a duration like \"8s\""))
        return std::nullopt;
    const std::string_view text = node->as_string()->get();
    if (auto d = parse_duration(text)) return d;
    diag_.error(*node, name(key) + ": bad duration " + in_quotes(text) +
                           " (expected e.g. \"8s\", \"500ms\" or \"2m\")");
    return std::nullopt;
}

std::optional<sla::Money> Section::money(std::string_view key, bool required) {
    const toml::node* node = get(key);
    if (!node) {
        if (required) missing(key);
        return std::nullopt;
    }
    return money_value(*node, name(key), diag_);
}

std::optional<sla::Percent> Section::percent(std::string_view key, bool required) {
    const toml::node* node = get(key);
    if (!node) {
        if (required) missing(key);
        return std::nullopt;
    }
    return percent_value(*node, name(key), diag_);
}

std::optional<std::int64_t> Section::instant(std::string_view key, bool required) {
    const toml::node* node = get(key);
    if (!node) {
        if (required) missing(key);
        return std::nullopt;
    }
    const auto* dt = node->as_date_time();
    if (!dt) {
        diag_.error(*node, name(key) +
                               ": expected a date-time like 2026-06-10T02:00:00+08:00, got " +
                               std::string(type_name(*node)));
        return std::nullopt;
    }
    const toml::date_time& v = dt->get();
    if (!v.offset) {
        diag_.error(*node, name(key) + ": needs a UTC offset or Z, e.g. 2026-06-10T02:00:00+08:00");
        return std::nullopt;
    }
    const auto day = date::sys_days(to_date(v.date));
    const std::int64_t seconds = day.time_since_epoch().count() * 86'400LL + v.time.hour * 3600LL +
                                 v.time.minute * 60LL + v.time.second - v.offset->minutes * 60LL;
    return seconds;
}

const toml::table* Section::subtable(std::string_view key) {
    const toml::node* node = get(key);
    if (!node || !expect(*node, key, node->is_table(), "a table")) return nullptr;
    return node->as_table();
}

const toml::array* Section::array(std::string_view key) {
    const toml::node* node = get(key);
    if (!node || !expect(*node, key, node->is_array(), "an array")) return nullptr;
    return node->as_array();
}

std::optional<std::string> Section::choice(std::string_view key,
                                           std::initializer_list<std::string_view> choices,
                                           std::string_view what) {
    auto value = string(key);
    if (!value) return std::nullopt;
    if (std::find(choices.begin(), choices.end(), *value) != choices.end()) return value;
    std::string expected;
    for (auto c : choices) {
        if (!expected.empty()) expected += ", ";
        expected += in_quotes(c);
    }
    diag_.error(*table_.get(key), name(key) + ": unknown " + std::string(what) + " " +
                                      in_quotes(*value) + " (expected one of " + expected + ")");
    return std::nullopt;
}

void Section::finish(std::string_view context) {
    for (auto&& [key, node] : table_) {
        (void)node;
        if (known_.contains(key.str())) continue;
        std::string message = "unknown key '" + name(key.str()) + "'" + std::string(context);
        if (auto suggestion = closest(key.str(), known_); !suggestion.empty())
            message += " (did you mean " + text::quote_field(suggestion, '\'') + "?)";
        diag_.error(key.source(), std::move(message));
    }
}

bool read_tables(const toml::array& list, std::string_view path, Diagnostics& diag,
                 const std::function<void(Section&)>& read) {
    bool all = true;
    for (const toml::node& item : list) {
        const toml::table* table = item.as_table();
        if (!table) {
            diag.error(item, std::string(path) + ": expected a table, got " +
                                 std::string(type_name(item)));
            all = false;
            continue;
        }
        Section s(*table, std::string(path), diag);
        read(s);
    }
    return all;
}

std::optional<std::string> TableNames::read(Section& s) {
    auto name = s.string("name", true);
    if (!name) return name;
    const toml::node& where = *s.table().get("name");
    const bool valid =
        !name->empty() && name->size() <= 64 &&
        name->find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_") == std::string::npos;
    if (!valid) {
        s.diag().error(where, s.name("name") + ": bad name " + text::quote_field(*name, '\'') +
                                  " (use 1 to 64 of a-z, 0-9 and _)");
    } else if (!reserved_.empty() && *name == reserved_) {
        s.diag().error(where, s.name("name") + ": " + text::quote_field(*name, '\'') +
                                  " is reserved for " + reserved_for_ + "; choose another name");
    } else if (auto it = first_line_.find(*name); it != first_line_.end()) {
        s.diag().error(where, s.name("name") + ": duplicate " + s.path() + " name " +
                                  text::quote_field(*name, '\'') + " (first used on line " +
                                  std::to_string(it->second) + ")");
    } else {
        first_line_.emplace(*name, static_cast<int>(where.source().begin.line));
    }
    return name;
}

std::optional<boost::urls::url_view> read_http_url(Section& s, std::string_view key, bool required,
                                                   bool echo) {
    auto text = s.string(key, required);
    if (!text) return std::nullopt;
    const toml::node& where = *s.table().get(key);
    const auto fail = [&](std::string_view why) {
        s.diag().error(where, s.name(key) + ": bad URL " +
                                  (echo ? text::quote_field(*text, '\'') + " " : std::string()) +
                                  "(" + std::string(why) + ")");
        return std::nullopt;
    };
    // Parsed from the node's own string, which outlives the section.
    auto url = boost::urls::parse_absolute_uri(where.as_string()->get());
    if (!url) return fail("expected http:// or https:// and a host");
    if (const auto problem = check_http_url(*url); problem != UrlProblem::none)
        return fail(describe(problem));
    return *url;
}

}  // namespace slawatch::config::detail
