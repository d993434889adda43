// SPDX-License-Identifier: Apache-2.0
// Server-supplied text made printable and bounded (net/server_text.hpp).

#include "net/server_text.hpp"

#include "text/escape.hpp"

#include <algorithm>
#include <cstdint>

namespace slawatch::net {
namespace {

constexpr std::string_view ellipsis = "...";

// Characters that can rewrite a log line or a terminal as it is shown.
bool unsafe(char32_t cp) {
    return cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F) || cp == 0x2028 || cp == 0x2029 ||
           (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069) || cp == 0xFEFF;
}

}  // namespace

std::string server_text(std::string_view text, std::size_t max_bytes) {
    std::string out;
    out.reserve(std::min(text.size(), max_bytes));
    // Characters are appended while they fit; `keep` remembers where the text
    // must be cut so that "..." still fits after it.
    std::size_t keep = 0;
    bool cut = false;
    while (!text.empty()) {
        char32_t cp = 0;
        std::size_t len = text::decode_utf8(text, cp);
        std::string_view piece = text.substr(0, len);
        if (len == 0 || unsafe(cp)) {
            len = len == 0 ? 1 : len;
            piece = "?";
        }
        if (out.size() + piece.size() > max_bytes) {
            cut = true;
            break;
        }
        out.append(piece);
        if (out.size() + ellipsis.size() <= max_bytes) keep = out.size();
        text.remove_prefix(len);
    }
    if (cut) {
        out.resize(keep);
        out.append(ellipsis.substr(0, max_bytes - keep));
    }
    return out;
}

void bound_sample(sla::Sample& s) {
    s.error_code = server_text(s.error_code, server_text_limits::error_code);
    s.request_id = server_text(s.request_id, server_text_limits::request_id);
    s.detail = server_text(s.detail, server_text_limits::detail);
}

}  // namespace slawatch::net
