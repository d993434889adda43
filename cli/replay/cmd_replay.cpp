// SPDX-License-Identifier: Apache-2.0
// `slawatch replay`: feeds recorded probe results (CSV) through the
// classifier into the database, streamed and all or nothing: the results
// and the minutes they touch commit in one transaction.

#include "cli/commands.hpp"
#include "cli/common/exit_codes.hpp"
#include "cli/common/store_cli.hpp"
#include "cli/evidence/evidence_cli.hpp"
#include "cli/replay/replay_csv.hpp"
#include "sla/clock.hpp"

#include <fmt/format.h>

#include <unistd.h>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <map>

namespace slawatch::cli {
namespace {

using replay::BadLine;

struct ReplayOptions {
    StoreOptions store;
    std::string input;
    bool skip_outside_term = false;
};

constexpr std::size_t batch_rows = 4096;
// Conflicts named one by one; the rest are counted.
constexpr std::size_t max_conflicts_named = 10;

// Rows, rate and ETA on stderr, only when stderr is a terminal.
class Progress {
public:
    explicit Progress(std::uint64_t total_bytes)
        : tty_(::isatty(STDERR_FILENO) == 1),
          total_(total_bytes),
          start_(clock::now()),
          last_(start_) {}

    void update(std::int64_t rows, std::uint64_t bytes) {
        if (!tty_) return;
        const auto now = clock::now();
        if (now - last_ < std::chrono::milliseconds(250)) return;
        last_ = now;
        const double s = std::chrono::duration<double>(now - start_).count();
        const double rate = rows / s;
        std::string eta = "?";
        if (bytes > 0 && total_ >= bytes) {
            eta = fmt::format("{:.0f} s", s * static_cast<double>(total_ - bytes) / bytes);
        }
        std::fprintf(stderr, "\r%lld rows, %.0f rows/s, ETA %s\033[K", static_cast<long long>(rows),
                     rate, eta.c_str());
        shown_ = true;
    }

    void done() {
        if (shown_) std::fputs("\r\033[K", stderr);
    }

private:
    using clock = std::chrono::steady_clock;
    bool tty_;
    std::uint64_t total_;
    clock::time_point start_;
    clock::time_point last_;
    bool shown_ = false;
};

struct Conflict {
    std::int64_t line = 0;
    storage::ProbeResult row;
    storage::ProbeResult stored;
    std::int64_t earlier_line = 0;  // 0: the stored result was imported before
    storage::ProbeResult earlier;
};

std::string describe(const sla::Sample& s) {
    std::string out(sla::to_string(s.outcome));
    if (s.http_status != 0) out += fmt::format(" {}", s.http_status);
    if (!s.error_code.empty()) out += " " + s.error_code;
    if (!s.request_id.empty()) out += " request " + s.request_id;
    return out;
}

// Error path only: one more pass over the file finds the earlier line of
// each named conflict (streaming keeps no map of the rows).
void find_earlier_lines(const std::string& file, const config::Config& config,
                        std::vector<Conflict>& conflicts) {
    std::map<std::pair<std::string, sla::EpochMillis>, std::vector<Conflict*>> wanted;
    std::int64_t last = 0;
    for (auto& c : conflicts) {
        wanted[{c.row.probe, c.row.sample.sent_ms}].push_back(&c);
        last = std::max(last, c.line);
    }
    replay::LineReader reader(file);
    replay::RowParser parser(config);
    std::string_view line;
    bool header = true;
    storage::ProbeResult r;
    while (reader.next(line) && reader.line_number() < last) {
        if (replay::blank(line)) continue;
        if (header) {
            parser.header(line);
            header = false;
            continue;
        }
        parser.row(line, r);
        const auto it = wanted.find({r.probe, r.sample.sent_ms});
        if (it == wanted.end()) continue;
        for (auto* c : it->second) {
            if (c->earlier_line == 0 && reader.line_number() < c->line) {
                c->earlier_line = reader.line_number();
                c->earlier = r;
            }
        }
    }
}

std::string conflict_message(const std::string& file, const config::Config& config,
                             const std::vector<Conflict>& named, std::int64_t total,
                             const storage::AppendCounts& counts) {
    const auto& zone = config.contract.terms.zone;
    std::string out;
    for (const auto& c : named) {
        const auto what =
            fmt::format("{}:{}: {} at {}: {}", file, c.line, c.row.probe,
                        zone.format_millis(c.row.sample.sent_ms), describe(c.row.sample));
        if (c.earlier_line != 0) {
            out += fmt::format("{} conflicts with line {}: {}\n", what, c.earlier_line,
                               describe(c.earlier.sample));
        } else {
            out += fmt::format("{} conflicts with the result stored before: {}\n", what,
                               describe(c.stored.sample));
        }
    }
    if (total > static_cast<std::int64_t>(named.size())) {
        out += fmt::format("... and {} more conflicts\n",
                           total - static_cast<std::int64_t>(named.size()));
    }
    out += fmt::format(
        "{}: {} rows: {} new, {} identical, {} conflicting (same probe and time, another "
        "result); nothing imported\n",
        file, counts.inserted + counts.identical + counts.conflicting, counts.inserted,
        counts.identical, counts.conflicting);
    return out;
}

// A bad line as the error names it: "FILE:LINE: why".
CommandError bad_line(const std::string& file, const replay::LineReader& reader, const BadLine& e) {
    return CommandError(exit_usage, fmt::format("{}:{}: {}", file, reader.line_number(), e.what()));
}

// The header first: a file that is not a replay CSV opens no database.
void read_header(const std::string& file, replay::LineReader& reader, replay::RowParser& parser) {
    std::string_view line;
    try {
        while (reader.next(line)) {
            if (replay::blank(line)) continue;
            parser.header(line);
            return;
        }
    } catch (const BadLine& e) {
        throw bad_line(file, reader, e);
    }
    throw CommandError(exit_usage, fmt::format("{}:1: empty file, expected a header row", file));
}

// Where a row may lie: inside the contract term, and not in the future (a
// result from the future would decide a minute before it is watched).
struct RowBounds {
    const sla::ContractTerms& terms;
    bool skip_outside_term = false;
    sla::EpochMillis term_from = 0;
    sla::EpochMillis term_to = 0;
    sla::EpochMillis latest_sent = 0;

    RowBounds(const sla::ContractTerms& t, bool skip)
        : terms(t),
          skip_outside_term(skip),
          term_from(t.zone.start_of_day(t.start) * 60'000),
          term_to(t.zone.start_of_day(sla::add_days(t.end, 1)) * 60'000),
          latest_sent(sla::now_ms() + sla::max_result_lead_ms) {}

    // False for a row outside the term that --skip-outside-term skips;
    // BadLine for one outside it otherwise, or one from the future.
    bool keep(const storage::ProbeResult& r) const {
        const auto sent = r.sample.sent_ms;
        if (sent < term_from || sent >= term_to) {
            if (skip_outside_term) return false;
            throw BadLine(fmt::format(
                "{} is outside the contract term ({} to {}); --skip-outside-term skips such rows",
                terms.zone.format_millis(sent), sla::format_date(terms.start),
                sla::format_date(terms.end)));
        }
        if (sent > latest_sent) {
            throw BadLine(fmt::format(
                "{} is in the future: more than {} s after this clock ({}); a result is imported "
                "only once it was sent (is the recording machine's clock ahead?)",
                terms.zone.format_millis(sent), sla::max_result_lead_ms / 1000,
                terms.zone.format_millis(latest_sent - sla::max_result_lead_ms)));
        }
        return true;
    }
};

// What one pass over the rows found.
struct Tally {
    std::int64_t rows = 0;
    std::int64_t skipped = 0;
    std::vector<Conflict> named;  // the first max_conflicts_named conflicts
};

// Streams every row after the header into `import`, batch_rows at a time;
// nothing is committed here.
Tally import_rows(const std::string& file, replay::LineReader& reader, replay::RowParser& parser,
                  const RowBounds& bounds, storage::Import& import) {
    Tally tally;
    std::vector<storage::ProbeResult> batch(batch_rows);
    std::vector<std::int64_t> lines(batch_rows);
    std::vector<storage::AppendStatus> statuses;
    std::vector<storage::ProbeResult> stored;
    std::size_t n = 0;
    Progress progress(reader.size());
    auto flush = [&] {
        import.add(std::span(batch.data(), n), statuses, stored);
        for (std::size_t i = 0; i < n; ++i) {
            if (statuses[i] == storage::AppendStatus::conflicting &&
                tally.named.size() < max_conflicts_named) {
                tally.named.push_back({lines[i], batch[i], stored[i], 0, {}});
            }
        }
        n = 0;
        progress.update(tally.rows, reader.bytes_read());
    };
    std::string_view line;
    try {
        while (reader.next(line)) {
            if (replay::blank(line)) continue;
            auto& r = batch[n];
            parser.row(line, r);
            ++tally.rows;
            if (!bounds.keep(r)) {
                ++tally.skipped;
                continue;
            }
            lines[n++] = reader.line_number();
            if (n == batch.size()) flush();
        }
    } catch (const BadLine& e) {
        progress.done();
        throw bad_line(file, reader, e);
    }
    flush();
    progress.done();
    return tally;
}

// What `replay` prints once the import is committed.
std::string summary(const storage::AppendCounts& counts, std::int64_t minutes_derived,
                    const Tally& tally, const RowBounds& bounds) {
    std::string out = fmt::format(
        "imported {} results: {} new, {} identical, 0 conflicting; derived {} minutes\n",
        counts.inserted + counts.identical, counts.inserted, counts.identical, minutes_derived);
    if (counts.compacted > 0) {
        out += fmt::format(
            "skipped {} results sent in minutes already compacted for their probe (their "
            "successful results are folded into counts; storing them again would count them "
            "twice)\n",
            counts.compacted);
    }
    if (bounds.skip_outside_term) {
        out +=
            fmt::format("skipped {} rows outside the contract term ({} to {})\n", tally.skipped,
                        sla::format_date(bounds.terms.start), sla::format_date(bounds.terms.end));
    }
    return out;
}

void run_replay(const ReplayOptions& o) {
    const auto config = load_config(o.store.config);
    const auto& file = o.input;
    replay::LineReader reader(file);
    replay::RowParser parser(config);
    read_header(file, reader, parser);

    const RowBounds bounds(config.contract.terms, o.skip_outside_term);
    const auto signer = load_signer(config);  // evidence: a bad key fails before importing
    const auto lock = acquire_writer_lock(config, o.store, "slawatch replay");
    auto store = open_store(config, o.store, storage::OpenMode::read_write);
    store->reconcile_config();
    auto import = store->begin_import();
    auto tally = import_rows(file, reader, parser, bounds, *import);
    if (tally.rows == 0) {
        throw CommandError(
            exit_usage, fmt::format("{}:{}: no rows after the header", file, reader.line_number()));
    }
    const auto counts = import->counts();
    if (counts.conflicting > 0) {
        import.reset();  // rolls back: nothing imported
        find_earlier_lines(file, config, tally.named);
        throw CommandError(exit_usage,
                           conflict_message(file, config, tally.named, counts.conflicting, counts));
    }
    import->commit();
    record_checkpoint(*store, signer);  // evidence: a checkpoint covering the import
    std::cout << summary(counts, import->minutes_derived(), tally, bounds);
}

}  // namespace

void register_replay(CLI::App& app) {
    auto options = std::make_shared<ReplayOptions>();
    auto* cmd = app.add_subcommand(
        "replay", "Feed recorded probe results (CSV) through the classifier into the database");
    add_store_options(*cmd, options->store);
    cmd->add_option("--input", options->input,
                    "CSV with a header: time,probe,outcome[,http_status][,error_code]"
                    "[,request_id][,latency_ms]")
        ->required();
    cmd->add_flag("--skip-outside-term", options->skip_outside_term,
                  "Count and skip rows outside the contract term instead of failing");
    cmd->footer(
        "All or nothing: on a bad line or a conflicting result nothing is imported and the error "
        "names the line. A result already stored (same probe and time) is not stored again. A "
        "result sent more than 2 minutes after the clock is refused (exit 2).");
    cmd->callback([options] { run_replay(*options); });
}

}  // namespace slawatch::cli
