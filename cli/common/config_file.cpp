// SPDX-License-Identifier: Apache-2.0
// The --config option and loading the config (config_file.hpp).

#include "cli/common/config_file.hpp"

#include "cli/common/exit_codes.hpp"

#include <fmt/format.h>

namespace slawatch::cli {

CLI::Option* add_config_option(CLI::App& cmd, std::string& config) {
    if (config.empty()) config = default_config_path;
    return cmd
        .add_option("-c,--config", config,
                    fmt::format("Config file (TOML); default ${}, else {}", config_env,
                                default_config_path))
        ->envname(config_env);
}

config::Config load_config(const std::string& file) {
    auto result = config::load(file);
    if (!result) {
        std::string message;
        for (const auto& e : result.errors) message += e + "\n";
        if (message.empty()) message = file + ": invalid config\n";
        throw CommandError(exit_usage, message);
    }
    return std::move(*result.config);
}

}  // namespace slawatch::cli
