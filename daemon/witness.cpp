// SPDX-License-Identifier: Apache-2.0
#include "daemon/witness.hpp"

#include "daemon/metrics.hpp"
#include "net/http_client.hpp"
#include "sla/clock.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>

#include <cctype>

namespace slawatch::daemon {
namespace ev = storage::evidence;
namespace http = boost::beast::http;
using Kind = ev::WitnessVerdict::Kind;

namespace {

// An answer is a note (at most 64 KiB) and a proof of at most 64 hashes.
constexpr std::size_t max_answer_bytes = 96 * 1024;
constexpr std::chrono::seconds ask_timeout{10};

std::string lower(std::string s) {
    for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

// The proof of an endpoint's JSON answer; an error names what is wrong.
std::optional<std::vector<ev::Hash>> proof_of(const boost::json::object& o, std::uint64_t from,
                                              std::string& error) {
    const auto* old_size = o.if_contains("old_size");
    const auto* new_size = o.if_contains("new_size");
    const auto* proof = o.if_contains("proof");
    // A proof to another size than the note's would fail and look like a rewrite.
    std::uint64_t note_size = 0;
    try {
        const auto& text = o.at("note").get_string();
        note_size = ev::note::parse_checkpoint_text(
                        ev::note::parse(std::string_view(text.data(), text.size())).text)
                        .tree_size;
    } catch (const ev::note::NoteError&) {
        return std::nullopt;  // judged (and reported) as a bad note
    }
    if (!old_size || !old_size->is_int64() ||
        old_size->get_int64() != static_cast<std::int64_t>(from) || !new_size ||
        !new_size->is_int64() || new_size->get_int64() != static_cast<std::int64_t>(note_size) ||
        !proof || !proof->is_array() || proof->get_array().size() > 64) {
        error = fmt::format("the answer carries no consistency proof from {} leaves", from);
        return std::nullopt;
    }
    std::vector<ev::Hash> hashes;
    for (const auto& h : proof->get_array()) {
        auto hash = h.is_string() ? ev::hash_from_hex(h.get_string()) : std::nullopt;
        if (!hash) {
            error = "the consistency proof holds something other than 64 hex digits";
            return std::nullopt;
        }
        hashes.push_back(*hash);
    }
    return hashes;
}

}  // namespace

Witness::Witness(boost::asio::any_io_executor ex, const config::Config& config,
                 storage::Store& store, alerts::Alerting* alerts)
    : ex_(std::move(ex)), config_(config), store_(store), alerts_(alerts) {
    const auto key = ev::signing_key_path(config.evidence.signing_key_file);
    if (!key)
        throw WitnessSetupError(
            "[[vantage.witness]] needs this host's evidence signing key to cosign with: set "
            "[evidence] signing_key_file (or the systemd credential evidence_signing_key)");
    try {
        signer_.emplace(ev::Signer::from_pem_file(*key));
    } catch (const ev::KeyError& e) {
        throw WitnessSetupError(e.what());
    }
    origin_ = store_.evidence().origin();
    for (const auto& w : config.vantage.witnesses) {
        Peer p;
        p.config = w;
        const auto& pin = config.vantage.peer_keys.at(w.peer);  // checked by the config
        if (pin.size() == 64) {
            p.fpr = lower(pin);
        } else if (auto k = ev::public_key_from_pem(pin)) {
            p.key = *k;
            p.fpr = ev::fingerprint(*k);
        } else {
            throw WitnessSetupError(fmt::format(
                "vantage.peers.{}: not an Ed25519 PEM public key, so its notes cannot be checked",
                w.peer));
        }
        if (!w.url.empty()) {
            std::string error;
            auto url = net::parse_url(w.url, error);
            if (!url) throw WitnessSetupError(fmt::format("vantage.witness {}: {}", w.peer, error));
            p.url = std::make_shared<const net::Url>(std::move(*url));
            if (p.url->tls) p.tls = net::make_tls_context("", false);
        }
        const auto memory = remember(p);
        if (memory.origin) p.cosigned = store_.evidence().last_cosignature(*memory.origin);
        peers_.push_back(std::move(p));
    }
}

Witness::~Witness() = default;

void Witness::on_tick() {
    const auto now = std::chrono::steady_clock::now();
    for (std::size_t i = 0; i < peers_.size(); ++i) {
        auto& p = peers_[i];
        if (p.in_flight || now < p.due) continue;
        p.due = now + p.config.interval;
        if (p.url) {
            p.in_flight = true;
            const auto memory = remember(p);
            ask(i, memory.last ? std::optional(memory.last->tree_size)
                               : std::optional<std::uint64_t>(0));
        } else {
            pass(p);
        }
    }
}

// The log witnessed before and the checkpoint last cosigned of it.
ev::WitnessMemory Witness::remember(const Peer& p) const {
    ev::WitnessMemory m;
    try {
        m.origin = store_.evidence().witnessed_origin(p.config.peer);
        if (m.origin) {
            if (auto c = store_.evidence().last_cosignature(*m.origin))
                m.last = ev::note::CheckpointBody{c->origin, c->tree_size, c->root};
        }
    } catch (const std::exception& e) {
        spdlog::error("witness: cannot read the cosignatures of {}: {}", p.config.peer, e.what());
    }
    return m;
}

void Witness::pass(Peer& p) {
    const auto memory = remember(p);
    conclude(p, read_copy(p, memory), memory);
}

// A shipped copy, opened as an immutable hostile database (bounded reads). Its
// tree is not recomputed: the note's signature and the consistency proof,
// checked against what this host cosigned, are what a witness relies on.
Witness::Answer Witness::read_copy(const Peer& p, const ev::WitnessMemory& memory) const {
    Answer a;
    try {
        const auto copy =
            storage::Store::open(config_, p.config.database, storage::OpenMode::immutable_copy);
        copy->hold_snapshot();
        const auto& log = copy->evidence();
        const auto c = log.proof_checkpoint();
        if (!c || !c->is_note() || c->signature.empty()) {
            a.error = "it holds no signed checkpoint note";
            return a;
        }
        if (c->key_fpr != p.fpr) {
            a.error = fmt::format("its checkpoint is signed by key {}, not the pinned {}",
                                  c->key_fpr.substr(0, 16), p.fpr.substr(0, 16));
            return a;
        }
        a.key = p.key ? p.key : log.public_key(c->key_fpr);
        a.note = log.note(*c);
        if (memory.last && memory.last->origin == c->origin &&
            memory.last->tree_size < c->tree_size)
            a.proof = log.consistency(memory.last->tree_size, c->tree_size);
    } catch (const std::exception& e) {
        a.error = e.what();
    }
    return a;
}

// GET /checkpoint?from=M; a 404 there (the peer has no tree that large any
// more) asks again for the note alone, which then shows the rewrite.
void Witness::ask(std::size_t index, std::optional<std::uint64_t> from) {
    auto& p = peers_[index];
    auto target = p.url->target;
    if (from)
        target +=
            (target.find('?') == std::string::npos ? "?" : "&") + fmt::format("from={}", *from);
    auto x = net::small_exchange(p.url, p.tls, net::make_request(http::verb::get, *p.url, target),
                                 ask_timeout, max_answer_bytes);
    std::weak_ptr<int> alive = alive_;
    net::async_exchange(ex_, std::move(x), [this, alive, index, from](net::Response& r) {
        if (alive.expired()) return;
        auto& p = peers_[index];
        if (r.outcome == sla::Outcome::ok && r.status == 404 && from && *from > 0)
            return ask(index, std::nullopt);
        p.in_flight = false;
        const auto memory = remember(p);
        Answer a;
        if (r.outcome != sla::Outcome::ok) {
            a.error = fmt::format("{}{}", sla::to_string(r.outcome),
                                  r.detail.empty() ? "" : ": " + r.detail);
        } else {
            a = answer_of(p, from, r.status, r.body);
        }
        conclude(p, a, memory);
    });
}

Witness::Answer Witness::answer_of(const Peer& p, std::optional<std::uint64_t> from, int status,
                                   const std::string& body) const {
    Answer a;
    a.key = p.key;
    if (status != 200) {
        a.error = fmt::format("HTTP {}", status);
        return a;
    }
    if (!from) {
        a.note = body;
        return a;
    }
    boost::system::error_code ec;
    const auto value = boost::json::parse(body, ec);
    if (ec || !value.is_object() || !value.get_object().contains("note") ||
        !value.get_object().at("note").is_string()) {
        a.error = "the answer is not JSON with a note";
        return a;
    }
    const auto& o = value.get_object();
    a.note = std::string(o.at("note").get_string());
    if (*from > 0) a.proof = proof_of(o, *from, a.error);
    return a;
}

void Witness::conclude(Peer& p, const Answer& a, const ev::WitnessMemory& memory) {
    const auto& source = p.url ? p.config.url : p.config.database;
    if (!a.error.empty() || !a.key) {
        ++p.errors;
        spdlog::warn("witness: cannot read the checkpoint of {} from {}: {}", p.config.peer, source,
                     a.error.empty() ? "no key to check it with" : a.error);
        return;
    }
    const auto v = ev::judge_checkpoint(p.config.peer, *a.key, a.note, memory, a.proof);
    switch (v.kind) {
        case Kind::cosign:
            return cosign(p, v.seen);
        case Kind::unchanged:
            p.checked_s = static_cast<double>(sla::now_ms()) / 1000.0;
            return;
        case Kind::rewritten:
            return rewritten(p, a, memory, v);
        case Kind::invalid:
            ++p.errors;
            spdlog::warn("witness: the checkpoint of {} from {} was not cosigned: {}",
                         p.config.peer, source, v.message);
            return;
    }
}

void Witness::cosign(Peer& p, const ev::note::CheckpointBody& seen) {
    const auto now_s = static_cast<std::uint64_t>(sla::now_ms() / 1000);
    const auto s = ev::note::cosign(*signer_, origin_, now_s, ev::note::checkpoint_text(seen));
    storage::Cosignature c{p.config.peer, seen.origin, seen.tree_size, seen.root, now_s, s.bytes};
    try {
        store_.evidence().add_cosignature(c);
    } catch (const std::exception& e) {
        ++p.errors;
        spdlog::error("witness: cannot store the cosignature of {}: {}", p.config.peer, e.what());
        return;
    }
    p.cosigned = std::move(c);
    p.checked_s = static_cast<double>(sla::now_ms()) / 1000.0;
    spdlog::info("witness: cosigned {} at {} leaves (vantage point {})", seen.origin,
                 seen.tree_size, p.config.peer);
}

void Witness::rewritten(Peer& p, const Answer& a, const ev::WitnessMemory& memory,
                        const ev::WitnessVerdict& v) {
    ++p.rewrites;
    const auto& source = p.url ? p.config.url : p.config.database;
    spdlog::error("witness: the evidence history of vantage point {} was rewritten ({}): {}",
                  p.config.peer, source, v.message);
    if (!alerts_) return;
    alerts::RewriteSeen r{p.config.peer, source,   v.seen, a.note, memory.origin.value_or(""),
                          memory.last,   v.message};
    alerts_->on_rewrite(r, sla::now_ms());
}

std::string Witness::render_metrics(std::string_view constant) const {
    std::string out;
    if (peers_.empty()) return out;
    Exposition e(out, constant);
    const auto each = [&](std::string_view name, std::string_view type, std::string_view help,
                          const auto& value) {
        e.family(name, type, help);
        for (const auto& p : peers_)
            e.sample(name, fmt::format("peer=\"{}\"", p.config.peer), value(p));
    };
    each("slawatch_witness_cosigned_tree_size", "gauge",
         "Tree size of the peer's checkpoint this host cosigned last (0: none yet).",
         [](const Peer& p) {
             return p.cosigned ? static_cast<double>(p.cosigned->tree_size) : 0.0;
         });
    each("slawatch_witness_cosigned_timestamp_seconds", "gauge",
         "When this host last cosigned a checkpoint of the peer (0: never).",
         [](const Peer& p) { return p.cosigned ? static_cast<double>(p.cosigned->time_s) : 0.0; });
    each("slawatch_witness_checked_timestamp_seconds", "gauge",
         "When a checkpoint of the peer last held against what this host cosigned (0: not "
         "since the start).",
         [](const Peer& p) { return p.checked_s; });
    each("slawatch_witness_rewrites_total", "counter",
         "Checkpoints of the peer that rewrote what this host cosigned before.",
         [](const Peer& p) { return static_cast<double>(p.rewrites); });
    each("slawatch_witness_errors_total", "counter",
         "Witness passes of the peer that learnt nothing (unreachable, unreadable, bad note, "
         "wrong key, no proof).",
         [](const Peer& p) { return static_cast<double>(p.errors); });
    return out;
}

}  // namespace slawatch::daemon
