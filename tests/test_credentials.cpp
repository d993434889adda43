// SPDX-License-Identifier: Apache-2.0
// R12: where a probe's SecretId and SecretKey come from, and in which order
// (docs/install.md "Credentials"): the probe's *_file keys, then the environment,
// then systemd's $CREDENTIALS_DIRECTORY.

#include "probes/probe.hpp"
#include "probes/tencentcloud_api.hpp"
#include "tests/support/process.hpp"

#include <catch2/catch.hpp>

#include <cstdlib>

using namespace slawatch;
using slawatch::testing::TempDir;

namespace {

// Sets or clears the three sources for one test and restores the environment.
struct CredentialEnv {
    CredentialEnv() { clear(); }
    ~CredentialEnv() { clear(); }
    static void clear() {
        unsetenv("TENCENTCLOUD_SECRET_ID");
        unsetenv("TENCENTCLOUD_SECRET_KEY");
        unsetenv("CREDENTIALS_DIRECTORY");
    }
};

config::Probe probe() {
    config::Probe p;
    p.name = "management";
    p.kind = config::ProbeKind::tencentcloud;
    return p;
}

}  // namespace

TEST_CASE("R12: credentials precedence - file keys, then the environment, then systemd credentials",
          "[probes][credentials]") {
    CredentialEnv env;
    TempDir dir;
    dir.write("creds/secret_id", "AKIDfromsystemd\n");
    dir.write("creds/secret_key", "keyfromsystemd\n");
    dir.write("creds/token", "tokenfromsystemd\n");
    const auto id_file = dir.write("files/id", "AKIDfromfile\n");
    const auto key_file = dir.write("files/key", "keyfromfile\n");
    setenv("CREDENTIALS_DIRECTORY", (dir / "creds").c_str(), 1);
    setenv("TENCENTCLOUD_SECRET_ID", "AKIDfromenv", 1);
    setenv("TENCENTCLOUD_SECRET_KEY", "keyfromenv", 1);

    auto p = probe();
    p.tc.secret_id_file = id_file.string();
    p.tc.secret_key_file = key_file.string();
    auto c = probes::detail::load_credentials(p);
    CHECK(c.secret_id == "AKIDfromfile");
    CHECK(c.secret_key == "keyfromfile");
    CHECK(c.token == "tokenfromsystemd");

    // Each secret is looked up on its own: a file for one, the environment for the other.
    p.tc.secret_key_file.clear();
    c = probes::detail::load_credentials(p);
    CHECK(c.secret_id == "AKIDfromfile");
    CHECK(c.secret_key == "keyfromenv");

    p.tc.secret_id_file.clear();
    c = probes::detail::load_credentials(p);
    CHECK(c.secret_id == "AKIDfromenv");
    CHECK(c.secret_key == "keyfromenv");

    unsetenv("TENCENTCLOUD_SECRET_ID");
    unsetenv("TENCENTCLOUD_SECRET_KEY");
    c = probes::detail::load_credentials(p);
    CHECK(c.secret_id == "AKIDfromsystemd");
    CHECK(c.secret_key == "keyfromsystemd");
}

TEST_CASE("R12: no credentials anywhere names all three places, never a secret",
          "[probes][credentials]") {
    CredentialEnv env;
    TempDir dir;
    auto p = probe();
    p.tc.secret_id_file = (dir / "missing_id").string();
    CHECK_THROWS_WITH(probes::detail::load_credentials(p),
                      Catch::Contains("probe management: cannot read secret_id_file"));
    p.tc.secret_id_file.clear();
    CHECK_THROWS_WITH(
        probes::detail::load_credentials(p),
        Catch::Contains("no secret_id: set secret_id_file, or TENCENTCLOUD_SECRET_ID, "
                        "or LoadCredential=secret_id"));
}
