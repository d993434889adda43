// SPDX-License-Identifier: Apache-2.0
// The phases BLOB of probe_result (layout in phase_encoding.hpp and docs/schema.md).

#include "storage/phase_encoding.hpp"

#include <fmt/format.h>
#include <sqlite3.h>

#include <algorithm>
#include <cstdint>
#include <limits>

namespace slawatch::storage::phase_encoding {
namespace {

constexpr std::size_t phase_count = 5;
constexpr std::uint8_t all_reached = 0x1f;
constexpr std::uint8_t absolute_flag = 0x80;

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
    std::uint8_t reached = 0;
    bool absolute = false;
    std::int32_t previous = 0;
    for (std::size_t k = 0; k < phase_count; ++k) {
        if (p[k] < 0) continue;
        reached |= static_cast<std::uint8_t>(1 << k);
        if (p[k] < previous) absolute = true;  // a difference would be negative
        previous = p[k];
    }
    if (reached == 0) return {};

    std::array<std::uint32_t, phase_count> fields{};
    previous = 0;
    int w = 1;
    for (std::size_t k = 0; k < phase_count; ++k) {
        if (p[k] < 0) continue;
        fields[k] = static_cast<std::uint32_t>(absolute ? p[k] : p[k] - previous);
        previous = p[k];
        w = std::max(w, width_of(fields[k]));
    }
    std::string out;
    out.reserve(phase_count * 4 + 1);
    for (const auto field : fields) {
        for (int i = w - 1; i >= 0; --i)
            out.push_back(static_cast<char>((field >> (8 * i)) & 0xff));
    }
    if (reached != all_reached || absolute)
        out.push_back(static_cast<char>(reached | (absolute ? absolute_flag : 0)));
    return out;
}

std::optional<Phases> decode(std::string_view blob) {
    Phases p{-1, -1, -1, -1, -1};
    if (blob.empty()) return p;
    const auto w = blob.size() / phase_count;
    if (w < 1 || w > 4 || blob.size() % phase_count > 1) return std::nullopt;
    std::uint8_t flags = all_reached;
    if (blob.size() % phase_count == 1) {
        flags = static_cast<std::uint8_t>(blob.back());
        if ((flags & all_reached) == 0 || (flags & 0x60) != 0) return std::nullopt;
    }
    std::int64_t sum = 0;
    for (std::size_t k = 0; k < phase_count; ++k) {
        std::uint32_t field = 0;
        for (std::size_t i = 0; i < w; ++i)
            field = (field << 8) | static_cast<std::uint8_t>(blob[k * w + i]);
        sum = (flags & absolute_flag) ? field : sum + field;
        if (!(flags & (1 << k))) continue;
        if (sum > std::numeric_limits<std::int32_t>::max()) return std::nullopt;
        p[k] = static_cast<std::int32_t>(sum);
    }
    return p;
}

Phases read(const sqlite::Statement& st, int col, std::int64_t id) {
    const auto p = decode(st.is_null(col) ? std::string_view() : st.column_blob(col));
    if (!p) throw StoreError(fmt::format("probe_result row {}: malformed phases blob", id));
    return *p;
}

namespace {

void sql_phases(sqlite3_context* ctx, int argc, sqlite3_value** argv) {
    Phases p{-1, -1, -1, -1, -1};
    for (int k = 0; k < argc && k < static_cast<int>(phase_count); ++k) {
        if (sqlite3_value_type(argv[k]) == SQLITE_NULL) continue;
        // As a leaf reads the old integer columns: the low 32 bits.
        p[static_cast<std::size_t>(k)] = static_cast<std::int32_t>(sqlite3_value_int64(argv[k]));
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
