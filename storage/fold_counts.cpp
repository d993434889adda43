// SPDX-License-Identifier: Apache-2.0
// Run-length blobs of folded per-minute counts.

#include "storage/fold_counts.hpp"

namespace slawatch::storage::fold_counts {
namespace {

void put16(std::string& out, unsigned v) {
    out.push_back(static_cast<char>((v >> 8) & 0xff));
    out.push_back(static_cast<char>(v & 0xff));
}

unsigned get16(std::string_view in, std::size_t at) {
    return static_cast<unsigned>(static_cast<std::uint8_t>(in[at])) << 8 |
           static_cast<std::uint8_t>(in[at + 1]);
}

}  // namespace

std::string encode(const std::vector<int>& counts) {
    std::string out;
    for (std::size_t i = 0; i < counts.size();) {
        std::size_t j = i + 1;
        while (j < counts.size() && counts[j] == counts[i] && j - i < 65535) ++j;
        put16(out, static_cast<unsigned>(j - i));
        put16(out, static_cast<unsigned>(counts[i]));
        i = j;
    }
    return out;
}

std::optional<std::vector<int>> decode(std::string_view blob, std::int64_t minutes) {
    if (blob.size() % run_bytes != 0 || minutes < 0 || minutes > max_minutes) return std::nullopt;
    std::vector<int> counts;
    counts.reserve(static_cast<std::size_t>(minutes));
    for (std::size_t at = 0; at < blob.size(); at += run_bytes) {
        const auto run = get16(blob, at);
        const auto count = static_cast<int>(get16(blob, at + 2));
        if (run == 0 || counts.size() + run > static_cast<std::size_t>(minutes))
            return std::nullopt;
        counts.insert(counts.end(), run, count);
    }
    if (counts.size() != static_cast<std::size_t>(minutes)) return std::nullopt;
    return counts;
}

}  // namespace slawatch::storage::fold_counts
