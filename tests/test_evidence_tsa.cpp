// SPDX-License-Identifier: Apache-2.0
// RFC 3161 time-stamps against OpenSSL's own TSA (`openssl ts -reply` with a
// test CA, behind a loopback HTTP server in this test): the daemon's Stamper
// stamps checkpoint notes through the outbox, an outage loses nothing and the
// stamps arrive in order, the tokens verify with the `openssl ts -verify`
// commands claim prints, and `verify` refuses a mismatched token, a token of
// another CA and a backdated one.

#include "alerts/stamper.hpp"
#include "config/config.hpp"
#include "sla/clock.hpp"
#include "storage/evidence/rfc3161.hpp"
#include "storage/store.hpp"
#include "tests/support/config_text.hpp"
#include "tests/support/hostile_server.hpp"
#include "tests/support/process.hpp"
#include "tests/support/sqlite_query.hpp"

#include <fmt/format.h>
#include <boost/asio/io_context.hpp>
#include <boost/asio/read.hpp>
#include <boost/json.hpp>
#include <catch2/catch.hpp>

#include <atomic>
#include <csignal>
#include <fstream>
#include <mutex>

using namespace slawatch;
namespace rfc3161 = storage::evidence::rfc3161;
using namespace std::chrono_literals;

namespace {

std::string hex(std::string_view bytes) {
    std::string out;
    for (unsigned char c : bytes) out += fmt::format("{:02x}", c);
    return out;
}

// Runs a shell command line in `dir`; REQUIREs it succeeds.
std::string sh(const std::filesystem::path& dir, const std::string& line) {
    const auto r = testing::run({"/bin/sh", "-c", "cd '" + dir.string() + "' && " + line}, {}, 30s);
    INFO(line << "\n" << r.err);
    REQUIRE(r.exit_code == 0);
    return r.out + r.err;
}

// A test CA and a TSA certificate it issued (extendedKeyUsage critical
// timeStamping), with the `openssl ts -reply` config that signs with it.
struct TestTsa {
    std::filesystem::path dir;
    std::filesystem::path ca() const { return dir / "ca.pem"; }
    std::filesystem::path config() const { return dir / "tsa.cnf"; }

    explicit TestTsa(std::filesystem::path d) : dir(std::move(d)) {
        std::filesystem::create_directories(dir);
        const std::string ec = "-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes";
        sh(dir, "openssl req -x509 " + ec +
                    " -keyout ca.key -out ca.pem -days 30 -subj '/CN=slawatch test TSA CA' "
                    "-addext basicConstraints=critical,CA:TRUE -addext "
                    "keyUsage=critical,keyCertSign,cRLSign 2>/dev/null");
        sh(dir, "openssl req " + ec +
                    " -keyout tsa.key -out tsa.csr -subj '/CN=slawatch test TSA' 2>/dev/null");
        std::ofstream(dir / "ext.cnf") << "basicConstraints=CA:FALSE\n"
                                          "keyUsage=critical,digitalSignature\n"
                                          "extendedKeyUsage=critical,timeStamping\n";
        sh(dir,
           "openssl x509 -req -in tsa.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out tsa.pem "
           "-days 30 -extfile ext.cnf 2>/dev/null");
        std::ofstream(dir / "serial") << "01\n";
        std::ofstream(config()) << "[ tsa ]\ndefault_tsa = tsa_config1\n[ tsa_config1 ]\n"
                                << "dir = " << dir.string() << "\n"
                                << "serial = $dir/serial\ncrypto_device = builtin\n"
                                   "signer_cert = $dir/tsa.pem\ncerts = $dir/ca.pem\n"
                                   "signer_key = $dir/tsa.key\nsigner_digest = sha256\n"
                                   "default_policy = 1.2.3.4.1\ndigests = sha256\n"
                                   "accuracy = secs:1\nordering = yes\ntsa_name = no\n"
                                   "ess_cert_id_chain = no\ness_cert_id_alg = sha256\n";
    }

    // `openssl ts -reply` to a DER query; the DER response (or token).
    std::string reply(const std::string& query, bool token_only = false) const {
        static std::atomic<int> n{0};
        const auto q = dir / fmt::format("q{}.tsq", n++);
        std::ofstream(q, std::ios::binary) << query;
        const auto r = q.string() + ".tsr";
        sh(dir, "openssl ts -reply -config tsa.cnf -queryfile '" + q.string() + "' -out '" + r +
                    "'" + (token_only ? " -token_out" : "") + " 2>/dev/null");
        return testing::read_file(r);
    }
};

// A loopback HTTP server answering each POSTed query with `openssl ts -reply`
// output; while `down`, it closes every connection unanswered (an outage).
class TsaServer {
public:
    explicit TsaServer(const TestTsa& tsa)
        : tsa_(tsa), server_([this](boost::asio::ip::tcp::socket& s) { serve(s); }) {}
    std::string url() const { return server_.url("/tsa"); }
    std::atomic<bool> down{false};
    std::atomic<int> answered{0};

private:
    void serve(boost::asio::ip::tcp::socket& s) {
        if (down) return;  // closed before any byte of an answer
        boost::asio::streambuf buf;
        const auto n = boost::asio::read_until(s, buf, "\r\n\r\n");
        std::string data(boost::asio::buffers_begin(buf.data()),
                         boost::asio::buffers_end(buf.data()));
        const std::string head = data.substr(0, n);
        std::string lower;
        for (char c : head) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        const auto at = lower.find("content-length:");
        if (at == std::string::npos) return;
        const auto length = std::stoul(head.substr(at + 15));
        std::string body = data.substr(n);
        if (body.size() < length) {
            std::string rest(length - body.size(), '\0');
            boost::asio::read(s, boost::asio::buffer(rest));
            body += rest;
        }
        const auto reply = tsa_.reply(body);
        ++answered;
        testing::write_all(s, fmt::format("HTTP/1.1 200 OK\r\nContent-Type: "
                                          "application/timestamp-reply\r\nContent-Length: {}\r\n"
                                          "Connection: close\r\n\r\n",
                                          reply.size()) +
                                  reply);
    }

    const TestTsa& tsa_;
    testing::HostileServer server_;
};

std::vector<storage::ProbeResult> results(sla::EpochMillis start_ms, int n) {
    std::vector<storage::ProbeResult> out;
    for (int i = 0; i < n; ++i) {
        storage::ProbeResult r;
        r.probe = "a";
        r.sample.sent_ms = start_ms + i * 1000LL;
        r.sample.outcome = sla::Outcome::ok;
        r.sample.http_status = 200;
        out.push_back(r);
    }
    return out;
}

std::string config_text(const std::string& tsa_lines) {
    testing::ConfigText c;
    c.name = "tsa";
    c.start = "2026-12-01";
    c.db = "slawatch.db";
    c.tables = tsa_lines;
    c.probes = {{"a"}};
    return testing::config_toml(c);
}

std::string tsa_table(const std::string& url, const std::filesystem::path& ca) {
    return "\n[[evidence.tsa]]\nurl = \"" + url + "\"\nca_file = \"" + ca.string() + "\"\n";
}

// Runs the io_context until `done` holds or `timeout` passes.
template <class Predicate>
bool drive(boost::asio::io_context& io, Predicate done, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!done() && std::chrono::steady_clock::now() < deadline) {
        io.restart();
        io.run_for(50ms);
        if (io.stopped()) std::this_thread::sleep_for(20ms);
    }
    return done();
}

}  // namespace

TEST_CASE("tsa: requests and responses are checked, bad answers are clear errors",
          "[evidence][tsa]") {
    testing::TempDir dir;
    const TestTsa tsa(dir / "tsa");
    const TestTsa other(dir / "other");
    const auto ca = testing::read_file(tsa.ca());
    const std::string note = "slawatch/v/0123\n5\nAAAA\n";
    const auto request = rfc3161::make_request(note);

    const auto stamp = rfc3161::read_response(tsa.reply(request.der), request, note, ca);
    CHECK(stamp.info.imprint == rfc3161::sha256(note));
    CHECK(stamp.info.nonce == request.nonce);
    CHECK(std::abs(stamp.info.gen_time_ms - sla::now_ms()) < 120'000);
    CHECK(rfc3161::check_chain(stamp.token_der, ca).empty());
    CHECK_FALSE(rfc3161::check_chain(stamp.token_der, testing::read_file(other.ca())).empty());

    const auto fails = [&](const std::string& response, const std::string& why,
                           const rfc3161::Request& req) {
        try {
            rfc3161::read_response(response, req, note, ca);
            FAIL("accepted: " << why);
        } catch (const rfc3161::TimestampError& e) {
            CHECK_THAT(e.what(), Catch::Contains(why));
        }
    };
    fails("garbage", "not a DER TimeStampResp", request);
    fails(std::string(rfc3161::max_response_bytes + 1, '\x30'), "over", request);
    // Another request's answer: its nonce (and here its imprint) are not ours.
    const auto second = rfc3161::make_request(note);
    CHECK(second.nonce != request.nonce);
    fails(tsa.reply(second.der), "nonce", request);
    const auto other_note = rfc3161::make_request("another note");
    fails(tsa.reply(other_note.der), "another message", other_note);
    fails(other.reply(request.der), "chain", request);
    // A digest the TSA does not accept: it answers with a rejection.
    std::ofstream(dir / "n.txt") << note;
    sh(dir.path(), "openssl ts -query -data n.txt -sha1 -cert -out sha1.tsq 2>/dev/null");
    fails(tsa.reply(testing::read_file(dir / "sha1.tsq")), "refused", request);
    CHECK_THROWS_AS(rfc3161::read_token("garbage"), rfc3161::TimestampError);
}

TEST_CASE("tsa: checkpoints are stamped through an outage, in order, and verify with openssl",
          "[evidence][tsa]") {
    testing::TempDir dir;
    const TestTsa tsa(dir / "tsa");
    const TestTsa other(dir / "other");
    TsaServer server(tsa);
    const auto cfg_file =
        dir.write("slawatch.toml", config_text(tsa_table(server.url(), tsa.ca())));
    auto loaded = config::load(cfg_file);
    REQUIRE(loaded);
    const auto& config = *loaded.config;
    const auto db = (dir / "slawatch.db").string();
    auto store = storage::Store::open(config, db, storage::OpenMode::read_write);
    auto& log = store->evidence();

    boost::asio::io_context io;
    std::vector<alerts::Event> events;
    alerts::Stamper stamper(io.get_executor(), config, store->outbox(), log,
                            [&](const alerts::Event& e, sla::EpochMillis) { events.push_back(e); });
    const auto t0 = sla::now_ms() - 60'000;
    const auto record = [&](int n) {
        store->append(results(
            t0 + static_cast<sla::EpochMillis>(log.checkpoints(0, t0 * 2).size()) * 10'000, n));
        const auto c = log.checkpoint(sla::now_ms(), nullptr);
        stamper.on_checkpoint(c, log.note(c), sla::now_ms());
        return c;
    };

    // The TSA is down: two checkpoints wait in the outbox, nothing is lost.
    server.down = true;
    const auto c1 = record(3);
    const auto c2 = record(2);
    const auto hook = alerts::tsa_hook(config.evidence.tsa.front());
    CHECK(drive(
        io,
        [&] {
            return store->outbox()
                       .find("evidence_timestamp:" + std::to_string(c1.id), hook)
                       ->attempts > 0;
        },
        5s));
    CHECK(log.timestamps().empty());
    CHECK_THAT(stamper.render_metrics("v"),
               Catch::Contains("slawatch_evidence_timestamp_failing{vantage=\"v\",tsa=\"" +
                               server.url() + "\"} 1"));
    // Back up: both arrive, in the order of their checkpoints.
    server.down = false;
    REQUIRE(drive(
        io, [&] { return log.timestamps().size() == 2; }, 20s));
    const auto c3 = record(4);
    REQUIRE(drive(
        io, [&] { return log.timestamps().size() == 3; }, 10s));
    const auto tokens = log.timestamps();
    std::vector<std::string> serials;
    for (const auto& t : tokens) serials.push_back(rfc3161::read_token(t.token).serial);
    CHECK(tokens[0].checkpoint == c1.id);
    CHECK(tokens[2].checkpoint == c3.id);
    // The TSA numbers its tokens on from the serial file's 01: the order it stamped them in.
    CHECK(serials == std::vector<std::string>{"02", "03", "04"});
    CHECK(tokens[0].gen_time_ms <= tokens[1].gen_time_ms);
    const auto metrics = stamper.render_metrics("v");
    CHECK_THAT(metrics, Catch::Contains("slawatch_evidence_last_timestamp_tree_size{vantage=\"v\","
                                        "tsa=\"" +
                                        server.url() + "\"} 9"));
    CHECK_THAT(metrics, Catch::Contains("slawatch_evidence_timestamp_failing{vantage=\"v\",tsa=\"" +
                                        server.url() + "\"} 0"));
    CHECK(events.empty());  // failing for seconds, not for an hour
    stamper.stop();
    store.reset();

    const auto cfg = cfg_file.string();
    const auto verify = [&](const std::string& file) {
        return testing::run({testing::slawatch_bin(), "verify", "--config", file}, {}, 60s);
    };
    auto v = verify(cfg);
    INFO(v.out << v.err);
    CHECK(v.exit_code == 0);
    CHECK_THAT(v.out, Catch::Contains("time-stamps: 3 tokens, 3 checked"));

    SECTION("claim carries the tokens, and its openssl commands verify them") {
        const auto claim = testing::run({testing::slawatch_bin(), "claim", "--config", cfg,
                                         "--month", "2026-12", "--format", "json"},
                                        {}, 60s);
        INFO(claim.err);
        REQUIRE(claim.exit_code == 0);
        const auto doc = boost::json::parse(claim.out).as_object();
        const auto& stamps = doc.at("timestamps").as_array();
        REQUIRE(stamps.size() == 3);
        for (const auto& s : stamps) {
            const auto& o = s.as_object();
            testing::TempDir check;
            std::filesystem::copy_file(tsa.ca(), check / o.at("ca_file_name").as_string().c_str());
            std::string out;
            for (const auto& c : o.at("commands").as_array())
                out = sh(check.path(), c.as_string().c_str());
            CHECK_THAT(out, Catch::Contains("Verification: OK"));
            // The same commands with another CA's bundle fail.
            std::filesystem::copy_file(other.ca(), check / "wrong.pem");
            const auto last = std::string(o.at("commands").as_array().back().as_string().c_str());
            const auto wrong = testing::run({"/bin/sh", "-c",
                                             "cd '" + check.path().string() + "' && " +
                                                 last.substr(0, last.rfind(' ')) + " wrong.pem"});
            CHECK(wrong.exit_code != 0);
        }
    }
    SECTION("verify refuses a token of another checkpoint") {
        testing::exec_sql(db,
                          fmt::format("UPDATE evidence_timestamp SET token = (SELECT token FROM "
                                      "evidence_timestamp WHERE checkpoint = {}) WHERE "
                                      "checkpoint = {}",
                                      c2.id, c1.id));
        v = verify(cfg);
        CHECK(v.exit_code == 1);
        CHECK_THAT(v.out, Catch::Contains("stamps another message"));
    }
    SECTION("verify refuses a token of another CA") {
        const auto note = tokens.front();
        std::ofstream(dir / "note", std::ios::binary) << [&] {
            auto s = storage::Store::open(config, db, storage::OpenMode::read_only);
            return s->evidence().note(s->evidence().checkpoints(0, t0 * 2).front());
        }();
        const auto query = rfc3161::make_request(testing::read_file(dir / "note"));
        const auto token = other.reply(query.der, true);
        testing::exec_sql(db, fmt::format("UPDATE evidence_timestamp SET token = X'{}' WHERE "
                                          "checkpoint = {}",
                                          hex(token), c1.id));
        v = verify(cfg);
        CHECK(v.exit_code == 1);
        CHECK_THAT(v.out, Catch::Contains("does not verify"));
        CHECK_THAT(v.out, Catch::Contains("checkpoint #" + std::to_string(c1.id)));
    }
    SECTION("verify refuses a token dated before its checkpoint") {
        // The TSA's clock set back by an hour is the checkpoint's moved forward by one.
        testing::exec_sql(db, fmt::format("UPDATE evidence_checkpoint SET time_ms = time_ms + "
                                          "3600000 WHERE id = {}",
                                          c3.id));
        v = verify(cfg);
        CHECK(v.exit_code == 1);
        CHECK_THAT(v.out, Catch::Contains("before the checkpoint it stamps"));
    }
    SECTION("a TSA no longer configured: its tokens are unchecked, not forged") {
        const auto bare = dir.write("bare.toml", config_text(""));
        v = verify(bare.string());
        CHECK(v.exit_code == 0);
        CHECK_THAT(v.out, Catch::Contains("3 tokens, 0 checked"));
        CHECK_THAT(v.out, Catch::Contains("3 of TSAs no longer configured"));
    }
}

TEST_CASE("tsa: [[evidence.tsa]] is checked when the config loads", "[evidence][tsa][config]") {
    testing::TempDir dir;
    const auto ca =
        dir.write("ca.pem", "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n");
    const auto errors = [&](const std::string& tables) {
        const auto file = dir.write("t.toml", config_text(tables));
        std::string out;
        for (const auto& e : config::load(file).errors) out += e + "\n";
        return out;
    };
    const auto good = config::load(
        dir.write("g.toml", config_text(tsa_table("https://tsa.example/tsr", "ca.pem"))));
    REQUIRE(good);
    REQUIRE(good.config->evidence.tsa.size() == 1);
    CHECK(good.config->evidence.tsa[0].ca_file == ca.string());
    CHECK(config::load(dir.write("n.toml", config_text(""))).config->evidence.tsa.empty());

    CHECK_THAT(
        errors(tsa_table("https://tsa.example/tsr", dir / "missing.pem")),
        Catch::Contains("evidence.tsa.ca_file: cannot read " + (dir / "missing.pem").string()));
    CHECK_THAT(errors(tsa_table("https://tsa.example/tsr", dir / "t.toml")),
               Catch::Contains("is not a PEM certificate bundle"));
    CHECK_THAT(errors(tsa_table("ftp://tsa.example/tsr", ca)),
               Catch::Contains("evidence.tsa.url: bad URL"));
    CHECK_THAT(errors("\n[[evidence.tsa]]\nurl = \"https://tsa.example/\"\n"),
               Catch::Contains("missing required key 'ca_file'"));
    CHECK_THAT(errors(tsa_table("https://a.example/", ca) + tsa_table("https://a.example/", ca)),
               Catch::Contains("listed twice"));
    CHECK_THAT(errors(tsa_table("https://a.example/", ca) + "policy = \"1.2\"\n"),
               Catch::Contains("policy"));

    // check-config reports them.
    const auto r = testing::run(
        {testing::slawatch_bin(), "check-config", "--config", (dir / "g.toml").string()});
    CHECK_THAT(r.out, Catch::Contains("time-stamp authority https://tsa.example/tsr (CA bundle " +
                                      ca.string() + ")"));
}

TEST_CASE("tsa: stamping failing for over an hour raises an alert event, resolved when it stamps",
          "[evidence][tsa]") {
    testing::TempDir dir;
    const TestTsa tsa(dir / "tsa");
    TsaServer server(tsa);
    const auto cfg_file =
        dir.write("slawatch.toml", config_text(tsa_table(server.url(), tsa.ca())));
    auto loaded = config::load(cfg_file);
    REQUIRE(loaded);
    auto store =
        storage::Store::open(*loaded.config, dir / "slawatch.db", storage::OpenMode::read_write);
    boost::asio::io_context io;
    std::vector<alerts::Event> events;
    alerts::Stamper stamper(io.get_executor(), *loaded.config, store->outbox(), store->evidence(),
                            [&](const alerts::Event& e, sla::EpochMillis) { events.push_back(e); });
    server.down = true;
    const auto c = store->evidence().checkpoint(sla::now_ms(), nullptr);
    // Queued two hours ago (a daemon restarted into a long outage).
    stamper.on_checkpoint(c, store->evidence().note(c), sla::now_ms() - 2 * 3'600'000);
    REQUIRE(drive(
        io, [&] { return !events.empty(); }, 5s));
    CHECK(events[0].type == alerts::EventType::evidence_timestamp_failing);
    CHECK(events[0].body.at("status").as_string() == "failing");
    CHECK(events[0].body.at("tsa").as_string() == server.url());
    server.down = false;
    REQUIRE(drive(
        io, [&] { return events.size() == 2; }, 15s));
    CHECK(events[1].body.at("status").as_string() == "resolved");
    CHECK(events[1].id == events[0].id + ":resolved");
    CHECK(store->evidence().timestamps().size() == 1);
    stamper.stop();
}

TEST_CASE("tsa: the daemon queues its checkpoints' stamps and sends them after a restart",
          "[evidence][tsa][daemon]") {
    testing::TempDir dir;
    const TestTsa tsa(dir / "tsa");
    TsaServer server(tsa);
    const auto cfg = dir.write("slawatch.toml", config_text("\n[metrics]\nenabled = false\n" +
                                                            tsa_table(server.url(), tsa.ca())))
                         .string();
    const auto db = (dir / "slawatch.db").string();
    const auto run_daemon = [&](const std::function<bool()>& until) {
        testing::Process daemon({testing::slawatch_bin(), "run", "--config", cfg}, dir.path());
        REQUIRE(testing::eventually(
            [&] { return daemon.err().find("running") != std::string::npos; }, 20s));
        CHECK(testing::eventually(until, 15s));
        daemon.signal(SIGTERM);
        REQUIRE(daemon.wait(30s) == 0);
        return daemon.err();
    };
    const auto tokens = [&] {
        return testing::count_rows(db, "SELECT count(*) FROM evidence_timestamp");
    };
    // Down while the first run stops: its last checkpoint's request waits in the outbox.
    server.down = true;
    run_daemon([] { return true; });
    CHECK(tokens() == 0);
    CHECK(testing::count_rows(db,
                              "SELECT count(*) FROM alert_outbox WHERE state = 'pending' AND "
                              "hook LIKE 'tsa:%'") >= 1);
    server.down = false;
    const auto log = run_daemon([&] { return tokens() >= 1; });
    INFO(log);
    CHECK(tokens() >= 1);
    const auto v = testing::run({testing::slawatch_bin(), "verify", "--config", cfg}, {}, 60s);
    INFO(v.out << v.err);
    CHECK(v.exit_code == 0);
    CHECK_THAT(v.out, Catch::Contains(" checked against their TSA's CA bundle"));
}
