// SPDX-License-Identifier: Apache-2.0
// The output escapers (escape.hpp).

#include "text/escape.hpp"

#include <cstdint>

namespace slawatch::text {
namespace {

constexpr char hex_digits[] = "0123456789abcdef";

// Calls valid(cp, bytes) for each character of `s` and invalid(byte) for each
// byte that does not begin a valid UTF-8 sequence.
template <typename Valid, typename Invalid>
void for_each_char(std::string_view s, Valid&& valid, Invalid&& invalid) {
    while (!s.empty()) {
        char32_t cp = 0;
        const auto len = decode_utf8(s, cp);
        if (len == 0) {
            invalid(static_cast<unsigned char>(s[0]));
            s.remove_prefix(1);
        } else {
            valid(cp, s.substr(0, len));
            s.remove_prefix(len);
        }
    }
}

bool control(char32_t cp) {
    return cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F);
}

// Characters that reorder or split a line as it is shown.
bool bidi_or_separator(char32_t cp) {
    return cp == 0x061C || cp == 0x200E || cp == 0x200F || cp == 0x2028 || cp == 0x2029 ||
           (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069) || cp == 0xFEFF;
}

// Written as \u003c, \u003e, \u0026 in JSON, so that a JSON text pasted into or
// served as HTML opens no tag.
bool html_special(char32_t cp) {
    return cp == '<' || cp == '>' || cp == '&';
}

void append_hex(std::string& out, std::uint32_t v, int digits) {
    for (int i = digits - 1; i >= 0; --i) out += hex_digits[(v >> (4 * i)) & 0xF];
}

// \xHH for a byte (C0, DEL, an invalid byte), \uHHHH for a code point.
void append_byte_escape(std::string& out, unsigned char b) {
    out += "\\x";
    append_hex(out, b, 2);
}
void append_code_escape(std::string& out, char32_t cp) {
    out += "\\u";
    append_hex(out, static_cast<std::uint32_t>(cp), 4);
}

// escape_text's rule for one valid character that needs escaping; false when
// the character is shown as it is.
bool append_visible_escape(std::string& out, char32_t cp) {
    if (cp == '\t') {
        out += "\\t";
    } else if (cp == '\n') {
        out += "\\n";
    } else if (cp == '\r') {
        out += "\\r";
    } else if (cp < 0x20 || cp == 0x7F) {
        append_byte_escape(out, static_cast<unsigned char>(cp));
    } else if (control(cp) || bidi_or_separator(cp)) {
        append_code_escape(out, cp);
    } else {
        return false;
    }
    return true;
}

void append_json_escape(std::string& out, char32_t cp) {
    out += "\\u";
    append_hex(out, static_cast<std::uint32_t>(cp), 4);
}

}  // namespace

std::size_t decode_utf8(std::string_view s, char32_t& cp) {
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

std::string valid_utf8(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for_each_char(
        s, [&](char32_t, std::string_view bytes) { out.append(bytes); },
        [&](unsigned char) { out += "\xEF\xBF\xBD"; });
    return out;
}

std::string escape_text(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for_each_char(
        s,
        [&](char32_t cp, std::string_view bytes) {
            if (!append_visible_escape(out, cp)) out.append(bytes);
        },
        [&](unsigned char b) { append_byte_escape(out, b); });
    return out;
}

std::string escape_markdown(std::string_view s) {
    const auto plain = escape_text(s);
    std::string out;
    out.reserve(plain.size());
    for (const char c : plain) {
        switch (c) {
            case '\\':
            case '|':
            case '`':
            case '*':
            case '[':
            case ']':
                out += '\\';
                out += c;
                break;
            case '&':
                out += "&amp;";
                break;
            case '<':
                out += "&lt;";
                break;
            case '>':
                out += "&gt;";
                break;
            default:
                out += c;
        }
    }
    return out;
}

std::string csv_field(std::string_view s) {
    auto field = escape_text(s);
    if (!field.empty() &&
        (field[0] == '=' || field[0] == '+' || field[0] == '-' || field[0] == '@')) {
        field.insert(0, 1, '\'');
    }
    const bool quote = field.find_first_of(",\"") != std::string::npos ||
                       (!field.empty() && (field.front() == ' ' || field.back() == ' '));
    if (!quote) return field;
    std::string out = "\"";
    for (const char c : field) {
        if (c == '"') out += '"';
        out += c;
    }
    return out + "\"";
}

std::string json_quote(std::string_view s) {
    std::string out = "\"";
    out.reserve(s.size() + 2);
    for_each_char(
        s,
        [&](char32_t cp, std::string_view bytes) {
            switch (cp) {
                case '"':
                    out += "\\\"";
                    return;
                case '\\':
                    out += "\\\\";
                    return;
                case '\n':
                    out += "\\n";
                    return;
                case '\r':
                    out += "\\r";
                    return;
                case '\t':
                    out += "\\t";
                    return;
                case '\b':
                    out += "\\b";
                    return;
                case '\f':
                    out += "\\f";
                    return;
                default:
                    break;
            }
            if (control(cp) || bidi_or_separator(cp) || html_special(cp)) {
                append_json_escape(out, cp);
            } else {
                out.append(bytes);
            }
        },
        [&](unsigned char) { out += "\\ufffd"; });
    return out + "\"";
}

std::string inert_json(std::string_view json) {
    std::string out;
    out.reserve(json.size());
    for_each_char(
        json,
        [&](char32_t cp, std::string_view bytes) {
            // C0 never occurs raw in serialized JSON; tab and newline are layout.
            if ((cp >= 0x7F && (control(cp) || bidi_or_separator(cp))) || html_special(cp)) {
                append_json_escape(out, cp);
            } else {
                out.append(bytes);
            }
        },
        [&](unsigned char) { out += "\\ufffd"; });
    return out;
}

std::string escape_html(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for_each_char(
        s,
        [&](char32_t cp, std::string_view bytes) {
            switch (cp) {
                case '&':
                    out += "&amp;";
                    return;
                case '<':
                    out += "&lt;";
                    return;
                case '>':
                    out += "&gt;";
                    return;
                case '"':
                    out += "&quot;";
                    return;
                case '\'':
                    out += "&#39;";
                    return;
                case '\n':
                case '\t':
                    out += static_cast<char>(cp);
                    return;
                default:
                    break;
            }
            if (!append_visible_escape(out, cp)) out.append(bytes);
        },
        [&](unsigned char b) { append_byte_escape(out, b); });
    return out;
}

std::string quote_field(std::string_view s, char quote, std::size_t max_chars) {
    // Cut after `max_chars` characters (an invalid byte counts as one).
    std::size_t chars = 0;
    std::size_t cut = s.size();
    std::string_view rest = s;
    while (!rest.empty()) {
        if (chars == max_chars) {
            cut = s.size() - rest.size();
            break;
        }
        char32_t cp = 0;
        const auto len = decode_utf8(rest, cp);
        rest.remove_prefix(len == 0 ? 1 : len);
        ++chars;
    }
    if (cut == s.size()) return quote + escape_text(s) + quote;
    return quote + escape_text(s.substr(0, cut)) + "..." + quote + " (" + std::to_string(s.size()) +
           " bytes)";
}

std::string prometheus_label(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (char c : s) {
        if (c == '\\')
            out += "\\\\";
        else if (c == '"')
            out += "\\\"";
        else if (c == '\n')
            out += "\\n";
        else
            out += c;
    }
    return out;
}

}  // namespace slawatch::text
