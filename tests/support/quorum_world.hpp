// SPDX-License-Identifier: Apache-2.0
#pragma once
// Three vantage points of one contract, replayed into their own evidence
// databases (each signed with its own key unless asked otherwise) and
// shipped as copies, for the `quorum` and `claim --quorum` tests.

#include "tests/support/replay_world.hpp"
#include "tests/support/signing_key.hpp"
#include "tests/support/sqlite_query.hpp"

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace slawatch::testing {

namespace fs = std::filesystem;

// A vantage point's config; `more` goes into [vantage]; `evidence`, when not
// empty, is the [evidence] section (a signing key).
inline std::string vantage_config(const std::string& name, const std::string& more = "",
                                  const std::string& order = "20260317000001",
                                  const std::string& evidence = "") {
    auto text = config_text("any", "[vantage]\nname = \"" + name + "\"\n" + more +
                                       (evidence.empty() ? "" : "\n" + evidence));
    const std::string ids = "order_id = \"20260317000001\"";
    text.replace(text.find(ids), ids.size(), "order_id = \"" + order + "\"");
    return text;
}

// Minutes 2026-06-01T10:00 .. 10:05 (+08:00) as each vantage point saw them:
//   10:00 all up              -> up
//   10:01 sh-idc down only    -> up at K = 2 (one network's fault proves nothing)
//   10:02 sh-idc, bj-cloud    -> down at K = 2
//   10:03 all three down      -> down
//   10:04 sh-idc down, the two others dark (local_network) -> unknown at K = 2
//   10:05 sh-idc, gz-office up, bj-cloud dark             -> up
enum class Saw { up, down, dark };
inline const std::vector<std::pair<std::string, std::vector<Saw>>> plan{
    {"sh-idc", {Saw::up, Saw::down, Saw::down, Saw::down, Saw::down, Saw::up}},
    {"bj-cloud", {Saw::up, Saw::up, Saw::down, Saw::down, Saw::dark, Saw::dark}},
    {"gz-office", {Saw::up, Saw::up, Saw::up, Saw::down, Saw::dark, Saw::up}},
};

inline Csv vantage_csv(const std::vector<Saw>& saw) {
    Csv csv;
    for (std::size_t m = 0; m < saw.size(); ++m) {
        const auto at = fmt::format("2026-06-01T10:{:02}", m);
        if (saw[m] == Saw::dark) {
            // The host's own network: its control probe fails with the rest.
            csv.minute(at, "update_check", 6, "connect_error", "");
            csv.minute(at, "release", 6, "connect_error", "");
            csv.minute(at, "ref", 6, "connect_error", "");
        } else {
            csv.minute(at, "update_check", saw[m] == Saw::down ? 6 : 0);
            healthy_others(csv, at);
        }
    }
    return csv;
}

// Three vantage points' databases, each replayed from `plan` on its own
// "host" (a folder with its config and, when signed, its Ed25519 key) and
// shipped as a copy.
struct Quorum {
    TempDir dir;
    std::vector<std::string> dbs;  // shipped copies, in plan order
    std::string config;            // the shared contract's, at the claimant's
    bool signed_ = true;

    explicit Quorum(const std::string& config_more = "", bool sign = true) : signed_(sign) {
        for (const auto& [name, saw] : plan)
            dbs.push_back(
                build(name, vantage_config(name, "", "20260317000001", evidence(name)), saw));
        config = dir.write("quorum.toml", vantage_config("hq", config_more)).string();
    }

    // The [evidence] section of vantage point `name`: its own signing key,
    // made on first use (none when the quorum is unsigned).
    std::string evidence(const std::string& name) {
        if (!signed_) return "";
        fs::create_directories(dir / name);
        const auto key = dir / name / "evidence.key";
        if (!fs::exists(key)) make_signing_key(key);
        return "[evidence]\nsigning_key_file = \"" + key.string() + "\"\n";
    }

    // The fingerprint of vantage point `name`'s key, as `verify` prints it.
    std::string fingerprint(const std::string& name) {
        const auto r = run({slawatch_bin(), "verify", "--config", (dir / name / "c.toml").string(),
                            "--db", (dir / name / "live.db").string(), "--format", "json"});
        REQUIRE(r.exit_code == 0);
        const auto at = r.out.find("\"configured_key_fingerprint\": \"");
        REQUIRE(at != std::string::npos);
        return r.out.substr(at + 31, 64);
    }

    // Replays `saw` into NAME/live.db and returns a copy of it, NAME.db.
    std::string build(const std::string& name, const std::string& config_text,
                      const std::vector<Saw>& saw) {
        fs::create_directories(dir / name);
        const auto cfg = dir.write(name + "/c.toml", config_text).string();
        const auto live = (dir / name / "live.db").string();
        const auto in = dir.write(name + "/in.csv", vantage_csv(saw).text).string();
        return replayed_copy(cfg, live, in, (dir / (name + ".db")).string());
    }

    RunResult quorum(int k, const std::vector<std::string>& dbs_, const std::string& format,
                     const std::string& cfg = "", const std::vector<std::string>& extra = {}) {
        std::vector<std::string> args{
            slawatch_bin(), "quorum",  "--config", cfg.empty() ? config : cfg,
            "--month",      "2026-06", "--quorum", std::to_string(k),
            "--format",     format};
        for (const auto& db : dbs_) args.insert(args.end(), {"--db", db});
        args.insert(args.end(), extra.begin(), extra.end());
        return run(args);
    }
    RunResult quorum(int k, const std::string& format = "json") { return quorum(k, dbs, format); }
};

}  // namespace slawatch::testing
