// SPDX-License-Identifier: Apache-2.0
// RFC 3161 requests, responses and tokens through OpenSSL's TS API.

#include "storage/evidence/rfc3161.hpp"

#include <fmt/format.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/ts.h>
#include <openssl/x509.h>

#include <cctype>
#include <climits>
#include <ctime>
#include <memory>

namespace slawatch::storage::evidence::rfc3161 {

namespace {

template <typename T, void (*Free)(T*)>
struct Deleter {
    void operator()(T* p) const { Free(p); }
};
template <typename T, void (*Free)(T*)>
using Owned = std::unique_ptr<T, Deleter<T, Free>>;

using Req = Owned<TS_REQ, TS_REQ_free>;
using Resp = Owned<TS_RESP, TS_RESP_free>;
using Pkcs7 = Owned<PKCS7, PKCS7_free>;
using TstInfo = Owned<TS_TST_INFO, TS_TST_INFO_free>;
using Imprint = Owned<TS_MSG_IMPRINT, TS_MSG_IMPRINT_free>;
using Algor = Owned<X509_ALGOR, X509_ALGOR_free>;
using Integer = Owned<ASN1_INTEGER, ASN1_INTEGER_free>;
using Bignum = Owned<BIGNUM, BN_free>;
using Bio = Owned<BIO, BIO_free_all>;
using Store = Owned<X509_STORE, X509_STORE_free>;
using Cert = Owned<X509, X509_free>;
using VerifyCtx = Owned<TS_VERIFY_CTX, TS_VERIFY_CTX_free>;

// The newest OpenSSL error, for messages ("" when none).
std::string openssl_error() {
    std::string out;
    while (unsigned long e = ERR_get_error()) {
        char buf[256];
        ERR_error_string_n(e, buf, sizeof buf);
        out = buf;
    }
    return out;
}

std::string hex_of(const ASN1_INTEGER* i) {
    if (!i) return "";
    Bignum bn(ASN1_INTEGER_to_BN(i, nullptr));
    if (!bn) return "";
    char* text = BN_bn2hex(bn.get());
    std::string out = text ? text : "";
    OPENSSL_free(text);
    return out;
}

// GeneralizedTime "YYYYMMDDHHMMSS[.fff...]Z" in milliseconds.
sla::EpochMillis millis_of(const ASN1_GENERALIZEDTIME* t) {
    std::tm tm{};
    if (!t || ASN1_TIME_to_tm(t, &tm) != 1) throw TimestampError("the token has no valid genTime");
    const auto seconds = static_cast<sla::EpochMillis>(timegm(&tm));
    const std::string_view text(reinterpret_cast<const char*>(ASN1_STRING_get0_data(t)),
                                static_cast<std::size_t>(ASN1_STRING_length(t)));
    sla::EpochMillis ms = 0;
    if (const auto dot = text.find('.'); dot != std::string_view::npos) {
        int digits = 0;
        for (auto i = dot + 1; i < text.size() && digits < 3; ++i, ++digits) {
            if (!std::isdigit(static_cast<unsigned char>(text[i]))) break;
            ms = ms * 10 + (text[i] - '0');
        }
        for (; digits < 3; ++digits) ms *= 10;
    }
    return seconds * 1000 + ms;
}

Pkcs7 parse_token(std::string_view der) {
    if (der.size() > max_response_bytes || der.size() > LONG_MAX)
        throw TimestampError("the token is too large");
    auto* p = reinterpret_cast<const unsigned char*>(der.data());
    Pkcs7 token(d2i_PKCS7(nullptr, &p, static_cast<long>(der.size())));
    if (!token || p != reinterpret_cast<const unsigned char*>(der.data()) + der.size()) {
        ERR_clear_error();
        throw TimestampError("the token is not a DER TimeStampToken");
    }
    return token;
}

std::string to_der(PKCS7* token) {
    const int n = i2d_PKCS7(token, nullptr);
    if (n <= 0) throw TimestampError("cannot encode the token: " + openssl_error());
    std::string out(static_cast<std::size_t>(n), '\0');
    auto* p = reinterpret_cast<unsigned char*>(out.data());
    i2d_PKCS7(token, &p);
    return out;
}

// A PEM bundle as a certificate store for time-stamping signers.
Store load_bundle(std::string_view pem) {
    Store store(X509_STORE_new());
    Bio bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
    if (!store || !bio) throw TimestampError("out of memory");
    int count = 0;
    while (Cert cert{PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)}) {
        if (X509_STORE_add_cert(store.get(), cert.get()) == 1) ++count;
    }
    ERR_clear_error();  // the end of the bundle reads as an error
    if (count == 0) throw TimestampError("the CA bundle holds no PEM certificate");
    return store;
}

// The status of a response, 0 granted, 1 granted with modifications.
void check_status(TS_RESP* resp) {
    const TS_STATUS_INFO* si = TS_RESP_get_status_info(resp);
    const long status = si ? ASN1_INTEGER_get(TS_STATUS_INFO_get0_status(si)) : -1;
    if (status == TS_STATUS_GRANTED || status == TS_STATUS_GRANTED_WITH_MODS) return;
    std::string text;
    if (const auto* texts = si ? TS_STATUS_INFO_get0_text(si) : nullptr;
        texts && sk_ASN1_UTF8STRING_num(texts) > 0) {
        const auto* first = sk_ASN1_UTF8STRING_value(texts, 0);
        text.assign(reinterpret_cast<const char*>(ASN1_STRING_get0_data(first)),
                    static_cast<std::size_t>(std::min(ASN1_STRING_length(first), 200)));
        for (auto& c : text)
            if (!std::isprint(static_cast<unsigned char>(c))) c = '?';
    }
    throw TimestampError(
        fmt::format("the TSA refused: status {}{}", status, text.empty() ? "" : " (" + text + ")"));
}

}  // namespace

std::string sha256(std::string_view message) {
    std::string out(32, '\0');
    unsigned int len = 0;
    EVP_Digest(message.data(), message.size(), reinterpret_cast<unsigned char*>(out.data()), &len,
               EVP_sha256(), nullptr);
    return out;
}

Request make_request(std::string_view message) {
    const auto digest = sha256(message);
    Req req(TS_REQ_new());
    Imprint imprint(TS_MSG_IMPRINT_new());
    Algor algo(X509_ALGOR_new());
    unsigned char nonce_bytes[8];
    if (!req || !imprint || !algo || RAND_bytes(nonce_bytes, sizeof nonce_bytes) != 1)
        throw TimestampError("cannot make a request: " + openssl_error());
    nonce_bytes[0] |= 0x40;  // 64 bits, never a shorter number
    Bignum bn(BN_bin2bn(nonce_bytes, sizeof nonce_bytes, nullptr));
    Integer nonce(bn ? BN_to_ASN1_INTEGER(bn.get(), nullptr) : nullptr);
    X509_ALGOR_set0(algo.get(), OBJ_nid2obj(NID_sha256), V_ASN1_NULL, nullptr);
    if (!nonce || TS_MSG_IMPRINT_set_algo(imprint.get(), algo.get()) != 1 ||
        TS_MSG_IMPRINT_set_msg(imprint.get(),
                               reinterpret_cast<unsigned char*>(const_cast<char*>(digest.data())),
                               static_cast<int>(digest.size())) != 1 ||
        TS_REQ_set_version(req.get(), 1) != 1 ||
        TS_REQ_set_msg_imprint(req.get(), imprint.get()) != 1 ||
        TS_REQ_set_nonce(req.get(), nonce.get()) != 1 || TS_REQ_set_cert_req(req.get(), 1) != 1)
        throw TimestampError("cannot make a request: " + openssl_error());
    const int n = i2d_TS_REQ(req.get(), nullptr);
    if (n <= 0) throw TimestampError("cannot encode a request: " + openssl_error());
    Request out;
    out.der.resize(static_cast<std::size_t>(n));
    auto* p = reinterpret_cast<unsigned char*>(out.der.data());
    i2d_TS_REQ(req.get(), &p);
    out.nonce = hex_of(nonce.get());
    return out;
}

TokenInfo read_token(std::string_view token_der) {
    auto token = parse_token(token_der);
    TstInfo tst(PKCS7_to_TS_TST_INFO(token.get()));
    if (!tst) {
        ERR_clear_error();
        throw TimestampError("the token holds no TSTInfo");
    }
    TokenInfo out;
    const TS_MSG_IMPRINT* mi = TS_TST_INFO_get_msg_imprint(tst.get());
    const X509_ALGOR* algo =
        mi ? TS_MSG_IMPRINT_get_algo(const_cast<TS_MSG_IMPRINT*>(mi)) : nullptr;
    const ASN1_OBJECT* oid = nullptr;
    if (algo) X509_ALGOR_get0(&oid, nullptr, nullptr, algo);
    if (!oid || OBJ_obj2nid(oid) != NID_sha256)
        throw TimestampError("the token's message imprint is not SHA-256");
    const ASN1_OCTET_STRING* msg = TS_MSG_IMPRINT_get_msg(const_cast<TS_MSG_IMPRINT*>(mi));
    out.imprint.assign(reinterpret_cast<const char*>(ASN1_STRING_get0_data(msg)),
                       static_cast<std::size_t>(ASN1_STRING_length(msg)));
    out.nonce = hex_of(TS_TST_INFO_get_nonce(tst.get()));
    out.serial = hex_of(TS_TST_INFO_get_serial(tst.get()));
    out.gen_time_ms = millis_of(TS_TST_INFO_get_time(tst.get()));
    return out;
}

std::string check_chain(std::string_view token_der, std::string_view ca_bundle_pem) {
    try {
        auto token = parse_token(token_der);
        auto store = load_bundle(ca_bundle_pem);
        VerifyCtx ctx(TS_VERIFY_CTX_new());
        if (!ctx) return "out of memory";
        TS_VERIFY_CTX_set_flags(ctx.get(), TS_VFY_VERSION | TS_VFY_SIGNATURE);
        TS_VERIFY_CTX_set_store(ctx.get(), store.release());  // the context owns it now
        ERR_clear_error();
        if (TS_RESP_verify_token(ctx.get(), token.get()) == 1) return "";
        const auto why = openssl_error();
        return "the signature or the TSA's certificate chain does not verify" +
               (why.empty() ? std::string() : " (" + why + ")");
    } catch (const TimestampError& e) {
        return e.what();
    }
}

Stamp read_response(std::string_view response_der, const Request& request, std::string_view message,
                    std::string_view ca_bundle_pem) {
    if (response_der.size() > max_response_bytes)
        throw TimestampError(fmt::format("the response is over {} bytes", max_response_bytes));
    auto* p = reinterpret_cast<const unsigned char*>(response_der.data());
    Resp resp(d2i_TS_RESP(nullptr, &p, static_cast<long>(response_der.size())));
    if (!resp) {
        ERR_clear_error();
        throw TimestampError("the response is not a DER TimeStampResp");
    }
    check_status(resp.get());
    PKCS7* token = TS_RESP_get_token(resp.get());
    if (!token) throw TimestampError("the response grants but holds no token");
    Stamp out;
    out.token_der = to_der(token);
    out.info = read_token(out.token_der);
    if (out.info.imprint != sha256(message))
        throw TimestampError("the token stamps another message (message imprint differs)");
    if (out.info.nonce != request.nonce)
        throw TimestampError("the token's nonce is not the request's");
    if (auto why = check_chain(out.token_der, ca_bundle_pem); !why.empty())
        throw TimestampError(why);
    return out;
}

}  // namespace slawatch::storage::evidence::rfc3161
