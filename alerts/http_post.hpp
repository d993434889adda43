// SPDX-License-Identifier: Apache-2.0
#pragma once
// One HTTP(S) POST per attempt for the HTTP hooks (webhook, alertmanager): URL, TLS
// context and egress proxy set up once, sent through the probes' HTTP client
// under the hook's timeout; a 2xx answer is delivered.

#include "alerts/hook.hpp"
#include "net/http_client.hpp"

#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace slawatch::alerts {

class HttpPost {
public:
    using Headers = std::vector<std::pair<std::string, std::string>>;

    // `url` is the URL to post to (never echoed: it may carry a token).
    // Throws HookSetupError.
    HttpPost(const config::Alert& alert, const std::string& url);

    void send(boost::asio::any_io_executor ex, std::string body, const Headers& headers,
              AttemptHandler done) const;

private:
    std::shared_ptr<const net::Url> url_;
    std::shared_ptr<boost::asio::ssl::context> tls_;
    std::shared_ptr<const net::Proxy> proxy_;
    std::chrono::milliseconds timeout_;
};

}  // namespace slawatch::alerts
