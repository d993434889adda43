// SPDX-License-Identifier: Apache-2.0
// The man pages say what the code does: every config key in slawatch.toml(5)
// is one the loader knows and every key the loader knows is there; every
// subcommand of `slawatch --help` and each of its options is in slawatch(1).
//
// The loader exposes no key list, so the keys are found in two steps: every
// identifier-like string literal in config/*.cpp is a candidate, and the real
// loader decides which candidates it knows in which table (a key it does not
// know draws "unknown key 'table.key'").

#include "config/config.hpp"
#include "tests/support/cli_help.hpp"
#include "tests/support/process.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using slawatch::testing::read_file;
using slawatch::testing::run;
using slawatch::testing::subcommands_in;

namespace {

const fs::path source_dir{SLAWATCH_SOURCE_DIR};

// Where a key lives: the loader's table path ("", "contract", "contract.tier",
// "monitor", "storage", "metrics", "probe", "maintenance", "attribution",
// "evidence", "vantage") and,
// for probes, the kind.
struct Place {
    std::string table;
    std::string kind;  // "" outside [[probe]]
    auto operator<=>(const Place&) const = default;
};

std::string describe(const Place& p) {
    return p.kind.empty() ? "[" + p.table + "]" : "[[probe]] kind " + p.kind;
}

const std::vector<std::string> probe_kinds{"http", "tencentcloud", "download"};

std::vector<Place> all_places() {
    std::vector<Place> out{
        {"", ""},         {"contract", ""}, {"contract.tier", ""}, {"monitor", ""},
        {"storage", ""},  {"metrics", ""},  {"maintenance", ""},   {"attribution", ""},
        {"evidence", ""}, {"vantage", ""}};
    for (const auto& k : probe_kinds) out.push_back({"probe", k});
    return out;
}

// A valid config with `key = "x"` put into `place` (replacing a line of the same key).
std::string config_with(const Place& place, const std::string& key) {
    std::map<std::string, std::vector<std::string>> body{
        {"contract", {"start = 2026-03-17", "months = 3", "monthly_fee = \"1000.00\""}},
        {"contract.tier", {"at_least = \"99\"", "percent = 10"}},
        {"monitor", {"probes_per_minute = 6"}},
        {"storage", {"path = \"x.db\""}},
        {"metrics", {"enabled = false"}},
        {"evidence", {}},
        {"vantage", {}},
        {"maintenance",
         {"start = 2026-06-10T02:00:00+08:00", "end = 2026-06-10T04:00:00+08:00",
          "announced = 2026-06-03T10:00:00+08:00"}},
        {"attribution", {}},
    };
    const std::string kind = place.kind.empty() ? "http" : place.kind;
    if (kind == "http") {
        body["probe"] = {"name = \"p\"", "kind = \"http\"", "url = \"http://127.0.0.1:1/\""};
    } else {
        body["probe"] = {"name = \"p\"",
                         "kind = \"" + kind + "\"",
                         "endpoint = \"https://tcmpp.tencentcloudapi.com\"",
                         "action = \"DescribeMNPList\"",
                         "version = \"2024-08-01\"",
                         "secret_id_file = \"id\"",
                         "secret_key_file = \"key\""};
    }
    const std::string line = key + " = \"x\"";
    // The key replaces a table of the same name and what lies below it
    // (`tier = "x"` in [contract] replaces [[contract.tier]]).
    const std::string own = place.table.empty() ? key : place.table + "." + key;
    std::erase_if(
        body, [&](const auto& kv) { return kv.first == own || kv.first.starts_with(own + "."); });
    std::string root;
    if (place.table.empty()) {
        root = line + "\n";
    } else {
        auto& lines = body[place.table];
        std::erase_if(lines, [&](const std::string& l) { return l.starts_with(key + " ="); });
        lines.push_back(line);
    }
    std::string text = root;
    const auto section = [&](const std::string& name, const std::string& header) {
        if (!body.count(name)) return;
        text += header + "\n";
        for (const auto& l : body[name]) text += l + "\n";
    };
    section("contract", "[contract]");
    section("contract.tier", "[[contract.tier]]");
    section("monitor", "[monitor]");
    section("storage", "[storage]");
    section("metrics", "[metrics]");
    section("evidence", "[evidence]");
    section("vantage", "[vantage]");
    section("probe", "[[probe]]");
    section("maintenance", "[[maintenance]]");
    section("attribution", "[attribution]");
    return text;
}

// Whether the loader knows `key` in `place`. Fails the test when the document
// did not even parse (then the answer would mean nothing).
bool loader_knows(const Place& place, const std::string& key) {
    const auto result = slawatch::config::parse(config_with(place, key), "/tmp/test.toml");
    const std::string unknown =
        "unknown key '" + (place.table.empty() ? key : place.table + "." + key) + "'";
    for (const auto& e : result.errors) {
        INFO(describe(place) << " " << key << ": " << e);
        REQUIRE(e.find("TOML syntax error") == std::string::npos);
        if (e.find(unknown) != std::string::npos) return false;
    }
    return true;
}

// Every string literal in config/*.cpp that could be a key name.
std::set<std::string> candidate_keys() {
    std::set<std::string> out;
    const std::regex literal(R"re("([a-z][a-z0-9_]*)")re");
    for (const auto& e : fs::directory_iterator(source_dir / "config")) {
        if (e.path().extension() != ".cpp") continue;
        const std::string text = read_file(e.path());
        for (std::sregex_iterator it(text.begin(), text.end(), literal), end; it != end; ++it)
            out.insert((*it)[1]);
    }
    return out;
}

// The keys slawatch.toml(5) documents: ".TP" then ".B key" under an ".SS"
// heading naming the table ("[monitor]", "[[probe]] kind = \(dqhttp\(dq").
// A table heading also documents the table's own name in its parent.
std::set<std::pair<Place, std::string>> documented_keys() {
    std::set<std::pair<Place, std::string>> out;
    std::istringstream in(read_file(source_dir / "man/slawatch.toml.5"));
    const std::regex heading(R"re(^\.SS "?\[\[?([a-z.]+)\]\]?(.*)$)re");
    const std::regex kind_word(R"re(\\\(dq([a-z]+)\\\(dq)re");
    const std::regex entry(R"re(^\.B[IR]? "?([a-z_]+)"?( |$))re");
    std::vector<Place> current;
    std::string line;
    bool after_tp = false;
    while (std::getline(in, line)) {
        std::smatch m;
        if (line.starts_with(".SH")) {
            current.clear();
        } else if (std::regex_match(line, m, heading)) {
            const std::string table = m[1], rest = m[2];
            current.clear();
            std::vector<std::string> kinds;
            for (std::sregex_iterator it(rest.begin(), rest.end(), kind_word), end; it != end; ++it)
                kinds.push_back((*it)[1]);
            if (table == "probe") {
                for (const auto& k : kinds.empty() ? probe_kinds : kinds)
                    current.push_back({table, k});
            } else {
                current.push_back({table, ""});
            }
            // [contract] -> "contract" at the root; [[contract.tier]] -> "tier" in contract.
            const auto dot = table.rfind('.');
            const Place parent{dot == std::string::npos ? "" : table.substr(0, dot), ""};
            out.insert({parent, table.substr(dot == std::string::npos ? 0 : dot + 1)});
        } else if (after_tp && std::regex_search(line, m, entry)) {
            for (const auto& place : current) out.insert({place, m[1]});
        }
        after_tp = line.starts_with(".TP");
    }
    return out;
}

// Roff text with the escapes the checks care about undone.
std::string plain_roff(const std::string& text) {
    // Copied rather than replaced in place: GCC 12 -O2 warns (-Wrestrict) on string::replace here.
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '\\' && i + 1 < text.size() && text[i + 1] == '-') continue;
        out += text[i];
    }
    return out;
}

// The long options of one command's help, --help excluded.
std::set<std::string> options_in(const std::string& help) {
    std::set<std::string> out;
    const std::regex option(R"((?:^|[ ,])(--[a-z][a-z0-9-]*))");
    std::istringstream in(help);
    std::string line;
    bool in_options = false;
    while (std::getline(in, line)) {
        if (line.starts_with("Options:")) {
            in_options = true;
            continue;
        }
        if (in_options && !line.starts_with("  ")) in_options = false;
        std::smatch m;
        if (in_options && std::regex_search(line, m, option) && m[1] != "--help") out.insert(m[1]);
    }
    return out;
}

// The text of slawatch(1) under `.SS <name>` up to the next heading, or "" when absent.
std::string man_section(const std::string& page, const std::string& name) {
    for (const std::string& head : {".SS " + name + "\n", ".SS \"" + name + "\"\n"}) {
        const auto at = page.find(head);
        if (at == std::string::npos) continue;
        const auto next = page.find("\n.S", at + head.size());
        return page.substr(at, next == std::string::npos ? std::string::npos : next - at);
    }
    return {};
}

}  // namespace

TEST_CASE("every key slawatch.toml(5) documents is one the config loader knows", "[docs]") {
    const auto documented = documented_keys();
    REQUIRE(documented.size() > 40);
    for (const auto& [place, key] : documented) {
        INFO(describe(place) << " " << key);
        CHECK(loader_knows(place, key));
    }
}

TEST_CASE("every key the config loader knows is documented in slawatch.toml(5)", "[docs]") {
    const auto documented = documented_keys();
    const auto candidates = candidate_keys();
    std::size_t known = 0;
    for (const auto& place : all_places()) {
        // The probe: a made-up key is unknown here, else this place proves nothing.
        REQUIRE_FALSE(loader_knows(place, "zz_no_such_key"));
        for (const auto& key : candidates) {
            if (!loader_knows(place, key)) continue;
            ++known;
            INFO(describe(place) << " " << key
                                 << " is known to the loader but not in man/slawatch.toml.5");
            CHECK(documented.count({place, key}) == 1);
        }
    }
    CHECK(known > 40);
}

TEST_CASE("every subcommand of slawatch --help and each of its options is in slawatch(1)",
          "[docs]") {
    const std::string page = plain_roff(read_file(source_dir / "man/slawatch.1"));
    const auto top = run({slawatch::testing::slawatch_bin(), "--help"});
    REQUIRE(top.exit_code == 0);
    const auto commands = subcommands_in(top.out);
    REQUIRE(commands.size() >= 8);
    for (const auto& command : commands) {
        const auto help = run({slawatch::testing::slawatch_bin(), command, "--help"});
        REQUIRE(help.exit_code == 0);
        std::vector<std::pair<std::string, std::string>> paths;  // man heading, help text
        const auto nested = subcommands_in(help.out);
        if (nested.empty()) paths.emplace_back(command, help.out);
        for (const auto& sub : nested) {
            const auto h = run({slawatch::testing::slawatch_bin(), command, sub, "--help"});
            REQUIRE(h.exit_code == 0);
            paths.emplace_back(command + " " + sub, h.out);
        }
        for (const auto& [name, text] : paths) {
            const std::string section = man_section(page, name);
            INFO("slawatch " << name);
            CHECK_FALSE(section.empty());
            for (const auto& option : options_in(text)) {
                INFO(option);
                CHECK(section.find(option) != std::string::npos);
            }
        }
    }
}

TEST_CASE("nothing in the repository refers to files outside it", "[docs]") {
    // Spelled in two pieces so this file does not match itself.
    const std::string outside = std::string("..") + "/shared";
    std::size_t scanned = 0;
    std::vector<std::string> hits;
    for (auto it = fs::recursive_directory_iterator(source_dir);
         it != fs::recursive_directory_iterator(); ++it) {
        const fs::path& p = it->path();
        // Not the repository's own text: git's store and build trees (wherever they are).
        if (it->is_directory() && (p.filename() == ".git" || fs::exists(p / "CMakeCache.txt"))) {
            it.disable_recursion_pending();
            continue;
        }
        if (!it->is_regular_file() || it->file_size() > 4 * 1024 * 1024) continue;
        ++scanned;
        std::istringstream in(read_file(p));
        std::string line;
        for (int n = 1; std::getline(in, line); ++n)
            if (line.find(outside) != std::string::npos)
                hits.push_back(fs::relative(p, source_dir).string() + ":" + std::to_string(n) +
                               ": " + line);
    }
    CHECK(scanned > 100);
    for (const auto& h : hits) FAIL_CHECK(h);
    CHECK(hits.empty());
}
