// SPDX-License-Identifier: Apache-2.0
// TC3-HMAC-SHA256 (docs/tencentcloud-api.md "Signing"), on OpenSSL's one-shot EVP / HMAC calls.

#include "probes/tc3_signer.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <array>
#include <cstdio>
#include <stdexcept>

namespace slawatch::probes::tc3 {
namespace {

using Digest = std::array<unsigned char, 32>;

constexpr std::string_view algorithm = "TC3-HMAC-SHA256";
constexpr std::string_view signed_headers = "content-type;host";

std::string hex(const unsigned char* data, std::size_t n) {
    static constexpr char digits[] = "0123456789abcdef";
    std::string out(n * 2, '\0');
    for (std::size_t i = 0; i < n; ++i) {
        out[2 * i] = digits[data[i] >> 4];
        out[2 * i + 1] = digits[data[i] & 0x0f];
    }
    return out;
}

Digest hmac(std::string_view key, std::string_view data) {
    Digest out{};
    unsigned int len = 0;
    if (!HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
              reinterpret_cast<const unsigned char*>(data.data()), data.size(), out.data(), &len) ||
        len != out.size())
        throw std::runtime_error("tc3: HMAC-SHA256 failed");
    return out;
}

std::string_view as_view(const Digest& d) {
    return {reinterpret_cast<const char*>(d.data()), d.size()};
}

// "YYYY-MM-DD", the UTC date of a Unix timestamp (civil_from_days, H. Hinnant).
std::string utc_date(std::int64_t timestamp) {
    std::int64_t z = (timestamp >= 0 ? timestamp : timestamp - 86399) / 86400 + 719468;
    const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const std::int64_t doe = z - era * 146097;
    const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const std::int64_t mp = (5 * doy + 2) / 153;
    const std::int64_t d = doy - (153 * mp + 2) / 5 + 1;
    const std::int64_t m = mp < 10 ? mp + 3 : mp - 9;
    const std::int64_t y = yoe + era * 400 + (m <= 2 ? 1 : 0);
    char buf[64];
    std::snprintf(buf, sizeof buf, "%04lld-%02lld-%02lld", static_cast<long long>(y),
                  static_cast<long long>(m), static_cast<long long>(d));
    return buf;
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

std::string scope(const Request& r, const std::string& date) {
    std::string s;
    s.reserve(date.size() + r.service.size() + 13);
    s.append(date).append("/").append(r.service).append("/tc3_request");
    return s;
}

std::string string_to_sign(const Request& r, const std::string& date) {
    std::string s;
    s.reserve(160);
    s.append(algorithm).append("\n");
    s.append(std::to_string(r.timestamp)).append("\n");
    s.append(scope(r, date)).append("\n");
    s.append(sha256_hex(canonical_request(r)));
    return s;
}

}  // namespace

std::string sha256_hex(std::string_view data) {
    Digest d{};
    unsigned int len = 0;
    if (!EVP_Digest(data.data(), data.size(), d.data(), &len, EVP_sha256(), nullptr) ||
        len != d.size())
        throw std::runtime_error("tc3: SHA-256 failed");
    return hex(d.data(), d.size());
}

std::string canonical_request(const Request& r) {
    // Header names are lowercase and sorted: content-type < host.
    std::string s;
    s.reserve(r.host.size() + r.content_type.size() + 128);
    s.append("POST\n/\n\n");
    s.append("content-type:").append(trim(r.content_type)).append("\n");
    s.append("host:").append(trim(r.host)).append("\n\n");
    s.append(signed_headers).append("\n");
    s.append(sha256_hex(r.payload));
    return s;
}

std::string string_to_sign(const Request& r) {
    return string_to_sign(r, utc_date(r.timestamp));
}

std::string signature(std::string_view secret_key, const Request& r) {
    const std::string date = utc_date(r.timestamp);
    std::string k0;
    k0.reserve(3 + secret_key.size());
    k0.append("TC3").append(secret_key);
    const Digest k_date = hmac(k0, date);
    const Digest k_service = hmac(as_view(k_date), r.service);
    const Digest k_signing = hmac(as_view(k_service), "tc3_request");
    const Digest sig = hmac(as_view(k_signing), string_to_sign(r, date));
    // The derived key material must not linger in freed heap memory.
    OPENSSL_cleanse(k0.data(), k0.size());
    return hex(sig.data(), sig.size());
}

std::string authorization(const Credentials& c, const Request& r) {
    std::string s;
    s.reserve(200);
    s.append(algorithm).append(" Credential=").append(c.secret_id).append("/");
    s.append(scope(r, utc_date(r.timestamp)));
    s.append(", SignedHeaders=").append(signed_headers);
    s.append(", Signature=").append(signature(c.secret_key, r));
    return s;
}

}  // namespace slawatch::probes::tc3
