// SPDX-License-Identifier: Apache-2.0
// libFuzzer target: the config loader on arbitrary TOML text. Every input must
// end in a config or a list of "file:line:col: message" errors, never a crash.
#include "config/config.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    auto result = slawatch::config::parse(text, "/fuzz/slawatch.toml");
    // A rejected config always says why.
    if (!result && result.errors.empty()) std::abort();
    return 0;
}
