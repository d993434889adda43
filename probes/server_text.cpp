// SPDX-License-Identifier: Apache-2.0
// Server-supplied text made printable and bounded (probes/server_text.hpp).

#include "probes/server_text.hpp"

#include <algorithm>
#include <cstdint>

namespace slawatch::probes {
namespace {

constexpr std::string_view ellipsis = "...";

// Length of the valid UTF-8 sequence at the start of `s` and its code point,
// or 0 when the bytes there are not valid UTF-8 (overlong, surrogate, > U+10FFFF).
std::size_t decode(std::string_view s, char32_t& cp) {
    const auto b0 = static_cast<unsigned char>(s[0]);
    std::size_t len = 0;
    char32_t min = 0;
    if (b0 < 0x80) {
        cp = b0;
        return 1;
    }
    if ((b0 & 0xE0) == 0xC0) {
        len = 2;
        cp = b0 & 0x1F;
        min = 0x80;
    } else if ((b0 & 0xF0) == 0xE0) {
        len = 3;
        cp = b0 & 0x0F;
        min = 0x800;
    } else if ((b0 & 0xF8) == 0xF0) {
        len = 4;
        cp = b0 & 0x07;
        min = 0x10000;
    } else {
        return 0;
    }
    if (s.size() < len) return 0;
    for (std::size_t i = 1; i < len; ++i) {
        const auto b = static_cast<unsigned char>(s[i]);
        if ((b & 0xC0) != 0x80) return 0;
        cp = (cp << 6) | (b & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
    return len;
}

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
        std::size_t len = decode(text, cp);
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

}  // namespace slawatch::probes
