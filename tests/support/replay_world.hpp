// SPDX-License-Identifier: Apache-2.0
#pragma once
// A world for the replay tests: a config of three probes (two service, one
// control), a temporary database, CSV builders and the real `slawatch`.

#include "tests/support/config_text.hpp"
#include "tests/support/process.hpp"
#include "tests/support/sqlite_query.hpp"

#include <sqlite3.h>
#include <catch2/catch.hpp>

#include <fmt/format.h>

#include <string>
#include <vector>

namespace slawatch::testing {

inline std::string config_text(const std::string& policy = "any", const std::string& extra = "",
                               bool ids = true) {
    return config_toml(
        {.name = "tcmpp-test",
         .ids = ids,
         .contract = "currency = \"CNY\"\n",
         .monitor = "probes_per_minute = 6\nmin_samples = 3\npolicy = \"" + policy + "\"\n",
         .probes = {{.name = "update_check",
                     .path = "check",
                     .lines = "headers = { Authorization = \"Bearer SECRET-TOKEN-123\" }\n"
                              "body = \"BODY-WITH-PERSONAL-DATA\"\n"},
                    {.name = "release", .path = "release"},
                    {.name = "ref", .path = "ref", .control = true}},
         .extra = extra});
}

// A world of three probes: one line per sample, "probe,outcome[,status[,code[,request]]]" at
// minute `at` (local time "2026-06-01T00:MM") seconds 5, 15, ... 55.
struct Csv {
    std::string text = "time,probe,outcome,http_status,error_code,request_id\n";
    void add(const std::string& time, const std::string& probe, const std::string& outcome,
             const std::string& status = "", const std::string& code = "",
             const std::string& request = "") {
        text += fmt::format("{},{},{},{},{},{}\n", time, probe, outcome, status, code, request);
    }
    // Six samples of `probe` in local minute "YYYY-MM-DDTHH:MM", the first `failures` failing.
    void minute(const std::string& at, const std::string& probe, int failures,
                const std::string& outcome = "http_5xx", const std::string& status = "503",
                int samples = 6) {
        for (int i = 0; i < samples; ++i) {
            const auto time = fmt::format("{}:{:02}+08:00", at, i * 10 + 5);
            if (i < failures) {
                add(time, probe, outcome, status, "", fmt::format("req-{}-{}-{}", probe, at, i));
            } else {
                add(time, probe, "ok", "200");
            }
        }
    }
};

struct World {
    TempDir dir;
    std::string config;
    std::string db;
    explicit World(const std::string& text = config_text())
        : config((dir.write("c.toml", text)).string()), db((dir / "e.db").string()) {}

    RunResult slawatch(std::vector<std::string> args) {
        args.insert(args.begin(), slawatch_bin());
        args.insert(args.end(), {"--config", config, "--db", db});
        return run(args);
    }
    RunResult replay(const Csv& csv, const std::string& name = "in.csv") {
        return slawatch({"replay", "--input", dir.write(name, csv.text).string()});
    }
    std::string service(const std::string& at) {
        const auto r = slawatch({"minutes", "--from", at + ":00+08:00", "--to", at + ":59+08:00",
                                 "--probe", "service"});
        REQUIRE(r.exit_code == 0);
        // "minute,probe,state,samples,failures\n<row>\n"
        const auto row = r.out.substr(r.out.find('\n') + 1);
        const auto a = row.find(',', row.find(',') + 1) + 1;
        return row.substr(a, row.find(',', a) - a);
    }
    std::string report(const std::string& month) {
        const auto r = slawatch({"report", "--month", month, "--format", "json"});
        REQUIRE(r.exit_code == 0);
        return r.out;
    }
};

// `report --format json` without its "evidence" member (what the figures rest
// on: the log's id and leaf counts), to compare the figures of two databases
// or of one before and after compaction added fold leaves.
inline std::string figures_only(std::string report_json) {
    const auto at = report_json.find(",\n  \"evidence\": {");
    if (at == std::string::npos) return report_json;
    const auto end = report_json.find('}', at);
    return report_json.erase(at, end + 1 - at);
}

// A vantage point's database as shipped: `csv` replayed with `config` into
// `live`, then copied to `copy` (VACUUM INTO, as slawatch backup does).
inline std::string replayed_copy(const std::string& config, const std::string& live,
                                 const std::string& csv, const std::string& copy) {
    const auto r =
        run({slawatch_bin(), "replay", "--config", config, "--db", live, "--input", csv});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    exec_sql(live, "VACUUM INTO '" + copy + "'");
    return copy;
}

// Both other probes up in that minute.
inline void healthy_others(Csv& csv, const std::string& at) {
    csv.minute(at, "release", 0);
    csv.minute(at, "ref", 0);
}

}  // namespace slawatch::testing
