// SPDX-License-Identifier: Apache-2.0
// Config problems, one exact "file:line:col: message" line each, by section.

#include "tests/support/config_cases.hpp"

#include <catch2/catch.hpp>

using namespace slawatch::testing;

TEST_CASE("Each config problem is one line naming file:line:col", "[config]") {
    check_table({
        {"TOML syntax error", "[contract\nstart = 2026-03-17\n",
         "t.toml:1:10: TOML syntax error: Error while parsing table header: expected ']', saw "
         "'\\n'"},
        {"unknown key, with a suggestion", contract4 + R"(curency = "CNY"
)" + probe4,
         "t.toml:5:1: unknown key 'contract.curency' (did you mean 'currency'?)"},
        {"unknown top-level section", contract4 + R"([[probe]]
name = "a"
kind = "http"
url = "http://h/"
[[probes]]
name = "b"
)",
         "t.toml:9:3: unknown key 'probes' (did you mean 'probe'?)"},
        {"wrong type", R"([contract]
start = 2026-03-17
months = "3"
monthly_fee = "1"
)" + probe4,
         "t.toml:3:10: contract.months: expected an integer, got a string"},
        {"missing required key at the table", R"(# x
[contract]
months = 3
monthly_fee = "1"
)" + probe4,
         "t.toml:2:1: contract: missing required key 'start'"},
        {"missing [contract]", probe4, "t.toml:1:1: missing required section [contract]"},
        {"bad date", R"([contract]
start = "2026-02-30"
months = 3
monthly_fee = "1"
)" + probe4,
         "t.toml:2:9: contract.start: bad date '2026-02-30' (expected YYYY-MM-DD)"},
        {"unknown time zone", R"([contract]
timezone = "Asia/Shanghia"
start = 2026-03-17
months = 3
monthly_fee = "1"
)" + probe4,
         "t.toml:2:12: contract.timezone: unknown time zone 'Asia/Shanghia' (expected an IANA name "
         "like "
         "\"Asia/Shanghai\")"},
        {"holiday not a date", contract4 + R"(holidays = [2026-10-01, 20261002]
)" + probe4,
         "t.toml:5:25: contract.holidays: expected a date like 2026-03-17, got an integer"},
        {"duplicate probe names", contract4 + R"([[probe]]
name = "a"
kind = "http"
url = "http://h/"
)" + probe4,
         "t.toml:10:8: probe.name: duplicate probe name 'a' (first used on line 6)"},
        {"bad probe name", contract4 + R"([[probe]]
name = "Update-Check"
kind = "http"
url = "http://h/"
)",
         "t.toml:6:8: probe.name: bad name 'Update-Check' (use 1 to 64 of a-z, 0-9 and _)"},
        {"unknown kind", contract4 + R"([[probe]]
name = "a"
kind = "ping"
url = "http://h/"
)",
         "t.toml:7:8: probe.kind: unknown kind 'ping' (expected one of 'http', 'tencentcloud', "
         "'download')"},
        {"missing kind", contract4 + R"([[probe]]
name = "a"
url = "http://h/"
)",
         "t.toml:5:1: probe: missing required key 'kind'"},
        {"unknown role", contract4 + R"([[probe]]
name = "a"
role = "reference"
kind = "http"
url = "http://h/"
)",
         "t.toml:7:8: probe.role: unknown role 'reference' (expected one of 'service', 'control')"},
        {"key of another kind", contract4 + R"([[probe]]
name = "a"
kind = "http"
url = "http://h/"
action = "DescribeMNPList"
)",
         "t.toml:9:1: unknown key 'probe.action' for a probe of kind 'http'"},
        {"URL not http", contract4 + R"([[probe]]
name = "a"
kind = "http"
url = "ftp://h/"
)",
         "t.toml:8:7: probe.url: bad URL 'ftp://h/' (expected http:// or https://)"},
        {"URL without host", contract4 + R"([[probe]]
name = "a"
kind = "http"
url = "https:///path"
)",
         "t.toml:8:7: probe.url: bad URL 'https:///path' (no host)"},
        {"URL not a URL", contract4 + R"([[probe]]
name = "a"
kind = "http"
url = "example.com/check"
)",
         "t.toml:8:7: probe.url: bad URL 'example.com/check' (expected http:// or https:// and a "
         "host)"},
        {"bad duration", contract4 + R"([[probe]]
name = "a"
kind = "http"
url = "http://h/"
timeout = "8 seconds"
)",
         "t.toml:9:11: probe.timeout: bad duration '8 seconds' (expected e.g. \"8s\", \"500ms\" or "
         "\"2m\")"},
        {"timeout over a minute", contract4 + R"([[probe]]
name = "a"
kind = "http"
url = "http://h/"
timeout = "61s"
)",
         "t.toml:9:11: probe.timeout: must be above 0 and at most 60s, got '61s'"},
        {"zero timeout", contract4 + R"([[probe]]
name = "a"
kind = "http"
url = "http://h/"
timeout = "0ms"
)",
         "t.toml:9:11: probe.timeout: must be above 0 and at most 60s, got '0ms'"},
        {"payload not JSON", contract4 + R"([[probe]]
name = "a"
kind = "tencentcloud"
endpoint = "https://tcmpp.tencentcloudapi.com"
action = "DescribeMNPList"
version = "2024-08-01"
payload = '{"Limit": 1,}'
secret_id_file = "id"
secret_key_file = "key"
)",
         "t.toml:11:11: probe.payload: not valid JSON (syntax error)"},
        {"payload not an object", contract4 + R"([[probe]]
name = "a"
kind = "tencentcloud"
endpoint = "https://tcmpp.tencentcloudapi.com"
action = "DescribeMNPList"
version = "2024-08-01"
payload = '[1]'
secret_id_file = "id"
secret_key_file = "key"
)",
         "t.toml:11:11: probe.payload: must be a JSON object"},
        {"a probe that writes", contract4 + R"([[probe]]
name = "a"
kind = "tencentcloud"
endpoint = "https://tcmpp.tencentcloudapi.com"
action = "DeleteMNP"
version = "2024-08-01"
secret_id_file = "id"
secret_key_file = "key"
)",
         "t.toml:9:10: probe.action: only read-only Describe* actions may be probed, got "
         "'DeleteMNP'"},
        {"endpoint with a path", contract4 + R"([[probe]]
name = "a"
kind = "tencentcloud"
endpoint = "https://tcmpp.tencentcloudapi.com/v3"
action = "DescribeMNPList"
version = "2024-08-01"
secret_id_file = "id"
secret_key_file = "key"
)",
         "t.toml:8:12: probe.endpoint: must be a bare origin like "
         "\"https://tcmpp.tencentcloudapi.com\" (no "
         "path or query)"},
        {"no service probe", contract4 + R"([[probe]]
name = "a"
role = "control"
kind = "http"
url = "http://h/"
)",
         "t.toml:1:1: no service probe configured: add a [[probe]] with role = \"service\""},
        {"min_samples above probes_per_minute", contract4 + R"([monitor]
probes_per_minute = 4
min_samples = 5
)" + probe4,
         "t.toml:7:15: monitor.min_samples: must not exceed monitor.probes_per_minute (4), got 5"},
        {"probes_per_minute out of range", contract4 + R"([monitor]
probes_per_minute = 120
)" + probe4,
         "t.toml:6:21: monitor.probes_per_minute: must be from 1 to 60, got 120"},
        {"unknown policy", contract4 + R"([monitor]
policy = "most"
)" + probe4,
         "t.toml:6:10: monitor.policy: unknown policy 'most' (expected one of 'any', 'all')"},
        {"metrics.listen not host:port", contract4 + R"([metrics]
listen = "9817"
)" + probe4,
         "t.toml:6:10: metrics.listen: expected a numeric address (or localhost) and a port, like "
         "\"127.0.0.1:9817\" or \"[::1]:9817\", got '9817'"},
        {"metrics.listen with a host name run cannot bind", contract4 + R"([metrics]
listen = "metrics.example.com:9817"
)" + probe4,
         "t.toml:6:10: metrics.listen: expected a numeric address (or localhost) and a port, like "
         "\"127.0.0.1:9817\" or \"[::1]:9817\", got 'metrics.example.com:9817'"},
        {"metrics.listen with a bad IPv6 address", contract4 + R"([metrics]
listen = "[::g]:9817"
)" + probe4,
         "t.toml:6:10: metrics.listen: expected a numeric address (or localhost) and a port, like "
         "\"127.0.0.1:9817\" or \"[::1]:9817\", got '[::g]:9817'"},
        {"probe named service", contract4 + R"([[probe]]
name = "service"
kind = "http"
url = "http://h/"
)",
         "t.toml:6:8: probe.name: 'service' is reserved for the service's minutes; choose another "
         "name"},
        {"probe url with a port out of range", contract4 + R"([[probe]]
name = "a"
kind = "http"
url = "http://h:70000/"
)",
         "t.toml:8:7: probe.url: bad URL 'http://h:70000/' (bad port)"},
        {"storage.synchronous unknown", contract4 + R"([storage]
synchronous = "off"
)" + probe4,
         "t.toml:6:15: storage.synchronous: unknown synchronous mode 'off' (expected one of "
         "'normal', 'full')"},
        {"evidence.signing_key_file empty", contract4 + R"([evidence]
signing_key_file = ""
)" + probe4,
         "t.toml:6:20: evidence.signing_key_file: must not be empty (leave it out for unsigned "
         "checkpoints)"},
        {"evidence.checkpoint_interval_minutes above an hour", contract4 + R"([evidence]
checkpoint_interval_minutes = 90
)" + probe4,
         "t.toml:6:31: evidence.checkpoint_interval_minutes: must be from 1 to 60, got 90"},
        {"evidence unknown key", contract4 + R"([evidence]
signing_key_fil = "k.pem"
)" + probe4,
         "t.toml:6:1: unknown key 'evidence.signing_key_fil' (did you mean 'signing_key_file'?)"},
        {"maintenance end before start", contract4 + R"([[probe]]
name = "a"
kind = "http"
url = "http://h/"
[[maintenance]]
start = 2026-06-10T04:00:00+08:00
end = 2026-06-10T04:00:00+08:00
announced = 2026-06-03T10:00:00+08:00
)",
         "t.toml:11:7: maintenance.end: must be after maintenance.start"},
        {"maintenance time without offset", contract4 + R"([[probe]]
name = "a"
kind = "http"
url = "http://h/"
[[maintenance]]
start = 2026-06-10T02:00:00
end = 2026-06-10T04:00:00+08:00
announced = 2026-06-03T10:00:00+08:00
)",
         "t.toml:10:9: maintenance.start: needs a UTC offset or Z, e.g. 2026-06-10T02:00:00+08:00"},
    });
}

TEST_CASE("R4: each [attribution] problem is one line naming file:line:col", "[config]") {
    check_table({
        {"override into the class the code already has",
         contract4 + probe4 + R"([attribution.customer]
"AuthFailure.TokenFailure" = "our key rotation"
)",
         "t.toml:10:1: attribution.customer: 'AuthFailure.TokenFailure' is already the customer's "
         "(auth_error, SLA 4.4); an override only moves a code to the other class"},
        {"override without a reason", contract4 + probe4 + R"([attribution.customer]
"InternalError" = " "
)",
         "t.toml:10:19: attribution.customer.InternalError: expected the reason for the move (a "
         "non-empty string)"},
        {"override reason not a string", contract4 + probe4 + R"([attribution.provider]
"FailedOperation.RecordNotFound" = 1
)",
         "t.toml:10:36: attribution.provider.FailedOperation.RecordNotFound: expected the reason "
         "for the move (a non-empty string)"},
        {"bad error code", contract4 + probe4 + R"([attribution.provider]
"Failed Operation" = "x"
)",
         "t.toml:10:1: attribution.provider: bad error code 'Failed Operation' (expected e.g. "
         "\"FailedOperation.RecordNotFound\")"},
        {"unquoted dotted code", contract4 + probe4 + R"([attribution.provider]
FailedOperation.RecordNotFound = "x"
)",
         "t.toml:10:1: attribution.provider: write the code in quotes, e.g. "
         "\"FailedOperation.Sub\" = \"reason\""},
        {"unknown class", contract4 + probe4 + R"([attribution.providers]
"InternalError" = "x"
)",
         "t.toml:9:14: unknown key 'attribution.providers' (did you mean 'provider'?)"},
        {"attribution not a table", "attribution = \"x\"\n" + contract4 + probe4,
         "t.toml:1:15: attribution: expected a table ([attribution]), got a string"},
    });
}

TEST_CASE("Probe endpoint defaults need a region, other services a version", "[config]") {
    check_table({
        {"no endpoint and no region", contract4 + R"([[probe]]
name = "a"
kind = "tencentcloud"
action = "DescribeMNPList"
)",
         "t.toml:5:1: probe: missing required key 'region' (needed without 'endpoint', e.g. "
         "\"ap-guangzhou\" or \"ap-singapore\")"},
        {"a service without a known version", contract4 + R"([[probe]]
name = "a"
kind = "tencentcloud"
service = "cvm"
region = "ap-guangzhou"
action = "DescribeInstances"
)",
         "t.toml:5:1: probe: missing required key 'version'"},
    });
}
