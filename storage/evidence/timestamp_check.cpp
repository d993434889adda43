// SPDX-License-Identifier: Apache-2.0
// verify's check of the stored RFC 3161 tokens.

#include "storage/evidence/timestamp_check.hpp"

#include "storage/evidence/rfc3161.hpp"

#include <fmt/format.h>

#include <limits>

namespace slawatch::storage::evidence {

namespace {

using Kind = EvidenceProblem::Kind;

void add(VerifyReport& report, Kind kind, const Checkpoint* c, std::int64_t id,
         std::string message) {
    EvidenceProblem p;
    p.kind = kind;
    p.checkpoint = id;
    if (c) p.time_ms = c->time_ms;
    p.message = std::move(message);
    report.problems.push_back(std::move(p));
}

}  // namespace

void check_timestamps(const EvidenceLog& log, const std::map<std::string, std::string>& bundles,
                      VerifyReport& report) {
    const auto tokens = log.timestamps();
    if (tokens.empty()) return;
    std::map<std::int64_t, Checkpoint> checkpoints;
    for (auto& c : log.checkpoints(0, std::numeric_limits<sla::EpochMillis>::max()))
        checkpoints.emplace(c.id, std::move(c));
    // Per TSA, the genTime of its token of the latest checkpoint so far
    // (tokens come by checkpoint id, the order checkpoints were recorded in).
    std::map<std::string, std::pair<std::int64_t, sla::EpochMillis>> last;
    for (const auto& t : tokens) {
        ++report.timestamps;
        const auto it = checkpoints.find(t.checkpoint);
        const Checkpoint* c = it == checkpoints.end() ? nullptr : &it->second;
        const auto who = fmt::format("time-stamp of checkpoint #{} by {}", t.checkpoint, t.tsa);
        const std::string note = c ? log.note(*c) : "";
        if (note.empty()) {
            add(report, Kind::bad_timestamp, c, t.checkpoint,
                who + ": no such checkpoint with a note to stamp");
            continue;
        }
        rfc3161::TokenInfo info;
        try {
            info = rfc3161::read_token(t.token);
        } catch (const rfc3161::TimestampError& e) {
            add(report, Kind::bad_timestamp, c, t.checkpoint, who + ": " + e.what());
            continue;
        }
        if (info.imprint != rfc3161::sha256(note)) {
            add(report, Kind::bad_timestamp, c, t.checkpoint,
                who + ": the token stamps another message than the checkpoint's note");
            continue;
        }
        if (info.gen_time_ms != t.gen_time_ms)
            add(report, Kind::bad_timestamp, c, t.checkpoint,
                who + ": the stored time differs from the token's genTime");
        if (const auto b = bundles.find(t.tsa); b == bundles.end()) {
            ++report.unchecked_timestamps;
        } else if (auto why = rfc3161::check_chain(t.token, b->second); !why.empty()) {
            add(report, Kind::untrusted_timestamp, c, t.checkpoint, who + ": " + why);
            continue;
        } else {
            ++report.checked_timestamps;
        }
        if (info.gen_time_ms < c->time_ms - timestamp_tolerance_ms)
            add(report, Kind::backdated_timestamp, c, t.checkpoint,
                fmt::format("{}: dated {} ms before the checkpoint it stamps (tolerance {} ms)",
                            who, c->time_ms - info.gen_time_ms, timestamp_tolerance_ms));
        auto& [previous, previous_ms] = last[t.tsa];
        if (previous != 0 && info.gen_time_ms < previous_ms)
            add(report, Kind::backdated_timestamp, c, t.checkpoint,
                fmt::format("{}: dated before the same TSA's token of checkpoint #{}", who,
                            previous));
        if (info.gen_time_ms >= previous_ms) {
            previous = t.checkpoint;
            previous_ms = info.gen_time_ms;
        }
    }
}

}  // namespace slawatch::storage::evidence
