// SPDX-License-Identifier: Apache-2.0
#pragma once
// The TencentCloud API 3.0 call shared by the tencentcloud and download probes:
// credentials, the TC3-signed request, and the judgement of the answer.
// Internal to slawatch_probes.

#include "config/config.hpp"
#include "net/http_client.hpp"
#include "probes/tc3_signer.hpp"
#include "sla/sample.hpp"

#include <boost/asio/ssl/context.hpp>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace slawatch::probes::detail {

inline constexpr std::string_view tc_content_type = "application/json; charset=utf-8";

struct TcTarget {
    std::shared_ptr<const net::Url> url;
    std::shared_ptr<boost::asio::ssl::context> tls;  // always made: a download URL may be https
    tc3::Credentials credentials;                    // R12: never logged, never in a Sample
    std::string service;                             // credential scope service
};

// Reads the secrets now. Each of SecretId, SecretKey is taken from, first found:
//   1. its *_file key (secret_id_file, secret_key_file), when set;
//   2. the environment, TENCENTCLOUD_SECRET_ID / TENCENTCLOUD_SECRET_KEY;
//   3. $CREDENTIALS_DIRECTORY/secret_id, secret_key (systemd LoadCredential=).
// The token: token_file when set, else $CREDENTIALS_DIRECTORY/token if present.
// Trailing whitespace is trimmed. Throws ProbeSetupError naming the file, never the secret.
tc3::Credentials load_credentials(const config::Probe& p);

TcTarget setup_tencentcloud(const config::Probe& p);

// A signed `POST /` with the step-4 headers, for the Unix time `timestamp`.
std::shared_ptr<const net::Request> signed_request(const config::TencentCloudOptions& o,
                                                   const TcTarget& t, std::int64_t timestamp);

// Judges a complete API answer into `s` (outcome, error_code, request_id, detail):
// non-200 -> outcome_of_http_status; not JSON, no Response or no RequestId ->
// bad_response; Error.Code -> outcome_of_api_error; an answer not shaped as
// `action`'s healthy answer (probes/answer_shape.hpp) -> bad_response.
// When `want_field` is set and the call is ok, copies that string into *value
// (missing or not a string -> bad_response).
void judge_api_response(const net::Response& r, std::string_view action, sla::Sample& s,
                        std::string_view want_field = {}, std::string* value = nullptr);

}  // namespace slawatch::probes::detail
