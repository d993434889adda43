// SPDX-License-Identifier: Apache-2.0
#include "daemon/checkpoint_endpoint.hpp"

#include <fmt/format.h>
#include <boost/json.hpp>

#include <charconv>

namespace slawatch::daemon {
namespace {

HttpReply text_reply(unsigned status, std::string body) {
    return {status, "text/plain; charset=utf-8", std::move(body)};
}

}  // namespace

std::optional<std::optional<std::uint64_t>> checkpoint_query(std::string_view query) {
    if (query.empty()) return std::optional<std::uint64_t>();
    constexpr std::string_view key = "from=";
    if (!query.starts_with(key)) return std::nullopt;
    const auto digits = query.substr(key.size());
    if (digits.empty() || digits.size() > 19) return std::nullopt;
    std::uint64_t m = 0;
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), m);
    if (ec != std::errc{} || end != digits.data() + digits.size()) return std::nullopt;
    return std::optional<std::uint64_t>(m);
}

HttpReply checkpoint_reply(const storage::EvidenceLog& log, std::string_view query) {
    const auto from = checkpoint_query(query);
    if (!from) return text_reply(400, "bad query: expected nothing or from=<tree size>\n");
    const auto c = log.proof_checkpoint();
    const auto note = c ? log.note(*c) : std::string();
    if (note.empty()) return text_reply(404, "no checkpoint note yet\n");
    if (!*from) return text_reply(200, note);
    const auto m = **from;
    if (m > c->tree_size)
        return text_reply(404,
                          fmt::format("no checkpoint of {} leaves or more (the newest has {})\n", m,
                                      c->tree_size));
    boost::json::array proof;
    for (const auto& h : log.consistency(m, c->tree_size))
        proof.emplace_back(storage::evidence::to_hex(h));
    boost::json::object o;
    o["note"] = note;
    o["old_size"] = m;
    o["new_size"] = c->tree_size;
    o["proof"] = std::move(proof);
    return {200, "application/json", boost::json::serialize(o) + "\n"};
}

}  // namespace slawatch::daemon
