// SPDX-License-Identifier: Apache-2.0
#pragma once
// Standard base64 (RFC 4648 section 4, with padding): the encoding of signed
// notes, their verifier keys and a proxy's Basic credentials.

#include <optional>
#include <string>
#include <string_view>

namespace slawatch::text {

std::string base64_encode(std::string_view bytes);

// Strict: only the standard alphabet, padded to a multiple of 4, no spaces
// or line breaks, and no stray bits in the last character; nullopt otherwise.
std::optional<std::string> base64_decode(std::string_view encoded);

}  // namespace slawatch::text
