// SPDX-License-Identifier: Apache-2.0
#pragma once
// One probe run's result: what the classifier and the evidence store keep (R12:
// no response bodies, no credentials).

#include "sla/outcome.hpp"
#include "sla/time.hpp"

#include <cstdint>
#include <string>

namespace slawatch::sla {

// Microseconds from the start of the probe to the end of each phase;
// -1 when the phase was not reached (or does not apply, as TLS on http://).
struct PhaseTimings {
    std::int32_t dns_us = -1;
    std::int32_t connect_us = -1;
    std::int32_t tls_us = -1;
    std::int32_t first_byte_us = -1;
    std::int32_t total_us = -1;
};

struct Sample {
    EpochMillis sent_ms = 0;  // R2: the sample belongs to the minute it was sent in
    Outcome outcome = Outcome::ok;
    int http_status = 0;     // 0 when no status line was read
    std::string error_code;  // TencentCloud Error.Code, empty if none
    std::string request_id;  // TencentCloud RequestId, empty if none
    PhaseTimings phases;
    std::string detail;  // short reason for people ("connect: Connection refused"); not stored
};

}  // namespace slawatch::sla
