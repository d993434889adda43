// SPDX-License-Identifier: Apache-2.0
// Strings from servers and configs stay inert in every output: each escaper
// of text/escape.hpp against the hostile corpus, then the real `slawatch`
// with the corpus in its evidence and its config, in every format of report,
// claim, minutes, incidents and status.

#include "config/config.hpp"
#include "storage/evidence/log.hpp"
#include "storage/store.hpp"
#include "tests/support/hostile_strings.hpp"
#include "tests/support/process.hpp"
#include "tests/support/replay_world.hpp"
#include "tests/support/sqlite_query.hpp"
#include "text/escape.hpp"

#include <fmt/format.h>
#include <boost/json.hpp>
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <vector>

using namespace slawatch;
using namespace slawatch::testing;

namespace {

// The number of `|` in a Markdown line that a table parser splits on (a
// backslash escapes the character after it).
std::size_t unescaped_pipes(std::string_view line) {
    std::size_t n = 0;
    for (std::size_t i = 0; i < line.size(); ++i) {
        if (line[i] == '\\') {
            ++i;
        } else if (line[i] == '|') {
            ++n;
        }
    }
    return n;
}

bool has_unescaped(std::string_view s, char c) {
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '\\') {
            ++i;
        } else if (s[i] == c) {
            return true;
        }
    }
    return false;
}

// RFC 4180 rows, written independently of text::csv_field.
std::vector<std::vector<std::string>> parse_csv(std::string_view text) {
    std::vector<std::vector<std::string>> rows(1);
    std::string field;
    bool quoted = false;
    bool was_quoted = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (quoted) {
            if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
                field += '"';
                ++i;
            } else if (c == '"') {
                quoted = false;
            } else {
                field += c;
            }
        } else if (c == '"' && field.empty() && !was_quoted) {
            quoted = was_quoted = true;
        } else if (c == ',') {
            rows.back().push_back(std::move(field));
            field.clear();
            was_quoted = false;
        } else if (c == '\n') {
            rows.back().push_back(std::move(field));
            field.clear();
            was_quoted = false;
            rows.emplace_back();
        } else {
            REQUIRE_FALSE(was_quoted);  // text after a closing quote
            field += c;
        }
    }
    REQUIRE_FALSE(quoted);
    if (!field.empty() || !rows.back().empty()) rows.back().push_back(field);
    if (rows.back().empty()) rows.pop_back();
    return rows;
}

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

}  // namespace

TEST_CASE("escape_text: no control, bidi or invalid byte survives", "[escape]") {
    for (const auto& h : hostile_strings()) {
        INFO(h.name);
        const auto out = text::escape_text(h.bytes);
        CHECK(raw_hazard(out, false).empty());
        CHECK(out.find('\n') == std::string::npos);
    }
    CHECK(text::escape_text("plain Ünïcode, 中文 | <ok>") == "plain Ünïcode, 中文 | <ok>");
    CHECK(text::escape_text("\x1b[31m\t\n\r\x7f") == "\\x1b[31m\\t\\n\\r\\x7f");
    CHECK(text::escape_text("a\xe2\x80\xae"
                            "b") == "a\\u202eb");
    CHECK(text::escape_text("\xc2\x9b") == "\\u009b");
    CHECK(text::escape_text("ok\xff") == "ok\\xff");
    CHECK(text::valid_utf8("ok\xff\xc0\xaf") == "ok\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
}

TEST_CASE("escape_markdown: a cell stays one cell, nothing becomes HTML or code", "[escape]") {
    for (const auto& h : hostile_strings()) {
        INFO(h.name);
        const auto cell = text::escape_markdown(h.bytes);
        CHECK(raw_hazard(cell, false).empty());
        CHECK(cell.find('\n') == std::string::npos);
        CHECK(cell.find('<') == std::string::npos);
        CHECK(cell.find('>') == std::string::npos);
        for (const char c : std::string("|`*[]")) CHECK_FALSE(has_unescaped(cell, c));
        CHECK(unescaped_pipes("| " + cell + " | x |") == 3);
    }
    CHECK(text::escape_markdown("a|b") == "a\\|b");
    CHECK(text::escape_markdown("\\|") == "\\\\\\|");  // an escaped backslash, then the pipe
    CHECK(text::escape_markdown("<script>") == "&lt;script&gt;");
    CHECK(text::escape_markdown("req-update_check-1") == "req-update_check-1");
}

TEST_CASE("csv_field: RFC 4180, parses back, formulas neutralized", "[escape]") {
    std::string line;
    std::vector<std::string> expected;
    for (const auto& h : hostile_strings()) {
        INFO(h.name);
        const auto field = text::csv_field(h.bytes);
        CHECK(raw_hazard(field, false).empty());
        line += (line.empty() ? "" : ",") + field;
        auto want = text::escape_text(h.bytes);
        if (want.find_first_of("=+-@") == 0) want.insert(0, 1, '\'');
        expected.push_back(want);
    }
    const auto rows = parse_csv(line + "\n");
    REQUIRE(rows.size() == 1);
    CHECK(rows[0] == expected);
    CHECK(text::csv_field("=cmd|' /C calc'!A0") == "'=cmd|' /C calc'!A0");
    CHECK(text::csv_field("-1") == "'-1");
    CHECK(text::csv_field("a,b") == "\"a,b\"");
    CHECK(text::csv_field("say \"hi\"") == "\"say \"\"hi\"\"\"");
    CHECK(text::csv_field("plain") == "plain");
}

TEST_CASE("json_quote and inert_json: valid JSON that round-trips, printable only", "[escape]") {
    boost::json::object doc;
    for (const auto& h : hostile_strings()) {
        INFO(h.name);
        const auto quoted = text::json_quote(h.bytes);
        CHECK(raw_hazard(quoted, false).empty());
        const auto back = boost::json::parse(quoted);
        // Valid UTF-8 comes back byte for byte; invalid bytes as U+FFFD.
        CHECK(std::string(back.as_string()) == text::valid_utf8(h.bytes));
        doc[h.name] = text::valid_utf8(h.bytes);
    }
    // What a JSON library serializes (C1 and bidi left raw) made inert the same way.
    const auto serialized = boost::json::serialize(doc);
    CHECK_FALSE(raw_hazard(serialized, false).empty());
    const auto inert = text::inert_json(serialized);
    CHECK(raw_hazard(inert, false).empty());
    CHECK(boost::json::parse(inert) == boost::json::value(doc));
    CHECK(text::json_quote("\x1b\x7f\xc2\x85\xe2\x80\xae\xff<&>") ==
          "\"\\u001b\\u007f\\u0085\\u202e\\ufffd\\u003c\\u0026\\u003e\"");
    for (const auto& h : hostile_strings())
        CHECK(text::json_quote(h.bytes).find('<') == std::string::npos);
}

TEST_CASE("escape_html: no tag, no attribute break, no control", "[escape]") {
    for (const auto& h : hostile_strings()) {
        INFO(h.name);
        const auto out = text::escape_html(h.bytes);
        CHECK(raw_hazard(out).empty());
        for (const char c : std::string("<>\"'")) CHECK(out.find(c) == std::string::npos);
    }
    CHECK(text::escape_html("<script>alert(1)</script>") ==
          "&lt;script&gt;alert(1)&lt;/script&gt;");
    CHECK(text::escape_html("a&b\n\x1b") == "a&amp;b\n\\x1b");
}

TEST_CASE("quote_field: at most 80 characters, escaped, in quotes", "[escape]") {
    for (const auto& h : hostile_strings()) {
        INFO(h.name);
        const auto q = text::quote_field(h.bytes);
        CHECK(raw_hazard(q, false).empty());
        CHECK(q.size() < 80 * 6 + 40);
    }
    CHECK(text::quote_field("abc") == "\"abc\"");
    CHECK(text::quote_field(std::string(10240, 'A')) ==
          "\"" + std::string(80, 'A') + "...\" (10240 bytes)");
    // A cut never splits a character.
    const auto q = text::quote_field(std::string(100, 'x') + "\xe2\x80\xae", '"', 100);
    CHECK(q == "\"" + std::string(100, 'x') + "...\" (103 bytes)");
}

// ---- end to end: the real binary, the corpus in its evidence and config ----

namespace {

// `s` as a TOML basic string (every character TOML cannot hold escaped).
std::string toml_string(const std::string& s) {
    std::string out = "\"";
    for (const char c : s) {
        const auto b = static_cast<unsigned char>(c);
        if (c == '"' || c == '\\') {
            out += '\\';
            out += c;
        } else if (b < 0x20 || b == 0x7F) {
            out += fmt::format("\\u{:04X}", static_cast<int>(b));
        } else {
            out += c;
        }
    }
    return out + "\"";
}

std::string csv_quoted(const std::string& s) {
    std::string out = "\"";
    for (const char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
    return out + "\"";
}

const HostileString& corpus(const std::string& name) {
    for (const auto& h : hostile_strings())
        if (h.name == name) return h;
    FAIL("no corpus entry " << name);
    throw;
}

// The config's hostile strings: all of the corpus that TOML can hold.
std::string hostile_name() {
    std::string name;
    for (const auto& h : hostile_strings())
        if (h.name != "invalid utf-8" && h.name != "10 KB") name += h.bytes + " ";
    return name;
}

// The hostile request ids and codes a CSV can carry (printable ASCII tokens).
const std::vector<std::string> csv_ids = {"<script>alert(1)</script>", "a|b||c", "`x`|```",
                                          "\"q\"'s'", "=cmd|'/C_calc'!A0"};
const std::vector<std::string> csv_codes = {"<img_src=x_onerror=alert(1)>", "Code|With|Pipes",
                                            "=HYPERLINK(\"x\")", "`code`", "@SUM(1)"};
// Stored through the storage API, as the daemon stores what a server sent:
// what no CSV may carry (figures come from verified evidence only, so a row
// edited behind the evidence log's back would print nothing at all).
const std::string sql_id =
    "\x1b[31mred\x1b]0;title\x07\xe2\x80\xae"
    "fdp\xff\xfe|<script>\nx";
const std::string sql_code =
    "\x1b[2J\xc2\x9b"
    "31m\xe2\x81\xa6"
    "code\r\xc0\xaf|`";

struct HostileWorld {
    World w;
    HostileWorld()
        : w([] {
              auto text = config_text();
              const auto at = text.find("name = \"tcmpp-test\"");
              text.replace(at, std::string("name = \"tcmpp-test\"").size(),
                           "name = " + toml_string(hostile_name()));
              const auto ids =
                  text.find("user_id = \"100000000001\"\norder_id = \"20260317000001\"");
              text.replace(
                  ids,
                  std::string("user_id = \"100000000001\"\norder_id = \"20260317000001\"").size(),
                  "user_id = " + toml_string(corpus("formula").bytes) +
                      "\norder_id = " + toml_string(corpus("10 KB").bytes));
              return text;
          }()) {
        Csv csv;
        csv.text = "time,probe,outcome,http_status,error_code,request_id\n";
        for (std::size_t i = 0; i < csv_ids.size(); ++i) {
            csv.text +=
                fmt::format("2026-06-01T00:00:{:02}+08:00,update_check,http_5xx,503,{},{}\n",
                            i * 10 + 5, csv_quoted(csv_codes[i]), csv_quoted(csv_ids[i]));
        }
        healthy_others(csv, "2026-06-01T00:00");
        const auto r = w.replay(csv);
        INFO(r.err);
        REQUIRE(r.exit_code == 0);
        // The minute's sixth run: 2026-06-01T00:00:55+08:00.
        const auto loaded = config::load(w.config);
        REQUIRE(loaded);
        auto store = storage::Store::open(*loaded.config, w.db, storage::OpenMode::read_write);
        storage::ProbeResult sixth{"update_check", {}};
        sixth.sample.sent_ms = 1780243255000;
        sixth.sample.outcome = sla::Outcome::http_5xx;
        sixth.sample.http_status = 503;
        sixth.sample.error_code = sql_code;
        sixth.sample.request_id = sql_id;
        store->append(std::span(&sixth, 1));
        store->derive_minutes(sla::minute_of_ms(sixth.sample.sent_ms),
                              sla::minute_of_ms(sixth.sample.sent_ms) + 1);
        store->evidence().checkpoint(1780243260000, nullptr);
    }
    RunResult run(std::vector<std::string> args) {
        // Mid-June 2026: in the contract's term, for `status`.
        args.insert(args.begin(), slawatch_bin());
        args.insert(args.end(), {"--config", w.config, "--db", w.db});
        return slawatch::testing::run(args, {}, std::chrono::seconds(60),
                                      {"SLAWATCH_TEST_CLOCK_START_MS=1781481600000"});
    }
};

// What every output must satisfy, whatever its format.
// Plain text may show "<script>" as it is: no terminal runs it. Markdown,
// HTML and JSON (which may end up in a page) may not.
void check_inert(const std::string& what, const std::string& out) {
    INFO(what);
    CHECK(raw_hazard(out).empty());
    const bool plain = what.ends_with(" table") || what.ends_with(" text");
    if (plain) return;
    CHECK(lower(out).find("<script") == std::string::npos);
    CHECK(lower(out).find("<img") == std::string::npos);
}

void check_markdown_tables(const std::string& what, const std::string& md) {
    INFO(what);
    std::size_t columns = 0;
    std::istringstream lines(md);
    for (std::string line; std::getline(lines, line);) {
        if (!line.starts_with("|")) {
            columns = 0;
            continue;
        }
        INFO(line);
        if (columns == 0) columns = unescaped_pipes(line);  // the header row
        CHECK(unescaped_pipes(line) == columns);
        CHECK(line.find('<') == std::string::npos);
        CHECK(line.find('>') == std::string::npos);
    }
}

}  // namespace

TEST_CASE("every output of report, claim, minutes, incidents and status keeps the corpus inert",
          "[escape][e2e]") {
    HostileWorld h;
    const auto name = hostile_name();

    SECTION("report") {
        for (const std::string format : {"table", "json", "csv", "html"}) {
            const auto r = h.run({"report", "--month", "2026-06", "--format", format});
            INFO(r.err);
            REQUIRE(r.exit_code == 0);
            check_inert("report " + format, r.out);
            if (format == "json") {
                const auto doc = boost::json::parse(r.out).as_object();
                CHECK(std::string(doc.at("contract").as_string()) == name);
                // The failures table carries the server's codes, back byte for byte.
                std::vector<std::string> codes;
                for (const auto& f : doc.at("failures_by_code").as_array())
                    if (f.at("error_code").is_string())
                        codes.emplace_back(f.at("error_code").as_string());
                CHECK(std::find(codes.begin(), codes.end(), csv_codes[1]) != codes.end());
                CHECK(std::find(codes.begin(), codes.end(), text::valid_utf8(sql_code)) !=
                      codes.end());
            } else if (format == "csv") {
                const auto rows = parse_csv(r.out);
                REQUIRE(rows.size() == 2);
                CHECK(rows[0].size() == rows[1].size());
            } else if (format == "html") {
                CHECK(r.out.find("&lt;img_src=x_onerror=alert(1)&gt;") != std::string::npos);
                CHECK(r.out.find("\\x1b[2J") != std::string::npos);
            } else {
                // The escaped forms show that the hostile strings got here.
                CHECK(r.out.find("\\x1b[31mRED") != std::string::npos);
                CHECK(r.out.find("Code|With|Pipes") != std::string::npos);
                CHECK(r.out.find("\\x1b[2J\\u009b31m\\u2066code\\r\\xc0\\xaf|`") !=
                      std::string::npos);
            }
        }
    }

    SECTION("claim") {
        for (const std::string format : {"markdown", "json", "html"}) {
            const auto r = h.run({"claim", "--month", "2026-06", "--format", format});
            INFO(r.err);
            REQUIRE(r.exit_code == 0);
            check_inert("claim " + format, r.out);
            if (format == "markdown") {
                check_markdown_tables("claim markdown", r.out);
                CHECK(r.out.find("&lt;script&gt;alert(1)&lt;/script&gt;") != std::string::npos);
                CHECK(r.out.find("a\\|b\\|\\|c") != std::string::npos);
                CHECK(r.out.find("\\`x\\`\\|\\`\\`\\`") != std::string::npos);
                CHECK(r.out.find("\\\\x1b\\[31mred") != std::string::npos);
                // The heading and the IDs are one line each.
                CHECK(r.out.find("- Order ID: " + std::string(10240, 'A') + "\\|&lt;b&gt;") !=
                      std::string::npos);
            } else if (format == "json") {
                const auto doc = boost::json::parse(r.out).as_object();
                CHECK(std::string(doc.at("contract").as_string()) == name);
                CHECK(std::string(doc.at("user_id").as_string()) == corpus("formula").bytes);
                CHECK(std::string(doc.at("order_id").as_string()) == corpus("10 KB").bytes);
                std::vector<std::string> ids;
                for (const auto& m : doc.at("unavailable").as_array())
                    for (const auto& e : m.at("evidence").as_array())
                        if (e.at("request_id").is_string())
                            ids.emplace_back(e.at("request_id").as_string());
                for (std::size_t i = 0; i < csv_ids.size(); ++i)
                    CHECK(std::find(ids.begin(), ids.end(), csv_ids[i]) != ids.end());
                CHECK(std::find(ids.begin(), ids.end(), text::valid_utf8(sql_id)) != ids.end());
            } else {
                CHECK(r.out.find("&lt;script&gt;alert(1)&lt;/script&gt;") != std::string::npos);
                CHECK(r.out.find("\\x1b[31mred") != std::string::npos);
            }
        }
    }

    SECTION("minutes") {
        for (const std::string format : {"csv", "json"}) {
            const auto r = h.run({"minutes", "--from", "2026-06-01T00:00:00+08:00", "--to",
                                  "2026-06-01T00:05:00+08:00", "--format", format});
            INFO(r.err);
            REQUIRE(r.exit_code == 0);
            check_inert("minutes " + format, r.out);
            if (format == "json") {
                CHECK(boost::json::parse(r.out).as_array().size() == 5 * 4);
            } else {
                const auto rows = parse_csv(r.out);
                REQUIRE(rows.size() == 1 + 5 * 4);
                for (const auto& row : rows) CHECK(row.size() == 5);
            }
        }
    }

    SECTION("incidents") {
        for (const std::string format : {"table", "json"}) {
            const auto r = h.run({"incidents", "--month", "2026-06", "--format", format});
            INFO(r.err);
            REQUIRE(r.exit_code == 0);
            check_inert("incidents " + format, r.out);
            if (format == "json") CHECK(boost::json::parse(r.out).as_array().size() == 1);
        }
    }

    SECTION("status") {
        for (const std::string format : {"text", "json"}) {
            const auto r = h.run({"status", "--format", format});
            INFO(r.err);
            REQUIRE(r.exit_code == 0);
            check_inert("status " + format, r.out);
            if (format == "json") {
                CHECK(std::string(boost::json::parse(r.out).at("contract").as_string()) == name);
            } else {
                CHECK(r.out.find("\\x1b[31mRED\\x1b[0m") != std::string::npos);
                CHECK(r.out.find("\\u202efdp.exe") != std::string::npos);
            }
        }
    }
}

TEST_CASE("error messages quote at most 80 characters of a bad field, escaped", "[escape][e2e]") {
    const std::string bad = "\x1b[31m\xe2\x80\xae" + std::string(10000, 'X') + "\x1b]0;t\x07";

    SECTION("a replay CSV field") {
        World w;
        Csv csv;
        csv.text +=
            "2026-06-01T00:00:05+08:00,update_check,http_5xx,503,," + csv_quoted(bad) + "\n";
        const auto r = w.replay(csv);
        CHECK(r.exit_code == 2);
        INFO(r.err);
        CHECK(r.err.find("bad request_id \"\\x1b[31m\\u202e" + std::string(74, 'X') +
                         "...\" (10014 bytes)") != std::string::npos);
        CHECK(raw_hazard(r.err).empty());
        CHECK(r.err.size() < 600);
    }

    SECTION("a config value") {
        auto text = config_text();
        text.replace(text.find("currency = \"CNY\""), std::string("currency = \"CNY\"").size(),
                     "currency = " + toml_string(bad));
        World w(text);
        const auto r = w.slawatch({"report", "--month", "2026-06"});
        CHECK(r.exit_code == 2);
        INFO(r.err);
        CHECK(r.err.find("contract.currency: expected a 3-letter code like \"CNY\", got "
                         "'\\x1b[31m\\u202e") != std::string::npos);
        CHECK(r.err.find("...' (10014 bytes)") != std::string::npos);
        CHECK(raw_hazard(r.err).empty());
        CHECK(r.err.size() < 600);
    }

    SECTION("a command-line argument") {
        World w;
        const auto r = w.slawatch({"minutes", "--from", bad, "--to", "2026-06-01T00:05:00+08:00"});
        CHECK(r.exit_code == 2);
        INFO(r.err);
        CHECK(r.err.find("--from: bad time \"\\x1b[31m") != std::string::npos);
        CHECK(raw_hazard(r.err).empty());
        CHECK(r.err.size() < 600);
    }
}
