// SPDX-License-Identifier: Apache-2.0
#pragma once
// A typed, checked view of one TOML table: each getter reports its own problems
// (wrong type, bad value) and marks the key as known; finish() reports the rest
// as unknown keys. Adding a config key is one getter call in its section.

#include "config/diagnostics.hpp"
#include "sla/money.hpp"
#include "sla/percent.hpp"
#include "sla/time.hpp"

#include <toml++/toml.h>
#include <boost/url/url_view.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>

namespace slawatch::config::detail {

// "a string", "an integer", ... for messages.
std::string_view type_name(const toml::node& node);

// The known name closest to `key` within a small edit distance, or "".
std::string closest(std::string_view key, const std::set<std::string, std::less<>>& known);

// "8s", "500ms", "2m" -> milliseconds; nullopt when malformed.
std::optional<std::chrono::milliseconds> parse_duration(std::string_view text);

class Section {
public:
    // `path` names the table in messages ("contract", "probe").
    Section(const toml::table& table, std::string path, Diagnostics& diag)
        : table_(table), path_(std::move(path)), diag_(diag) {}

    const toml::table& table() const { return table_; }
    const std::string& path() const { return path_; }
    Diagnostics& diag() const { return diag_; }
    // "contract.start"
    std::string name(std::string_view key) const { return path_ + "." + std::string(key); }

    // The raw node, marking the key as known; nullptr when absent.
    const toml::node* get(std::string_view key);
    bool has(std::string_view key) const { return table_.contains(key); }
    // Reports a missing required key at the table's position.
    void missing(std::string_view key) const;

    // Typed getters: nullopt when absent (reported if `required`) or wrong (reported).
    std::optional<std::string> string(std::string_view key, bool required = false);
    std::optional<std::int64_t> integer(std::string_view key, std::int64_t min, std::int64_t max,
                                        bool required = false);
    std::optional<bool> boolean(std::string_view key);
    // A TOML local date or a "YYYY-MM-DD" string.
    std::optional<sla::Date> date(std::string_view key, bool required = false);
    std::optional<std::chrono::milliseconds> duration(std::string_view key);
    std::optional<sla::Money> money(std::string_view key, bool required = false);
    std::optional<sla::Percent> percent(std::string_view key, bool required = false);
    // An offset date-time as epoch seconds.
    std::optional<std::int64_t> instant(std::string_view key, bool required = false);
    const toml::table* subtable(std::string_view key);
    const toml::array* array(std::string_view key);
    // One of `choices`, reported as "unknown <what>" otherwise.
    std::optional<std::string> choice(std::string_view key,
                                      std::initializer_list<std::string_view> choices,
                                      std::string_view what);

    // Marks a key known without reading it (it was handled elsewhere).
    void accept(std::string_view key) { known_.emplace(key); }

    // Reports every key no getter asked for. `context` is appended to the message.
    void finish(std::string_view context = {});

private:
    bool expect(const toml::node& node, std::string_view key, bool ok, std::string_view expected);

    const toml::table& table_;
    std::string path_;
    Diagnostics& diag_;
    std::set<std::string, std::less<>> known_;
};

// Value conversions shared by sections, for nodes not directly under a table
// (array elements, inline-table values). Report under `name` and return nullopt on error.
std::optional<sla::Date> date_value(const toml::node& node, const std::string& name,
                                    Diagnostics& diag);
std::optional<sla::Money> money_value(const toml::node& node, const std::string& name,
                                      Diagnostics& diag);
std::optional<sla::Percent> percent_value(const toml::node& node, const std::string& name,
                                          Diagnostics& diag);

// The one reader of an array of tables ([[probe]], [[alert]], [[maintenance]],
// [[contract.tier]]): `read` gets each item as a Section named `path`; an item
// that is not a table is reported and skipped. False when one was skipped.
bool read_tables(const toml::array& list, std::string_view path, Diagnostics& diag,
                 const std::function<void(Section&)>& read);

// The names of named tables ([[probe]], [[alert]]): 1 to 64 of a-z, 0-9 and _,
// each used once in its array.
class TableNames {
public:
    // `reserved` (if set) may not be used, being kept for `reserved_for`.
    explicit TableNames(std::string_view reserved = {}, std::string_view reserved_for = {})
        : reserved_(reserved), reserved_for_(reserved_for) {}

    // The table's required `name`, reported when bad, reserved or used before
    // (and returned all the same, so that later checks can name the table).
    std::optional<std::string> read(Section& s);

private:
    std::string reserved_;
    std::string reserved_for_;
    std::map<std::string, int, std::less<>> first_line_;  // name -> line of its first use
};

// `key` as a URL slawatch sends requests to (config/http_url.hpp), or nullopt
// after reporting. The view points into the TOML node's string. `echo`: the
// message quotes the URL (not for one that may carry a token, like a chat
// webhook's).
std::optional<boost::urls::url_view> read_http_url(Section& s, std::string_view key, bool required,
                                                   bool echo);

}  // namespace slawatch::config::detail
