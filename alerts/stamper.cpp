// SPDX-License-Identifier: Apache-2.0
// Stamper: outbox rows "tsa:<url>" -> TimeStampReq POSTs -> checked tokens.

#include "alerts/stamper.hpp"

#include "alerts/hook.hpp"
#include "net/proxy.hpp"
#include "sla/clock.hpp"
#include "storage/evidence/rfc3161.hpp"
#include "text/escape.hpp"

#include <boost/asio/post.hpp>
#include <boost/beast/http/field.hpp>
#include <boost/beast/http/verb.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <fstream>
#include <limits>
#include <sstream>

namespace slawatch::alerts {
namespace asio = boost::asio;
namespace http = boost::beast::http;
namespace rfc3161 = storage::evidence::rfc3161;
using namespace std::chrono_literals;

namespace {

// A TSA that is down is asked again after 2 s, doubling up to 10 minutes.
const Backoff stamp_backoff{2s, 10min, 0};
constexpr auto request_timeout = 30s;
constexpr std::string_view request_type = "evidence_timestamp_request";

std::string read_bundle(const config::Tsa& t) {
    std::ifstream in(t.ca_file, std::ios::binary);
    std::ostringstream text;
    if (in) text << in.rdbuf();
    if (!in || text.str().empty())
        throw HookSetupError(
            fmt::format("evidence.tsa {}: cannot read ca_file {}", t.url, t.ca_file));
    return text.str();
}

}  // namespace

std::string tsa_hook(const config::Tsa& tsa) {
    return "tsa:" + tsa.url;
}

Stamper::Stamper(asio::any_io_executor ex, const config::Config& config,
                 storage::OutboxStore& outbox, storage::EvidenceLog& log, Emit emit)
    : ex_(ex),
      config_(config),
      store_(outbox),
      outbox_(outbox),
      log_(log),
      emit_(std::move(emit)),
      timer_(ex) {
    for (const auto& c : config.evidence.tsa) {
        Tsa t;
        t.config = c;
        t.hook = tsa_hook(c);
        t.ca_pem = read_bundle(c);
        std::string error;
        auto url = net::parse_url(c.url, error);
        if (!url) throw HookSetupError(fmt::format("evidence.tsa {}: {}", c.url, error));
        t.url = std::make_shared<const net::Url>(std::move(*url));
        try {
            if (t.url->tls) t.tls = net::make_tls_context("", false);
            t.proxy = net::ProxyChoice(c.proxy).for_url(*t.url);
        } catch (const std::exception& e) {
            throw HookSetupError(fmt::format("evidence.tsa {}: {}", c.url, e.what()));
        }
        tsas_.emplace(c.url, std::move(t));
    }
    load_last();
}

Stamper::~Stamper() {
    *alive_ = false;
}

// The metrics start from what is stored, not from zero, after a restart.
void Stamper::load_last() {
    try {
        std::map<std::int64_t, std::uint64_t> sizes;
        for (const auto& c : log_.checkpoints(0, std::numeric_limits<sla::EpochMillis>::max()))
            sizes[c.id] = c.tree_size;
        for (const auto& ts : log_.timestamps()) {
            auto it = tsas_.find(ts.tsa);
            if (it == tsas_.end() || ts.gen_time_ms < it->second.last_gen_time_ms) continue;
            it->second.last_gen_time_ms = ts.gen_time_ms;
            it->second.last_tree_size = sizes[ts.checkpoint];
        }
    } catch (const std::exception& e) {
        spdlog::warn("evidence: cannot read the stored time-stamps: {}", e.what());
    }
}

void Stamper::on_checkpoint(const storage::Checkpoint& c, const std::string& note,
                            sla::EpochMillis now) {
    if (tsas_.empty() || note.empty()) return;
    boost::json::object body{
        {"checkpoint", c.id}, {"tree_size", c.tree_size}, {"time_ms", c.time_ms}, {"note", note}};
    std::vector<std::string> hooks;
    for (const auto& [url, t] : tsas_) hooks.push_back(t.hook);
    try {
        store_.enqueue({fmt::format("evidence_timestamp:{}", c.id), std::string(request_type),
                        boost::json::serialize(body)},
                       hooks, now);
    } catch (const std::exception& e) {
        spdlog::error("evidence: cannot queue the time-stamp requests of checkpoint #{}: {}", c.id,
                      e.what());
    }
    poke();
}

void Stamper::poke() {
    if (stopped_) return;
    const auto now = sla::now_ms();
    try {
        for (auto& [url, t] : tsas_) {
            if (t.busy) continue;
            auto rows = outbox_.due(t.hook, now, 1);
            if (!rows.empty()) attempt(t, rows.front());
        }
    } catch (const std::exception& e) {
        spdlog::error("evidence: cannot read the time-stamp requests: {}", e.what());
    }
    do_wait();
}

void Stamper::stop() {
    stopped_ = true;
    timer_.cancel();
}

void Stamper::do_wait() {
    if (stopped_) return;
    std::vector<std::string> idle;
    for (const auto& [url, t] : tsas_)
        if (!t.busy) idle.push_back(t.hook);
    std::optional<sla::EpochMillis> next;
    try {
        next = outbox_.next_due(idle);
    } catch (const std::exception&) {
        next = sla::now_ms() + 5000;
    }
    if (!next) return;
    timer_.expires_after(
        std::chrono::milliseconds(std::max<sla::EpochMillis>(*next - sla::now_ms(), 0)) + 5ms);
    timer_.async_wait([this, alive = alive_](boost::system::error_code ec) {
        if (*alive && !ec) poke();
    });
}

void Stamper::attempt(Tsa& t, const storage::Delivery& d) {
    std::string note;
    std::int64_t checkpoint = 0;
    std::uint64_t tree_size = 0;
    try {
        const auto body = boost::json::parse(d.body).as_object();
        note = body.at("note").as_string().c_str();
        checkpoint = body.at("checkpoint").to_number<std::int64_t>();
        tree_size = body.at("tree_size").to_number<std::uint64_t>();
    } catch (const std::exception& e) {
        return on_failed(t, d, fmt::format("unreadable request row: {}", e.what()));
    }
    const auto request = rfc3161::make_request(note);
    auto req = net::make_request(http::verb::post, *t.url, t.url->target);
    req->set(http::field::content_type, rfc3161::query_type);
    req->set(http::field::accept, rfc3161::reply_type);
    req->body() = request.der;
    req->prepare_payload();

    auto x = net::small_exchange(t.url, t.tls, std::move(req), request_timeout,
                                 rfc3161::max_response_bytes);
    x.proxy = t.proxy;
    t.busy = true;
    net::async_exchange(ex_, std::move(x),
                        [this, alive = alive_, url = t.config.url, ca = t.ca_pem, d, request, note,
                         checkpoint, tree_size](net::Response& r) {
                            if (!*alive) return;
                            std::optional<std::string> error;
                            storage::StoredTimestamp ts{checkpoint, url, {}, 0};
                            if (r.outcome != sla::Outcome::ok) {
                                error = std::string(sla::to_string(r.outcome)) +
                                        (r.detail.empty() ? "" : ": " + r.detail);
                            } else if (r.status != 200) {
                                error = fmt::format("HTTP {}", r.status);
                            } else {
                                try {
                                    auto stamp = rfc3161::read_response(r.body, request, note, ca);
                                    ts.token = std::move(stamp.token_der);
                                    ts.gen_time_ms = stamp.info.gen_time_ms;
                                } catch (const rfc3161::TimestampError& e) {
                                    error = e.what();
                                }
                            }
                            on_stamped(url, d, error, ts, tree_size);
                        });
}

void Stamper::on_stamped(const std::string& url, const storage::Delivery& d,
                         const std::optional<std::string>& error,
                         const storage::StoredTimestamp& ts, std::uint64_t tree_size) {
    auto it = tsas_.find(url);
    if (it == tsas_.end()) return;
    auto& t = it->second;
    t.busy = false;
    if (error) {
        on_failed(t, d, *error);
    } else {
        try {
            log_.add_timestamp(ts);
            outbox_.mark_delivered(d.id, d.hook, sla::now_ms());
            t.last_gen_time_ms = std::max(t.last_gen_time_ms, ts.gen_time_ms);
            t.last_tree_size = std::max(t.last_tree_size, tree_size);
            if (t.failing_since)
                spdlog::info("evidence: {} stamps again (checkpoint #{})", url, ts.checkpoint);
            if (!t.failing_event.empty()) {
                auto e = make_event(
                    EventType::evidence_timestamp_failing, t.failing_event + ":resolved",
                    sla::now_ms(), config_.contract.terms.zone, config_.contract.name,
                    config_.vantage.name, fmt::format("time-stamp authority {} stamps again", url));
                e.body["status"] = "resolved";
                e.body["tsa"] = url;
                emit_(e, sla::now_ms());
            }
            t.failing_since.reset();
            t.failing_event.clear();
        } catch (const std::exception& e) {
            spdlog::error("evidence: cannot store the time-stamp of checkpoint #{}: {}",
                          ts.checkpoint, e.what());
        }
    }
    asio::post(ex_, [this, alive = alive_] {
        if (*alive) poke();
    });
}

void Stamper::on_failed(Tsa& t, const storage::Delivery& d, const std::string& error) {
    t.busy = false;
    const auto now = sla::now_ms();
    const double unit = std::uniform_real_distribution<double>(0.0, 1.0)(random_);
    try {
        outbox_.mark_failed(d.id, d.hook, error, now, stamp_backoff, unit);
    } catch (const std::exception& e) {
        spdlog::error("evidence: cannot record a failed time-stamp request: {}", e.what());
    }
    if (!t.failing_since)
        spdlog::warn("evidence: time-stamp authority {} failing ({}); retrying with backoff",
                     t.config.url, error);
    t.failing_since = std::min(t.failing_since.value_or(d.created_ms), d.created_ms);
    if (t.failing_event.empty() && now - *t.failing_since > timestamp_failing_after_ms) {
        t.failing_event =
            fmt::format("evidence_timestamp_failing:{}:{}", t.config.url, *t.failing_since);
        auto e = make_event(
            EventType::evidence_timestamp_failing, t.failing_event, now,
            config_.contract.terms.zone, config_.contract.name, config_.vantage.name,
            fmt::format("time-stamp authority {} has not stamped since {}: {}", t.config.url,
                        config_.contract.terms.zone.format_millis(*t.failing_since), error));
        e.body["status"] = "failing";
        e.body["tsa"] = t.config.url;
        e.body["since_ms"] = *t.failing_since;
        e.body["error"] = error;
        emit_(e, now);
    }
}

std::string Stamper::render_metrics(std::string_view vantage) const {
    const auto v = fmt::format("vantage=\"{}\",", text::prometheus_label(vantage));
    std::string out;
    out +=
        "# HELP slawatch_evidence_last_timestamp_seconds genTime of the newest RFC 3161 token by "
        "TSA.\n# TYPE slawatch_evidence_last_timestamp_seconds gauge\n";
    for (const auto& [url, t] : tsas_)
        out += fmt::format("slawatch_evidence_last_timestamp_seconds{{{}tsa=\"{}\"}} {:.3f}\n", v,
                           text::prometheus_label(url),
                           static_cast<double>(t.last_gen_time_ms) / 1000.0);
    out +=
        "# HELP slawatch_evidence_last_timestamp_tree_size Tree size of the newest checkpoint "
        "stamped by TSA.\n# TYPE slawatch_evidence_last_timestamp_tree_size gauge\n";
    for (const auto& [url, t] : tsas_)
        out += fmt::format("slawatch_evidence_last_timestamp_tree_size{{{}tsa=\"{}\"}} {}\n", v,
                           text::prometheus_label(url), t.last_tree_size);
    out +=
        "# HELP slawatch_evidence_timestamp_failing 1 while the TSA's last request failed.\n"
        "# TYPE slawatch_evidence_timestamp_failing gauge\n";
    for (const auto& [url, t] : tsas_)
        out += fmt::format("slawatch_evidence_timestamp_failing{{{}tsa=\"{}\"}} {}\n", v,
                           text::prometheus_label(url), t.failing_since ? 1 : 0);
    return out;
}

}  // namespace slawatch::alerts
