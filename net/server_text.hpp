// SPDX-License-Identifier: Apache-2.0
#pragma once
// Text that came from a probed server (API error codes, request ids, header
// values, anything quoted in a detail) is made safe here, in one place, before it
// is stored or logged: printable UTF-8 only, and bounded (docs/architecture.md
// "Server-supplied text").

#include "sla/sample.hpp"

#include <cstddef>
#include <string>
#include <string_view>

namespace slawatch::net {

// Byte limits per kind of server text.
namespace server_text_limits {
inline constexpr std::size_t error_code = 128;    // real codes are under 80 bytes
inline constexpr std::size_t request_id = 128;    // real ids are 36-byte UUIDs
inline constexpr std::size_t header_value = 512;  // Content-Type, Location
inline constexpr std::size_t detail = 512;        // a Sample's detail line
}  // namespace server_text_limits

// `text` as printable UTF-8 of at most `max_bytes` bytes (max_bytes >= 4).
// Control characters (C0 including tab and newline, DEL, C1), line and paragraph
// separators, bidirectional overrides and invalid UTF-8 each become '?'. A text
// that does not fit is cut at a character boundary and ends in "...".
// Idempotent: a result passed through again comes back unchanged.
std::string server_text(std::string_view text, std::size_t max_bytes);

// The sample's error_code, request_id and detail through server_text with their
// limits. Every probe kind passes its samples through this before delivering them.
void bound_sample(sla::Sample& s);

}  // namespace slawatch::net
