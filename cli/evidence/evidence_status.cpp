// SPDX-License-Identifier: Apache-2.0
#include "cli/evidence/evidence_status.hpp"
#include "cli/common/output.hpp"

#include <fmt/format.h>

namespace slawatch::cli {
namespace {

std::string time_of(const storage::Checkpoint& c, const sla::TimeZone& zone) {
    return zone.format_minute(sla::minute_of_ms(c.time_ms));
}

}  // namespace

std::string evidence_status_json(const storage::EvidenceStatus& s, const sla::TimeZone& zone) {
    return fmt::format(
        "{{\"log_id\": {}, \"signed\": {}, \"key_fingerprint\": {}, \"signed_leaves\": {}, "
        "\"signed_until\": {}, \"unsigned_tail\": {}, \"unsigned_tail_counted\": {}}}",
        s.log_id.empty() ? "null" : json_quote(s.log_id), s.is_signed() ? "true" : "false",
        s.is_signed() ? json_quote(s.key_fingerprint()) : "null", s.signed_leaves,
        s.signed_at ? json_quote(time_of(*s.signed_at, zone)) : "null", s.unsigned_tail,
        s.tail_counted ? "true" : "false");
}

std::string evidence_status_text(const storage::EvidenceStatus& s, const sla::TimeZone& zone,
                                 std::string_view indent) {
    std::string out;
    if (!s.is_signed()) {
        out += fmt::format(
            "{}evidence: {} results verified, unsigned (no signing key): anyone who can write "
            "the file could have rewritten them consistently\n",
            indent, s.verify.tree_size);
        return out;
    }
    out += fmt::format("{}evidence: verified; {} results signed by key {} up to {}\n", indent,
                       s.signed_leaves, s.key_fingerprint().substr(0, 16),
                       time_of(*s.signed_at, zone));
    if (s.unsigned_tail > 0) {
        out += fmt::format("{}  {} later results are {}\n", indent, s.unsigned_tail,
                           s.tail_counted ? "counted but not signed yet (the next checkpoint "
                                            "signs them)"
                                          : "not signed yet and not counted: the minutes they "
                                            "fall in are unknown");
    }
    return out;
}

}  // namespace slawatch::cli
