// SPDX-License-Identifier: Apache-2.0
#pragma once
// Writing what a command prints: JSON string literals, and an output file
// that only its owner can read.

#include <string>
#include <string_view>

namespace slawatch::cli {

// "text" as a JSON string literal, quotes included (text::json_quote: every
// control, bidirectional and invalid byte escaped).
std::string json_quote(std::string_view text);

// Writes `text` to `file`, or to stdout when `file` is empty or "-". The file
// is created 0600; an existing regular file is set to 0600 and truncated.
void write_output(const std::string& text, const std::string& file);

}  // namespace slawatch::cli
