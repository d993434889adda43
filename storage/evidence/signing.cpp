// SPDX-License-Identifier: Apache-2.0
// Ed25519 through OpenSSL's EVP interface: sign, verify, fingerprint.

#include "storage/evidence/signing.hpp"

#include "storage/evidence/tree.hpp"

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>

#include <cstdio>
#include <cstdlib>
#include <memory>

namespace slawatch::storage::evidence {
namespace {

struct PkeyFree {
    void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
struct CtxFree {
    void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};
struct BioFree {
    void operator()(BIO* b) const { BIO_free(b); }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyFree>;

}  // namespace

struct Signer::Key {
    PkeyPtr pkey;
};

Signer::Signer(std::unique_ptr<Key> key) : key_(std::move(key)) {
    std::size_t len = public_key_.size();
    if (EVP_PKEY_get_raw_public_key(key_->pkey.get(), public_key_.data(), &len) != 1 ||
        len != public_key_.size())
        throw KeyError("cannot derive the Ed25519 public key");
}

Signer::~Signer() = default;
Signer::Signer(Signer&&) noexcept = default;

Signer Signer::from_pem_file(const std::filesystem::path& file) {
    std::unique_ptr<BIO, BioFree> bio(BIO_new_file(file.c_str(), "r"));
    if (!bio) throw KeyError("cannot read the evidence signing key " + file.string());
    auto key = std::make_unique<Key>();
    key->pkey.reset(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
    if (!key->pkey || EVP_PKEY_get_base_id(key->pkey.get()) != EVP_PKEY_ED25519)
        throw KeyError("evidence signing key " + file.string() +
                       " is not an Ed25519 private key in PEM (make one with: openssl genpkey "
                       "-algorithm ed25519)");
    return Signer(std::move(key));
}

std::string Signer::sign(std::string_view message) const {
    std::unique_ptr<EVP_MD_CTX, CtxFree> ctx(EVP_MD_CTX_new());
    std::string sig(64, '\0');
    std::size_t len = sig.size();
    // Ed25519 is "pure": no digest, the whole message in one call.
    if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, key_->pkey.get()) != 1 ||
        EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &len,
                       reinterpret_cast<const unsigned char*>(message.data()), message.size()) != 1)
        throw KeyError("OpenSSL: Ed25519 signing failed");
    sig.resize(len);
    return sig;
}

std::string Signer::fingerprint() const {
    return evidence::fingerprint(public_key_);
}
std::string Signer::public_key_pem() const {
    return evidence::public_key_pem(public_key_);
}

bool verify_signature(const PublicKey& public_key, std::string_view message,
                      std::string_view signature) {
    PkeyPtr pkey(EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, public_key.data(),
                                             public_key.size()));
    std::unique_ptr<EVP_MD_CTX, CtxFree> ctx(EVP_MD_CTX_new());
    if (!pkey || !ctx ||
        EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, pkey.get()) != 1)
        return false;
    return EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()),
                            signature.size(),
                            reinterpret_cast<const unsigned char*>(message.data()),
                            message.size()) == 1;
}

std::string fingerprint(const PublicKey& public_key) {
    Hasher h;
    return to_hex(h.plain({reinterpret_cast<const char*>(public_key.data()), public_key.size()}));
}

std::string public_key_pem(const PublicKey& public_key) {
    PkeyPtr pkey(EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, public_key.data(),
                                             public_key.size()));
    std::unique_ptr<BIO, BioFree> bio(BIO_new(BIO_s_mem()));
    if (!pkey || !bio || PEM_write_bio_PUBKEY(bio.get(), pkey.get()) != 1) return {};
    char* data = nullptr;
    const long n = BIO_get_mem_data(bio.get(), &data);
    return std::string(data, static_cast<std::size_t>(n));
}

std::optional<PublicKey> public_key_from_pem(std::string_view pem) {
    std::unique_ptr<BIO, BioFree> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
    if (!bio) return std::nullopt;
    PkeyPtr pkey(PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr));
    if (!pkey || EVP_PKEY_get_id(pkey.get()) != EVP_PKEY_ED25519) return std::nullopt;
    PublicKey key{};
    std::size_t len = key.size();
    if (EVP_PKEY_get_raw_public_key(pkey.get(), key.data(), &len) != 1 || len != key.size())
        return std::nullopt;
    return key;
}

std::string new_log_id() {
    std::array<std::uint8_t, 16> id{};
    if (RAND_bytes(id.data(), static_cast<int>(id.size())) != 1)
        throw std::runtime_error("no randomness for a new evidence log id");
    return to_hex(id.data(), id.size());
}

std::optional<std::filesystem::path> signing_key_path(const std::string& configured) {
    if (!configured.empty()) return std::filesystem::path(configured);
    // systemd LoadCredential=evidence_signing_key:/path puts it here.
    if (const char* dir = std::getenv("CREDENTIALS_DIRECTORY"); dir && *dir) {
        std::filesystem::path p = std::filesystem::path(dir) / "evidence_signing_key";
        std::error_code ec;
        if (std::filesystem::exists(p, ec)) return p;
    }
    return std::nullopt;
}

}  // namespace slawatch::storage::evidence
