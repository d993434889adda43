// SPDX-License-Identifier: Apache-2.0
#pragma once
// Ed25519 signing of evidence checkpoints (OpenSSL EVP). The private key is
// read from a PEM file and kept in memory only: never logged, never stored.

#include <array>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace slawatch::storage::evidence {

using PublicKey = std::array<std::uint8_t, 32>;

// A key that cannot be read or is not an Ed25519 private key.
struct KeyError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

class Signer {
public:
    // Reads a PEM private key (`openssl genpkey -algorithm ed25519`).
    // Throws KeyError naming the file (never its content).
    static Signer from_pem_file(const std::filesystem::path& file);
    ~Signer();
    Signer(Signer&&) noexcept;
    Signer& operator=(Signer&&) = delete;

    std::string sign(std::string_view message) const;  // 64 bytes
    const PublicKey& public_key() const { return public_key_; }
    std::string fingerprint() const;  // hex SHA-256 of the raw public key
    std::string public_key_pem() const;

private:
    struct Key;
    explicit Signer(std::unique_ptr<Key> key);
    std::unique_ptr<Key> key_;
    PublicKey public_key_{};
};

// Does `signature` sign `message` under the raw Ed25519 `public_key`?
bool verify_signature(const PublicKey& public_key, std::string_view message,
                      std::string_view signature);

// hex SHA-256 of the raw 32-byte public key.
std::string fingerprint(const PublicKey& public_key);

// The SubjectPublicKeyInfo PEM of a raw Ed25519 public key.
std::string public_key_pem(const PublicKey& public_key);

// The raw Ed25519 key of a SubjectPublicKeyInfo PEM (what public_key_pem
// writes); nullopt for anything else.
std::optional<PublicKey> public_key_from_pem(std::string_view pem);

// A new evidence log's identity: 128 random bits (OpenSSL's CSPRNG), as 32 hex digits.
std::string new_log_id();

// The key file to use: `configured` when set, else the systemd credential
// $CREDENTIALS_DIRECTORY/evidence_signing_key when it exists, else none.
std::optional<std::filesystem::path> signing_key_path(const std::string& configured);

}  // namespace slawatch::storage::evidence
