// SPDX-License-Identifier: Apache-2.0
#pragma once
// One reader per config section; config.cpp dispatches the top-level keys to them.
// To add a section: write read_<name>() in <name>_section.cpp and list it in config.cpp.

#include "config/config.hpp"
#include "config/diagnostics.hpp"

#include <toml++/toml.h>

#include <filesystem>
#include <optional>
#include <string>

namespace slawatch::config::detail {

// What every reader gets: where relative paths start, and where problems go.
struct Context {
    std::filesystem::path base_dir;  // the config file's directory
    Diagnostics& diag;

    // Relative paths resolve against the config file's directory; "" stays "".
    std::string resolve(const std::string& path) const;
};

// [contract], [monitor], [storage], [metrics]: `node` is the key's value.
void read_contract(const toml::node& node, Context& ctx, Config& out);
void read_monitor(const toml::node& node, Context& ctx, Config& out);
void read_storage(const toml::node& node, Context& ctx, Config& out);
void read_metrics(const toml::node& node, Context& ctx, Config& out);
void read_evidence(const toml::node& node, Context& ctx, Config& out);
void read_vantage(const toml::node& node, Context& ctx, Config& out);
// [[vantage.witness]], once [vantage] name and peers are read.
void read_witnesses(const toml::node& node, Context& ctx, Config& out);
// [[probe]], [[maintenance]]: `node` is the array of tables.
void read_probes(const toml::node& node, Context& ctx, Config& out);
void read_maintenance(const toml::node& node, Context& ctx, Config& out);
void read_alerts(const toml::node& node, Context& ctx, Config& out);
// [attribution]: codes moved to the other class (R4).
void read_attribution(const toml::node& node, Context& ctx, Config& out);

class Section;
// `proxy` of a probe or hook: unset = the environment, "" = none, else an
// http:// URL (checked; never echoed in errors, it may carry a password).
void read_proxy(Section& s, std::optional<std::string>& out);

// Whole-config checks once every section is read (e.g. a service probe exists).
void check_probes_present(const Config& config, Context& ctx);

// The array of tables under `node`, or nullptr after reporting why not.
const toml::array* table_array(const toml::node& node, std::string_view name, Diagnostics& diag);
// The table `node`, or nullptr after reporting why not.
const toml::table* table_of(const toml::node& node, std::string_view name, Diagnostics& diag);

}  // namespace slawatch::config::detail
