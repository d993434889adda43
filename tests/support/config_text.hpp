// SPDX-License-Identifier: Apache-2.0
#pragma once
// Test support: the text of a test's slawatch.toml, so that each test names
// only what it is about (its probes, its extra tables) and the rest is one
// valid config.

#include <string>
#include <string_view>
#include <vector>

namespace slawatch::testing {

// The [contract] and [storage] tables a test config starts with: a
// three-month term from 2026-03-17 in Asia/Shanghai named `name`, and the
// database slawatch.db beside the config; ends with a blank line.
inline std::string contract_toml(std::string_view name) {
    return "[contract]\nname = \"" + std::string(name) +
           "\"\ntimezone = \"Asia/Shanghai\"\nstart = 2026-03-17\nmonths = 3\n"
           "monthly_fee = \"1000.00\"\n\n[storage]\npath = \"slawatch.db\"\n\n";
}

// An http probe of 127.0.0.1:9 (nothing answers: replayed results only).
struct ProbeText {
    std::string name{};
    std::string path{};  // the URL's path after "/"
    bool control = false;
    std::string lines{};  // more keys of its table
};

// A config of 1000.00 a month from `start`, with the tables given.
struct ConfigText {
    std::string name{};
    std::string timezone = "Asia/Shanghai";
    std::string start = "2026-03-17";
    int months = 3;
    bool ids = true;         // the contract's user_id and order_id
    std::string contract{};  // more [contract] keys
    std::string monitor{};   // the [monitor] keys; empty: no [monitor]
    std::string db = "default.db";
    std::string tables{};  // tables between [storage] and the probes
    std::vector<ProbeText> probes{};
    std::string extra{};  // tables after the probes
};

inline std::string config_toml(const ConfigText& c) {
    std::string out = "\n[contract]\nname = \"" + c.name + "\"\ntimezone = \"" + c.timezone +
                      "\"\nstart = " + c.start + "\nmonths = " + std::to_string(c.months) +
                      "\nmonthly_fee = \"1000.00\"\n";
    if (c.ids) out += "user_id = \"100000000001\"\norder_id = \"20260317000001\"\n";
    out += c.contract;
    if (!c.monitor.empty()) out += "\n[monitor]\n" + c.monitor;
    out += "\n[storage]\npath = \"" + c.db + "\"\n" + c.tables;
    for (const auto& p : c.probes) {
        out += "\n[[probe]]\nname = \"" + p.name + "\"\n";
        if (p.control) out += "role = \"control\"\n";
        out += "kind = \"http\"\nurl = \"http://127.0.0.1:9/" + p.path + "\"\n" + p.lines;
    }
    return out + c.extra + "\n";
}

}  // namespace slawatch::testing
