// SPDX-License-Identifier: Apache-2.0
#pragma once
// The config file as every command takes it: the -c/--config option and its
// default, and the one way a command loads it.

#include "config/config.hpp"

#include <CLI/CLI.hpp>

#include <string>

namespace slawatch::cli {

inline constexpr const char* default_config_path = "/etc/slawatch/slawatch.toml";
inline constexpr const char* config_env = "SLAWATCH_CONFIG";

// -c/--config on `cmd`: defaults to $SLAWATCH_CONFIG, else /etc/slawatch/slawatch.toml.
CLI::Option* add_config_option(CLI::App& cmd, std::string& config);

// The config, or CommandError(2) with the loader's "file:line:col: ..."
// lines, one per problem; nothing is started or opened before it loads.
config::Config load_config(const std::string& file);

}  // namespace slawatch::cli
