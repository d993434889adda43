// SPDX-License-Identifier: Apache-2.0
#pragma once
// One corpus of hostile strings, as a server or a config might hand them to
// slawatch: each must come out inert in every output format.

#include <string>
#include <vector>

namespace slawatch::testing {

struct HostileString {
    std::string name;
    std::string bytes;
};

inline const std::vector<HostileString>& hostile_strings() {
    static const std::vector<HostileString> corpus = {
        {"pipe", "a|b||c"},
        {"script", "<script>alert(1)</script>"},
        {"backticks", "```rm -rf /``` `x`"},
        {"newline", "line1\nline2"},
        {"carriage return", "fake\rreal"},
        {"ansi colour", "\x1b[31mRED\x1b[0m"},
        {"ansi title", "\x1b]0;title\x07"},
        {"control bytes", std::string("\x01\x02\x08\x0b\x0c\x0e\x1f\x7f", 8)},
        {"c1 csi",
         "\xc2\x9b"
         "31m"},
        {"bidi override",
         "abc\xe2\x80\xae"
         "fdp.exe"},
        {"bidi isolate",
         "\xe2\x81\xa6"
         "x"
         "\xe2\x81\xa9"},
        {"invalid utf-8", "ok\xff\xfe\xc0\xaf\xed\xa0\x80\xe2\x82"},
        {"10 KB", std::string(10240, 'A') + "|<b>\x1b[2J"},
        {"quotes", "\"double\" 'single'"},
        {"formula", "=cmd|' /C calc'!A0"},
        {"other formulas", "+1+1"},
        {"markdown", "[link](javascript:alert(1)) *em* _u_ ~s~ \\| &amp;"},
        {"csv", "a,b\",c"},
    };
    return corpus;
}

// Whether `s` is valid UTF-8 (no overlong form, surrogate or cut sequence).
inline bool is_utf8(const std::string& s) {
    std::size_t i = 0;
    while (i < s.size()) {
        const auto b = static_cast<unsigned char>(s[i]);
        std::size_t len = b < 0x80             ? 1
                          : (b & 0xE0) == 0xC0 ? 2
                          : (b & 0xF0) == 0xE0 ? 3
                          : (b & 0xF8) == 0xF0 ? 4
                                               : 0;
        if (len == 0 || i + len > s.size()) return false;
        char32_t cp = len == 1 ? b : len == 2 ? (b & 0x1F) : len == 3 ? (b & 0x0F) : (b & 0x07);
        for (std::size_t k = 1; k < len; ++k) {
            const auto c = static_cast<unsigned char>(s[i + k]);
            if ((c & 0xC0) != 0x80) return false;
            cp = (cp << 6) | (c & 0x3F);
        }
        const char32_t min[] = {0, 0, 0x80, 0x800, 0x10000};
        if (cp < min[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
        i += len;
    }
    return true;
}

// What must never reach an output raw: a control byte other than LF (and tab,
// `allow_tab`), a C1 control, a bidirectional override or isolate, or invalid
// UTF-8. Empty when `out` is clean, else what was found.
inline std::string raw_hazard(const std::string& out, bool allow_tab = true) {
    if (!is_utf8(out)) return "invalid UTF-8";
    for (std::size_t i = 0; i < out.size(); ++i) {
        const auto b = static_cast<unsigned char>(out[i]);
        if ((b < 0x20 && b != '\n' && !(allow_tab && b == '\t')) || b == 0x7F)
            return "control byte " + std::to_string(b);
        if (b == 0xC2 && i + 1 < out.size()) {
            const auto c = static_cast<unsigned char>(out[i + 1]);
            if (c >= 0x80 && c <= 0x9F) return "C1 control";
        }
        if (b == 0xE2 && i + 2 < out.size()) {
            const auto c1 = static_cast<unsigned char>(out[i + 1]);
            const auto c2 = static_cast<unsigned char>(out[i + 2]);
            if (c1 == 0x80 && c2 >= 0xAA && c2 <= 0xAE) return "bidi override";
            if (c1 == 0x81 && c2 >= 0xA6 && c2 <= 0xA9) return "bidi isolate";
        }
    }
    return {};
}

}  // namespace slawatch::testing
