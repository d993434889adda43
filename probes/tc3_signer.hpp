// SPDX-License-Identifier: Apache-2.0
#pragma once
// TencentCloud API 3.0 request signing, TC3-HMAC-SHA256 (docs/tencentcloud-api.md).
// Used by the tencentcloud probe to sign and by tcmpp-sim to verify.

#include <cstdint>
#include <string>
#include <string_view>

namespace slawatch::probes::tc3 {

struct Credentials {
    std::string secret_id;
    std::string secret_key;
    std::string token;  // temporary credentials only; sent as X-TC-Token
};

// What is signed of one `POST /` request.
struct Request {
    std::string_view host;          // "tcmpp.tencentcloudapi.com"
    std::string_view service;       // "tcmpp"
    std::string_view content_type;  // "application/json; charset=utf-8"
    std::string_view payload;       // the exact body bytes
    std::int64_t timestamp = 0;     // Unix seconds (X-TC-Timestamp)
};

std::string sha256_hex(std::string_view data);

// Step 1: the canonical request.
std::string canonical_request(const Request& r);
// Step 2: the string to sign (credential scope uses the UTC date of the timestamp).
std::string string_to_sign(const Request& r);
// Step 3: hex signature.
std::string signature(std::string_view secret_key, const Request& r);
// Step 4: the Authorization header value.
std::string authorization(const Credentials& c, const Request& r);

}  // namespace slawatch::probes::tc3
