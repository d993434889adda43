// SPDX-License-Identifier: Apache-2.0
// `slawatch quorum`: one Service Month across several vantage points. Each
// host's evidence database (a shipped copy) is verified, then a minute is down
// when at least K of them saw it down (sla/quorum.hpp), and the month's
// figures are `report`'s for the combined minutes (docs/vantage.md).

#include "cli/commands.hpp"
#include "cli/common/args.hpp"
#include "cli/common/config_file.hpp"
#include "cli/common/store_cli.hpp"
#include "cli/quorum/quorum_inputs.hpp"
#include "cli/quorum/quorum_month.hpp"
#include "cli/quorum/quorum_text.hpp"

#include <iostream>

namespace slawatch::cli {
namespace {

struct QuorumOptions {
    std::string config;
    std::string month;
    QuorumInputOptions inputs;
    std::vector<std::string> dbs;
    std::string format = "text";
};

void run_quorum(const QuorumOptions& o) {
    const auto config = load_config(o.config);
    const auto month = service_month_arg(config, o.month);
    const auto now = now_ms();
    const auto inputs = open_vantages(config, o.dbs, o.inputs, now);
    const auto q = quorum_month(config, inputs, o.inputs.k, month, now);
    std::cout << quorum_output({config, inputs, q}, month, now, o.format);
}

}  // namespace

void register_quorum(CLI::App& app) {
    auto options = std::make_shared<QuorumOptions>();
    auto* cmd = app.add_subcommand(
        "quorum",
        "Figures of one Service Month across several vantage points: a minute is down when at "
        "least K of them saw it down");
    add_config_option(*cmd, options->config);
    cmd->add_option("--month", options->month, "Calendar month YYYY-MM (contract time zone)")
        ->required();
    add_quorum_options(*cmd, options->dbs, options->inputs);
    cmd->add_option("--format", options->format, "text, json or html")
        ->check(CLI::IsMember({"text", "json", "html"}));
    cmd->footer(
        "Each --db is one vantage point's evidence database: a copy shipped from its host\n"
        "(slawatch backup, sqlite3 .backup or VACUUM INTO), read without being changed.\n"
        "Each is verified like `slawatch verify` first, and its minutes are re-derived from\n"
        "the verified results under this config (its stored minute rows are never read);\n"
        "results after its newest signed checkpoint are left out. A database without a\n"
        "signed checkpoint is refused unless --allow-unsigned; one evidence log counts\n"
        "once, whatever vantage name it carries. Per minute: down when at least K vantage\n"
        "points saw it down (an announced maintenance window of this config still excuses\n"
        "it); else up when at least K saw it up or excluded it (maintenance, customer);\n"
        "else unknown. A vantage point whose state is unknown or local_network proves\n"
        "nothing either way. With K <= n/2 both can hold: down wins.\n"
        "Exit 0 with the figures; 2 when an input is refused (names the database and why).");
    cmd->callback([options] { run_quorum(*options); });
}

}  // namespace slawatch::cli
