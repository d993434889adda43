// SPDX-License-Identifier: Apache-2.0
#pragma once
// Test support: a script exactly as a document prints it, so that the test
// runs what the reader would and the two cannot drift apart.

#include "tests/support/process.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <string>

namespace slawatch::testing {

// The fenced ```sh block of `doc` that starts with "#!/bin/bash\n# NAME".
inline std::string doc_script(const std::filesystem::path& doc, const std::string& name) {
    const auto text = read_file(doc);
    const auto start = text.find("```sh\n#!/bin/bash\n# " + name);
    INFO(doc.string() << " has no script " << name);
    REQUIRE(start != std::string::npos);
    const auto body = start + 6;
    return text.substr(body, text.find("```", body) - body);
}

}  // namespace slawatch::testing
