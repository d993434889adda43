// SPDX-License-Identifier: Apache-2.0
#pragma once
// The TencentCloud API 3.0 side of the sim: TC3 verification and the four read-only
// TCMPP actions (README.md "API"). Pure request -> response, no I/O.

#include "tools/tcmpp-sim/package.hpp"
#include "tools/tcmpp-sim/stats.hpp"

#include <cstdint>
#include <string>
#include <string_view>

namespace tcmpp_sim {

struct ApiConfig {
    std::string secret_id;
    std::string secret_key;
    std::string service = "tcmpp";
};

// The parts of a `POST /` that matter, as sent.
struct ApiRequest {
    std::string_view authorization;
    std::string_view content_type;
    std::string_view host;
    std::string_view action;     // X-TC-Action
    std::string_view version;    // X-TC-Version
    std::string_view timestamp;  // X-TC-Timestamp
    std::string_view body;
    std::string_view base_url;  // "http://127.0.0.1:PORT" of the listener it came in on
};

struct ApiReply {
    std::string body;        // {"Response": {...}}
    std::string error_code;  // empty on success
};

class Api {
public:
    Api(ApiConfig config, const UrlSigner& signer);
    ApiReply handle(const ApiRequest& req, std::int64_t now) const;

private:
    ApiConfig config_;
    const UrlSigner& signer_;
};

// {"Response": {"Error": {"Code", "Message"}, "RequestId"}}
std::string error_body(std::string_view code, std::string_view message);
// A random UUID (v4), as Tencent's RequestId.
std::string new_request_id();

}  // namespace tcmpp_sim
