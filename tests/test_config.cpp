// SPDX-License-Identifier: Apache-2.0
// config::parse(): a full config into the struct, the defaults, and one exact
// "file:line:col: message" per problem.

#include "config/config.hpp"
#include "sla/service_month.hpp"
#include "tests/support/config_cases.hpp"

#include <catch2/catch.hpp>

#include <regex>
#include <string>
#include <vector>

using namespace slawatch;
using config::parse;
using namespace slawatch::testing;

namespace {

config::Config load_ok(std::string_view text,
                       const std::filesystem::path& file = "/etc/slawatch/t.toml") {
    auto r = parse(text, file);
    INFO((r.errors.empty() ? std::string() : r.errors.front()));
    REQUIRE(r.config.has_value());
    REQUIRE(r.errors.empty());
    return std::move(*r.config);
}

sla::Date ymd(int y, unsigned m, unsigned d) {
    return date::year{y} / date::month{m} / date::day{d};
}

constexpr std::string_view full_config = R"(
[contract]
name = "tcmpp-prod"
timezone = "Europe/Berlin"
start = 2026-03-17
months = 3
monthly_fee = "1000.00"
currency = "EUR"
fees = { "2026-03" = "500.00", "2026-06" = 533 }
user_id = "100000000001"
order_id = "20260317000001"
standard = "99.95"
holidays = [2026-10-01, "2026-10-02"]
workdays = [2026-10-10]
claim_after_business_days = 3
claim_within_days = 30

[[contract.tier]]
at_least = "99"
percent = 15

[[contract.tier]]
at_least = 90
percent = 50

[monitor]
probes_per_minute = 12
min_samples = 4
policy = "all"

[storage]
path = "data/slawatch.db"
synchronous = "full"
retention_days = 200

[metrics]
enabled = false
listen = "[::1]:9900"

[[probe]]
name = "update_check"
kind = "http"
url = "https://example.invalid/check"
method = "POST"
headers = { "X-Probe" = "slawatch", Accept = "application/json" }
body = "{}"
expect_status = [200, 204]
body_contains = "ok"
ca_file = "ca.pem"
insecure = true
timeout = "1500ms"

[[probe]]
name = "management"
role = "control"
kind = "tencentcloud"
endpoint = "https://tcmpp.tencentcloudapi.com"
action = "DescribeMNPList"
version = "2024-08-01"
region = "ap-guangzhou"
payload = '{"PlatformId": "T0000000000", "Offset": 0, "Limit": 1}'
secret_id_file = "/run/credentials/slawatch.service/secret_id"
secret_key_file = "secrets/key"
token_file = "/run/credentials/slawatch.service/token"
timeout = "1m"

[[probe]]
name = "download"
kind = "download"
endpoint = "http://127.0.0.1:8443/"
service = "tcmpp"
action = "DescribeMNPOfflinePackageURL"
version = "2024-08-01"
secret_id_file = "id"
secret_key_file = "key"
url_field = "Data.Url"
range = "bytes=0-99"

[[maintenance]]
start = 2026-06-10T02:00:00+08:00
end = 2026-06-10T04:00:00Z
announced = 2026-06-03T10:00:00+08:00
reason = "planned upgrade"
)";

}  // namespace

TEST_CASE("A full config loads into every field", "[config]") {
    const auto c = load_ok(full_config);
    const auto& t = c.contract.terms;
    CHECK(c.contract.name == "tcmpp-prod");
    CHECK(c.contract.user_id == "100000000001");
    CHECK(c.contract.order_id == "20260317000001");
    CHECK(t.zone.name() == "Europe/Berlin");
    CHECK(t.start == ymd(2026, 3, 17));
    CHECK(t.end == ymd(2026, 6, 16));
    CHECK(t.monthly_fee == sla::Money::from_cents(100000));
    CHECK(t.currency == "EUR");
    REQUIRE(t.fees.size() == 2);
    CHECK(t.fees.at(date::year{2026} / date::March) == sla::Money::from_cents(50000));
    CHECK(t.fees.at(date::year{2026} / date::June) == sla::Money::from_cents(53300));
    CHECK(t.standard == sla::Percent::from_units(99'950'000));
    REQUIRE(t.tiers.size() == 2);
    CHECK(t.tiers[0].at_least == sla::Percent::whole(99));
    CHECK(t.tiers[0].percent == 15);
    CHECK(t.tiers[1].at_least == sla::Percent::whole(90));
    CHECK(t.tiers[1].percent == 50);
    CHECK_FALSE(t.calendar.is_business_day(ymd(2026, 10, 1)));  // a Thursday holiday
    CHECK_FALSE(t.calendar.is_business_day(ymd(2026, 10, 2)));  // given as a string
    CHECK(t.calendar.is_business_day(ymd(2026, 10, 10)));       // a Saturday workday
    CHECK(t.claim_after_business_days == 3);
    CHECK(t.claim_within_days == 30);

    CHECK(c.monitor.probes_per_minute == 12);
    CHECK(c.monitor.min_samples == 4);
    CHECK(c.monitor.policy == sla::Policy::all);
    CHECK(c.storage.path == "/etc/slawatch/data/slawatch.db");
    CHECK(c.storage.synchronous == config::Synchronous::full);
    CHECK(c.storage.retention_days == 200);
    CHECK_FALSE(c.metrics.enabled);
    CHECK(c.metrics.listen == "[::1]:9900");

    REQUIRE(c.probes.size() == 3);
    const auto& http = c.probes[0];
    CHECK(http.name == "update_check");
    CHECK(http.role == config::ProbeRole::service);
    CHECK(http.kind == config::ProbeKind::http);
    CHECK(http.timeout == std::chrono::milliseconds(1500));
    CHECK(http.http.url == "https://example.invalid/check");
    CHECK(http.http.method == "POST");
    using Header = std::pair<std::string, std::string>;
    // TOML tables have no order: headers come in key order.
    CHECK(http.http.headers ==
          std::vector<Header>{{"Accept", "application/json"}, {"X-Probe", "slawatch"}});
    CHECK(http.http.body == "{}");
    CHECK(http.http.expect_status == std::vector<int>{200, 204});
    CHECK(http.http.body_contains == "ok");
    CHECK(http.http.ca_file == "/etc/slawatch/ca.pem");
    CHECK(http.http.insecure);
    CHECK(http.where.line == 40);
    CHECK(http.where.column == 1);
    CHECK(http.where.file == "/etc/slawatch/t.toml");

    const auto& tc = c.probes[1];
    CHECK(tc.role == config::ProbeRole::control);
    CHECK(tc.kind == config::ProbeKind::tencentcloud);
    CHECK(tc.timeout == std::chrono::minutes(1));
    CHECK(tc.tc.endpoint == "https://tcmpp.tencentcloudapi.com");
    CHECK(tc.tc.service == "tcmpp");
    CHECK(tc.tc.action == "DescribeMNPList");
    CHECK(tc.tc.version == "2024-08-01");
    CHECK(tc.tc.region == "ap-guangzhou");
    CHECK(tc.tc.payload == R"({"PlatformId": "T0000000000", "Offset": 0, "Limit": 1})");
    CHECK(tc.tc.secret_id_file == "/run/credentials/slawatch.service/secret_id");
    CHECK(tc.tc.secret_key_file == "/etc/slawatch/secrets/key");
    CHECK(tc.tc.token_file == "/run/credentials/slawatch.service/token");

    const auto& dl = c.probes[2];
    CHECK(dl.kind == config::ProbeKind::download);
    CHECK(dl.timeout == std::chrono::seconds(8));
    CHECK(dl.tc.endpoint == "http://127.0.0.1:8443");
    CHECK(dl.tc.service == "tcmpp");
    CHECK(dl.tc.payload == "{}");
    CHECK(dl.tc.url_field == "Data.Url");
    CHECK(dl.tc.range == "bytes=0-99");
    CHECK(c.find_probe("download") == &dl);
    CHECK(c.find_probe("nope") == nullptr);

    REQUIRE(c.maintenance.size() == 1);
    const auto& m = c.maintenance[0];
    CHECK(m.start == 1'781'028'000);      // 2026-06-09T18:00:00Z
    CHECK(m.end == 1'781'064'000);        // 2026-06-10T04:00:00Z
    CHECK(m.announced == 1'780'452'000);  // 2026-06-03T02:00:00Z
    CHECK(m.reason == "planned upgrade");
}

TEST_CASE("A minimal config gets the documented defaults", "[config]") {
    const auto c = load_ok(R"(
[contract]
start = 2026-03-17
end = 2026-03-17
monthly_fee = "1000"

[[probe]]
name = "api"
kind = "tencentcloud"
endpoint = "https://tcmpp.tencentcloudapi.com"
action = "DescribeMNPList"
version = "2024-08-01"
secret_id_file = "/id"
secret_key_file = "/key"
)",
                           "/srv/x/prod.toml");
    const auto& t = c.contract.terms;
    CHECK(c.file == "/srv/x/prod.toml");
    CHECK(c.contract.name == "prod");  // the file's stem
    CHECK(c.contract.user_id.empty());
    CHECK(t.zone.name() == "Asia/Shanghai");
    CHECK(t.end == ymd(2026, 3, 17));
    CHECK(t.monthly_fee.to_string() == "1000.00");
    CHECK(t.currency == "CNY");
    CHECK(t.standard == sla::Percent::from_units(99'900'000));
    CHECK(t.tiers.size() == sla::default_tiers().size());
    CHECK(t.claim_after_business_days == 5);
    CHECK(t.claim_within_days == 60);
    CHECK(c.monitor.probes_per_minute == 6);
    CHECK(c.monitor.min_samples == 3);
    CHECK(c.monitor.policy == sla::Policy::any);
    CHECK(c.storage.path == "/var/lib/slawatch/slawatch.db");
    CHECK(c.storage.synchronous == config::Synchronous::normal);
    CHECK(c.storage.retention_days == 400);
    CHECK(c.metrics.enabled);
    CHECK(c.metrics.listen == "127.0.0.1:9817");
    REQUIRE(c.probes.size() == 1);
    CHECK(c.probes[0].role == config::ProbeRole::service);
    CHECK(c.probes[0].timeout == std::chrono::seconds(8));
    CHECK(c.probes[0].tc.service == "tcmpp");
    CHECK(c.probes[0].tc.region.empty());
    CHECK(c.probes[0].tc.payload == "{}");
    CHECK(c.maintenance.empty());
    CHECK(c.vantage.name == config::default_vantage_name());
    CHECK(config::valid_vantage_name(c.vantage.name));
}

TEST_CASE("vantage: a name is checked, the default is the host's short name", "[config]") {
    const std::string base = R"(
[contract]
start = 2026-03-17
months = 1
monthly_fee = "1000"

[[probe]]
name = "api"
kind = "http"
url = "http://127.0.0.1:1/"
)";
    CHECK(load_ok(base + "[vantage]\nname = \"sh-idc.2\"\n").vantage.name == "sh-idc.2");
    for (const char* bad : {"\"\"", "\"a b\"", "\"x/y\"", "42"}) {
        auto r = parse(base + "[vantage]\nname = " + bad + "\n", "/etc/slawatch/t.toml");
        CHECK_FALSE(r.config.has_value());
        REQUIRE_FALSE(r.errors.empty());
        CHECK_THAT(r.errors.front(), Catch::Contains("vantage.name"));
    }
    auto typo = parse(base + "[vantage]\nnmae = \"a\"\n", "/etc/slawatch/t.toml");
    CHECK_FALSE(typo.config.has_value());
    CHECK(config::valid_vantage_name(std::string(64, 'a')));
    CHECK_FALSE(config::valid_vantage_name(std::string(65, 'a')));
    CHECK(config::default_vantage_name().find('.') == std::string::npos);

    // peers: the vantage points `quorum` accepts; not set, any.
    CHECK(load_ok(base).vantage.peers.empty());
    CHECK(load_ok(base + "[vantage]\npeers = [\"sh-idc\", \"bj-cloud\"]\n").vantage.peers ==
          std::vector<std::string>{"sh-idc", "bj-cloud"});
    for (const auto& [bad, why] : std::vector<std::pair<std::string, std::string>>{
             {"[\"a b\"]", "expected vantage names"},
             {"[\"sh\", 3]", "expected vantage names"},
             {"[\"sh\", \"sh\"]", "'sh' is listed twice"},
             {"[]", "needs at least one name"}}) {
        auto r = parse(base + "[vantage]\npeers = " + bad + "\n", "/etc/slawatch/t.toml");
        INFO(bad);
        CHECK_FALSE(r.config.has_value());
        REQUIRE_FALSE(r.errors.empty());
        CHECK_THAT(r.errors.front(), Catch::Contains("vantage.peers") && Catch::Contains(why));
    }
}

TEST_CASE("R6: months gives the term's end, a month-end start is clamped", "[config]") {
    const auto c = load_ok(R"(
[contract]
start = 2026-01-31
months = 1
monthly_fee = "1"
[[probe]]
name = "a"
kind = "http"
url = "http://127.0.0.1:1/"
)");
    CHECK(c.contract.terms.end == ymd(2026, 2, 28));
    CHECK(c.contract.terms.months().size() == 2);
}

TEST_CASE("min_samples defaults to at most probes_per_minute", "[config]") {
    const auto c = load_ok(R"(
[contract]
start = 2026-01-01
months = 1
monthly_fee = "1"
[monitor]
probes_per_minute = 2
[[probe]]
name = "a"
kind = "http"
url = "http://127.0.0.1:1/"
)");
    CHECK(c.monitor.min_samples == 2);
}

TEST_CASE("R6: the term needs months or end, not both, and end not before start", "[config]") {
    check_table({
        {"end before start", R"([contract]
start = 2026-03-17
end = 2026-03-01
monthly_fee = "1"
)" + probe4,
         "t.toml:3:7: contract.end: 2026-03-01 is before contract.start 2026-03-17"},
        {"both months and end", R"([contract]
start = 2026-03-17
months = 3
end = 2026-06-16
monthly_fee = "1"
)" + probe4,
         "t.toml:4:7: contract: set either 'months' or 'end', not both"},
        {"neither months nor end", R"([contract]
start = 2026-03-17
monthly_fee = "1"
)" + probe4,
         "t.toml:1:1: contract: missing the term's length: set 'months' or 'end'"},
        {"months below 1", R"([contract]
start = 2026-03-17
months = 0
monthly_fee = "1"
)" + probe4,
         "t.toml:3:10: contract.months: must be from 1 to 1200, got 0"},
    });
}

TEST_CASE("R8, R9: money, percentages and tiers are exact and ordered", "[config]") {
    check_table({
        {"bad money", R"([contract]
start = 2026-03-17
months = 3
monthly_fee = "1000.001"
)" + probe4,
         "t.toml:4:15: contract.monthly_fee: bad amount '1000.001' (expected a non-negative "
         "decimal with at "
         "most 2 decimals, e.g. \"1000.00\")"},
        {"money as a float", R"([contract]
start = 2026-03-17
months = 3
monthly_fee = 1000.5
)" + probe4,
         "t.toml:4:15: contract.monthly_fee: write money as a string like \"1000.00\" (floating "
         "point is not "
         "exact)"},
        {"missing monthly_fee", R"([contract]
start = 2026-03-17
months = 3
)" + probe4,
         "t.toml:1:1: contract: missing required key 'monthly_fee'"},
        {"bad percent", contract4 + R"(standard = "99.9%"
)" + probe4,
         "t.toml:5:12: contract.standard: bad percent '99.9%' (expected a decimal from 0 to 100 "
         "with at most 6 "
         "decimals)"},
        {"standard of 0", contract4 + R"(standard = "0"
[[contract.tier]]
at_least = "0"
percent = 10
)" + probe4,
         "t.toml:5:12: contract.standard: must be above 0, got 0"},
        {"standard above 100", contract4 + R"(standard = "100.1"
)" + probe4,
         "t.toml:5:12: contract.standard: bad percent '100.1' (expected a decimal from 0 to 100 "
         "with at most 6 "
         "decimals)"},
        {"tiers out of order", contract4 + R"([[contract.tier]]
at_least = "95"
percent = 25
[[contract.tier]]
at_least = "99"
percent = 10
)" + probe4,
         "t.toml:9:12: contract.tier.at_least: tiers must be ordered best first, but 99 follows "
         "95"},
        {"tier at the standard", contract4 + R"([[contract.tier]]
at_least = "99.9"
percent = 10
)" + probe4,
         "t.toml:6:12: contract.tier.at_least: must be below the standard (99.9), got 99.9"},
        {"tier percent above 100", contract4 + R"([[contract.tier]]
at_least = "99"
percent = 110
)" + probe4,
         "t.toml:7:11: contract.tier.percent: must be from 0 to 100, got 110"},
    });
}

TEST_CASE("R9: fees name a calendar month of the term", "[config]") {
    check_table({
        {"fee month outside the term", contract4 + R"(fees = { "2026-07" = "1" }
)" + probe4,
         "t.toml:5:10: contract.fees: 2026-07 is not in the term (2026-03-17 to 2026-06-16)"},
        {"fee key not a month", contract4 + R"(fees = { "March" = "1" }
)" + probe4,
         "t.toml:5:10: contract.fees: bad month 'March' (expected YYYY-MM)"},
    });
}

TEST_CASE("R12: secrets in the config text are refused", "[config]") {
    check_table({
        {"secret_key in a probe", contract4 + R"([[probe]]
name = "a"
kind = "tencentcloud"
endpoint = "https://tcmpp.tencentcloudapi.com"
action = "DescribeMNPList"
version = "2024-08-01"
secret_id_file = "id"
secret_key_file = "key"
secret_key = "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE"
)",
         "t.toml:13:14: probe.secret_key: secrets must not be written in the config; put it in a "
         "file readable "
         "only by slawatch and set 'secret_key_file'"},
        {"credentials in a URL", contract4 + R"([[probe]]
name = "a"
kind = "http"
url = "https://user:pw@h/"
)",
         "t.toml:8:7: probe.url: bad URL 'https://user:pw@h/' (credentials must not be part of the "
         "URL)"},
    });
}

TEST_CASE("R12: secret files are optional, the environment or systemd credentials serve too",
          "[config]") {
    // Without *_file keys the probe reads TENCENTCLOUD_SECRET_ID/KEY or
    // $CREDENTIALS_DIRECTORY when it starts; the config holds no secret at all.
    const auto r = config::parse(contract4 + R"([[probe]]
name = "a"
kind = "tencentcloud"
endpoint = "https://tcmpp.tencentcloudapi.com"
action = "DescribeMNPList"
version = "2024-08-01"
)",
                                 "t.toml");
    REQUIRE(r.errors.empty());
    REQUIRE(r.config->probes.size() == 1);
    CHECK(r.config->probes[0].tc.secret_id_file.empty());
    CHECK(r.config->probes[0].tc.secret_key_file.empty());
}

TEST_CASE("Every problem is reported, in file order", "[config]") {
    const auto errors = errors_of(R"([contract]
start = 2026-03-17
months = 3
monthly_fee = "x"
[monitor]
policy = "most"
[[probe]]
name = "a"
kind = "http"
url = "ftp://h/"
[[probe]]
name = "a"
kind = "http"
url = "http://h/"
timeout = 8
)");
    CHECK(errors ==
          std::vector<std::string>{
              "t.toml:4:15: contract.monthly_fee: bad amount 'x' (expected a non-negative decimal "
              "with at most 2 decimals, e.g. \"1000.00\")",
              "t.toml:6:10: monitor.policy: unknown policy 'most' (expected one of 'any', 'all')",
              "t.toml:10:7: probe.url: bad URL 'ftp://h/' (expected http:// or https://)",
              "t.toml:12:8: probe.name: duplicate probe name 'a' (first used on line 8)",
              "t.toml:15:11: probe.timeout: expected a duration like \"8s\", got an integer",
          });
}

TEST_CASE("load() names a missing file and exits nothing half-read", "[config]") {
    auto r = config::load("/nonexistent/slawatch.toml");
    CHECK_FALSE(r);
    CHECK(
        r.errors ==
        std::vector<std::string>{
            "/nonexistent/slawatch.toml: cannot read the config file: No such file or directory"});
}

TEST_CASE("Bad input never crashes: every prefix of a full config loads or names line:col",
          "[config]") {
    const std::regex located(R"(^t\.toml:[0-9]+:[0-9]+: .+$)");
    std::size_t loaded = 0;
    for (std::size_t n = 0; n <= full_config.size(); ++n) {
        const auto r = parse(full_config.substr(0, n), "t.toml");
        if (r.config) {
            ++loaded;
            continue;
        }
        REQUIRE_FALSE(r.errors.empty());
        for (const auto& line : r.errors) {
            INFO(line);
            REQUIRE(std::regex_match(line, located));
        }
    }
    CHECK(loaded >= 1);  // at least the whole text
}

TEST_CASE("A tencentcloud probe without endpoint takes the host and version of its service",
          "[config]") {
    const auto c = load_ok(contract4 + R"([[probe]]
name = "intl"
kind = "tencentcloud"
action = "DescribeMNPList"
region = "ap-singapore"

[[probe]]
name = "tcsas_intl"
kind = "tencentcloud"
service = "tcsas"
action = "DescribeMNPList"
region = "ap-singapore"

[[probe]]
name = "mainland"
kind = "download"
action = "DescribeMNPOfflinePackageURL"
region = "ap-guangzhou"

[[probe]]
name = "explicit"
kind = "tencentcloud"
endpoint = "https://tcsas.tencentcloudapi.com"
action = "DescribeMNPList"
)");
    REQUIRE(c.probes.size() == 4);
    CHECK(c.probes[0].tc.endpoint == "https://tcmpp.intl.tencentcloudapi.com");
    CHECK(c.probes[0].tc.service == "tcmpp");
    CHECK(c.probes[0].tc.version == "2024-08-01");
    CHECK(c.probes[1].tc.endpoint == "https://tcsas.intl.tencentcloudapi.com");
    CHECK(c.probes[1].tc.version == "2025-01-06");
    CHECK(c.probes[2].tc.endpoint == "https://tcmpp.tencentcloudapi.com");
    // The signing service follows the host.
    CHECK(c.probes[3].tc.service == "tcsas");
    CHECK(c.probes[3].tc.version == "2025-01-06");
}

TEST_CASE("R4: [attribution] overrides load with their reasons, customer first", "[config]") {
    const auto c = load_ok(contract4 + probe4 + R"([attribution.customer]
"InternalError.OurQuota" = "ticket 42"
[attribution.provider]
"FailedOperation.RecordNotFound" = "the MNPId exists"
"OperationDenied" = "we are allowed"
)");
    REQUIRE(c.attribution.size() == 3);
    CHECK(c.attribution[0].code == "InternalError.OurQuota");
    CHECK(c.attribution[0].to == sla::Attribution::customer);
    CHECK(c.attribution[0].reason == "ticket 42");
    CHECK(c.attribution[1].to == sla::Attribution::provider);
}
