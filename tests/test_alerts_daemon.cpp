// SPDX-License-Identifier: Apache-2.0
// Alert hooks end to end: the real daemon against tcmpp-sim on 127.0.0.1, one
// real down minute (R1: minutes are never shortened for tests), an exec hook,
// a loopback webhook receiver that is down for the whole incident and then
// gets its events in order, a hook that hangs, a hook that leaves a worker
// behind and shows what it was given, and a restart in the middle of the
// incident. Takes about 2 to 3 minutes.

#include "alerts/outbox.hpp"
#include "storage/store.hpp"
#include "tests/support/alerting_daemon.hpp"
#include "tests/support/process.hpp"
#include "tests/support/wall_clock.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>

#include <chrono>
#include <ctime>
#include <mutex>
#include <thread>

using namespace slawatch;
using namespace slawatch::testing;
using namespace std::chrono;
namespace asio = boost::asio;
namespace http = boost::beast::http;

namespace {

std::string hmac_hex(const std::string& key, const std::string& body) {
    // The receiver's side, written independently of alerts::signature().
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
         reinterpret_cast<const unsigned char*>(body.data()), body.size(), mac, &len);
    static const char* hex = "0123456789abcdef";
    std::string out;
    for (unsigned i = 0; i < len; ++i) {
        out += hex[mac[i] >> 4];
        out += hex[mac[i] & 15];
    }
    return out;
}

// A loopback webhook receiver (Asio): records each POST and answers 204.
class Receiver {
public:
    struct Request {
        std::string timestamp;
        std::string signature;
        std::string event_type;
        std::string id;
        std::string content_type;
        std::string body;
    };

    explicit Receiver(std::uint16_t port)
        : acceptor_(io_, {asio::ip::make_address("127.0.0.1"), port}) {
        do_accept();
        thread_ = std::thread([this] { io_.run(); });
    }
    ~Receiver() {
        io_.stop();
        thread_.join();
    }

    std::vector<Request> requests() {
        std::lock_guard lock(mutex_);
        return requests_;
    }

private:
    struct Conn {
        asio::ip::tcp::socket socket;
        boost::beast::flat_buffer buffer;
        http::request<http::string_body> req;
        http::response<http::empty_body> res;
    };

    void do_accept() {
        acceptor_.async_accept([this](boost::system::error_code ec, asio::ip::tcp::socket s) {
            if (ec) return;
            auto c = std::make_shared<Conn>(Conn{std::move(s), {}, {}, {}});
            http::async_read(
                c->socket, c->buffer, c->req,
                [this, c](boost::system::error_code ec, std::size_t) { on_read(c, ec); });
            do_accept();
        });
    }

    void on_read(std::shared_ptr<Conn> c, boost::system::error_code ec) {
        if (ec) return;
        {
            std::lock_guard lock(mutex_);
            requests_.push_back({std::string(c->req["X-Slawatch-Timestamp"]),
                                 std::string(c->req["X-Slawatch-Signature"]),
                                 std::string(c->req["X-Slawatch-Event"]),
                                 std::string(c->req["X-Slawatch-Id"]),
                                 std::string(c->req[http::field::content_type]), c->req.body()});
        }
        c->res.result(http::status::no_content);
        c->res.version(11);
        c->res.keep_alive(false);
        http::async_write(c->socket, c->res, [c](boost::system::error_code, std::size_t) {
            boost::system::error_code ignored;
            c->socket.shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
        });
    }

    asio::io_context io_;
    asio::ip::tcp::acceptor acceptor_;
    std::thread thread_;
    std::mutex mutex_;
    std::vector<Request> requests_;
};

// Lines of the exec hook's log: "<type> <id> <json>"; a line the hook is
// still writing (no newline yet) is not one.
std::vector<std::string> lines_of(const std::filesystem::path& file) {
    std::vector<std::string> out;
    if (!std::filesystem::exists(file)) return out;
    auto text = read_file(file);
    text.erase(text.find_last_of('\n') == std::string::npos ? 0 : text.find_last_of('\n') + 1);
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);)
        if (!line.empty()) out.push_back(line);
    return out;
}

int count_prefix(const std::vector<std::string>& lines, const std::string& prefix) {
    return static_cast<int>(std::count_if(lines.begin(), lines.end(),
                                          [&](const auto& l) { return l.starts_with(prefix); }));
}

std::string executable(const TempDir& dir, const std::string& name, const std::string& text) {
    const auto path = dir.write(name, text);
    ::chmod(path.c_str(), 0755);
    return path.string();
}

const std::string webhook_secret = "whsec-4f1d2b-DO-NOT-LEAK";
const std::string& api_secret_key = alerting_secret_key;
// In the daemon's environment only (the probe reads its files): no hook may see them.
const std::string env_secret_id = "AKIDenvonlyLEAKCHECK000000000001";
const std::string env_secret_key = "envonlyLEAKCHECKsecretkey0000001";

// The receiver's check as docs/alerts.md prints it ("verify-slawatch").
std::string documented_verifier() {
    const auto doc = read_file(std::filesystem::path(SLAWATCH_SOURCE_DIR) / "docs/alerts.md");
    const auto start = doc.find("```python\n#!/usr/bin/env python3\n# verify-slawatch ");
    if (start == std::string::npos) return {};
    const auto code = start + std::string_view("```python\n").size();
    return doc.substr(code, doc.find("```", code) - code);
}

// The descriptors `pid` opened itself (sockets, epoll/event/timer fds, files
// under `dir`) that would survive an exec: "fd -> target" each. What it
// inherited from the test runner is not its own.
std::vector<std::string> inheritable_fds(pid_t pid, const std::filesystem::path& dir) {
    std::vector<std::string> out;
    const std::filesystem::path proc = "/proc/" + std::to_string(pid);
    std::error_code ec;
    for (const auto& e : std::filesystem::directory_iterator(proc / "fd", ec)) {
        const auto fd = e.path().filename().string();
        const auto target = std::filesystem::read_symlink(e.path(), ec).string();
        const bool own = target.starts_with("socket:") || target.starts_with("anon_inode:") ||
                         target.starts_with(dir.string());
        if (fd == "0" || fd == "1" || fd == "2" || !own) continue;
        std::istringstream info(read_file(proc / "fdinfo" / fd));
        for (std::string line; std::getline(info, line);) {
            if (!line.starts_with("flags:")) continue;
            if ((std::stoul(line.substr(6), nullptr, 8) & O_CLOEXEC) == 0)
                out.push_back(fd + " -> " + target);
        }
    }
    return out;
}

std::string fmt_list(const std::vector<std::string>& items) {
    std::string out;
    for (const auto& i : items) out += i + "; ";
    return out;
}

// The worker a hook left behind, killed whatever the test's outcome.
struct Leftover {
    std::filesystem::path pid_file;
    pid_t pid() const {
        return std::filesystem::exists(pid_file) ? std::stoi(read_file(pid_file)) : -1;
    }
    ~Leftover() {
        if (pid() > 0) ::kill(pid(), SIGKILL);
    }
};

}  // namespace

TEST_CASE("alerts: check-config rejects a bad hook with exit 2", "[alerts][daemon]") {
    TempDir dir;
    const auto file = dir.write("bad.toml", R"([contract]
start = 2026-06-01
months = 1
monthly_fee = "1"

[[probe]]
name = "p"
kind = "http"
url = "http://127.0.0.1:9/"

[[alert]]
name = "mail"
kind = "exec"
events = ["incident_opened", "outage"]
)");
    const auto r = run({slawatch_bin(), "check-config", "--config", file.string()});
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("bad.toml:11:1: alert: missing required key 'command'") != std::string::npos);
    CHECK(r.err.find("bad.toml:14:30: alert.events: unknown event type 'outage'") !=
          std::string::npos);
}

TEST_CASE("alerts: an outage reaches exec and webhook hooks once each, across a restart",
          "[alerts][daemon]") {
    TempDir dir;
    const auto sim_port = free_port();
    const auto hook_port = free_port();
    const auto metrics_port = free_port();

    // The first whole minute is down, the next one up; the clock starts just before it.
    auto clock = TestClock::before_minute(10'000);
    const sla::EpochMinute m1 = clock.now_ms() / 60'000 + 1;
    dir.write("hook.secret", webhook_secret + "\n");
    Process sim = down_minute_sim(dir, sim_port, m1, clock.env());
    REQUIRE(wait_for_port(sim_port, seconds(10)));

    const auto log_hook = executable(dir, "log-hook.sh", R"(#!/bin/sh
printf '%s %s ' "$SLAWATCH_EVENT_TYPE" "$SLAWATCH_EVENT_ID" >> "$0.log"
cat >> "$0.log"
echo >> "$0.log"
)");
    // Hangs on its first call (killed at the timeout), delivers on the retry.
    const auto hang_hook = executable(dir, "hang-hook.sh", R"(#!/bin/sh
if [ ! -e "$0.first" ]; then
  echo $$ > "$0.first"
  exec sleep 60
fi
printf '%s %s\n' "$SLAWATCH_EVENT_TYPE" "$SLAWATCH_EVENT_ID" >> "$0.log"
)");
    // Shows what it was given (environment, descriptors) and leaves a worker
    // behind in its own session, as a careless notifier would.
    const auto leaky_hook = executable(dir, "leaky-hook.sh", R"(#!/bin/sh
env > "$0.env"
ls -ln /proc/self/fd > "$0.fds"
setsid sleep 300 &
echo $! > "$0.pid"
)");
    Leftover leftover{leaky_hook + ".pid"};
    const auto today = clock.now_ms() / 1000;
    const std::string config =
        alerting_daemon_toml("alerts-test", today, metrics_port, sim_port) +
        "[[alert]]\nname = \"log\"\nkind = \"exec\"\ncommand = [\"" + log_hook +
        "\"]\n"
        "events = [\"incident_opened\", \"incident_resolved\", \"budget\"]\n\n"
        "[[alert]]\nname = \"chat\"\nkind = \"webhook\"\nurl = \"http://127.0.0.1:" +
        std::to_string(hook_port) +
        "/slawatch\"\nsecret_file = \"hook.secret\"\nbackoff = \"1s\"\nmax_backoff = \"8s\"\n"
        "events = [\"incident_opened\", \"incident_resolved\", \"budget\"]\n\n"
        "[[alert]]\nname = \"leaky\"\nkind = \"exec\"\ncommand = [\"" +
        leaky_hook +
        "\"]\n"
        "events = [\"incident_opened\"]\n\n"
        "[[alert]]\nname = \"hang\"\nkind = \"exec\"\ncommand = [\"" +
        hang_hook +
        "\"]\n"
        "events = [\"incident_opened\"]\ntimeout = \"2s\"\nbackoff = \"1s\"\n";
    const auto config_file = dir.write("slawatch.toml", config);
    const auto checked = run({slawatch_bin(), "check-config", "--config", config_file.string()});
    INFO(checked.err);
    REQUIRE(checked.exit_code == 0);

    auto daemon_env = clock.env();
    daemon_env.insert(daemon_env.end(), {"TENCENTCLOUD_SECRET_ID=" + env_secret_id,
                                         "TENCENTCLOUD_SECRET_KEY=" + env_secret_key,
                                         "CREDENTIALS_DIRECTORY=" + (dir / "creds").string()});
    auto daemon = std::make_unique<Process>(
        std::vector<std::string>{slawatch_bin(), "run", "--config", config_file.string(),
                                 "--log-format", "plain"},
        dir.path(), daemon_env);
    REQUIRE(wait_for_port(metrics_port, seconds(10)));

    // Minute m1 is down: once it is finalized the incident opens and the whole
    // (zero) error budget is spent: 50, 75 and 100 % fire at once.
    const auto log_file = log_hook + ".log";
    const auto opened = "incident_opened incident_opened:" + std::to_string(m1);
    const bool was_opened =
        eventually([&] { return count_prefix(lines_of(log_file), opened) == 1; },
                   milliseconds((m1 + 1) * 60'000 - clock.now_ms() + 25'000));
    INFO("daemon log:\n"
         << daemon->err() << daemon->out() << "\nhook log:\n"
         << (std::filesystem::exists(log_file) ? read_file(log_file) : ""));
    REQUIRE(was_opened);
    CHECK(eventually([&] { return count_prefix(lines_of(log_file), "budget budget:") == 3; },
                     seconds(5)));
    INFO("daemon log:\n" << daemon->err() << daemon->out());

    // The hanging hook was killed at its 2 s timeout and delivered on the retry.
    CHECK(eventually([&] { return lines_of(hang_hook + ".log").size() == 1; }, seconds(10)));
    const auto hung_pid = std::stoi(read_file(hang_hook + ".first"));
    CHECK(::kill(hung_pid, 0) == -1);

    // The leaky hook got its event and nothing of the daemon's: no secret in
    // its environment, no descriptor beyond 0-2 (3 is ls reading the list).
    REQUIRE(eventually([&] { return leftover.pid() > 0; }, seconds(10)));
    const auto hook_env = read_file(leaky_hook + ".env");
    const auto hook_fds = read_file(leaky_hook + ".fds");
    INFO("leaky hook's environment:\n" << hook_env << "\nits descriptors:\n" << hook_fds);
    CHECK(hook_env.find("SLAWATCH_EVENT_TYPE=incident_opened\n") != std::string::npos);
    CHECK(hook_env.find("SLAWATCH_ALERT_NAME=leaky\n") != std::string::npos);
    CHECK(hook_env.find("PATH=") != std::string::npos);
    for (const auto& leak : {std::string("TENCENTCLOUD_"), env_secret_id, env_secret_key,
                             std::string("CREDENTIALS_DIRECTORY"), api_secret_key, webhook_secret})
        CHECK(hook_env.find(leak) == std::string::npos);
    for (const auto& leak : {"socket:", "slawatch.db", ".lock", "creds", "hook.secret", " 4 -> "})
        CHECK(hook_fds.find(leak) == std::string::npos);
    CHECK(hook_fds.find(" 0 -> pipe:") != std::string::npos);
    // Its worker holds nothing but its standard descriptors either.
    std::vector<std::string> worker_fds;
    for (const auto& e :
         std::filesystem::directory_iterator("/proc/" + std::to_string(leftover.pid()) + "/fd"))
        worker_fds.push_back(e.path().filename().string());
    std::sort(worker_fds.begin(), worker_fds.end());
    CHECK(worker_fds == std::vector<std::string>{"0", "1", "2"});
    // And the daemon's own descriptors would not reach any child anyway.
    std::size_t sockets = 0;  // the check below looks at something: the listener at least
    std::error_code ec;
    for (const auto& e :
         std::filesystem::directory_iterator("/proc/" + std::to_string(daemon->pid()) + "/fd", ec))
        sockets += std::filesystem::read_symlink(e.path(), ec).string().starts_with("socket:");
    CHECK(sockets >= 1);
    INFO("inheritable: " << fmt_list(inheritable_fds(daemon->pid(), dir.path())));
    CHECK(
        eventually([&] { return inheritable_fds(daemon->pid(), dir.path()).empty(); }, seconds(3)));

    // Restart in the middle of the incident (minute m1 + 1 is running), once the
    // first run has probed it 4 times (min_samples is 3), the leaky hook's
    // worker still alive: the new daemon binds the same port.
    REQUIRE(clock.now_ms() / 60'000 == m1 + 1);
    sleep_until_ms((m1 + 1) * 60'000 + 17'000 - clock.offset_ms());
    daemon->signal(SIGTERM);
    REQUIRE(daemon->wait(seconds(10)) == 0);
    const auto run1_err = daemon->err() + daemon->out();
    CHECK(run1_err.find("alert chat: delivery failing") != std::string::npos);
    CHECK(run1_err.find("alert hang: delivery failing (killed after the 2000 ms timeout)") !=
          std::string::npos);
    // The second run starts near the end of m1 + 1: the seconds between are time
    // the daemon was down, passed on its clock instead of waited for.
    clock.advance(std::max<std::int64_t>(0, (m1 + 2) * 60'000 - 8'000 - clock.now_ms()));
    daemon = std::make_unique<Process>(
        std::vector<std::string>{slawatch_bin(), "run", "--config", config_file.string(),
                                 "--log-format", "plain"},
        dir.path(), clock.env());
    REQUIRE(wait_for_port(metrics_port, seconds(10)));
    CHECK_FALSE(daemon->wait(seconds(2)));  // running, not "cannot listen on"
    CHECK(::kill(leftover.pid(), 0) == 0);  // while the worker still runs
    INFO("second daemon log:\n" << daemon->err() << daemon->out());
    CHECK((daemon->err() + daemon->out()).find("cannot listen") == std::string::npos);

    // Minute m1 + 1 is up: the incident the first run opened is resolved by the second.
    const auto resolved = "incident_resolved incident_resolved:" + std::to_string(m1);
    REQUIRE(eventually([&] { return count_prefix(lines_of(log_file), resolved) == 1; },
                       milliseconds((m1 + 2) * 60'000 - clock.now_ms() + 25'000)));
    const auto lines = lines_of(log_file);
    CHECK(lines.size() == 5);
    CHECK(count_prefix(lines, opened) == 1);
    CHECK(count_prefix(lines, "budget budget:") == 3);  // not again after the restart
    {
        const auto& line = *std::find_if(lines.begin(), lines.end(),
                                         [&](const auto& l) { return l.starts_with(resolved); });
        const auto body = boost::json::parse(line.substr(line.find('{'))).as_object();
        CHECK(body.at("duration_minutes").as_int64() == 1);
        CHECK(body.at("down_minutes").as_int64() == 1);
        CHECK(body.at("outcomes").at("http_5xx").as_int64() >= 3);
    }

    // The receiver was down for the whole incident (every attempt refused,
    // backing off up to 8 s). Once it is up it gets the five events in the
    // order they happened, each once: opened first, resolved last.
    auto receiver = std::make_unique<Receiver>(hook_port);
    REQUIRE(eventually([&] { return receiver->requests().size() == 5; }, seconds(30)));
    std::this_thread::sleep_for(seconds(2));  // nothing more comes
    const auto got = receiver->requests();
    REQUIRE(got.size() == 5);
    std::vector<std::string> order;
    const auto now_s = clock.now_ms() / 1000;  // the daemon signs on its clock
    for (const auto& r : got) {
        CHECK(r.content_type == "application/json");
        CHECK(std::abs(std::stoll(r.timestamp) - now_s) < 60);
        CHECK(r.signature ==
              "v2=" + hmac_hex(webhook_secret, "v2\n" + r.timestamp + "\n" + r.id + "\n" +
                                                   r.event_type + "\n" + r.body));
        const auto body = boost::json::parse(r.body).as_object();
        CHECK(body.at("type").as_string() == r.event_type);
        CHECK(body.at("id").as_string() == r.id);
        order.push_back(std::string(body.at("id").as_string()));
    }
    const auto m = std::to_string(m1);
    CHECK(order.front() == "incident_opened:" + m);
    CHECK(order.back() == "incident_resolved:" + m);
    CHECK(std::set<std::string>(order.begin(), order.end()).size() == 5);

    // The receiver's check printed in docs/alerts.md accepts a real delivery,
    // and refuses it with another body, dedupe key or event type, replayed
    // later, or under another key.
    const auto verifier = documented_verifier();
    REQUIRE_FALSE(verifier.empty());
    const auto script = dir.write("verify-slawatch.py", verifier).string();
    const auto key_file = (dir / "hook.secret").string();
    const auto& r0 = got.front();
    auto verify = [&](const std::string& ts, const std::string& id, const std::string& type,
                      const std::string& sig, const std::string& body, const std::string& key) {
        return run({"/usr/bin/python3", script, key, ts, id, type, sig}, body).exit_code;
    };
    const auto& id0 = r0.id;
    const auto& type0 = r0.event_type;
    CHECK(verify(r0.timestamp, id0, type0, r0.signature, r0.body, key_file) == 0);
    CHECK(verify(r0.timestamp, id0, type0, r0.signature, r0.body + " ", key_file) == 1);
    CHECK(verify(r0.timestamp, id0 + "0", type0, r0.signature, r0.body, key_file) == 1);
    CHECK(verify(r0.timestamp, id0, "incident_resolved", r0.signature, r0.body, key_file) == 1);
    const auto old_ts = std::to_string(std::stoll(r0.timestamp) - 3600);
    CHECK(verify(old_ts, id0, type0,
                 "v2=" + hmac_hex(webhook_secret,
                                  "v2\n" + old_ts + "\n" + id0 + "\n" + type0 + "\n" + r0.body),
                 r0.body, key_file) == 1);
    // A v1 signature (timestamp and body only) no longer passes the v2 check.
    CHECK(verify(r0.timestamp, id0, type0,
                 "v1=" + hmac_hex(webhook_secret, r0.timestamp + "." + r0.body), r0.body,
                 key_file) == 1);
    const auto other_key = dir.write("other.secret", "another-key\n").string();
    CHECK(verify(r0.timestamp, id0, type0, r0.signature, r0.body, other_key) == 1);

    // /metrics and `alerts list` show the deliveries.
    const auto list = run({slawatch_bin(), "alerts", "list", "--config", config_file.string(),
                           "--format", "json", "--limit", "50"});
    REQUIRE(list.exit_code == 0);
    const auto events = boost::json::parse(list.out).as_array();
    bool hang_retried = false;
    for (const auto& e : events) {
        for (const auto& d : e.at("deliveries").as_array()) {
            if (d.at("hook").as_string() == "hang") {
                hang_retried =
                    d.at("attempts").as_int64() == 2 && d.at("state").as_string() == "delivered";
            }
        }
    }
    CHECK(hang_retried);

    daemon->signal(SIGTERM);
    REQUIRE(daemon->wait(seconds(10)) == 0);

    // R12: no secret in the logs, the events or the database (with its WAL).
    std::string everything = daemon->err() + daemon->out() + run1_err + list.out;
    for (const auto& e : std::filesystem::directory_iterator(dir.path()))
        if (e.path().filename().string().starts_with("slawatch.db"))
            everything += read_file(e.path());
    CHECK(everything.find(webhook_secret) == std::string::npos);
    CHECK(everything.find(api_secret_key) == std::string::npos);
    CHECK(everything.find("incident_opened:" + std::to_string(m1)) != std::string::npos);
}
