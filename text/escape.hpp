// SPDX-License-Identifier: Apache-2.0
#pragma once
// One escaper per output format, for every string that came from a server
// (request ids, API error codes, reason text) or from a config (contract
// name, user and order id, reasons, ...). Each says what it guarantees; none
// trusts its input to be valid UTF-8 (docs/architecture.md "Output escaping").

#include <cstddef>
#include <string>
#include <string_view>

namespace slawatch::text {

// Length of the valid UTF-8 sequence at the start of `s` (not empty) and its
// code point in `cp`, or 0 when the bytes there are not valid UTF-8
// (overlong, surrogate, above U+10FFFF, cut short, a stray continuation byte).
std::size_t decode_utf8(std::string_view s, char32_t& cp);

// `s` with each byte that does not begin a valid UTF-8 sequence (overlong,
// surrogate, above U+10FFFF, cut short) replaced by U+FFFD; valid text is
// unchanged.
std::string valid_utf8(std::string_view s);

// Plain text (tables, status lines, error messages): valid UTF-8 in which no
// character can move the cursor, recolour the terminal or reorder the line.
// Control characters (C0 including tab and newline, DEL, C1) become \t, \n,
// \r or \xHH; the bidirectional marks, embeddings, overrides and isolates
// (U+061C, U+200E, U+200F, U+202A-U+202E, U+2066-U+2069), the line and
// paragraph separators (U+2028, U+2029) and the BOM (U+FEFF) become \uHHHH;
// an invalid UTF-8 byte becomes \xHH. Everything else is unchanged.
std::string escape_text(std::string_view s);

// Markdown inline text, such as a table cell or the value after "- User ID: ":
// escape_text first (so the result is one line), then \ | ` * [ ] are
// backslash-escaped and & < > become &amp; &lt; &gt;. A cell stays one cell,
// and nothing becomes HTML, code or a link. `_` stays as it is, so that a
// request id copied from the raw text is the id (GitHub Markdown does not
// emphasize within a word).
std::string escape_markdown(std::string_view s);

// One CSV field (RFC 4180): escape_text first (so no CR or LF is left), then a
// field holding a comma, a double quote, or a leading/trailing blank is put in
// double quotes with each " doubled. A field starting with = + - @ gets a
// leading ' so that a spreadsheet shows it as text instead of running it as a
// formula. Only for text fields; numbers are written as they are.
std::string csv_field(std::string_view s);

// `s` as a JSON string literal, quotes included: ", \ and every control
// character (C0, DEL, C1) escaped, and the bidirectional and separator
// characters of escape_text and < > & written as \uHHHH, so that the literal
// is printable text that opens no HTML tag and parses back to `s`. Invalid
// UTF-8 becomes U+FFFD.
std::string json_quote(std::string_view s);

// Serialized JSON (from a JSON library) with the same guarantees as
// json_quote: DEL, C1, the bidirectional and separator characters and < > &,
// which a serializer leaves raw, written as \uHHHH and invalid UTF-8 as
// \ufffd. Valid because those characters can only occur inside strings.
std::string inert_json(std::string_view json);

// HTML text or a quoted attribute value: escape_text's control handling,
// except that LF and tab are kept (inert in HTML), then & < > " ' as
// character references. Nothing in `s` can open a tag, end an attribute or
// reorder the page's text.
std::string escape_html(std::string_view s);

// A label value for the Prometheus text exposition format: backslash, double
// quote and newline escaped (\\, \", \n).
std::string prometheus_label(std::string_view s);

// A bad value quoted in an error message: at most `max_chars` characters of
// `s` (then "..." and the total length in bytes), through escape_text, between
// `quote` characters. For config errors, replay CSV errors, servers' answers
// in probe errors: whatever a file or a server holds, the message stays one
// short line that cannot drive the terminal.
inline constexpr std::size_t quoted_field_chars = 80;
std::string quote_field(std::string_view s, char quote = '"',
                        std::size_t max_chars = quoted_field_chars);

}  // namespace slawatch::text
