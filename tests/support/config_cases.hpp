// SPDX-License-Identifier: Apache-2.0
#pragma once
// Test support for the config tests: configs that must fail, each with its one error line.

#include "config/config.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace slawatch::testing {

// Lines 1-4 of most bad configs: a valid [contract].
inline const std::string contract4 =
    "[contract]\nstart = 2026-03-17\nmonths = 3\nmonthly_fee = \"1\"\n";
// Four lines: a valid service probe.
inline const std::string probe4 = "[[probe]]\nname = \"a\"\nkind = \"http\"\nurl = \"http://h/\"\n";

// The problems of a config that must not load (file name "t.toml").
inline std::vector<std::string> errors_of(std::string_view text) {
    auto r = config::parse(text, "t.toml");
    CHECK_FALSE(r.config.has_value());
    return r.errors;
}

struct BadConfig {
    std::string what;
    std::string text;
    std::string error;  // the one line expected
};

// One section per case: each config yields exactly its one error line.
inline void check_table(const std::vector<BadConfig>& cases) {
    for (const auto& c : cases) {
        DYNAMIC_SECTION(c.what) {
            CHECK(errors_of(c.text) == std::vector<std::string>{c.error});
        }
    }
}

}  // namespace slawatch::testing
