// SPDX-License-Identifier: Apache-2.0
#pragma once
// Signed notes as the transparency-log world writes them (docs/evidence.md,
// "Checkpoints"): a C2SP tlog-checkpoint (origin, tree size, base64 root
// hash), Ed25519 note signatures (key id type 0x01), verifier keys, and
// tlog-cosignature/v1 Ed25519 cosignatures (key id type 0x04). Pure: no I/O.

#include "storage/evidence/signing.hpp"
#include "storage/evidence/tree.hpp"

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace slawatch::storage::evidence::note {

// The signature type byte of an Ed25519 note signature and of an Ed25519
// tlog-cosignature/v1; it enters the key id, so the two never collide.
inline constexpr std::uint8_t ed25519_type = 0x01;
inline constexpr std::uint8_t cosignature_type = 0x04;

// A note or verifier key that is not well formed; the message says what.
struct NoteError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// The origin of a slawatch evidence log: "slawatch/<vantage>/<log id>".
// Also the name of the key that signs its checkpoints.
std::string origin(std::string_view vantage, std::string_view log_id);
// True when `name` may be a key name or an origin: non-empty, printable
// ASCII, no space and no '+'.
bool valid_key_name(std::string_view name);

// What a checkpoint commits to.
struct CheckpointBody {
    std::string origin;
    std::uint64_t tree_size = 0;
    Hash root{};
    bool operator==(const CheckpointBody&) const = default;
};

// The note text: "<origin>\n<tree size>\n<base64 root>\n", the bytes signed.
std::string checkpoint_text(const CheckpointBody& body);
// The inverse; extension lines are refused (slawatch writes none).
CheckpointBody parse_checkpoint_text(std::string_view text);  // throws NoteError

// The key id: the first 4 bytes (big-endian) of
// SHA-256(name || "\n" || type || public key).
std::uint32_t key_id(std::string_view name, std::uint8_t type, const PublicKey& key);

// One signature line of a note: "— <name> base64(key id || signature)".
struct Signature {
    std::string name;
    std::uint32_t key_id = 0;
    std::string bytes;  // what follows the key id: 64 bytes, or 8 + 64 for a cosignature
    bool operator==(const Signature&) const = default;
};
std::string signature_line(const Signature& s);  // with its final "\n"

// A signed note: its text (ending in "\n") and its signature lines.
struct Note {
    std::string text;
    std::vector<Signature> signatures;

    // text, a blank line, then one line per signature.
    std::string serialize() const;
};
// Throws NoteError for anything that is not a well-formed note (at most 100
// signature lines, a text of at most 64 KiB).
Note parse(std::string_view note);

// The Ed25519 note signature of `text` (type 0x01) under `name`.
Signature sign(const Signer& signer, std::string_view name, std::string_view text);
// True when `note` carries a valid signature by `key` under `name`.
bool verify(const Note& note, std::string_view name, const PublicKey& key);

// A verifier key, "<name>+<key id, 8 hex digits>+base64(type || public key)":
// of type 0x01 what golang.org/x/mod/sumdb/note's NewVerifier reads, of type
// 0x04 a cosigner's (C2SP tlog-cosignature).
std::string verifier_key(std::string_view name, const PublicKey& key,
                         std::uint8_t type = ed25519_type);
struct VerifierKey {
    std::string name;
    std::uint8_t type = ed25519_type;
    PublicKey key{};
};
VerifierKey parse_verifier_key(std::string_view vkey);  // throws NoteError

// tlog-cosignature/v1 (Ed25519): the cosigner signs
// "cosignature/v1\ntime <seconds>\n" followed by the checkpoint's note text.
std::string cosignature_message(std::uint64_t time_s, std::string_view text);
Signature cosign(const Signer& signer, std::string_view cosigner, std::uint64_t time_s,
                 std::string_view text);
// The time of a valid cosignature of `note` by `key` under `cosigner`, if any.
std::optional<std::uint64_t> verify_cosignature(const Note& note, std::string_view cosigner,
                                                const PublicKey& key);

}  // namespace slawatch::storage::evidence::note
