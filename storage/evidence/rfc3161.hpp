// SPDX-License-Identifier: Apache-2.0
#pragma once
// RFC 3161 time-stamps over OpenSSL's TS API, bytes in and a result out: the
// TimeStampReq for a message, the check of a TSA's TimeStampResp, and the
// check of a stored TimeStampToken against the message and a CA bundle
// (docs/evidence.md, "Time-stamps"). No I/O, no storage: the daemon's
// stamping (alerts/stamper.hpp) and `verify` call these.

#include "sla/time.hpp"

#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>

namespace slawatch::storage::evidence::rfc3161 {

// A response or token that cannot be used, with the reason for people.
struct TimestampError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// Media types of RFC 3161 over HTTP (section 3.4).
inline constexpr std::string_view query_type = "application/timestamp-query";
inline constexpr std::string_view reply_type = "application/timestamp-reply";
// The most a TSA's answer may be: a token with a certificate chain is a few KiB.
inline constexpr std::size_t max_response_bytes = 64 * 1024;

struct Request {
    std::string der;    // the DER TimeStampReq
    std::string nonce;  // its nonce, big-endian bytes (8)
};

// Version 1, SHA-256 message imprint of `message`, a random 64-bit nonce,
// certReq true.
Request make_request(std::string_view message);

// What a token says (read, not yet trusted).
struct TokenInfo {
    std::string imprint;  // the SHA-256 message imprint (32 bytes)
    std::string nonce;    // big-endian bytes, "" when absent
    sla::EpochMillis gen_time_ms = 0;
    std::string serial;  // hex
};

// Reads a DER TimeStampToken (CMS SignedData). Throws TimestampError.
TokenInfo read_token(std::string_view token_der);

// Does the token's signature verify, and its signer's certificate chain to
// one of `ca_bundle_pem` (PEM certificates) for time-stamping? "" when yes,
// else the reason. The message imprint is not checked here.
std::string check_chain(std::string_view token_der, std::string_view ca_bundle_pem);

// A TSA's answer to `request` for `message`: status granted, a token whose
// imprint and nonce are the request's, that verifies against
// `ca_bundle_pem`. Returns the token (DER) and what it says; throws
// TimestampError naming what is wrong.
struct Stamp {
    std::string token_der;
    TokenInfo info;
};
Stamp read_response(std::string_view response_der, const Request& request, std::string_view message,
                    std::string_view ca_bundle_pem);

// SHA-256 of `message`.
std::string sha256(std::string_view message);

}  // namespace slawatch::storage::evidence::rfc3161
