// SPDX-License-Identifier: Apache-2.0
// `slawatch key`: the public part of the configured evidence signing key, as
// a fingerprint and PEM, a note verifier key or a cosigner verifier key
// (docs/evidence.md). The private key is never printed.

#include "cli/commands.hpp"
#include "cli/common/exit_codes.hpp"
#include "cli/common/store_cli.hpp"
#include "cli/evidence/evidence_cli.hpp"
#include "storage/evidence/note.hpp"

#include <fmt/format.h>

#include <iostream>

namespace slawatch::cli {
namespace {

namespace note = storage::evidence::note;

struct KeyOptions {
    StoreOptions store;
    bool verifier = false;
    bool cosigner = false;
};

// The key's name: this log's origin, which needs the database's log id.
std::string log_origin(const config::Config& config, const StoreOptions& options) {
    const auto db = db_path(config, options);
    std::error_code ec;
    if (!std::filesystem::exists(db, ec))
        throw CommandError(exit_usage,
                           fmt::format("slawatch key: no evidence database at {}: the verifier "
                                       "key names the log, whose id the database holds; start "
                                       "`slawatch run` or `replay` once first",
                                       db.string()));
    const auto verified = open_verified_store(config, options, now_ms());
    const auto& log = verified.store->evidence();
    if (log.log_id().empty())
        throw CommandError(exit_usage, fmt::format("slawatch key: {} has no log id yet; start "
                                                   "`slawatch run` or `replay` once first",
                                                   db.string()));
    return log.origin();
}

void run_key(const KeyOptions& o) {
    const auto config = load_config(o.store.config);
    const auto signer = load_signer(config);
    if (!signer)
        throw CommandError(exit_usage,
                           fmt::format("slawatch key: {} configures no signing key (set "
                                       "[evidence] signing_key_file)",
                                       config.file.string()));
    if (!o.verifier && !o.cosigner) {
        std::cout << "fingerprint " << signer->fingerprint() << "\n" << signer->public_key_pem();
        return;
    }
    const auto origin = log_origin(config, o.store);
    std::cout << (o.verifier
                      ? note::verifier_key(origin, signer->public_key())
                      : note::verifier_key(origin, signer->public_key(), note::cosignature_type))
              << "\n";
}

}  // namespace

void register_key(CLI::App& app) {
    auto options = std::make_shared<KeyOptions>();
    auto* cmd = app.add_subcommand(
        "key", "Print the public part of the evidence signing key (never the private key)");
    add_store_options(*cmd, options->store);
    auto* verifier = cmd->add_flag(
        "--verifier", options->verifier,
        "The note verifier key (<origin>+<key id>+<base64 key>) that checks checkpoint notes");
    cmd->add_flag("--cosigner", options->cosigner,
                  "The cosigner verifier key (type 0x04) that checks this log's cosignatures")
        ->excludes(verifier);
    cmd->footer(
        "Without a flag: the key's fingerprint (SHA-256 of the raw Ed25519 key) and its PEM "
        "public key. --verifier and --cosigner name the key by this log's origin, so the "
        "database must exist. Exit 2 when no signing key is configured.");
    cmd->callback([options] { run_key(*options); });
}

}  // namespace slawatch::cli
