// SPDX-License-Identifier: Apache-2.0
#pragma once
// Test support: a script of docs/evidence.md exactly as printed there, so the
// tests run what a reader would copy. Needs SLAWATCH_SOURCE_DIR.

#include "tests/support/process.hpp"

#include <catch2/catch.hpp>

#include <string>

namespace slawatch::testing {

// The fenced ```sh block of docs/evidence.md that starts with "#!/bin/bash\n# NAME".
inline std::string doc_script(const std::string& name) {
    const auto doc = read_file(std::string(SLAWATCH_SOURCE_DIR) + "/docs/evidence.md");
    const auto start = doc.find("```sh\n#!/bin/bash\n# " + name);
    REQUIRE(start != std::string::npos);
    const auto body = start + 6;
    return doc.substr(body, doc.find("```", body) - body);
}

}  // namespace slawatch::testing
