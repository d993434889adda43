// SPDX-License-Identifier: Apache-2.0
#include "cli/common/first_run.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>

namespace slawatch::cli {

std::size_t edit_distance(std::string_view a, std::string_view b) {
    // Optimal string alignment: insertions, deletions, substitutions and swaps
    // of neighbours ("reprot") each cost one.
    std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
    for (std::size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
    for (std::size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
            d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
        }
    }
    return d[a.size()][b.size()];
}

std::optional<std::string> nearest(std::string_view word,
                                   const std::vector<std::string>& candidates) {
    std::optional<std::string> best;
    std::size_t best_distance = 0;
    for (const auto& c : candidates) {
        const auto d = edit_distance(word, c);
        if (!best || d < best_distance) {
            best = c;
            best_distance = d;
        }
    }
    // A typo: at most a third of the word wrong (and at least one edit allowed).
    if (!best || best_distance > std::max<std::size_t>(1, word.size() / 3) || best_distance == 0)
        return std::nullopt;
    return best;
}

namespace {

std::vector<std::string> long_options(const CLI::App& app) {
    std::vector<std::string> out;
    for (const CLI::Option* o : app.get_options())
        for (const auto& name : o->get_lnames()) out.push_back("--" + name);
    return out;
}

bool has_long_option(const CLI::App& app, std::string_view name) {
    for (const CLI::Option* o : app.get_options())
        for (const auto& n : o->get_lnames())
            if ("--" + n == name) return true;
    return false;
}

bool takes_value(const CLI::App& app, std::string_view arg) {
    for (const CLI::Option* o : app.get_options()) {
        if (o->get_expected_min() == 0) continue;
        for (const auto& n : o->get_lnames())
            if ("--" + n == arg) return true;
        for (const auto& n : o->get_snames())
            if ("-" + n == arg) return true;
    }
    return false;
}

}  // namespace

std::optional<std::string> suggestion(const CLI::App& app, int argc, const char* const* argv) {
    const CLI::App* current = &app;
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        if (arg == "--") break;
        if (arg.starts_with("--")) {
            const auto name = arg.substr(0, arg.find('='));
            if (has_long_option(*current, name) || has_long_option(app, name)) {
                if (arg.find('=') == std::string_view::npos && takes_value(*current, name)) ++i;
                continue;
            }
            if (auto n = nearest(name, long_options(*current)))
                return fmt::format("unknown option {}; did you mean {}?", name, *n);
            return std::nullopt;
        }
        if (arg.starts_with("-")) {
            if (arg.size() == 2 && takes_value(*current, arg)) ++i;
            continue;
        }
        // A word: the next subcommand, or a positional argument.
        std::vector<std::string> names;
        for (const CLI::App* sub : current->get_subcommands([](const CLI::App*) { return true; })) {
            if (sub->get_name() == arg) {
                current = sub;
                names.clear();
                break;
            }
            names.push_back(sub->get_name());
        }
        if (!names.empty()) {
            if (auto n = nearest(arg, names))
                return fmt::format("unknown command '{}'; did you mean '{}'?", arg, *n);
            return std::nullopt;
        }
    }
    return std::nullopt;
}

std::string without_source_locations(std::string_view text) {
    std::string out;
    while (!text.empty()) {
        const auto open = text.find(" [");
        if (open == std::string_view::npos) break;
        const auto close = text.find(']', open);
        const auto at = text.find(" at ", open);
        // Only "[category:number at file...]": other brackets are the message's own.
        const auto colon = text.find(':', open);
        if (close == std::string_view::npos || at == std::string_view::npos || at > close ||
            colon == std::string_view::npos || colon > at) {
            out.append(text.substr(0, open + 2));
            text.remove_prefix(open + 2);
            continue;
        }
        out.append(text.substr(0, open));
        text.remove_prefix(close + 1);
    }
    out.append(text);
    return out;
}

std::optional<std::string> term_warning(const config::Config& config, sla::EpochMillis now) {
    const auto& terms = config.contract.terms;
    const sla::Date today = terms.zone.local_date(sla::minute_of_ms(now));
    if (today < terms.start)
        return fmt::format(
            "{}: warning: the contract term has not begun: it starts on {} ({}); minutes before "
            "it count toward no Service Month",
            config.file.string(), sla::format_date(terms.start), terms.zone.name());
    if (today > terms.end)
        return fmt::format(
            "{}: warning: the contract term has ended: its last day was {} ({}); new minutes "
            "count toward no Service Month (set contract.start and months or end to the term "
            "you bought)",
            config.file.string(), sla::format_date(terms.end), terms.zone.name());
    return std::nullopt;
}

}  // namespace slawatch::cli
