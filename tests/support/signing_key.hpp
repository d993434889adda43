// SPDX-License-Identifier: Apache-2.0
#pragma once
// Test support: an evidence signing key, made the way docs/evidence.md says.

#include "tests/support/process.hpp"

#include <catch2/catch.hpp>

#include <filesystem>

namespace slawatch::testing {

// An Ed25519 private key in PEM at `path` ([evidence] signing_key_file).
inline void make_signing_key(const std::filesystem::path& path) {
    const auto r =
        run({"/usr/bin/openssl", "genpkey", "-algorithm", "ed25519", "-out", path.string()});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
}

}  // namespace slawatch::testing
