// SPDX-License-Identifier: Apache-2.0
// Certificate generation with EVP/X509 calls; every OpenSSL object is held by a unique_ptr.

#include "tools/tcmpp-sim/tls_certs.hpp"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>
#include <stdexcept>
#include <string>

namespace tcmpp_sim {
namespace {

template <auto Free>
struct Deleter {
    template <class T>
    void operator()(T* p) const {
        Free(p);
    }
};
using Key = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY_free>>;
using Cert = std::unique_ptr<X509, Deleter<X509_free>>;
using Bio = std::unique_ptr<BIO, Deleter<BIO_free>>;
using Ext = std::unique_ptr<X509_EXTENSION, Deleter<X509_EXTENSION_free>>;

[[noreturn]] void fail(const char* what) {
    char reason[256] = "unknown error";
    if (const unsigned long e = ERR_get_error()) ERR_error_string_n(e, reason, sizeof reason);
    ERR_clear_error();
    throw std::runtime_error(std::string("tls: ") + what + ": " + reason);
}

void check(int ok, const char* what) {
    if (ok <= 0) fail(what);
}

Key new_key() {
    // P-256: the cheapest common server signature, so TLS handshakes stay fast.
    Key k(EVP_EC_gen("P-256"));
    if (!k) fail("EC key generation");
    return k;
}

Bio mem_bio() {
    Bio bio(BIO_new(BIO_s_mem()));
    if (!bio) fail("BIO_new");
    return bio;
}

std::string drain(BIO* bio) {
    char* data = nullptr;
    const long n = BIO_get_mem_data(bio, &data);
    return std::string(data, static_cast<std::size_t>(n));
}

std::string cert_pem(X509* c) {
    const Bio bio = mem_bio();
    check(PEM_write_bio_X509(bio.get(), c), "PEM_write_bio_X509");
    return drain(bio.get());
}

std::string key_pem(EVP_PKEY* k) {
    const Bio bio = mem_bio();
    check(PEM_write_bio_PrivateKey(bio.get(), k, nullptr, nullptr, 0, nullptr, nullptr),
          "PEM_write_bio_PrivateKey");
    return drain(bio.get());
}

void add_ext(X509* cert, X509* issuer, int nid, const char* value) {
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
    Ext ext(X509V3_EXT_conf_nid(nullptr, &ctx, nid, value));
    if (!ext) fail("X509V3_EXT_conf_nid");
    check(X509_add_ext(cert, ext.get(), -1), "X509_add_ext");
}

// A certificate for `key` named `cn`, issued by `issuer` (nullptr = self-signed).
Cert make_cert(EVP_PKEY* key, const char* cn, X509* issuer, EVP_PKEY* issuer_key, bool is_ca) {
    Cert c(X509_new());
    if (!c) fail("X509_new");
    check(X509_set_version(c.get(), X509_VERSION_3), "X509_set_version");
    unsigned char serial[16];
    check(RAND_bytes(serial, sizeof serial), "RAND_bytes");
    serial[0] &= 0x7f;  // positive
    BIGNUM* bn = BN_bin2bn(serial, sizeof serial, nullptr);
    if (!bn) fail("BN_bin2bn");
    ASN1_INTEGER* sn = BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(c.get()));
    BN_free(bn);
    if (!sn) fail("serial number");
    // Valid from an hour ago (clock skew) for 30 days: throwaway by design.
    if (!X509_gmtime_adj(X509_getm_notBefore(c.get()), -3600) ||
        !X509_gmtime_adj(X509_getm_notAfter(c.get()), 30L * 86400))
        fail("validity");
    X509_NAME* name = X509_get_subject_name(c.get());
    check(
        X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC,
                                   reinterpret_cast<const unsigned char*>("tcmpp-sim"), -1, -1, 0),
        "subject O");
    check(X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                                     reinterpret_cast<const unsigned char*>(cn), -1, -1, 0),
          "subject CN");
    X509* signer = issuer ? issuer : c.get();
    check(X509_set_issuer_name(c.get(), X509_get_subject_name(signer)), "issuer");
    check(X509_set_pubkey(c.get(), key), "X509_set_pubkey");

    add_ext(c.get(), signer, NID_subject_key_identifier, "hash");
    if (is_ca) {
        add_ext(c.get(), signer, NID_basic_constraints, "critical,CA:TRUE");
        add_ext(c.get(), signer, NID_key_usage, "critical,keyCertSign,cRLSign");
    } else {
        add_ext(c.get(), signer, NID_basic_constraints, "critical,CA:FALSE");
        add_ext(c.get(), signer, NID_key_usage, "critical,digitalSignature");
        add_ext(c.get(), signer, NID_ext_key_usage, "serverAuth");
        add_ext(c.get(), signer, NID_subject_alt_name,
                "IP:127.0.0.1,IP:::1,DNS:localhost,DNS:tcmpp.tencentcloudapi.com");
    }
    if (issuer) add_ext(c.get(), signer, NID_authority_key_identifier, "keyid:always");
    if (X509_sign(c.get(), issuer_key ? issuer_key : key, EVP_sha256()) <= 0) fail("X509_sign");
    return c;
}

}  // namespace

CertBundle generate_certs() {
    CertBundle b;
    const Key ca_key = new_key();
    const Cert ca = make_cert(ca_key.get(), "tcmpp-sim throwaway CA", nullptr, nullptr, true);
    const Key leaf_key = new_key();
    const Cert leaf =
        make_cert(leaf_key.get(), "tcmpp.tencentcloudapi.com", ca.get(), ca_key.get(), false);
    const Key bad_key = new_key();
    const Cert bad = make_cert(bad_key.get(), "tcmpp.tencentcloudapi.com", nullptr, nullptr, false);
    b.ca_pem = cert_pem(ca.get());
    b.leaf_pem = cert_pem(leaf.get());
    b.leaf_key_pem = key_pem(leaf_key.get());
    b.bad_pem = cert_pem(bad.get());
    b.bad_key_pem = key_pem(bad_key.get());
    return b;
}

}  // namespace tcmpp_sim
