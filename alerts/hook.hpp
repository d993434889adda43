// SPDX-License-Identifier: Apache-2.0
#pragma once
// A delivery channel for alert events: exec (a program, event JSON on stdin)
// or webhook (an HTTP(S) POST). One attempt at a time per hook.

#include "alerts/outbox.hpp"
#include "config/config.hpp"

#include <boost/asio/any_io_executor.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace slawatch::alerts {

struct Attempt {
    bool delivered = false;
    std::string detail;  // "exit 0", "HTTP 503", "killed after the 10s timeout"; never a secret
};

using AttemptHandler = std::function<void(Attempt)>;

// A hook that cannot be set up (an unreadable secret_file or CA file, a bad URL).
struct HookSetupError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

class Hook {
public:
    virtual ~Hook() = default;
    // Starts one attempt and returns at once; `done` runs exactly once, on the
    // executor, no later than the hook's timeout (plus cleanup).
    virtual void deliver(const Delivery& delivery, AttemptHandler done) = 0;
    // Once, after setup: what was delivered before a restart (alertmanager
    // re-sends the alerts still open).
    virtual void resume(const Outbox& /*outbox*/) {}
};

std::unique_ptr<Hook> make_exec_hook(boost::asio::any_io_executor ex, const config::Alert& alert);
std::unique_ptr<Hook> make_webhook_hook(boost::asio::any_io_executor ex,
                                        const config::Alert& alert);
std::unique_ptr<Hook> make_alertmanager_hook(boost::asio::any_io_executor ex,
                                             const config::Alert& alert);
// Throws HookSetupError.
std::unique_ptr<Hook> make_hook(boost::asio::any_io_executor ex, const config::Alert& alert);

// An exec hook's whole environment: the allow-listed variables of `parent`
// (PATH, HOME, LANG, LANGUAGE, LC_*, TZ, TMPDIR, USER, LOGNAME; PATH defaulted
// when missing) and SLAWATCH_EVENT_TYPE, SLAWATCH_EVENT_ID, SLAWATCH_ALERT_NAME.
std::vector<std::string> hook_environment(const char* const* parent, const Delivery& d,
                                          std::string_view alert_name);

// What X-Slawatch-Signature signs: "v2", the timestamp (unix seconds, sent as
// X-Slawatch-Timestamp), the event id (X-Slawatch-Id, the receiver's dedupe
// key), the event type (X-Slawatch-Event) and the body, each after a "\n".
// Changing any of them changes the signature, so a receiver that checked it
// can trust the id it dedupes on as much as the body.
std::string signed_text(std::int64_t timestamp, std::string_view id, std::string_view type,
                        std::string_view body);

// "v2=<lowercase hex HMAC-SHA256 of signed_text(...)>", the X-Slawatch-Signature
// value. The "v2=" says which text was signed (docs/alerts.md: the "v1=" of
// earlier versions covered only the timestamp and the body).
std::string signature(std::string_view key, std::int64_t timestamp, std::string_view id,
                      std::string_view type, std::string_view body);

}  // namespace slawatch::alerts
