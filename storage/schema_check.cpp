// SPDX-License-Identifier: Apache-2.0
// Schema exactness (schema_check.hpp): the expected objects are never written
// down twice; they are built, once a process, in in-memory databases by the
// same migrations that make and upgrade the real ones.

#include "storage/schema_check.hpp"

#include "storage/schema.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <set>
#include <tuple>
#include <vector>

namespace slawatch::storage::schema {
namespace {

struct Object {
    std::string type;
    std::string name;
    std::string table;
    std::string sql;  // normalized; "" for an automatic index
    auto operator<=>(const Object&) const = default;
};

using Objects = std::map<std::string, Object>;  // by name

Objects objects(sqlite::Database& db) {
    Objects out;
    auto st = db.prepare("SELECT type, name, tbl_name, sql FROM main.sqlite_master");
    while (st.step()) {
        Object o{st.column_text(0), st.column_text(1), st.column_text(2),
                 normalize_sql(st.column_text(3))};
        out.emplace(o.name, std::move(o));
    }
    return out;
}

// Every variant of the current schema: an empty database migrated, and one
// of each older version migrated (they differ only if a migration's result
// depended on where it started).
const std::vector<Objects>& variants() {
    static const std::vector<Objects> all = [] {
        std::vector<Objects> out;
        for (int from = 0; from < current_version; ++from) {
            sqlite::Database db(":memory:", sqlite::Database::Mode::memory);
            build_version(db, from);
            migrate(db);
            auto made = objects(db);
            if (std::find(out.begin(), out.end(), made) == out.end())
                out.push_back(std::move(made));
        }
        return out;
    }();
    return all;
}

std::string describe(const Object& o) {
    return o.type == "index" || o.type == "trigger"
               ? fmt::format("{} '{}' on '{}'", o.type, o.name, o.table)
               : fmt::format("{} '{}'", o.type, o.name);
}

// The first difference from `expected`, for people.
std::string difference(const Objects& actual, const Objects& expected) {
    for (const auto& [name, o] : actual) {
        const auto it = expected.find(name);
        if (it == expected.end())
            return fmt::format("{} is not part of slawatch's schema", describe(o));
        if (it->second.type != o.type)
            return fmt::format("'{}' is a {} where slawatch's schema has a {}", name, o.type,
                               it->second.type);
        if (it->second != o)
            return fmt::format("the definition of {} is not slawatch's", describe(o));
    }
    for (const auto& [name, o] : expected) {
        if (!actual.count(name))
            return fmt::format("{} of slawatch's schema is missing", describe(o));
    }
    return "its schema is not slawatch's";
}

bool separates(char c) {
    return c == '(' || c == ')' || c == ',' || c == ';';
}

}  // namespace

std::string normalize_sql(std::string_view sql) {
    std::string out;
    bool space = false;  // whitespace (or a comment) seen since the last character kept
    for (std::size_t i = 0; i < sql.size();) {
        const char c = sql[i];
        if (std::isspace(static_cast<unsigned char>(c))) {
            space = true;
            ++i;
            continue;
        }
        if (c == '-' && i + 1 < sql.size() && sql[i + 1] == '-') {
            const auto end = sql.find('\n', i);
            i = end == std::string_view::npos ? sql.size() : end;
            space = true;
            continue;
        }
        if (c == '/' && i + 1 < sql.size() && sql[i + 1] == '*') {
            const auto end = sql.find("*/", i + 2);
            i = end == std::string_view::npos ? sql.size() : end + 2;
            space = true;
            continue;
        }
        // One space between two tokens, none beside ( ) , ; which stand alone.
        if (space && !out.empty() && !separates(out.back()) && !separates(c)) out += ' ';
        space = false;
        if (c == '\'' || c == '"' || c == '`' || c == '[') {
            // A quoted string or name, kept as written ('' and "" escape).
            const char close = c == '[' ? ']' : c;
            auto end = i + 1;
            while (end < sql.size()) {
                if (sql[end] == close) {
                    if (close != ']' && end + 1 < sql.size() && sql[end + 1] == close) {
                        end += 2;
                        continue;
                    }
                    break;
                }
                ++end;
            }
            end = std::min(end + 1, sql.size());
            out.append(sql.substr(i, end - i));
            i = end;
            continue;
        }
        out += c;
        ++i;
    }
    return out;
}

void check_exact(sqlite::Database& db) {
    const auto actual = objects(db);
    const auto& all = variants();
    if (std::find(all.begin(), all.end(), actual) != all.end()) return;
    throw RefusedDatabase(
        fmt::format("database {} refused: {} (schema version {}); slawatch reads "
                    "only the tables it writes",
                    db.name(), difference(actual, all.front()), current_version));
}

void check_migratable(sqlite::Database& db) {
    for (const auto& [name, o] : objects(db)) {
        std::string head = o.sql.substr(0, 20);
        for (auto& c : head) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        if (o.type == "trigger" || head.starts_with("CREATE VIRTUAL TABLE")) {
            throw RefusedDatabase(fmt::format(
                "database {} refused: {} is not part of any slawatch schema; slawatch reads "
                "only the tables it writes",
                db.name(),
                o.type == "trigger" ? describe(o) : fmt::format("virtual table '{}'", name)));
        }
    }
}

}  // namespace slawatch::storage::schema
