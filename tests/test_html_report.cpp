// SPDX-License-Identifier: Apache-2.0
// `report --format html` and `claim --format html` through the real
// `slawatch` on a replayed month: self-contained pages, every string escaped,
// figures equal to `--format json`, the heatmap's minutes equal to the
// report's counts; then loaded in headless Chromium (DOM, console, a
// screenshot and an A4 PDF kept under the build directory as artifacts).

#include "tests/support/process.hpp"
#include "tests/support/replay_world.hpp"

#include <fmt/format.h>
#include <boost/json.hpp>
#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <string>
#include <vector>

using namespace slawatch::testing;
namespace json = boost::json;
namespace fs = std::filesystem;

namespace {

// A name and ids a page must escape.
const std::string hostile_name = "tcmpp <b>&'x\" co";

std::string world_config() {
    auto text = config_text("any", R"(
[[maintenance]]
start = 2026-06-03T08:00:00+08:00
end = 2026-06-03T08:30:00+08:00
announced = 2026-05-25T10:00:00+08:00
reason = "planned"
)");
    const std::string from = "name = \"tcmpp-test\"";
    text.replace(text.find(from), from.size(), "name = \"tcmpp <b>&'x\\\" co\"");
    return text;
}

// June 2026 (the term's last Service Month, 2026-06-01..16): incidents of
// 3 minutes (HTTP 503) and 1 minute (an API error code), two minutes of
// announced maintenance, a local-network minute (control down too) and a
// customer minute (only 401s); the rest has no evidence.
World& june_world() {
    static World w(world_config());
    static bool replayed = false;
    if (replayed) return w;
    Csv csv;
    for (auto at : {"2026-06-01T00:00", "2026-06-01T00:01", "2026-06-01T00:02"}) {
        csv.minute(at, "update_check", 6);
        healthy_others(csv, at);
    }
    csv.minute("2026-06-01T00:03", "update_check", 0);
    healthy_others(csv, "2026-06-01T00:03");
    // An API error with a code and request ids a page must escape.
    for (int i = 0; i < 6; ++i) {
        csv.add(fmt::format("2026-06-02T10:15:{:02}+08:00", i * 10 + 5), "release", "api_error",
                "200", "InternalError.DbError", fmt::format("req<{}>&'x", i));
    }
    csv.minute("2026-06-02T10:15", "update_check", 0);
    csv.minute("2026-06-02T10:15", "ref", 0);
    for (auto at : {"2026-06-03T08:00", "2026-06-03T08:01"}) {
        csv.minute(at, "update_check", 6);
        healthy_others(csv, at);
    }
    for (auto probe : {"update_check", "release", "ref"}) {
        csv.minute("2026-06-04T12:00", probe, 6, "connect_error", "");
    }
    csv.minute("2026-06-05T09:30", "update_check", 6, "auth_error", "401");
    healthy_others(csv, "2026-06-05T09:30");
    REQUIRE(w.replay(csv).exit_code == 0);
    replayed = true;
    return w;
}

// data-figure="NAME" data-value="VALUE" pairs, values unescaped.
std::map<std::string, std::string> figures(const std::string& html) {
    static const std::regex re(R"re(data-figure="([a-z_]+)" data-value="([^"]*)")re");
    std::map<std::string, std::string> out;
    for (std::sregex_iterator it(html.begin(), html.end(), re), end; it != end; ++it) {
        auto v = (*it)[2].str();
        for (const auto& [from, to] : std::vector<std::pair<std::string, std::string>>{
                 {"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""}, {"&#39;", "'"}, {"&amp;", "&"}}) {
            for (auto at = v.find(from); at != std::string::npos; at = v.find(from, at + 1)) {
                v.replace(at, from.size(), to);
            }
        }
        out[(*it)[1].str()] = v;
    }
    return out;
}

std::string escaped(std::string text) {
    std::string out;
    for (const char c : text) {
        if (c == '<')
            out += "&lt;";
        else if (c == '>')
            out += "&gt;";
        else if (c == '&')
            out += "&amp;";
        else if (c == '"')
            out += "&quot;";
        else if (c == '\'')
            out += "&#39;";
        else
            out += c;
    }
    return out;
}

// A JSON value as the page writes it (numbers and booleans as their text).
std::string text_of(const json::value& v) {
    if (v.is_string()) return std::string(v.as_string());
    if (v.is_bool()) return v.as_bool() ? "true" : "false";
    if (v.is_int64()) return std::to_string(v.as_int64());
    if (v.is_uint64()) return std::to_string(v.as_uint64());
    return json::serialize(v);
}

// Every figure both outputs carry: page name -> JSON path.
void check_figures(const std::map<std::string, std::string>& page, const json::object& j,
                   bool claim) {
    std::vector<std::pair<std::string, std::vector<std::string>>> paths = {
        {"contract", {"contract"}},
        {"service_month_index", {"service_month", "index"}},
        {"service_month_start", {"service_month", "start"}},
        {"service_month_end", {"service_month", "end"}},
        {"service_month_days", {"service_month", "days"}},
        {"complete", {"complete"}},
        {"total_minutes", {"total_minutes"}},
        {"unavailable_minutes", {"unavailable_minutes"}},
        {"unknown_minutes", {"unknown_minutes"}},
        {"excluded_maintenance", {"excluded_minutes", "maintenance"}},
        {"excluded_local_network", {"excluded_minutes", "local_network"}},
        {"excluded_customer", {"excluded_minutes", "customer"}},
        {"standard_met", {"standard_met"}},
        {"compensation_percent", {"compensation", "percent"}},
        {"compensation_amount", {"compensation", "amount"}},
        {"fee", {"compensation", "fee"}},
        {"currency", {"compensation", "currency"}},
        {"claim_opens", {"claim", "opens"}},
        {"claim_deadline", {"claim", "deadline"}},
    };
    if (claim) {
        paths.push_back({"user_id", {"user_id"}});
        paths.push_back({"order_id", {"order_id"}});
    } else {
        paths.push_back({"elapsed_minutes", {"elapsed_minutes"}});
        paths.push_back({"standard_percent", {"standard_percent"}});
        paths.push_back({"budget_minutes", {"budget", "minutes"}});
        paths.push_back({"budget_used", {"budget", "used"}});
        paths.push_back({"budget_left", {"budget", "left"}});
    }
    for (const auto& [name, path] : paths) {
        const json::value* v = &j.at(path[0]);
        for (std::size_t i = 1; i < path.size(); ++i) v = &v->as_object().at(path[i]);
        INFO(name);
        REQUIRE(page.count(name) == 1);
        if (v->is_double()) {
            CHECK(std::stod(page.at(name)) == Approx(v->as_double()).epsilon(1e-12));
        } else {
            CHECK(page.at(name) == text_of(*v));
        }
    }
    // A double: the page carries the report's own text of it.
    CHECK(std::stod(page.at("availability_percent")) ==
          Approx(j.at("availability_percent").to_number<double>()).epsilon(1e-12));
}

// Nothing the page would fetch, nothing it would run.
void check_self_contained(const std::string& html) {
    CHECK(html.rfind("<!doctype html>", 0) == 0);
    for (const auto* bad : {"<script", "http://", "https://", " src=", "@import", "<link",
                            "<iframe", "<object", "<embed", "javascript:"}) {
        INFO(bad);
        CHECK(html.find(bad) == std::string::npos);
    }
}

// The heatmap's month totals per state (the day table's footer).
std::map<std::string, std::string> heatmap_totals(const std::string& html) {
    static const std::regex re(R"re(data-heatmap-state="([a-z-]+)">([0-9]+)<)re");
    std::map<std::string, std::string> out;
    for (std::sregex_iterator it(html.begin(), html.end(), re), end; it != end; ++it) {
        out[(*it)[1].str()] = (*it)[2].str();
    }
    return out;
}

std::string chromium_path() {
    if (const char* env = std::getenv("CHROMIUM"); env && *env) return env;
    for (const auto* p : {"/usr/bin/chromium", "/usr/bin/chromium-browser"}) {
        if (fs::exists(p)) return p;
    }
    return "";
}

fs::path artifact_dir() {
    const fs::path dir = fs::path(SLAWATCH_BINARY_DIR) / "test-artifacts" / "html";
    fs::create_directories(dir);
    return dir;
}

// Headless Chromium on `page` with `args`, bounded by 60 s, in a throwaway profile.
RunResult chromium(const std::string& bin, const fs::path& page, std::vector<std::string> args) {
    TempDir profile;
    std::vector<std::string> argv = {"/usr/bin/timeout",
                                     "-k",
                                     "5",
                                     "60",
                                     bin,
                                     "--headless",
                                     "--no-sandbox",
                                     "--disable-gpu",
                                     "--no-first-run",
                                     "--user-data-dir=" + profile.path().string(),
                                     "--enable-logging=stderr",
                                     "--v=0"};
    argv.insert(argv.end(), args.begin(), args.end());
    argv.push_back("file://" + fs::absolute(page).string());
    return run(argv, {}, std::chrono::seconds(70));
}

struct Pages {
    std::string month;
    std::string claim;
    json::object month_json;
    json::object claim_json;
};

const Pages& pages() {
    static Pages p = [] {
        auto& w = june_world();
        Pages out;
        auto r = w.slawatch({"report", "--month", "2026-06", "--format", "html"});
        REQUIRE(r.exit_code == 0);
        out.month = r.out;
        out.month_json = json::parse(w.report("2026-06")).as_object();
        const auto file = w.dir / "claim.html";
        r = w.slawatch(
            {"claim", "--month", "2026-06", "--format", "html", "--output", file.string()});
        REQUIRE(r.exit_code == 0);
        out.claim = read_file(file);
        r = w.slawatch({"claim", "--month", "2026-06", "--format", "json"});
        REQUIRE(r.exit_code == 0);
        out.claim_json = json::parse(r.out).as_object();
        return out;
    }();
    return p;
}

}  // namespace

TEST_CASE("report html: self-contained, escaped, the figures of report json", "[html]") {
    const auto& p = pages();
    check_self_contained(p.month);
    check_figures(figures(p.month), p.month_json, false);
    CHECK(p.month_json.at("unavailable_minutes").as_int64() == 4);
    // Escaped wherever it appears; never raw.
    CHECK(p.month.find("tcmpp &lt;b&gt;&amp;&#39;x&quot; co") != std::string::npos);
    CHECK(p.month.find("<b>&") == std::string::npos);
    CHECK(p.month.find("req&lt;0&gt;&amp;&#39;x") != std::string::npos);  // an incident's id
    CHECK(p.month.find("req<0>") == std::string::npos);
    CHECK(p.month.find("InternalError.DbError") != std::string::npos);  // failures by code
}

TEST_CASE("report html: the heatmap's minutes are the report's minutes", "[html]") {
    const auto& p = pages();
    const auto totals = heatmap_totals(p.month);
    const auto& j = p.month_json;
    const auto& ex = j.at("excluded_minutes").as_object();
    CHECK(totals.at("s-up") == text_of(j.at("up_minutes")));
    CHECK(totals.at("s-down") == text_of(j.at("unavailable_minutes")));
    CHECK(totals.at("s-unknown") == text_of(j.at("unknown_minutes")));
    CHECK(totals.at("s-maintenance") == text_of(ex.at("maintenance")));
    CHECK(totals.at("s-local") == text_of(ex.at("local_network")));
    CHECK(totals.at("s-customer") == text_of(ex.at("customer")));
    CHECK(totals.at("s-future") == "0");  // the month has ended
    // One row per day, each with its down minutes.
    const std::regex day_re(R"re(data-day="(\d{4}-\d\d-\d\d)" data-down="(\d+)")re");
    std::map<std::string, std::string> down;
    for (std::sregex_iterator it(p.month.begin(), p.month.end(), day_re), end; it != end; ++it) {
        down[(*it)[1].str()] = (*it)[2].str();
    }
    CHECK(down.size() == 16);
    CHECK(down["2026-06-01"] == "3");
    CHECK(down["2026-06-02"] == "1");
    CHECK(down["2026-06-03"] == "0");  // maintenance
}

TEST_CASE("report html: the incident table is the incidents command's", "[html]") {
    auto& w = june_world();
    const auto& p = pages();
    const auto r = w.slawatch({"incidents", "--month", "2026-06", "--format", "json"});
    REQUIRE(r.exit_code == 0);
    const auto list = json::parse(r.out).as_array();
    const auto page = figures(p.month);
    CHECK(page.at("incident_count") == std::to_string(list.size()));
    std::int64_t minutes = 0;
    for (const auto& inc : list) {
        minutes += inc.at("duration_minutes").as_int64();
        CHECK(p.month.find(std::string(inc.at("start").as_string())) != std::string::npos);
    }
    CHECK(page.at("incident_minutes") == std::to_string(minutes));
    CHECK(p.month.find("req-update_check-2026-06-01T00:00-0") != std::string::npos);
}

TEST_CASE("R11: claim html puts the summary first, then every unavailable minute", "[html]") {
    const auto& p = pages();
    check_self_contained(p.claim);
    check_figures(figures(p.claim), p.claim_json, true);
    const auto summary = p.claim.find("class=\"summary\"");
    const auto incidents = p.claim.find("class=\"incidents\"");
    const auto evidence = p.claim.find("id=\"h-minutes\"");
    REQUIRE(summary != std::string::npos);
    CHECK(summary < incidents);
    CHECK(incidents < evidence);
    CHECK(figures(p.claim).at("unavailable_listed") ==
          std::to_string(p.claim_json.at("unavailable").as_array().size()));
    for (const auto& m : p.claim_json.at("unavailable").as_array()) {
        for (const auto& e : m.at("evidence").as_array()) {
            CHECK(p.claim.find(escaped(std::string(e.at("request_id").as_string()))) !=
                  std::string::npos);
        }
    }
    CHECK(p.claim.find("@page { size: A4") != std::string::npos);
    CHECK(p.claim.find("Evidence integrity") != std::string::npos);
}

TEST_CASE("html pages load in headless Chromium with the figures of json", "[html][chromium]") {
    const auto bin = chromium_path();
    if (bin.empty()) {
        WARN("skipped: chromium is not installed (scripts/install-deps.sh installs it)");
        return;
    }
    const auto& p = pages();
    const auto dir = artifact_dir();
    struct Case {
        std::string name;
        const std::string* html;
        const json::object* json;
        bool claim;
    };
    for (const Case& c : {Case{"month", &p.month, &p.month_json, false},
                          Case{"claim", &p.claim, &p.claim_json, true}}) {
        INFO(c.name);
        const auto page = dir / (c.name + ".html");
        { std::ofstream(page, std::ios::binary) << *c.html; }
        const auto dom = chromium(bin, page, {"--dump-dom"});
        REQUIRE(dom.exit_code == 0);
        // The parsed page, as the browser holds it.
        CHECK(dom.out.find(c.claim ? "<main id=\"slawatch-claim\">"
                                   : "<main id=\"slawatch-month\">") != std::string::npos);
        check_figures(figures(dom.out), *c.json, c.claim);
        CHECK(heatmap_totals(dom.out) == heatmap_totals(*c.html));
        // No console message: no script ran, nothing failed to load.
        CHECK(dom.err.find(":CONSOLE") == std::string::npos);
        CHECK(dom.err.find("Uncaught") == std::string::npos);

        const auto png = dir / (c.name + ".png");
        fs::remove(png);
        const auto shot = chromium(
            bin, page,
            {"--hide-scrollbars", "--window-size=1280,2000", "--screenshot=" + png.string()});
        REQUIRE(shot.exit_code == 0);
        REQUIRE(fs::exists(png));
        CHECK(read_file(png).rfind("\x89PNG", 0) == 0);
        CHECK(fs::file_size(png) > 20'000);  // a drawn page, not a blank one
        WARN("screenshot kept: " << png.string());
    }
    // The claim prints to A4.
    const auto pdf = dir / "claim.pdf";
    fs::remove(pdf);
    const auto printed = chromium(bin, dir / "claim.html",
                                  {"--no-pdf-header-footer", "--print-to-pdf=" + pdf.string()});
    REQUIRE(printed.exit_code == 0);
    REQUIRE(fs::exists(pdf));
    const auto bytes = read_file(pdf);
    CHECK(bytes.rfind("%PDF-", 0) == 0);
    // A4 is 595.28 x 841.89 pt; Chromium writes it rounded to its own units.
    const std::regex a4(R"(/MediaBox \[0 0 59[45](\.\d+)? 84[12](\.\d+)?\])");
    CHECK(std::regex_search(bytes, a4));
    WARN("claim printed: " << pdf.string());
}
