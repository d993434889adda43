// SPDX-License-Identifier: Apache-2.0
// The phases BLOB of probe_result (layout in phase_encoding.hpp and docs/schema.md).

#include "storage/phase_encoding.hpp"

#include <fmt/format.h>
#include <sqlite3.h>

#include <cstdint>

namespace slawatch::storage::phase_encoding {
namespace {

constexpr std::uint16_t absolute_flag = 0x8000;

int width_of(std::uint32_t v) {
    int w = 1;
    while (w < 4 && v >= (std::uint32_t{1} << (8 * w))) ++w;
    return w;
}

}  // namespace

Phases of(const sla::PhaseTimings& t) {
    return {t.dns_us, t.connect_us, t.tls_us, t.first_byte_us, t.total_us};
}

sla::PhaseTimings timings(const Phases& p) {
    return {p[0], p[1], p[2], p[3], p[4]};
}

std::string encode(const Phases& p) {
    // Deltas are smaller than the timings (cumulative), unless one goes backwards.
    bool absolute = false;
    std::int32_t previous = 0;
    bool any = false;
    for (const auto v : p) {
        if (v < 0) continue;
        any = true;
        if (v < previous) absolute = true;
        previous = v;
    }
    if (!any) return {};

    std::string out(2, '\0');
    std::uint16_t header = absolute ? absolute_flag : 0;
    previous = 0;
    for (std::size_t k = 0; k < p.size(); ++k) {
        if (p[k] < 0) continue;
        const auto field = static_cast<std::uint32_t>(absolute ? p[k] : p[k] - previous);
        previous = p[k];
        const int w = width_of(field);
        header |= static_cast<std::uint16_t>(w << (3 * k));
        for (int i = w - 1; i >= 0; --i) out.push_back(static_cast<char>((field >> (8 * i)) & 0xff));
    }
    out[0] = static_cast<char>(header >> 8);
    out[1] = static_cast<char>(header & 0xff);
    return out;
}

std::optional<Phases> decode(std::string_view blob) {
    Phases p{-1, -1, -1, -1, -1};
    if (blob.empty()) return p;
    if (blob.size() < 2) return std::nullopt;
    const auto header = static_cast<std::uint16_t>((static_cast<std::uint8_t>(blob[0]) << 8) |
                                                   static_cast<std::uint8_t>(blob[1]));
    const bool absolute = (header & absolute_flag) != 0;
    std::size_t at = 2;
    std::int64_t previous = 0;
    for (std::size_t k = 0; k < p.size(); ++k) {
        const auto w = static_cast<std::size_t>((header >> (3 * k)) & 7);
        if (w == 0) continue;
        if (w > 4 || at + w > blob.size()) return std::nullopt;
        std::uint32_t field = 0;
        for (std::size_t i = 0; i < w; ++i) field = (field << 8) | static_cast<std::uint8_t>(blob[at + i]);
        at += w;
        const std::int64_t v = absolute ? field : previous + field;
        if (v > INT32_MAX) return std::nullopt;
        p[k] = static_cast<std::int32_t>(v);
        previous = v;
    }
    if (at != blob.size() || (header & 0x7fff) == 0) return std::nullopt;
    return p;
}

Phases read(const sqlite::Statement& st, int col) {
    const auto p = decode(st.is_null(col) ? std::string_view() : st.column_blob(col));
    if (!p) throw StoreError("probe_result: malformed phases blob");
    return *p;
}

namespace {

void sql_phases(sqlite3_context* ctx, int argc, sqlite3_value** argv) {
    Phases p{-1, -1, -1, -1, -1};
    for (int k = 0; k < argc && k < 5; ++k) {
        if (sqlite3_value_type(argv[k]) == SQLITE_NULL) continue;
        const auto v = sqlite3_value_int64(argv[k]);
        // As a leaf reads the old integer columns: the low 32 bits.
        p[static_cast<std::size_t>(k)] = static_cast<std::int32_t>(v);
    }
    const auto blob = encode(p);
    if (blob.empty())
        sqlite3_result_null(ctx);
    else
        sqlite3_result_blob64(ctx, blob.data(), blob.size(), SQLITE_TRANSIENT);
}

}  // namespace

void register_sql_function(sqlite::Database& db) {
    const int rc = sqlite3_create_function_v2(db.handle(), "slawatch_phases", 5,
                                              SQLITE_UTF8 | SQLITE_DETERMINISTIC, nullptr,
                                              sql_phases, nullptr, nullptr, nullptr);
    if (rc != SQLITE_OK)
        throw StoreError(fmt::format("database {}: cannot register slawatch_phases: {}", db.name(),
                                     sqlite3_errstr(rc)));
}

}  // namespace slawatch::storage::phase_encoding
